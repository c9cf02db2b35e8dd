import { at, type Origin } from './diagnostics.js';
import { fieldOf, type DraftService, type ServiceContext } from './context.js';
import { inlineFile, readConfigDirectory, type ReadDirectory } from './bound-files.js';
import { parseByteSize, parseFileMode } from './units.js';
import { parseMount, type ComposeMount } from './volumes.js';

/** `./data/`, `data/../data` and `./data` are one directory; a renderer can then make one claim of it. */
export function normaliseHostPath(source: string): string {
  const absolute = source.startsWith('/');
  const home = source.startsWith('~');
  const out: string[] = [];
  for (const part of source.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..' && !(home && out.length === 1)) out.pop();
    else out.push(part);
  }
  const joined = out.join('/');
  if (absolute) return `/${joined}`;
  if (home || /^[A-Za-z]:/.test(source)) return joined || source;
  return joined === '' ? '.' : joined.startsWith('..') ? joined : `./${joined}`;
}

/** Beside the compose file: a relative path, which the loaders can read. */
const isLocal = (source: string) => !/^([/~]|[A-Za-z]:[\\/])/.test(source);
/** `nginx.conf`, `.htpasswd`, `cert.pem`: a name with an extension, but not a `conf.d` directory. */
const looksLikeFile = (source: string) => {
  const base = source.replace(/\/+$/, '').split('/').pop() ?? '';
  return /\.[A-Za-z0-9_-]{1,10}$/.test(base) && !/\.d$/.test(base);
};
/** conf, config, etc, settings, *.d, or a name built from them (`nginx-conf`). */
const looksLikeConfig = (source: string, target: string) => {
  const base = source.replace(/\/+$/, '').split('/').pop() ?? '';
  return /(^|[-_.])(conf|config|configs|configuration|etc|settings|templates?)([-_.]|$)|\.d$/i.test(base) || /^\/etc\//.test(target);
};

export function importVolumes(raw: unknown, service: DraftService, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  if (!Array.isArray(raw)) return;
  raw.forEach((entry, i) => {
    const o = at(origin, 'volumes', i);
    const parsed = parseMount(entry);
    if ('error' in parsed) {
      sink.warn('IMPORT_VOLUME_INVALID', `volumes[${i}] in "${name}": ${parsed.error}; it was not imported.`, o, fieldOf(ctx, 'mounts'));
      return;
    }
    const m = parsed.mount;
    switch (m.kind) {
      case 'volume': {
        let source = m.source;
        if (source === undefined) {
          source = `${name}-data-${i}`;
          sink.warn('IMPORT_ANONYMOUS_VOLUME', `The anonymous volume at ${m.target} in "${name}" became the named volume "${source}", so its data survives redeploys.`, o, fieldOf(ctx, 'mounts'));
        }
        service.mounts.push({ volume: ctx.useVolume(source, o), path: m.target, readOnly: m.readOnly });
        break;
      }
      case 'bind':
        importBind(m, service, ctx, o);
        break;
      case 'content':
        service.files.push({ path: m.target, content: m.content });
        break;
      case 'tmpfs':
        addTmpfs(service, ctx, o, m.target, m.size, m.mode);
        break;
      case 'unsupported':
        sink.warn('IMPORT_UNSUPPORTED_MOUNT_TYPE', `The ${m.type} mount at ${m.target} in "${name}" is not supported; it was not imported. Use a named volume or a bind instead.`, o, fieldOf(ctx, 'mounts'));
        break;
    }
  });
}

export function addTmpfs(service: DraftService, ctx: ServiceContext, o: Origin, path: string, size: unknown, mode: unknown): void {
  const entry: NonNullable<DraftService['tmpfs']>[number] = { path };
  if (size !== undefined && size !== null) {
    const parsed = parseByteSize(size);
    if (parsed) entry.size = parsed;
    else ctx.sink.warn('IMPORT_TMPFS_SIZE_INVALID', `The tmpfs size "${String(size)}" at ${path} in "${ctx.name}" is not a size such as 64m; the tmpfs has no size limit. Fix the size.`, o, fieldOf(ctx, 'tmpfs'));
  }
  if (mode !== undefined && mode !== null) {
    const parsed = parseFileMode(mode);
    if (parsed) entry.mode = parsed;
    else ctx.sink.warn('IMPORT_TMPFS_MODE_INVALID', `The tmpfs mode "${String(mode)}" at ${path} in "${ctx.name}" is not an octal mode such as 1777; the default applies. Fix the mode.`, o, fieldOf(ctx, 'tmpfs'));
  }
  (service.tmpfs ??= []).push(entry);
}

