import { at, type Origin } from './diagnostics.js';
import { fieldOf, type DraftService, type ServiceContext } from './context.js';
import { isRecord } from './lists.js';
import { parseFileMode } from './units.js';

/** A service's `secrets:`/`configs:` entry, short (`name`) or long (`{source, target, mode}`) syntax. */
function fileReference(entry: unknown): { source: string; target?: string; mode?: unknown } | undefined {
  if (typeof entry === 'string') return { source: entry };
  if (!isRecord(entry) || typeof entry.source !== 'string') return undefined;
  return { source: entry.source, ...(typeof entry.target === 'string' ? { target: entry.target } : {}), ...(entry.mode !== undefined ? { mode: entry.mode } : {}) };
}

/**
 * compose `secrets:` → secret files at /run/secrets/<name> (or the target), their
 * values handed to the secret store. `*_FILE` variables stay as written: the file
 * they name is there on every target.
 */
export function importSecretFiles(raw: unknown, service: DraftService, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  if (!Array.isArray(raw)) return;
  raw.forEach((entry, i) => {
    const o = at(origin, 'secrets', i);
    const ref = fileReference(entry);
    if (!ref) {
      sink.warn('IMPORT_SECRET_INVALID', `secrets[${i}] in "${name}" must be a secret name or {source, target}; it was not imported.`, o, fieldOf(ctx, 'secretFiles'));
      return;
    }
    const def = isRecord(ctx.topSecrets[ref.source]) ? ctx.topSecrets[ref.source] as Record<string, unknown> : undefined;
    if (!def) {
      sink.warn('IMPORT_SECRET_UNDEFINED', `"${name}" uses the secret "${ref.source}", which the top-level secrets section does not define (compose refuses to start it); it was not imported. Define it under secrets: with a file or environment, and import again.`, o, fieldOf(ctx, 'secretFiles'));
      return;
    }
    const value = secretValue(ref.source, def, ctx, o);
    const key = value === undefined ? ref.source : ctx.secrets.add(ref.source, value, name);
    const target = ref.target ?? ref.source;
    const path = target.startsWith('/') ? target : `/run/secrets/${target}`;
    const mode = ref.mode === undefined ? undefined : parseFileMode(ref.mode);
    if (ref.mode !== undefined && (mode === undefined || !/^0?[0-7]{3}$/.test(mode))) {
      sink.warn('IMPORT_SECRET_MODE_INVALID', `The mode "${String(ref.mode)}" of secret "${ref.source}" in "${name}" is not a file mode such as 0440; the default (0444) applies.`, at(o, 'mode'), fieldOf(ctx, 'secretFiles'));
    }
    (service.secretFiles ??= []).push({
      secret: key,
      ...(path !== `/run/secrets/${key}` ? { path } : {}),
      ...(mode !== undefined && /^0?[0-7]{3}$/.test(mode) ? { mode } : {}),
    });
  });
}

function secretValue(source: string, def: Record<string, unknown>, ctx: ServiceContext, o: Origin): string | undefined {
  const { sink, name } = ctx;
  if (typeof def.file === 'string') {
    const content = ctx.files.loadFile?.(def.file);
    if (content === undefined) sink.warn('IMPORT_SECRET_FILE_MISSING', `The file ${def.file} of secret "${source}" (used by "${name}") could not be read; set the secret's value in Berth before deploying.`, o, fieldOf(ctx, 'secretFiles'));
    // The file is the secret byte for byte; only the newline editors add at the end is dropped.
    return content?.replace(/\r?\n$/, '');
  }
  if (typeof def.environment === 'string') {
    const value = ctx.dotenv[def.environment];
    if (value === undefined) sink.warn('IMPORT_SECRET_ENV_UNSET', `Secret "${source}" (used by "${name}") takes its value from ${def.environment}, which is not in the .env file; set the secret's value in Berth before deploying.`, o, fieldOf(ctx, 'secretFiles'));
    return value;
  }
  if (def.external === true || isRecord(def.external)) {
    sink.info('IMPORT_SECRET_EXTERNAL', `Secret "${source}" (used by "${name}") is external, so its value is not in the sources; set it in Berth before deploying.`, o, fieldOf(ctx, 'secretFiles'));
  }
  return undefined;
}

/** compose `configs:` → files of the app, with the content from `content`, `file` or `environment`. */
export function importConfigs(raw: unknown, service: DraftService, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  if (!Array.isArray(raw)) return;
  raw.forEach((entry, i) => {
    const o = at(origin, 'configs', i);
    const ref = fileReference(entry);
    if (!ref) return;
    const target = ref.target ?? `/${ref.source}`;
    const def = isRecord(ctx.topConfigs[ref.source]) ? ctx.topConfigs[ref.source] as Record<string, unknown> : undefined;
    let content: string | undefined;
    let from: string | undefined;
    if (def && typeof def.content === 'string') content = def.content;
    else if (def && typeof def.file === 'string') {
      content = ctx.files.loadFile?.(def.file);
      from = def.file;
    } else if (def && typeof def.environment === 'string') content = ctx.dotenv[def.environment];
    if (content === undefined) {
      sink.warn('IMPORT_CONFIG_UNREADABLE', `The config "${ref.source}" used by "${name}" has no readable content (missing definition, unreadable file or external config); it was not imported. Add it as a file of the app.`, o, fieldOf(ctx, 'files'));
      return;
    }
    const mode = ref.mode === undefined ? undefined : parseFileMode(ref.mode);
    service.files.push({
      path: target.startsWith('/') ? target : `/${target}`,
      content,
      ...(mode && /^0?[0-7]{3}$/.test(mode) ? { mode } : {}),
      ...(from ? { source: from } : {}),
    });
  });
}
