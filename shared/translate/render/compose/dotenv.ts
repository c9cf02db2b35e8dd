/**
 * One env file line per entry, in the syntax docker compose reads. Single
 * quotes keep a value literal (no `${}` expansion); values that contain a
 * single quote or a newline fall back to double quotes with `\`, `"`, `$`
 * and newlines escaped.
 */
export function formatDotenv(entries: Array<{ name: string; value: string }>): string {
  return entries.map(({ name, value }) => `${name}=${quote(value)}\n`).join('');
}

function quote(value: string): string {
  if (!value.includes("'") && !/[\r\n]/.test(value)) return `'${value}'`;
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return `"${escaped}"`;
}
