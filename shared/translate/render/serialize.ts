import { dumpYamlText } from '../../yaml/bounded-yaml.js';

/**
 * Output text is deterministic: key order is the order the renderers build
 * objects in, never the YAML library's, and lines are never folded. Strings
 * of any length are written (see dumpYamlText).
 */
export function dumpYaml(value: unknown): string {
  return dumpYamlText(value, { noRefs: true, lineWidth: -1 });
}

export function dumpYamlDocuments(values: unknown[]): string {
  return values.map((v) => dumpYaml(v)).join('---\n');
}

export function dumpJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
