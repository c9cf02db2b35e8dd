/**
 * Compose accepts `environment`, `labels` and friends as a list of `KEY=VALUE`
 * strings or as a mapping. Both become ordered pairs; a missing value stays undefined
 * (`- KEY` or `KEY:`), which for environment means "take it from the outside".
 */
export function toPairs(value: unknown): Array<[string, string | undefined]> {
  if (Array.isArray(value)) {
    return value.map((entry) => {
      const text = String(entry);
      const eq = text.indexOf('=');
      return eq < 0 ? [text.trim(), undefined] : [text.slice(0, eq).trim(), text.slice(eq + 1)];
    });
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? undefined : scalarText(v)]);
  }
  return [];
}

/** Numbers and booleans written unquoted in YAML become the text compose would pass on. */
export const scalarText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
