const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
const SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go duration syntax as compose uses it (`1m30s`, `500ms`) → seconds; undefined when not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.replace(DURATION_PART, '') !== '') return undefined;
  let total = 0;
  for (const m of text.matchAll(DURATION_PART)) total += Number(m[1]) * SECONDS[m[2]!]!;
  return Math.round(total * 1000) / 1000;
}

const BYTES = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i;
const BINARY_SUFFIX: Record<string, string> = { k: 'Ki', m: 'Mi', g: 'Gi', t: 'Ti' };

/**
 * Docker byte sizes (`512m`, `1g`, `1gb`, raw bytes) → a Kubernetes-style quantity.
 * Docker's units are powers of 1024, so `512m` is `512Mi`.
 */
export function parseByteSize(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? String(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = BYTES.exec(value.trim());
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  if (unit === '' || unit === 'b') return Number.isInteger(Number(m[1])) ? m[1] : undefined;
  return `${m[1]}${BINARY_SUFFIX[unit]}`;
}

/** Compose `cpus` (number or numeric string) → a positive number of CPUs. */
export function parseCpus(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * A file mode as compose writes it (`0440`, `"0440"`, or the number YAML made of
 * it) → octal text. YAML 1.2 reads `0440` as the decimal 440, and `0o440` as 288;
 * digits that are all octal are taken as written, anything else as a number.
 */
export function parseFileMode(value: unknown): string | undefined {
  let text: string | undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) text = /^[0-7]{3,4}$/.test(String(value)) ? String(value) : value.toString(8);
  else if (typeof value === 'string') text = value.trim().replace(/^0o/i, '');
  if (text === undefined || !/^[0-7]{1,4}$/.test(text)) return undefined;
  return text.padStart(4, '0').slice(-4);
}
