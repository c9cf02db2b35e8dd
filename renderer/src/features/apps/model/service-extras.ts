import { YAMLException } from 'js-yaml';
import { dumpYamlText, loadYaml } from '../../../../../shared/yaml/bounded-yaml';

/** Service fields with their own widgets; everything else is edited as YAML in the "More" field. */
export const FORM_FIELDS = ['image', 'ports', 'routes', 'env', 'mounts', 'healthcheck', 'resources', 'replicas', 'restart'] as const;
const formFields = new Set<string>(FORM_FIELDS);

const isEmpty = (v: unknown) =>
  v === undefined || (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/** The service's other fields as YAML, leaving out empty defaults so the field shows only what the user set. */
export function extrasToYaml(service: Record<string, unknown>): string {
  const extras = Object.fromEntries(Object.entries(service).filter(([k, v]) => !formFields.has(k) && !isEmpty(v)));
  return Object.keys(extras).length === 0 ? '' : dumpYamlText(extras, { lineWidth: -1 });
}

export type ExtrasResult = { ok: true; service: Record<string, unknown> } | { ok: false; message: string; line?: number };

/** Replaces the service's other fields with those in the YAML text; the form's own fields are untouched. */
export function applyExtrasYaml(service: Record<string, unknown>, text: string): ExtrasResult {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : loadYaml(text);
  } catch (err) {
    if (err instanceof YAMLException) return { ok: false, message: err.reason, line: err.mark ? err.mark.line + 1 : undefined };
    throw err;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, message: 'Write fields as "name: value" lines, e.g. "user: app".' };
  }
  const owned = Object.keys(parsed).filter((k) => formFields.has(k));
  if (owned.length > 0) return { ok: false, message: `Set ${owned.join(', ')} in the form above, not here.` };
  const kept = Object.fromEntries(Object.entries(service).filter(([k]) => formFields.has(k)));
  return { ok: true, service: { ...kept, ...(parsed as Record<string, unknown>) } };
}
