import { describe, expect, it } from 'vitest';
import { app } from './support/apps.js';
import { kube } from './support/kube.js';

describe('how the container runs, on Kubernetes', () => {
  it('expresses capabilities, privileged, read-only root and a numeric user as the container securityContext', () => {
    const k = kube(app({ vpn: { image: 'x', capAdd: ['NET_ADMIN', 'CAP_SYS_TIME'], capDrop: ['ALL'], privileged: true, readOnly: true, user: '1000:1000' } }));
    expect(k.pod('vpn').containers[0].securityContext).toEqual({
      runAsUser: 1000, runAsGroup: 1000, capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: ['ALL'] }, privileged: true, readOnlyRootFilesystem: true,
    });
    expect(k.diagnostic('PRIVILEGED_POD')[0]).toMatchObject({ severity: 'info', field: 'services.vpn.privileged' });
    expect(kube(app({ web: { image: 'x', user: 'node' } })).diagnostic('USER_NOT_NUMERIC')[0]).toMatchObject({ severity: 'warning', field: 'services.web.user' });
  });

  it('renders tmpfs and shm_size as memory emptyDirs', () => {
    const k = kube(app({ db: { image: 'x', tmpfs: [{ path: '/tmp', size: '64Mi' }, { path: '/run' }], shmSize: '1Gi' } }));
    const pod = k.pod('db');
    expect(pod.volumes).toEqual([
      { name: 'tmpfs-0-tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'tmpfs-1-run', emptyDir: { medium: 'Memory' } },
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmpfs-0-tmp', mountPath: '/tmp' }, { name: 'tmpfs-1-run', mountPath: '/run' }, { name: 'dshm', mountPath: '/dev/shm' }]);
  });

  it('sets sysctls on the pod and names the unsafe ones', () => {
    const k = kube(app({ db: { image: 'x', sysctls: { 'net.ipv4.ip_unprivileged_port_start': 0, 'net.core.somaxconn': '1024' } } }));
    expect(k.pod('db').securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'net.core.somaxconn', value: '1024' }] });
    const unsafe = k.diagnostic('SYSCTL_UNSAFE');
    expect(unsafe).toHaveLength(1);
    expect(unsafe[0]!.message).toContain('--allowed-unsafe-sysctls=net.core.somaxconn');
    expect(unsafe[0]!.message).not.toContain('ip_unprivileged');
  });

  it('turns extra hosts with addresses into hostAliases and warns about host-gateway', () => {
    const k = kube(app({ web: { image: 'x', extraHosts: [{ host: 'a.local', ip: '10.0.0.5' }, { host: 'b.local', ip: '10.0.0.5' }, { host: 'host.docker.internal', ip: 'host-gateway' }, { host: 'v6', ip: '[::1]' }, { host: 'bad', ip: 'gateway.local' }] } }));
    expect(k.pod('web').hostAliases).toEqual([{ ip: '10.0.0.5', hostnames: ['a.local', 'b.local'] }, { ip: '::1', hostnames: ['v6'] }]);
    expect(k.diagnostic('EXTRA_HOST_NOT_ADDRESS')[0]).toMatchObject({ severity: 'warning', field: 'services.web.extraHosts[4]' });
    expect(k.diagnostic('EXTRA_HOST_GATEWAY')[0]).toMatchObject({ severity: 'warning', field: 'services.web.extraHosts[2]' });
  });

  it('says what init, stop signal and host-IP publishes become', () => {
    const k = kube(app({ web: { image: 'x', init: true, stopSignal: 'SIGQUIT', ipv4Address: '172.20.0.5', ports: [{ port: 80, publish: 8080, hostIp: '127.0.0.1' }] } }, { network: { subnet: '172.20.0.0/16' } }));
    expect(k.diagnostic('FIXED_ADDRESS_IGNORED')[0]).toMatchObject({ severity: 'info', field: 'services.web.ipv4Address' });
    expect(k.diagnostic('INIT_NOT_AVAILABLE')[0]).toMatchObject({ severity: 'info', field: 'services.web.init' });
    expect(k.diagnostic('STOP_SIGNAL_UNSUPPORTED')[0]).toMatchObject({ severity: 'warning', field: 'services.web.stopSignal' });
    expect(k.diagnostic('STOP_SIGNAL_UNSUPPORTED')[0]!.message).toContain('preStop');
    expect(k.diagnostic('PORT_HOST_IP_IGNORED')[0]).toMatchObject({ severity: 'info', field: 'services.web.ports[0].hostIp' });
    expect(k.pod('web').shareProcessNamespace).toBeUndefined();
  });
});