function importBind(m: Extract<ComposeMount, { kind: 'bind' }>, service: DraftService, ctx: ServiceContext, o: Origin): void {
  const { sink, name, files } = ctx;
  const f = fieldOf(ctx, 'mounts');
  const keepBind = () => service.mounts.push({ hostPath: normaliseHostPath(m.source), path: m.target, readOnly: m.readOnly });
  if (/docker\.sock$/.test(m.source)) {
    sink.warn('IMPORT_DOCKER_SOCKET', `"${name}" mounts the Docker socket (${m.source}), which gives it full control of the server (as privileged as root). It is kept for Docker targets; Kubernetes has no equivalent.`, o, f);
    keepBind();
    return;
  }
  if (!isLocal(m.source)) {
    keepBind();
    return;
  }
  const source = normaliseHostPath(m.source);
  if (!files.loadFile && !files.loadBytes) {
    if (looksLikeFile(source) || m.readOnly) sink.warn('IMPORT_BIND_SOURCE_UNREAD', `"${name}" binds ${source} at ${m.target}, which was not read (this import had no access to the files beside the compose file), so it stays a host path on the server. Import from the compose file's folder to make it a file of the app.`, o, f);
    keepBind();
    return;
  }

  const file = inlineFile(source, m.target, files);
  if (file && 'tooLarge' in file) {
    sink.info('IMPORT_BIND_FILE_TOO_LARGE', `${source} bound at ${m.target} in "${name}" is larger than ${file.limit} bytes, so it stays a host file on the server instead of a file of the app. Make it a volume for Kubernetes.`, o, f);
    keepBind();
    return;
  }
  if (file) {
    service.files.push(file);
    sink.info('IMPORT_BIND_FILE_INLINED', `${source} bound at ${m.target} in "${name}" is now a file of the app (its content is in the definition), so it is written into the container on every target. If the service writes to it, make it a volume instead.`, o, fieldOf(ctx, 'files'));
    return;
  }

  const dir: ReadDirectory | undefined = files.listDir ? readConfigDirectory(source, m.target, files) : undefined;
  if (dir) {
    const configLike = m.readOnly || looksLikeConfig(source, m.target);
    if (configLike && dir.files.length > 0 && !dir.tooLarge) {
      service.files.push(...dir.files);
      sink.info('IMPORT_BIND_DIR_INLINED', `The directory ${source} bound at ${m.target} in "${name}" holds configuration, so ${dir.files.length > 1 ? `its ${dir.files.length} files are now files` : 'its one file is now a file'} of the app under ${m.target}. If the service writes there, make it a volume instead.`, o, fieldOf(ctx, 'files'));
      return;
    }
    if (configLike && dir.tooLarge) {
      sink.info('IMPORT_BIND_DIR_TOO_LARGE', `The directory ${source} bound at ${m.target} in "${name}" has more than ${dir.limits.files} files or ${dir.limits.bytes} bytes, so it stays a host directory on the server rather than files of the app.`, o, f);
    }
    keepBind();
    return;
  }

  if (looksLikeFile(source) && files.listDir) {
    sink.error('IMPORT_BIND_SOURCE_MISSING', `"${name}" binds the file ${source} at ${m.target}, but ${source} does not exist beside the compose file. Add the file (Docker would mount an empty directory in its place) or remove the mount, and import again.`, o, f);
  } else if (looksLikeFile(source) || m.readOnly) {
    sink.warn('IMPORT_BIND_SOURCE_MISSING', `"${name}" binds ${source} at ${m.target} (read-only), which could not be read beside the compose file; it stays a host path, so it must exist on the server. Add it beside the compose file and import again to ship it with the app.`, o, f);
  }
  keepBind();
}
