import { parse as parseDotenv } from 'dotenv';
import { SECRET_CLOSE, SECRET_OPEN, isGeneratedSecret, markedSecrets, parseRouteVariable, placeholderDomain, soleSecret } from './coolify.js';
import { at, type Origin } from './diagnostics.js';
import { fieldOf, type DraftService, type EnvInput, type ServiceContext } from './context.js';
import { isRecord, toPairs } from './lists.js';
import { looksSensitive } from './secrets.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MARKER = new RegExp(`${SECRET_OPEN}([A-Za-z0-9_]+)${SECRET_CLOSE}`, 'g');

function envFileEntries(raw: unknown, ctx: ServiceContext): Array<[string, string]> {
  const { sink, origin, name } = ctx;
  const entries = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const pairs: Array<[string, string]> = [];
  entries.forEach((entry, i) => {
    const path = typeof entry === 'string' ? entry : isRecord(entry) && typeof entry.path === 'string' ? entry.path : undefined;
    const required = !(isRecord(entry) && entry.required === false);
    if (!path) return;
    const content = ctx.files.loadFile?.(path);
    if (content === undefined) {
      if (required) sink.warn('IMPORT_ENV_FILE_MISSING', `env_file ${path} of "${name}" could not be read; its variables are missing. Import from the directory that contains it, or add them to environment.`, at(origin, 'env_file', i), `services.${name}.env`);
      return;
    }
    for (const [key, value] of Object.entries(parseDotenv(content))) pairs.push([key, ctx.interpolate(value, at(origin, 'env_file', i))]);
  });
  return pairs;
}

export function importEnvironment(raw: Record<string, unknown>, service: DraftService, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const fromFiles = envFileEntries(raw.env_file, ctx).map(([k, v]) => [k, v, 'env_file'] as const);
  const fromEnv = toPairs(raw.environment).map(([k, v]) => [k, v, 'environment'] as const);
  for (const [key, value, source] of [...fromFiles, ...fromEnv]) {
    const envOrigin = at(origin, source, key);
    if (!ENV_NAME.test(key)) {
      sink.warn('IMPORT_ENV_NAME_INVALID', `The variable name "${key}" in "${name}" is not valid (letters, digits, underscores; not starting with a digit); it was not imported.`, envOrigin, `services.${name}.env`);
      continue;
    }
    const routeVar = parseRouteVariable(key);
    if (routeVar) {
      const domain = placeholderDomain(routeVar.id);
      service.env[key] = routeVar.kind === 'url' ? `https://${domain}` : domain;
      continue;
    }
    if (value === undefined) {
      // `- KEY` takes its value from compose's environment; Berth's is the .env file.
      const known = ctx.dotenv[key] !== undefined ? ctx.lookup(key) : undefined;
      if (known !== undefined) {
        service.env[key] = envValue(key, known, ctx, envOrigin);
      } else {
        service.env[key] = { secret: key };
        sink.warn('IMPORT_ENV_FROM_HOST', `${key} in "${name}" has no value, so compose would copy it from the machine running compose. Berth never reads that machine's environment: it is now the secret reference "${key}"; set its value in Berth.`, envOrigin, `services.${name}.env.${key}`);
      }
      continue;
    }
    service.env[key] = envValue(key, value, ctx, envOrigin);
  }
}

/** A value with secret markers inside: the secrets become `${secret:NAME}` placeholders, the rest stays as written. */
export const toTemplate = (value: string): string => value.replace(MARKER, (_m, secret: string) => `\${secret:${secret}}`);

function envValue(key: string, value: string, ctx: ServiceContext, origin: Origin): EnvInput {
  const { sink, name } = ctx;
  const sole = soleSecret(value);
  if (sole) return { secret: sole };
  const embedded = [...new Set(markedSecrets(value))];
  if (embedded.length > 0) {
    const generated = embedded.some(isGeneratedSecret) ? ' Berth generates values for Coolify\'s SERVICE_* secrets on first deploy unless you set them.' : '';
    sink.info('IMPORT_SECRET_TEMPLATE', `${key} in "${name}" contains the secret${embedded.length > 1 ? 's' : ''} ${embedded.join(', ')}, so the whole value is secret: it is kept as a template whose secret parts are filled in at deploy time.${generated}`, origin, fieldOf(ctx, `env.${key}`));
    return { template: toTemplate(value) };
  }
  // `AUTH_PASSWORD: true` switches a credential on; a boolean is nobody's secret.
  if (looksSensitive(key) && value !== '' && !/^(true|false)$/i.test(value)) {
    const secret = ctx.secrets.add(key, value, name);
    sink.info('IMPORT_SECRET_DETECTED', `${key} in "${name}" looks like a credential, so the definition references the secret "${secret}" instead of holding its value.`, origin, `services.${name}.env.${key}`);
    return { secret };
  }
  return value;
}
