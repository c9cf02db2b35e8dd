import { App } from '../../../../../shared/model/app';
import { issueField, issueMessage } from '../../../../../shared/api/issue-messages';

/**
 * The form edits a loose draft, not an App: what the user types stays as typed
 * (a half-written port, an empty image) so nothing is lost, and zod says what
 * is wrong field by field. Only a draft that parses becomes the app that renders.
 */
export type Path = readonly (string | number)[];
export type Draft = Record<string, unknown>;

/** Same spelling as Diagnostic.field, e.g. services.web.routes[0].port, so render diagnostics and form fields meet. */
export const fieldKey = issueField;

export function getIn(value: unknown, path: Path): unknown {
  let cur = value;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

/** Immutable set; undefined removes the key (or the array element) so optional fields disappear when cleared. */
export function setIn<T>(value: T, path: Path, next: unknown): T {
  if (path.length === 0) return next as T;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const child = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[head] : undefined;
  const updated = rest.length === 0 ? next : setIn(child ?? (typeof rest[0] === 'number' ? [] : {}), rest, next);
  if (Array.isArray(value) && typeof head === 'number') {
    const copy = [...value];
    if (updated === undefined) copy.splice(head, 1);
    else copy[head] = updated;
    return copy as T;
  }
  const copy: Record<string | number, unknown> = { ...(value !== null && typeof value === 'object' ? value : {}) };
  if (updated === undefined) delete copy[head];
  else copy[head] = updated;
  return copy as T;
}

/** Renames a record key in place of order, so a renamed service keeps its position in the form. */
export function renameKey<T>(value: T, path: Path, from: string, to: string): T {
  const record = getIn(value, path);
  if (record === null || typeof record !== 'object' || from === to) return value;
  const entries = Object.entries(record as Record<string, unknown>).map(([k, v]) => [k === from ? to : k, v] as const);
  return setIn(value, path, Object.fromEntries(entries));
}

export interface DraftCheck {
  app: App | null;
  /** Form errors by field key. */
  issues: Record<string, string>;
}

export function checkDraft(draft: Draft): DraftCheck {
  const parsed = App.safeParse(draft);
  if (parsed.success) return { app: parsed.data, issues: {} };
  const issues: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = fieldKey(issue.path);
    // The top-level name is the app's; everything else is labelled from its path (issue-messages.ts).
    issues[key] ??= issueMessage(issue, key === 'name' ? 'app name' : undefined);
  }
  return { app: null, issues };
}

/**
 * Number fields are text inputs so a half-typed value stays on screen: an
 * empty field clears the value, a number becomes a number, anything else is
 * kept as typed for zod to flag.
 */
export function numberFromInput(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : text;
}

export function inputFromValue(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}
