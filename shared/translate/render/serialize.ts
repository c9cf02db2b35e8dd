import { dump } from 'js-yaml';

/**
 * Output text is deterministic: key order is the order the renderers build
 * objects in, never the YAML library's, and lines are never folded.
 */
export function dumpYaml(value: unknown): string {
  return dump(value, { noRefs: true, lineWidth: -1 });
}

export function dumpYamlDocuments(values: unknown[]): string {
  return values.map((v) => dumpYaml(v)).join('---\n');
}

export function dumpJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
