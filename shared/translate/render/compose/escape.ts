/**
 * Compose interpolates `$` in every value, including labels, commands and
 * config content. Berth never relies on interpolation, so each literal `$`
 * becomes `$$`. Keys are left alone: compose does not interpolate them.
 */
export function escapeComposeValues(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeComposeValues);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeComposeValues(v)]));
  }
  return value;
}
