export type ComposeMount =
  | { kind: 'volume'; source: string | undefined; target: string; readOnly: boolean }
  | { kind: 'bind'; source: string; target: string; readOnly: boolean }
  | { kind: 'content'; target: string; content: string }
  | { kind: 'tmpfs'; target: string; size?: unknown; mode?: unknown }
  | { kind: 'unsupported'; type: string; target: string };

export type MountParse = { mount: ComposeMount } | { error: string };

const isHostPath = (source: string) => /^([/.~]|[A-Za-z]:[\\/])/.test(source);

/** Short syntax: `[SOURCE:]TARGET[:MODE]` where MODE is a comma list (ro, rw, z, Z, nocopy, cached…). */
function parseShort(text: string): MountParse {
  const parts = text.split(':');
  // A Windows drive letter (`C:\data:/data`) splits in two; glue it back.
  if (parts.length > 1 && /^[A-Za-z]$/.test(parts[0]!) && /^[\\/]/.test(parts[1]!)) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  if (parts.length === 1) return { mount: { kind: 'volume', source: undefined, target: parts[0]!, readOnly: false } };
  if (parts.length > 3) return { error: `"${text}" is not SOURCE:TARGET[:MODE]` };
  const [source = '', target = '', mode = ''] = parts;
  if (!target.startsWith('/')) return { error: `the target "${target}" is not an absolute path` };
  const readOnly = mode.split(',').includes('ro');
  if (source === '') return { mount: { kind: 'volume', source: undefined, target, readOnly } };
  return { mount: isHostPath(source) ? { kind: 'bind', source, target, readOnly } : { kind: 'volume', source, target, readOnly } };
}

/** Long syntax; Coolify adds `content` (file written on the server) and `is_directory`, stripped here. */
function parseLong(entry: Record<string, unknown>): MountParse {
  const type = typeof entry.type === 'string' ? entry.type : 'volume';
  const target = typeof entry.target === 'string' ? entry.target : undefined;
  if (!target || !target.startsWith('/')) return { error: `the target "${String(entry.target)}" is not an absolute path` };
  const source = typeof entry.source === 'string' && entry.source !== '' ? entry.source : undefined;
  const readOnly = entry.read_only === true;
  if (typeof entry.content === 'string') return { mount: { kind: 'content', target, content: entry.content } };
  switch (type) {
    case 'volume':
      return { mount: { kind: 'volume', source, target, readOnly } };
    case 'bind':
      if (!source) return { error: 'a bind mount needs a source' };
      return { mount: { kind: 'bind', source, target, readOnly } };
    case 'tmpfs': {
      const options = entry.tmpfs && typeof entry.tmpfs === 'object' ? (entry.tmpfs as Record<string, unknown>) : {};
      return { mount: { kind: 'tmpfs', target, size: options.size, mode: options.mode } };
    }
    default:
      return { mount: { kind: 'unsupported', type, target } };
  }
}

export function parseMount(entry: unknown): MountParse {
  if (typeof entry === 'string') return parseShort(entry);
  if (entry && typeof entry === 'object' && !Array.isArray(entry)) return parseLong(entry as Record<string, unknown>);
  return { error: 'a volume entry must be a string or a mapping' };
}