describe('compose keys kept for Docker, on Kubernetes', () => {
  it('gives one diagnostic per key, naming the service and key', () => {
    const k = kube(app({ app: { image: 'x', compose: { logging: { driver: 'json-file' }, ulimits: { nofile: 65535 }, devices: ['/dev/dri:/dev/dri'], network_mode: 'host', cpuset: '0-1' } } }));
    const byField = Object.fromEntries(k.diagnostics.filter((d) => d.field?.startsWith('services.app.compose.')).map((d) => [d.field, [d.severity, d.code]]));
    expect(byField).toEqual({
      'services.app.compose.logging': ['info', 'COMPOSE_KEY_IGNORED'],
      'services.app.compose.ulimits': ['warning', 'COMPOSE_KEY_IGNORED'],
      'services.app.compose.devices': ['warning', 'DEVICES_UNSUPPORTED'],
      'services.app.compose.network_mode': ['warning', 'HOST_NETWORK'],
      'services.app.compose.cpuset': ['warning', 'COMPOSE_KEY_IGNORED'],
    });
    expect(k.diagnostics.find((d) => d.code === 'DEVICES_UNSUPPORTED')!.message).toContain('/dev/dri');
    expect(k.pod('app')).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
  });

  it('refuses a network shared with another service', () => {
    const k = kube(app({ vpn: { image: 'x' }, app: { image: 'x', compose: { network_mode: 'service:vpn' } } }));
    expect(k.diagnostic('NETWORK_MODE_SHARED')[0]).toMatchObject({ severity: 'error', field: 'services.app.compose.network_mode' });
  });

  it('asks for nvidia.com/gpu for GPU reservations, with a note on the device plugin', () => {
    const reservation = { deploy: { resources: { reservations: { devices: [{ driver: 'nvidia', count: 2, capabilities: ['gpu'] }] } } } };
    const k = kube(app({ ml: { image: 'x', resources: { limits: { memory: '1Gi' } }, compose: reservation } }));
    expect(k.pod('ml').containers[0].resources.limits).toEqual({ memory: '1Gi', 'nvidia.com/gpu': '2' });
    expect(k.diagnostic('GPU_RESOURCE')[0]!.message).toContain('device plugin');
    expect(kube(app({ ml: { image: 'x', compose: { gpus: 'all' } } })).pod('ml').containers[0].resources).toEqual({ limits: { 'nvidia.com/gpu': '1' } });
  });

  it('expresses DNS, hostname, platform, tty and security options where Kubernetes can', () => {
    const k = kube(app({ app: { image: 'x', compose: { dns: ['1.1.1.1'], dns_search: ['corp'], hostname: 'box', platform: 'linux/arm64', tty: true, security_opt: ['no-new-privileges:true', 'label:disable'] } } }));
    const pod = k.pod('app');
    expect(pod).toMatchObject({ dnsConfig: { nameservers: ['1.1.1.1'], searches: ['corp'] }, hostname: 'box', nodeSelector: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64' } });
    expect(pod.containers[0]).toMatchObject({ tty: true, securityContext: { allowPrivilegeEscalation: false } });
    expect(k.diagnostic('SECURITY_OPT_IGNORED')[0]!.message).toContain('label:disable');
  });
});
