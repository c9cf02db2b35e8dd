import type { Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { isDnsLabel } from '../names.js';

/** What the verbatim compose keys add to a pod, where Kubernetes can say the same. */
export interface ComposeKeyParts {
  pod: Record<string, unknown>;
  container: Record<string, unknown>;
  securityContext: Record<string, unknown>;
  limits: Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

/** Keys with no Kubernetes counterpart: what happens instead, and what the user can do. */
const IGNORED: Record<string, { severity: 'warning' | 'info'; hint: string }> = {
  logging: { severity: 'info', hint: 'the container writes to stdout/stderr and the cluster\'s log collection applies' },
  ulimits: { severity: 'warning', hint: 'the container runtime\'s default limits apply; raise them in the node\'s container runtime configuration if the service needs more open files or processes' },
  pids_limit: { severity: 'warning', hint: 'the kubelet\'s podPidsLimit applies to every pod on the node' },
  oom_score_adj: { severity: 'info', hint: 'the kubelet sets OOM scores from the pod\'s QoS class; set equal requests and limits for the Guaranteed class' },
  oom_kill_disable: { severity: 'info', hint: 'the kubelet sets OOM scores from the pod\'s QoS class; set equal requests and limits for the Guaranteed class' },
  mem_swappiness: { severity: 'info', hint: 'swap is the node\'s setting (kubelet memorySwap)' },
  memswap_limit: { severity: 'info', hint: 'swap is the node\'s setting (kubelet memorySwap)' },
  cgroup_parent: { severity: 'info', hint: 'the kubelet places pods in its own cgroups' },
  cgroup: { severity: 'info', hint: 'the kubelet places pods in its own cgroups' },
  cpu_shares: { severity: 'info', hint: 'set resources.reservations.cpus instead; requests become CPU shares' },
  cpu_quota: { severity: 'info', hint: 'set resources.limits.cpus instead' },
  cpu_period: { severity: 'info', hint: 'set resources.limits.cpus instead' },
  cpuset: { severity: 'warning', hint: 'pinning CPUs needs the kubelet\'s static CPU manager and a Guaranteed pod' },
  blkio_config: { severity: 'warning', hint: 'Kubernetes has no per-pod block I/O limits' },
  device_cgroup_rules: { severity: 'warning', hint: 'a pod gets host devices only through a device plugin' },
  links: { severity: 'info', hint: 'every Service name resolves in the namespace; a link alias that others use must be an alias of the linked service' },
  external_links: { severity: 'warning', hint: 'containers outside the app are not reachable by name; give them a Service (type ExternalName for an outside host) with an override' },
  volumes_from: { severity: 'warning', hint: 'a pod cannot mount another container\'s volumes; mount the same named volumes in this service' },
  domainname: { severity: 'info', hint: 'pods get the cluster domain' },
  mac_address: { severity: 'info', hint: 'pod addresses come from the cluster network' },
  storage_opt: { severity: 'info', hint: 'set resources limits ephemeral-storage with an override instead' },
  isolation: { severity: 'info', hint: 'isolation is a Windows container option' },
  uts: { severity: 'warning', hint: 'a pod cannot share the node\'s UTS namespace' },
  userns_mode: { severity: 'info', hint: 'pods use the node\'s user namespace unless hostUsers: false is set with an override' },
  group_add: { severity: 'warning', hint: 'add numeric groups as securityContext.supplementalGroups with an override' },
  stop_grace_period: { severity: 'info', hint: 'stopGracePeriodSeconds is the field Berth renders' },
};

function gpuCount(value: unknown): number | 'all' | undefined {
  if (value === 'all' || value === -1) return 'all';
  if (typeof value === 'number' && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** GPUs from `gpus:` or from deploy.resources.reservations.devices (nvidia driver or a gpu capability). */
function gpus(compose: Record<string, unknown>): { count: number | 'all'; key: string } | undefined {
  if (compose.gpus !== undefined) {
    const first = Array.isArray(compose.gpus) ? compose.gpus[0] : compose.gpus;
    const count = isObject(first) ? gpuCount(first.count ?? 'all') : gpuCount(first);
    return { count: count ?? 'all', key: 'gpus' };
  }
  const devices = (((compose.deploy as Record<string, unknown> | undefined)?.resources as Record<string, unknown> | undefined)?.reservations as Record<string, unknown> | undefined)?.devices;
  if (!Array.isArray(devices)) return undefined;
  const gpu = devices.find((d) => isObject(d) && (d.driver === 'nvidia' || list(d.capabilities).includes('gpu')));
  if (!isObject(gpu)) return undefined;
  const ids = list(gpu.device_ids);
  return { count: ids.length > 0 ? ids.length : gpuCount(gpu.count ?? 'all') ?? 'all', key: 'deploy' };
}

/**
 * One diagnostic per compose key kept verbatim for Docker: what Kubernetes
 * does with it. Keys Kubernetes can express are expressed (host network,
 * DNS settings, hostname, platform, GPUs, tty, seccomp/AppArmor unconfined,
 * no-new-privileges); the rest say what happens instead.
 */
export function composeKeyParts(name: string, service: Service, diagnostics: Diagnostic[]): ComposeKeyParts {
  const parts: ComposeKeyParts = { pod: {}, container: {}, securityContext: {}, limits: {} };
  const compose = service.compose ?? {};
  const at = `services.${name}.compose`;
  const say = (key: string, severity: Diagnostic['severity'], code: string, message: string) => diagnostics.push({ severity, code, message, field: `${at}.${key}` });
  const gpu = gpus(compose);
  if (gpu) {
    parts.limits['nvidia.com/gpu'] = String(gpu.count === 'all' ? 1 : gpu.count);
    say(gpu.key, 'info', 'GPU_RESOURCE', `${name} reserves ${gpu.count === 'all' ? 'all GPUs' : `${gpu.count} GPU${gpu.count === 1 ? '' : 's'}`}; on Kubernetes it asks for nvidia.com/gpu: ${parts.limits['nvidia.com/gpu']}${gpu.count === 'all' ? ' (a pod names a count, not "all")' : ''}, which schedules only on nodes running the NVIDIA device plugin. Install the plugin (or the GPU operator), or change the limit with an override.`);
  }

  for (const [key, value] of Object.entries(compose)) {
    if (key === gpu?.key) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    switch (key) {
      case 'network_mode': {
        const mode = String(value);
        if (mode === 'host') {
          // Host networking is what the service asked for (it binds node ports or sees host interfaces), so it is kept, with what it costs.
          parts.pod.hostNetwork = true;
          parts.pod.dnsPolicy = 'ClusterFirstWithHostNet';
          say(key, 'warning', 'HOST_NETWORK', `${name} uses the host's network (network_mode: host); on Kubernetes it runs with hostNetwork: its ports open on whichever node it lands on, two copies cannot share a node, and namespaces enforcing Pod Security baseline reject it. Remove network_mode and declare ports if ${name} only needs to be reachable.`);
        } else if (/^(service|container):/.test(mode)) {
          say(key, 'error', 'NETWORK_MODE_SHARED', `${name} shares the network of ${mode.replace(/^\w+:/, '')} (network_mode: ${mode}); on Kubernetes that means one pod with both containers, which Berth does not render. Deploy to a Docker destination, or remove network_mode and let ${name} reach the other service by its name.`);
        } else if (mode === 'none') {
          say(key, 'warning', 'NETWORK_MODE_IGNORED', `${name} has no network on Docker (network_mode: none); a pod always has one. Add a NetworkPolicy that denies its traffic if that isolation matters.`);
        } else {
          say(key, 'info', 'NETWORK_MODE_IGNORED', `network_mode: ${mode} of ${name} is a Docker network choice; on Kubernetes the pod is on the cluster network and reaches other services by their Service names.`);
        }
        break;
      }
      case 'devices':
        say(key, 'warning', 'DEVICES_UNSUPPORTED', `${name} uses the host devices ${list(value).join(', ')}; a pod gets no host devices on Kubernetes. Use the device plugin for that hardware (GPU, /dev/dri, USB), pin ${name} to the node with the device and mount it with an override (hostPath volume, privileged), or deploy to a Docker destination.`);
        break;
      case 'dns': case 'dns_search': case 'dns_opt': {
        const config = (parts.pod.dnsConfig ??= {}) as Record<string, unknown>;
        if (key === 'dns') config.nameservers = list(value);
        if (key === 'dns_search') config.searches = list(value);
        if (key === 'dns_opt') config.options = list(value).map((o) => { const [n, v] = o.split(':'); return v === undefined ? { name: n } : { name: n, value: v }; });
        say(key, 'info', 'DNS_CONFIG', `${key} of ${name} becomes the pod's dnsConfig; cluster DNS stays first, so Service names still resolve (Kubernetes allows three nameservers in all).`);
        break;
      }
      case 'hostname':
        if (isDnsLabel(String(value))) parts.pod.hostname = String(value);
        say(key, 'info', 'HOSTNAME_LOCAL', `${name} calls itself ${text}${isDnsLabel(String(value)) ? ', which becomes the pod\'s hostname' : ', which is not a DNS label and is left out on Kubernetes'}; other services reach ${name} by its Service name, and by ${text} where they connect to it by that name (an extra Service). Add ${text} to aliases if something outside the app uses it.`);
        break;
      case 'platform': {
        const [os, arch] = String(value).split('/');
        parts.pod.nodeSelector = { ...(os ? { 'kubernetes.io/os': os } : {}), ...(arch ? { 'kubernetes.io/arch': arch } : {}) };
        say(key, 'info', 'PLATFORM_NODE_SELECTOR', `${name} runs on ${text}; on Kubernetes it is scheduled only on such nodes (nodeSelector). Remove platform if the image has a build for your nodes.`);
        break;
      }
      case 'runtime':
        parts.pod.runtimeClassName = String(value);
        say(key, 'warning', 'RUNTIME_CLASS', `${name} uses the ${text} runtime; on Kubernetes that is runtimeClassName ${text}, and the pod is rejected unless the cluster has that RuntimeClass. Create it (the NVIDIA GPU operator creates "nvidia"), or remove runtime.`);
        break;
      case 'tty': case 'stdin_open':
        parts.container[key === 'tty' ? 'tty' : 'stdin'] = value === true;
        say(key, 'info', 'TTY_KEPT', `${key} of ${name} becomes ${key === 'tty' ? 'tty' : 'stdin'} on the container.`);
        break;
      case 'pid': case 'ipc': {
        const mode = String(value);
        if (mode === 'host') {
          parts.pod[key === 'pid' ? 'hostPID' : 'hostIPC'] = true;
          say(key, 'warning', 'HOST_NAMESPACE', `${name} shares the host's ${key} namespace (${key}: host); on Kubernetes it runs with ${key === 'pid' ? 'hostPID' : 'hostIPC'}, which namespaces enforcing Pod Security baseline reject. Remove ${key} if ${name} works without.`);
        } else {
          say(key, 'warning', 'NAMESPACE_SHARING_UNSUPPORTED', `${key}: ${mode} of ${name} has no Kubernetes equivalent across pods and is ignored there. Deploy to a Docker destination if ${name} needs it.`);
        }
        break;
      }
      case 'security_opt': {
        const rest: string[] = [];
        for (const opt of list(value)) {
          if (/^no-new-privileges(:true|=true)?$/.test(opt)) parts.securityContext.allowPrivilegeEscalation = false;
          else if (/^seccomp[:=]unconfined$/.test(opt)) parts.securityContext.seccompProfile = { type: 'Unconfined' };
          else if (/^apparmor[:=]unconfined$/.test(opt)) parts.securityContext.appArmorProfile = { type: 'Unconfined' };
          else rest.push(opt);
        }
        if (rest.length > 0) say(key, 'warning', 'SECURITY_OPT_IGNORED', `security_opt ${rest.join(', ')} of ${name} has no Kubernetes form Berth renders and is ignored there. Set the matching securityContext field (seLinuxOptions, seccompProfile, appArmorProfile) with an override.`);
        else say(key, 'info', 'SECURITY_OPT_KEPT', `security_opt of ${name} becomes the container's securityContext.`);
        break;
      }
      default: {
        const known = IGNORED[key];
        say(key, known?.severity ?? 'warning', 'COMPOSE_KEY_IGNORED', `${key} of ${name} is kept for Docker but has no Kubernetes equivalent, so it is ignored there: ${known?.hint ?? 'add the matching field to the workload with an override if your cluster supports it, or deploy to a Docker destination'}.`);
      }
    }
  }
  return parts;
}
