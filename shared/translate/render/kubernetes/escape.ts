/**
 * Kubernetes expands `$(VAR)` and reduces `$$` to `$` in env values, command
 * and args. A string with neither pattern passes through unchanged; any
 * other string has every `$` doubled, which decodes back to the literal.
 */
export const escapeDependentVars = (s: string): string => (/\$[($]/.test(s) ? s.replace(/\$/g, '$$$$') : s);
