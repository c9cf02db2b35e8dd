import type { Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { bytesToKubernetes, quantityToBytes } from '../quantity.js';
import { toDnsLabel } from '../names.js';

/** How the container runs, in the parts of a pod spec it lands in. */
export interface RuntimeParts {
  securityContext: Record<string, unknown>;
  podSecurityContext: Record<string, unknown>;
  pod: Record<string, unknown>;
  volumes: Record<string, unknown>[];
  mounts: Record<string, unknown>[];
}

/** Sysctls every kubelet allows (Kubernetes "safe" set, 1.32); any other needs the node's --allowed-unsafe-sysctls. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);

/** Docker takes CAP_NET_ADMIN or NET_ADMIN; the container runtime adds CAP_ itself, so Kubernetes wants the bare name. */
const capability = (c: string) => c.toUpperCase().replace(/^CAP_/, '');

const memoryVolume = (name: string, size: string | undefined) => ({
  name, emptyDir: { medium: 'Memory', ...(size ? { sizeLimit: bytesToKubernetes(quantityToBytes(size)) } : {}) },
});

export function runtimeParts(name: string, service: Service, diagnostics: Diagnostic[]): RuntimeParts {
  const at = `services.${name}`;
  const parts: RuntimeParts = { securityContext: {}, podSecurityContext: {}, pod: {}, volumes: [], mounts: [] };
  const sc = parts.securityContext;

  if (service.user) {
    const match = /^(\d+)(?::(.+))?$/.exec(service.user);
    if (match) {
      sc.runAsUser = Number(match[1]);
      if (match[2] !== undefined && /^\d+$/.test(match[2])) sc.runAsGroup = Number(match[2]);
      else if (match[2] !== undefined) diagnostics.push({ severity: 'warning', code: 'USER_NOT_NUMERIC', message: `Kubernetes sets groups by number; the group "${match[2]}" of ${name} is ignored there and the image's group applies. Use a numeric uid:gid.`, field: `${at}.user` });
    } else {
      diagnostics.push({ severity: 'warning', code: 'USER_NOT_NUMERIC', message: `Kubernetes sets users by number; "${service.user}" of ${name} is ignored there and the image's user applies. Use a numeric uid[:gid].`, field: `${at}.user` });
    }
  }
  if (service.capAdd?.length || service.capDrop?.length) {
    sc.capabilities = {
      ...(service.capAdd?.length ? { add: service.capAdd.map(capability) } : {}),
      ...(service.capDrop?.length ? { drop: service.capDrop.map(capability) } : {}),
    };
  }
  if (service.privileged) {
    sc.privileged = true;
    diagnostics.push({ severity: 'info', code: 'PRIVILEGED_POD', message: `${name} runs privileged; namespaces that enforce the baseline or restricted Pod Security level reject it. Label the namespace pod-security.kubernetes.io/enforce=privileged, or drop privileged and add only the capabilities ${name} needs.`, field: `${at}.privileged` });
  }
  if (service.readOnly) sc.readOnlyRootFilesystem = true;

  service.tmpfs?.forEach((t, i) => {
    const volume = toDnsLabel(`tmpfs-${i}-${t.path.replace(/^\/+/, '')}`);
    parts.volumes.push(memoryVolume(volume, t.size));
    parts.mounts.push({ name: volume, mountPath: t.path });
    if (t.mode) {
      diagnostics.push({ severity: 'info', code: 'TMPFS_MODE_IGNORED', message: `The tmpfs at ${t.path} of ${name} asks for mode ${t.mode}; a Kubernetes memory emptyDir is always world-writable (0777) without the sticky bit. Set fsGroup with an override if ${name} needs a group to own it.`, field: `${at}.tmpfs[${i}].mode` });
    }
  });
  if (service.shmSize) {
    // Kubernetes gives every container a 64 MB /dev/shm; a larger one is a memory emptyDir mounted over it.
    parts.volumes.push(memoryVolume('dshm', service.shmSize));
    parts.mounts.push({ name: 'dshm', mountPath: '/dev/shm' });
  }

  const sysctls = Object.entries(service.sysctls ?? {});
  if (sysctls.length > 0) {
    parts.podSecurityContext.sysctls = sysctls.map(([key, value]) => ({ name: key, value: String(value) }));
    const unsafe = sysctls.map(([key]) => key).filter((key) => !SAFE_SYSCTLS.has(key));
    if (unsafe.length > 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'SYSCTL_UNSAFE',
        message: `${name} sets ${unsafe.join(', ')}, which Kubernetes counts as unsafe: the pod is rejected (SysctlForbidden) on nodes whose kubelet does not allow them. Start the kubelet with --allowed-unsafe-sysctls=${unsafe.join(',')} on the nodes that run ${name}, or remove them if ${name} works without.`,
        field: `${at}.sysctls`,
      });
    }
  }

  const byIp = new Map<string, string[]>();
  service.extraHosts?.forEach((h, i) => {
    if (h.ip === 'host-gateway') {
      diagnostics.push({ severity: 'warning', code: 'EXTRA_HOST_GATEWAY', message: `${name} maps ${h.host} to host-gateway (the Docker host); a pod has no fixed host to reach and ${h.host} is left out on Kubernetes. Point ${name} at a Service, or at the node's address with an override of hostAliases.`, field: `${at}.extraHosts[${i}]` });
      return;
    }
    const ip = h.ip.replace(/^\[(.*)\]$/, '$1');
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && !/^[0-9a-f:.]*:[0-9a-f:.]*$/i.test(ip)) {
      diagnostics.push({ severity: 'warning', code: 'EXTRA_HOST_NOT_ADDRESS', message: `${name} maps ${h.host} to ${h.ip}, which is not an IP address; Kubernetes host aliases take addresses only, so ${h.host} is left out there. Use the address instead.`, field: `${at}.extraHosts[${i}]` });
      return;
    }
    byIp.set(ip, [...(byIp.get(ip) ?? []), h.host]);
  });
  if (byIp.size > 0) parts.pod.hostAliases = [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));

  if (service.init) {
    diagnostics.push({ severity: 'info', code: 'INIT_NOT_AVAILABLE', message: `${name} asks for an init process (init: true); Kubernetes has no such option (shareProcessNamespace is not the same: it makes the pause container PID 1 for all containers). If ${name} leaves zombie processes, use an image that runs tini or dumb-init as its entrypoint.`, field: `${at}.init` });
  }
  if (service.stopSignal && !/^(SIG)?TERM$/i.test(service.stopSignal)) {
    diagnostics.push({ severity: 'warning', code: 'STOP_SIGNAL_UNSUPPORTED', message: `${name} stops on ${service.stopSignal}, but Kubernetes always sends SIGTERM. Add a preStop hook that sends ${service.stopSignal} (for example kill -${service.stopSignal.replace(/^SIG/i, '')} 1) with an override, or make sure ${name} shuts down cleanly on SIGTERM.`, field: `${at}.stopSignal` });
  }
  for (const key of ['ipv4Address', 'ipv6Address'] as const) {
    if (service[key] === undefined) continue;
    diagnostics.push({ severity: 'info', code: 'FIXED_ADDRESS_IGNORED', message: `${name} has the fixed address ${service[key]} on Docker; pod addresses come from the cluster network, so on Kubernetes others reach ${name} by its Service name. Point anything that uses the address at ${name} instead.`, field: `${at}.${key}` });
  }
  service.ports.forEach((p, i) => {
    if (p.hostIp !== undefined) {
      diagnostics.push({ severity: 'info', code: 'PORT_HOST_IP_IGNORED', message: `Port ${p.port} of ${name} is published on ${p.hostIp} only on Docker; Kubernetes has no host address to bind${p.publish !== undefined ? `, and the LoadBalancer Service ${name}-public is open to whatever network the load balancer faces` : ''}. Remove publish if the port should stay internal.`, field: `${at}.ports[${i}].hostIp` });
    }
  });
  return parts;
}
