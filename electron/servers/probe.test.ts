import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseProbeOutput, probeHost } from './probe.js';
import { LocalHost } from '../local/local-host.js';

/** What the probe should find here, read without a shell: /etc/os-release's PRETTY_NAME. */
function osName(): string | undefined {
  const text = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];
}

describe('probe', () => {
  it('reads versions, flavours and disk space from the script output', () => {
    const out = [
      'os=Ubuntu 24.04 LTS',
      'arch=x86_64',
      'docker=27.1.1',
      'compose_plugin=v2.29.1',
      'compose_standalone=docker-compose version 1.29.2, build 5becea4c',
      'kubectl=Client Version: v1.30.2',
      'k8s=k3s',
      'k8s=microk8s',
      'free_kb=1024',
    ].join('\n');
    expect(parseProbeOutput(out, new Date(0))).toEqual({
      os: 'Ubuntu 24.04 LTS',
      arch: 'x86_64',
      docker: '27.1.1',
      compose: { flavor: 'plugin', version: '2.29.1' },
      kubectl: '1.30.2',
      kubernetes: ['k3s', 'microk8s'],
      freeDiskBytes: 1024 * 1024,
      probedAt: new Date(0).toISOString(),
    });
  });

  it('reports the daemon version only, or that the daemon did not answer and why, and standalone compose', () => {
    const parsed = parseProbeOutput('os=Debian\narch=aarch64\ndocker_client=Docker version 28.2.2, build e6534b4\ndocker_error=Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\ncompose_plugin=\ncompose_standalone=1.29.2\nfree_kb=\n');
    expect(parsed.docker).toBeNull();
    expect(parsed.dockerClient).toBe('28.2.2');
    expect(parsed.dockerError).toBe('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    expect(parsed.compose).toEqual({ flavor: 'standalone', version: '1.29.2' });
    expect(parsed.kubectl).toBeNull();
    expect(parsed.kubernetes).toEqual([]);
    expect(parsed.freeDiskBytes).toBeNull();
    expect(parseProbeOutput('docker_client=Docker version 28.2.2\ndocker=28.3.0\n')).toMatchObject({ docker: '28.3.0', dockerClient: '28.2.2' });
    expect(parseProbeOutput('docker_client=Docker version 28.2.2\ndocker_error=\n').dockerError).toBe('the daemon did not answer');
  });

  it('reports each Kubernetes distribution with its program and admin kubeconfig', () => {
    const out = [
      'k8s=k3s',
      'k8s_probe=2',
      'k8s_bin=k3s /usr/local/bin/k3s',
      'k8s_bin=microk8s /snap/bin/microk8s',
      'k8s_config=k3s unreadable /etc/rancher/k3s/k3s.yaml',
      'k8s_config=k0s readable /var/lib/k0s/pki/admin.conf',
    ].join('\n');
    const parsed = parseProbeOutput(out);
    // microk8s outside the SSH user's PATH and k0s seen only by its kubeconfig still count.
    expect(parsed.kubernetes).toEqual(['k3s', 'microk8s', 'k0s']);
    expect(parsed.kubernetesFound).toEqual([
      { distribution: 'k3s', binary: '/usr/local/bin/k3s', kubeconfig: { path: '/etc/rancher/k3s/k3s.yaml', readable: false } },
      { distribution: 'microk8s', binary: '/snap/bin/microk8s', kubeconfig: null },
      { distribution: 'k0s', binary: null, kubeconfig: { path: '/var/lib/k0s/pki/admin.conf', readable: true } },
    ]);
    expect(parseProbeOutput('k8s_probe=2\n').kubernetesFound).toEqual([]);
  });

  it('probes this computer for real', async () => {
    const result = await probeHost(new LocalHost());
    expect(result.arch).toBe(os.machine());
    expect(result.os).toBe(osName() ?? `${os.type()} ${os.release()}`);
    expect(result.freeDiskBytes).toBeGreaterThan(0);
    // With the docker CLI installed, either the daemon answered with its version or the probe says why not.
    if (result.dockerClient) expect(result.docker !== null || (result.dockerError ?? '').length > 0).toBe(true);
    // The script reports Kubernetes details; none of the three runs here.
    expect(result.kubernetesFound).toEqual(result.kubernetes.map((d) => expect.objectContaining({ distribution: d })));
  });
});
