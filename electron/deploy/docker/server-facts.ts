import type Docker from 'dockerode';
import { ApiError } from '../../../shared/api/errors.js';
import { ReleaseInfo, type LockInfo } from '../../../shared/model/deploy.js';
import type { Host } from '../../hosts/host.js';
import { DEFAULT_DOCKER_SOCKET, dockerApi } from './docker-api.js';
import { DockerCli, ServerLayout, parseComposeVersion, type ComposeFlavour } from './docker-cli.js';

/** A lock whose heartbeat (refreshed every 10 s) is older than this belongs to a Berth that stopped. */
export const STALE_LOCK_SECONDS = 60;
const RECORD_SEPARATOR = '\u001e';

/** What a plan needs to know about the server, read before anything changes there. */
export interface ServerFacts {
  layout: ServerLayout;
  cli: DockerCli;
  api: Docker;
  dockerVersion: string;
  /** BuildKit through buildx; without it `docker build` uses the classic builder. */
  buildkit: boolean;
  /** Newest first. */
  releases: ReleaseInfo[];
  serving?: ReleaseInfo;
  lock?: LockInfo;
  proxy?: { running: boolean; image: string; migratesRequests: boolean };
  /**
   * Whether the kernel can move connections queued on a closing SO_REUSEPORT
   * listener to its successor (net.ipv4.tcp_migrate_req, Linux 5.14+). Caddy
   * reopens its listeners on every config change; without this, connections
   * that arrive in that instant are reset.
   */
  canMigrateRequests: boolean;
  networks: Set<string>;
  /** Image reference → image id, for the references asked about that exist on the server. */
  images: Map<string, string>;
  /** Compose projects of this app that run but belong to no serving release: leftovers of an interrupted deploy. */
  leftovers: { project: string; containers: string[] }[];
}

export async function inspectServer(host: Host, options: { app: string; socket?: string; imageRefs: string[] }): Promise<ServerFacts> {
  const { home, socket } = await homeAndSocket(host, options.socket);
  const layout = new ServerLayout(home);
  const api = dockerApi(host, socket);

  const dockerVersion = await api.version().then((v) => v.Version, (err: Error) => {
    throw new ApiError('UNAVAILABLE', `Docker's daemon on ${host.label} did not answer at ${socket}: ${err.message}. Start it (sudo systemctl start docker), add the SSH user to the docker group, or set the destination's Docker socket (rootless Docker: /run/user/<uid>/docker.sock).`);
  });
  const compose = await detectCompose(host, socket);
  const cli = new DockerCli(socket, compose);
  const buildkit = (await host.exec(cli.docker('buildx', 'version'))).exitCode === 0;

  const releases = await readReleases(host, layout.releasesDir(options.app));
  const serving = releases.find((r) => r.state === 'serving');
  const lock = await readLock(host, layout.lockDir(options.app));

  const [containers, networks] = await Promise.all([
    api.listContainers({ all: true, filters: { label: ['berth.app=' + options.app] } }),
    api.listNetworks(),
  ]);
  const servingProject = serving ? projectOf(serving) : undefined;
  const byProject = new Map<string, string[]>();
  for (const c of containers) {
    const project = c.Labels['com.docker.compose.project'];
    if (!project || project === `${options.app}-state` || project === servingProject) continue;
    byProject.set(project, [...(byProject.get(project) ?? []), c.Id]);
  }
  const proxyInfo = await api.getContainer('berth-proxy').inspect().then((c) => ({
    running: c.State.Running,
    image: c.Config.Image,
    migratesRequests: (c.HostConfig as { Sysctls?: Record<string, string> }).Sysctls?.['net.ipv4.tcp_migrate_req'] === '1',
  }), () => undefined);
  const canMigrateRequests = (await host.exec(['test', '-e', '/proc/sys/net/ipv4/tcp_migrate_req'])).exitCode === 0;
  const images = new Map<string, string>();
  await Promise.all(options.imageRefs.map(async (ref) => {
    const id = await api.getImage(ref).inspect().then((i) => i.Id, () => undefined);
    if (id) images.set(ref, id);
  }));

  return {
    layout,
    cli,
    api,
    dockerVersion,
    buildkit,
    releases,
    serving,
    lock,
    proxy: proxyInfo,
    canMigrateRequests,
    networks: new Set(networks.map((n) => n.Name)),
    images,
    leftovers: [...byProject].map(([project, ids]) => ({ project, containers: ids })),
  };
}

