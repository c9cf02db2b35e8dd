import type { Diagnostic } from '../../model/diagnostic.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const isDnsLabel = (s: string): boolean => s.length <= 63 && DNS_LABEL.test(s);
export const isDnsSubdomain = (s: string): boolean => s.length <= 253 && DNS_SUBDOMAIN.test(s);

/** FNV-1a: a short, stable suffix that keeps truncated names apart. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Any string → a DNS-1123 label. Names that must be cut to fit keep a hash of
 * the full name, so two long names that share a prefix stay distinct.
 */
export function toDnsLabel(input: string): string {
  const cleaned = input.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  const base = cleaned === '' ? 'x' : cleaned;
  if (base.length <= 63) return base;
  return `${base.slice(0, 54).replace(/-+$/, '')}-${shortHash(input)}`;
}

/**
 * Tracks generated object names per kind. Two app-definition names that
 * normalise to the same object name are an error, never a silent merge.
 */
export class NameRegistry {
  private readonly seen = new Map<string, string>();
  readonly diagnostics: Diagnostic[] = [];

  claim(kind: string, name: string, field: string): string {
    const key = `${kind}/${name}`;
    const previous = this.seen.get(key);
    if (previous !== undefined && previous !== field) {
      this.diagnostics.push({
        severity: 'error',
        code: 'NAME_COLLISION',
        message: `${kind} "${name}" would be generated for both ${previous} and ${field}; rename one of them.`,
        field,
      });
    } else {
      this.seen.set(key, field);
    }
    return name;
  }
}
