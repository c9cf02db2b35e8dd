import type { App, KubernetesDestination } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { toDnsLabel } from '../names.js';
import { FILES_VOLUME } from './pod.js';

export const BIND_VOLUME_SIZE = '1Gi';

/** Unix sockets (the Docker socket above all) reach a daemon on the host; a pod has no such host to rely on. */
export const isSocketBind = (hostPath: string, path: string): boolean => /\.sock$/.test(hostPath) || /\.sock$/.test(path);

/** A model BindMount is a directory, but imported binds of files whose content was not available look like `./nginx.conf`. */
const looksLikeFile = (hostPath: string): boolean => /\.[A-Za-z0-9]{1,5}$/.test(hostPath) && !/\.d$/.test(hostPath);

/**
 * Claim name for a host directory: service and mount path, as a DNS-1123
 * label. A name already taken by a declared volume, the files volume or an
 * earlier bind gets the first free numeric suffix.
 */
function claimName(service: string, path: string, taken: Set<string>): string {
  const base = toDnsLabel(`${service}-${path.replace(/^\/+/, '')}`);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = toDnsLabel(`${base}-${n}`);
  taken.add(name);
  return name;
}

/**
 * Kubernetes has no host directories to bind, so each one becomes a
 * ReadWriteOnce PersistentVolumeClaim mounted at the same path. The claim is
 * added to the app as an ordinary unshared volume, so the Recreate and
 * StatefulSet rules apply to it like to any other. The claim starts empty,
 * which is said in a warning, never left to be discovered. Socket binds are
 * left in place for the pod renderer to reject.
 */
export function bindMountsAsVolumes(app: App, destination: KubernetesDestination, diagnostics: Diagnostic[]): App {
  const taken = new Set<string>([...Object.keys(app.volumes), FILES_VOLUME]);
  const volumes: App['volumes'] = { ...app.volumes };
  let changed = false;
  const services = Object.fromEntries(Object.entries(app.services).map(([name, service]) => {
    const mounts = service.mounts.map((m, i) => {
      if ('volume' in m || isSocketBind(m.hostPath, m.path)) return m;
      changed = true;
      const volume = claimName(name, m.path, taken);
      volumes[volume] = { size: BIND_VOLUME_SIZE, shared: false };
      const storage = destination.storageClass ? ` of storage class ${destination.storageClass}` : '';
      const readOnly = m.readOnly ? ` It is mounted read-only, so ${name} will find it empty; if it holds configuration files, list them under files instead.` : '';
      const file = looksLikeFile(m.hostPath) ? ` If ${m.hostPath} is a single file, the pod sees an empty directory at ${m.path}; put the file's content under files instead.` : '';
      diagnostics.push({
        severity: 'warning',
        code: 'BIND_MOUNT_AS_VOLUME',
        message: `${name} binds the host directory ${m.hostPath} at ${m.path}; on Kubernetes this is the new ${BIND_VOLUME_SIZE} ReadWriteOnce PersistentVolumeClaim ${volume}${storage}, and the host directory's contents are not copied into it.${readOnly}${file} Move the data into the volume after the first deploy (for example with kubectl cp), or declare a named volume under volumes in berth.yaml and mount that instead.`,
        field: `services.${name}.mounts[${i}]`,
      });
      return { volume, path: m.path, readOnly: m.readOnly };
    });
    return [name, { ...service, mounts }];
  }));
  return changed ? { ...app, services, volumes } : app;
}
