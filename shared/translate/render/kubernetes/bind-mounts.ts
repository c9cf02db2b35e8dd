import type { App, KubernetesDestination } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { toDnsLabel } from '../names.js';
import { FILES_VOLUME } from './pod.js';

export const BIND_VOLUME_SIZE = '1Gi';

/** Unix sockets (the Docker socket above all) reach a daemon on the host; a pod has no such host to rely on. */
export const isSocketBind = (hostPath: string, path: string): boolean => /\.sock$/.test(hostPath) || /\.sock$/.test(path);

/** A model BindMount is a directory, but imported binds of files whose content was not available look like `./nginx.conf`. */
const looksLikeFile = (hostPath: string): boolean => /\.[A-Za-z0-9]{1,5}$/.test(hostPath) && !/\.d$/.test(hostPath);

/** `./data/`, `data` and `./data` are one directory. */
const hostKey = (hostPath: string) => hostPath.replace(/\/+$/, '').replace(/\/{2,}/g, '/').replace(/^(\.\/)+/, '') || hostPath;

function freeName(base: string, taken: Set<string>): string {
  let name = toDnsLabel(base);
  for (let n = 2; taken.has(name); n++) name = toDnsLabel(`${toDnsLabel(base)}-${n}`);
  taken.add(name);
  return name;
}

/**
 * Kubernetes has no host directories to bind, so each host directory becomes
 * one PersistentVolumeClaim mounted at the same path by every service that
 * binds it: services that shared a directory on Docker share the claim. One
 * service's directory is a ReadWriteOnce claim named after the service and
 * mount path; a directory several services bind is named after the directory
 * and is ReadWriteMany (shared: true), because their pods may land on
 * different nodes. The claims join the app as ordinary volumes, so the
 * Recreate and StatefulSet rules apply to them. A claim starts empty, which is
 * said in a warning, never left to be discovered. Socket binds are left in
 * place for the pod renderer to reject.
 */
export function bindMountsAsVolumes(app: App, destination: KubernetesDestination, diagnostics: Diagnostic[]): App {
  const taken = new Set<string>([...Object.keys(app.volumes), FILES_VOLUME]);
  // host directory → the services that bind it, in definition order
  const users = new Map<string, Set<string>>();
  for (const [name, service] of Object.entries(app.services)) {
    for (const m of service.mounts) {
      if ('volume' in m || isSocketBind(m.hostPath, m.path)) continue;
      const key = hostKey(m.hostPath);
      users.set(key, (users.get(key) ?? new Set()).add(name));
    }
  }
  if (users.size === 0) return app;
  const claims = new Map<string, string>(); // host directory (shared) or service + path → claim
  const volumes: App['volumes'] = { ...app.volumes };
  const storage = destination.storageClass ? ` of storage class ${destination.storageClass}` : '';
  const services = Object.fromEntries(Object.entries(app.services).map(([name, service]) => {
    const mounts = service.mounts.map((m, i) => {
      if ('volume' in m || isSocketBind(m.hostPath, m.path)) return m;
      const key = hostKey(m.hostPath);
      const sharers = [...users.get(key)!];
      const shared = sharers.length > 1;
      const claimKey = shared ? key : `${name}\u0000${key}`;
      let volume = claims.get(claimKey);
      if (!volume) {
        volume = freeName(shared ? key.replace(/^\/+/, '') : `${name}-${m.path.replace(/^\/+/, '')}`, taken);
        claims.set(claimKey, volume);
        volumes[volume] = { size: BIND_VOLUME_SIZE, shared };
      }
      const what = shared
        ? `the ${BIND_VOLUME_SIZE} ReadWriteMany PersistentVolumeClaim ${volume}${storage}, shared by ${sharers.join(', ')} as the directory was on Docker`
        : `the new ${BIND_VOLUME_SIZE} ReadWriteOnce PersistentVolumeClaim ${volume}${storage}`;
      const readOnly = m.readOnly ? ` It is mounted read-only, so ${name} will find it empty; if it holds configuration files, list them under files instead.` : '';
      const file = looksLikeFile(m.hostPath) ? ` If ${m.hostPath} is a single file, the pod sees an empty directory at ${m.path}; put the file's content under files instead.` : '';
      diagnostics.push({
        severity: 'warning',
        code: 'BIND_MOUNT_AS_VOLUME',
        message: `${name} binds the host directory ${m.hostPath} at ${m.path}; on Kubernetes this is ${what}, and the host directory's contents are not copied into it.${readOnly}${file} Move the data into the volume after the first deploy (for example with kubectl cp), or declare a named volume under volumes in berth.yaml and mount that instead.`,
        field: `services.${name}.mounts[${i}]`,
      });
      return { volume, path: m.path, readOnly: m.readOnly };
    });
    return [name, { ...service, mounts }];
  }));
  return { ...app, services, volumes };
}
