import os from 'node:os';
import { KubernetesDistribution, LOCAL_SERVER_ID, type KubernetesFound, type ProbeResult } from '../../shared/model/server.js';
import type { Host } from '../hosts/host.js';

/**
 * What a server runs, found in one round trip. The script is fixed text:
 * nothing user-supplied is ever pasted into it.
 */
const PROBE_SCRIPT = `
os=$( (. /etc/os-release 2>/dev/null && printf '%s' "$PRETTY_NAME") || true)
[ -n "$os" ] || os=$(uname -sr 2>/dev/null)
echo "os=$os"
echo "arch=$(uname -m 2>/dev/null)"
if command -v docker >/dev/null 2>&1; then
  echo "docker_client=$(docker --version 2>/dev/null)"
  if v=$(docker version --format '{{.Server.Version}}' 2>&1) && [ -n "$v" ]; then
    echo "docker=$v"
  else
    echo "docker_error=$(printf '%s\n' "$v" | grep -v '^[[:space:]]*$' | tail -n 1)"
  fi
  echo "compose_plugin=$(docker compose version --short 2>/dev/null)"
fi
command -v docker-compose >/dev/null 2>&1 && echo "compose_standalone=$(docker-compose version --short 2>/dev/null)"
command -v kubectl >/dev/null 2>&1 && echo "kubectl=$(kubectl version --client 2>/dev/null | head -n 1)"
for k in k3s k0s microk8s; do command -v "$k" >/dev/null 2>&1 && echo "k8s=$k"; done
echo "k8s_probe=2"
for k in k3s k0s microk8s; do
  p=$(command -v "$k" 2>/dev/null) || p=
  for b in "/usr/local/bin/$k" "/usr/bin/$k" "/snap/bin/$k"; do [ -n "$p" ] || { [ -x "$b" ] && p=$b; }; done
  [ -n "$p" ] && echo "k8s_bin=$k $p"
done
for c in k3s:/etc/rancher/k3s/k3s.yaml k0s:/var/lib/k0s/pki/admin.conf microk8s:/var/snap/microk8s/current/credentials/client.config; do
  f=\${c#*:}
  if [ -r "$f" ]; then echo "k8s_config=\${c%%:*} readable $f"; elif [ -e "$f" ]; then echo "k8s_config=\${c%%:*} unreadable $f"; fi
done
dir=/var/lib/docker; [ -d "$dir" ] || dir=/
echo "free_kb=$(df -Pk "$dir" 2>/dev/null | awk 'NR==2 {print $4}')"
exit 0
`;

const VERSION = /v?(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?)/;

function version(text: string | undefined): string | null {
  return text ? (VERSION.exec(text)?.[1] ?? null) : null;
}

export function parseProbeOutput(output: string, probedAt: Date = new Date()): ProbeResult {
  const values = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    values.set(key, [...(values.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  const one = (key: string) => values.get(key)?.[0] || undefined;
  const plugin = version(one('compose_plugin'));
  const standalone = version(one('compose_standalone'));
  const freeKb = Number(one('free_kb'));
  return {
    os: one('os') ?? null,
    arch: one('arch') ?? null,
    // Only the daemon's own version says Docker works; the client alone cannot run anything.
    docker: version(one('docker')),
    ...(values.has('docker_client') ? { dockerClient: version(one('docker_client')) } : {}),
    ...(values.has('docker_error') ? { dockerError: one('docker_error') ?? 'the daemon did not answer' } : {}),
    compose: plugin ? { flavor: 'plugin', version: plugin } : standalone ? { flavor: 'standalone', version: standalone } : null,
    kubectl: version(one('kubectl')),
    ...kubernetesFields(values),
    freeDiskBytes: one('free_kb') && Number.isFinite(freeKb) ? freeKb * 1024 : null,
    probedAt: probedAt.toISOString(),
  };
}

const isDistribution = (k: string | undefined): k is KubernetesDistribution => KubernetesDistribution.safeParse(k).success;

/**
 * k3s, k0s and microk8s found by their program on PATH (the original check),
 * at their usual install paths, or by their admin kubeconfig. Details come
 * only from a probe script that reports them (k8s_probe=2).
 */
function kubernetesFields(values: Map<string, string[]>): Pick<ProbeResult, 'kubernetes' | 'kubernetesFound'> {
  const found = new Map<KubernetesDistribution, KubernetesFound>();
  const entry = (distribution: KubernetesDistribution) => {
    let e = found.get(distribution);
    if (!e) found.set(distribution, (e = { distribution, binary: null, kubeconfig: null }));
    return e;
  };
  for (const k of values.get('k8s') ?? []) if (isDistribution(k)) entry(k);
  for (const line of values.get('k8s_bin') ?? []) {
    const [k, ...rest] = line.split(' ');
    if (isDistribution(k) && rest.length) entry(k).binary = rest.join(' ');
  }
  for (const line of values.get('k8s_config') ?? []) {
    const [k, access, ...rest] = line.split(' ');
    if (isDistribution(k) && rest.length) entry(k).kubeconfig = { path: rest.join(' '), readable: access === 'readable' };
  }
  const list = [...found.values()];
  return { kubernetes: list.map((f) => f.distribution), ...(values.has('k8s_probe') ? { kubernetesFound: list } : {}) };
}

export async function probeHost(host: Host, platform: NodeJS.Platform = process.platform): Promise<ProbeResult> {
  if (host.id === LOCAL_SERVER_ID && platform === 'win32') {
    return { os: `${os.type()} ${os.release()}`, arch: os.arch(), docker: null, compose: null, kubectl: null, kubernetes: [], freeDiskBytes: null, probedAt: new Date().toISOString() };
  }
  const result = await host.exec(['sh', '-c', PROBE_SCRIPT]);
  return parseProbeOutput(result.stdout);
}
