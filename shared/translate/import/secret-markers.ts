import { markedSecrets, unmarkSecrets } from './coolify.js';
import { fieldOf, type DraftService, type ServiceContext } from './context.js';
import { isRecord } from './lists.js';

/** `sh -c "…"`, `bash -lc …`: the argument after -c is a shell line, which expands `${NAME}` from the environment. */
export const runsShell = (argv: string[]) => argv.some((a, i) => /^-[a-z]*c$/.test(a) && i > 0 && /(^|\/)(ba|da|z|k|a)?sh$/.test(argv[i - 1] ?? ''));

/** Writes every marker in a value as `${NAME}`, collecting the names. */
function unmarkTree(value: unknown, found: Set<string>): unknown {
  if (typeof value === 'string') {
    const marked = markedSecrets(value);
    if (marked.length === 0) return value;
    for (const s of marked) found.add(s);
    return unmarkSecrets(value);
  }
  if (Array.isArray(value)) return value.map((v) => unmarkTree(v, found));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unmarkTree(v, found)]));
  return value;
}

/**
 * Secrets used outside environment values (command, health check, files, labels,
 * verbatim compose keys): the value never goes into the definition. It is
 * written as `${NAME}` and NAME becomes a secret reference in the environment,
 * which a shell line expands; anywhere else the user is told to move it.
 */
export function resolveSecretMarkers(service: DraftService, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const found = new Set<string>();
  const unexpanded: string[] = [];
  const draft = service as Record<string, unknown>;
  for (const key of Object.keys(draft)) {
    if (key === 'env') continue;
    const here = new Set<string>();
    draft[key] = unmarkTree(draft[key], here);
    if (here.size === 0) continue;
    for (const s of here) found.add(s);
    const value = draft[key];
    const shellLine =
      (key === 'healthcheck' && isRecord(value) && typeof value.command === 'string') ||
      ((key === 'command' || key === 'entrypoint') && Array.isArray(value) && runsShell([...(service.entrypoint ?? []), ...(service.command ?? [])]));
    if (!shellLine) unexpanded.push(key);
  }
  for (const secret of found) if (!(secret in service.env)) service.env[secret] = { secret };
  if (unexpanded.length > 0) {
    sink.warn('IMPORT_SECRET_OUTSIDE_ENV', `"${name}" uses the secrets ${[...found].join(', ')} in ${unexpanded.join(', ')}, where no shell expands them; they are written as \${NAME} so no value is in the definition, and NAME is a secret in its environment. Move them into a shell line (sh -c) or an environment variable.`, origin, fieldOf(ctx, unexpanded[0]!));
  }
}
