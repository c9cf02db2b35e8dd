import type { FileLoaders, ServiceInput } from './context.js';

type FileInput = NonNullable<ServiceInput['files']>[number];

/** A bound config directory becomes files only while it stays small: a data or source tree stays a bind. */
export const DIRECTORY_LIMITS = { files: 64, bytes: 1024 * 1024, depth: 6 };
/** A single bound file larger than this stays a bind (a database file, a media file). */
export const FILE_LIMIT = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function readBytes(path: string, loaders: FileLoaders): Uint8Array | string | undefined {
  if (loaders.loadBytes) return loaders.loadBytes(path);
  return loaders.loadFile?.(path);
}

/** Text stays text; anything that is not UTF-8 (or holds NUL bytes) is kept as base64. A script keeps its execute bit. */
function toFile(path: string, source: string, data: Uint8Array | string): FileInput {
  let content: string | undefined;
  if (typeof data === 'string') content = data;
  else {
    try {
      content = utf8.decode(data);
    } catch {
      content = undefined;
    }
  }
  const text = content !== undefined && !content.includes('\0');
  return {
    path,
    content: text ? content! : toBase64(typeof data === 'string' ? new TextEncoder().encode(data) : data),
    ...(text ? {} : { encoding: 'base64' as const }),
    ...(text && content!.startsWith('#!') ? { mode: '0755' } : {}),
    source,
  };
}

const sizeOf = (data: Uint8Array | string) => (typeof data === 'string' ? new TextEncoder().encode(data).length : data.length);

/** The bound file as a file of the app; undefined when the source is not a readable file. */
export function inlineFile(source: string, target: string, loaders: FileLoaders): FileInput | { tooLarge: true; limit: number } | undefined {
  const data = readBytes(source, loaders);
  if (data === undefined) return undefined;
  if (sizeOf(data) > FILE_LIMIT) return { tooLarge: true, limit: FILE_LIMIT };
  return toFile(target, source, data);
}

export interface ReadDirectory {
  files: FileInput[];
  /** More files or bytes than DIRECTORY_LIMITS allow: reading stopped. */
  tooLarge: boolean;
  limits: typeof DIRECTORY_LIMITS;
}

/** Reads a directory tree into files under `target`, stopping as soon as it is too large; undefined when `source` is no directory. */
export function readConfigDirectory(source: string, target: string, loaders: FileLoaders): ReadDirectory | undefined {
  const listDir = loaders.listDir;
  if (!listDir || listDir(source) === undefined) return undefined;
  const files: FileInput[] = [];
  let bytes = 0;
  const walk = (rel: string, depth: number): boolean => {
    const entries = listDir(rel === '' ? source : `${source}/${rel}`) ?? [];
    for (const entry of [...entries].sort()) {
      const child = rel === '' ? entry.replace(/\/$/, '') : `${rel}/${entry.replace(/\/$/, '')}`;
      if (entry.endsWith('/')) {
        if (depth >= DIRECTORY_LIMITS.depth || !walk(child, depth + 1)) return false;
        continue;
      }
      const data = readBytes(`${source}/${child}`, loaders);
      if (data === undefined) continue;
      bytes += sizeOf(data);
      if (files.length >= DIRECTORY_LIMITS.files || bytes > DIRECTORY_LIMITS.bytes) return false;
      files.push(toFile(`${target.replace(/\/+$/, '')}/${child}`, `${source}/${child}`, data));
    }
    return true;
  };
  const complete = walk('', 0);
  return { files: complete ? files : [], tooLarge: !complete, limits: DIRECTORY_LIMITS };
}