/** The SSH user's home, and the Docker socket: the destination's, else a unix:// DOCKER_HOST the server sets, else the default. */
export async function homeAndSocket(host: Host, configured?: string): Promise<{ home: string; socket: string }> {
  const { stdout } = await host.exec(['sh', '-c', 'printf "%s\\n%s" "$HOME" "$DOCKER_HOST"']);
  const [home = '', dockerHost = ''] = stdout.split('\n');
  if (!home.startsWith('/')) throw new ApiError('INTERNAL', `Could not read the home directory of the SSH user on ${host.label}.`);
  const fromEnv = dockerHost.startsWith('unix://') ? dockerHost.slice('unix://'.length) : undefined;
  return { home, socket: configured ?? fromEnv ?? DEFAULT_DOCKER_SOCKET };
}

/** The compose project a release ran as (a rollback runs the project of the release it restores). */
export function projectOf(release: ReleaseInfo & { project?: string }): string {
  return release.project ?? `${release.app}-${release.id}`;
}

async function detectCompose(host: Host, socket: string): Promise<ComposeFlavour> {
  const env = socket === DEFAULT_DOCKER_SOCKET ? [] : ['-H', `unix://${socket}`];
  const plugin = await host.exec(['docker', ...env, 'compose', 'version', '--short']).catch(() => undefined);
  const pluginVersion = plugin?.exitCode === 0 ? parseComposeVersion(plugin.stdout) : undefined;
  if (pluginVersion && pluginVersion.major >= 2) return { kind: 'plugin', ...pluginVersion };
  const standalone = await host.exec(['docker-compose', 'version', '--short']).catch(() => undefined);
  const standaloneVersion = standalone?.exitCode === 0 ? parseComposeVersion(standalone.stdout) : undefined;
  if (standaloneVersion) return { kind: 'standalone', ...standaloneVersion };
  throw new ApiError('UNAVAILABLE', `Docker Compose is not installed on ${host.label}. Install the compose plugin (apt-get install docker-compose-plugin, or see docs.docker.com/compose/install) and deploy again.`);
}

async function readReleases(host: Host, dir: string): Promise<ReleaseInfo[]> {
  const script = `for f in "$1"/*/release.json; do [ -f "$f" ] && { cat "$f"; printf '\\n${RECORD_SEPARATOR}\\n'; }; done; true`;
  const { stdout } = await host.exec(['sh', '-c', script, 'sh', dir]);
  const out: ReleaseInfo[] = [];
  for (const chunk of stdout.split(RECORD_SEPARATOR)) {
    if (!chunk.trim()) continue;
    try {
      const parsed = ReleaseInfo.passthrough().safeParse(JSON.parse(chunk));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // A half-written release.json of an interrupted deploy; the rest of the history still counts.
    }
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : -1));
}

export async function readLock(host: Host, dir: string): Promise<LockInfo | undefined> {
  const script = `[ -d "$1" ] || exit 3; cat "$1/info.json" 2>/dev/null; printf '\\n${RECORD_SEPARATOR}\\n'; now=$(date +%s); beat=$(stat -c %Y "$1/heartbeat" 2>/dev/null || stat -c %Y "$1"); echo $((now - beat))`;
  const result = await host.exec(['sh', '-c', script, 'sh', dir]);
  if (result.exitCode === 3) return undefined;
  const [json = '', age = ''] = result.stdout.split(RECORD_SEPARATOR);
  let info: Partial<LockInfo> = {};
  try {
    info = JSON.parse(json) as Partial<LockInfo>;
  } catch {
    // A lock directory without its info file: created by a Berth that died right after mkdir.
  }
  const heartbeatAgeSeconds = Number(age.trim());
  return {
    by: info.by ?? 'unknown',
    berthVersion: info.berthVersion ?? 'unknown',
    releaseId: info.releaseId ?? 'unknown',
    startedAt: info.startedAt ?? 'unknown',
    heartbeatAgeSeconds: Number.isFinite(heartbeatAgeSeconds) ? heartbeatAgeSeconds : undefined,
    stale: !Number.isFinite(heartbeatAgeSeconds) || heartbeatAgeSeconds > STALE_LOCK_SECONDS,
  };
}
