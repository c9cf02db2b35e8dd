import type { Service } from '../../../model/app.js';
import { bytesToCompose, quantityToBytes } from '../quantity.js';

/**
 * How the container runs, as compose keys (names as compose spells them).
 * A tmpfs with a size or mode needs the long volume syntax; a plain one
 * stays in `tmpfs:`.
 */
export function runtimeKeys(service: Service): { keys: Record<string, unknown>; tmpfsVolumes: Record<string, unknown>[] } {
  const keys: Record<string, unknown> = {};
  if (service.capAdd?.length) keys.cap_add = service.capAdd;
  if (service.capDrop?.length) keys.cap_drop = service.capDrop;
  if (service.privileged !== undefined) keys.privileged = service.privileged;
  if (service.readOnly !== undefined) keys.read_only = service.readOnly;
  if (service.init !== undefined) keys.init = service.init;
  if (service.stopSignal) keys.stop_signal = service.stopSignal;
  if (service.shmSize) keys.shm_size = bytesToCompose(quantityToBytes(service.shmSize));
  if (service.sysctls && Object.keys(service.sysctls).length > 0) keys.sysctls = service.sysctls;
  // Docker splits host:ip at the first colon, so IPv6 addresses need no brackets.
  if (service.extraHosts?.length) keys.extra_hosts = service.extraHosts.map((h) => `${h.host}:${h.ip}`);
  const plain = (service.tmpfs ?? []).filter((t) => t.size === undefined && t.mode === undefined).map((t) => t.path);
  if (plain.length > 0) keys.tmpfs = plain;
  const tmpfsVolumes = (service.tmpfs ?? []).filter((t) => t.size !== undefined || t.mode !== undefined).map((t) => {
    const options: Record<string, unknown> = {};
    if (t.size !== undefined) options.size = quantityToBytes(t.size);
    if (t.mode !== undefined) options.mode = parseInt(t.mode, 8);
    return { type: 'tmpfs', target: t.path, tmpfs: options };
  });
  return { keys, tmpfsVolumes };
}
