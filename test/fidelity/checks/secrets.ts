import { isRecord } from '../compose-model.js';
import type { CheckContext } from '../checker.js';
import { containerOf, envOf } from '../kube-model.js';

const SECRET_WORDS = new Set(['PASS', 'PASSWORD', 'PASSWD', 'PWD', 'PW', 'SECRET', 'SECRETS', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'SALT', 'AUTHKEY']);
/** `<word>_KEY` that names no secret: a public or publishable key, a key prefix. */
const NOT_SECRET_KEYS = new Set(['PUBLIC', 'PUBLISHABLE', 'SITE', 'PREFIX', 'PRIMARY', 'FOREIGN', 'SORT', 'PARTITION']);
/** Names that describe a secret without being one: EXPIRY_HOURS, _FILE paths, _USER names, flags. */
const NOT_SECRET = new Set(['ID', 'IDS', 'NAME', 'USER', 'USERNAME', 'FILE', 'PATH', 'DIR', 'HOURS', 'DAYS', 'SECONDS', 'MINUTES', 'TTL', 'EXPIRY', 'EXP', 'IN',
  'LENGTH', 'MIN', 'MAX', 'ENABLED', 'ENABLE', 'DISABLED', 'DISABLE', 'REQUIREMENTS', 'TIMEOUT', 'LIMIT', 'PORT', 'HOST', 'MODE', 'TYPE', 'PROVIDER', 'ALGORITHM',
  'REGION', 'BUCKET', 'EMAIL', 'POLICY', 'URL', 'ENDPOINT']);

/** Whether a variable name says its value is secret: PG_PASS, SMTP_PASSWORD, API_KEY, JWT_SECRET… */
export function sensitiveName(name: string): boolean {
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  const last = words.at(-1) ?? '';
  if (NOT_SECRET.has(last)) return false;
  if (last === 'KEY') return !NOT_SECRET_KEYS.has(words.at(-2) ?? '');
  return words.some((w) => SECRET_WORDS.has(w));
}

/** Values no one would call secret material: flags, small numbers, empty. */
export const trivialValue = (v: string | null | undefined): boolean =>
  v === null || v === undefined || v.trim().length < 3 || /^(true|false|yes|no|on|off|null|none|changeme)$/i.test(v.trim()) || /^\d{1,5}$/.test(v.trim());

interface Secret { value: string; source: string; services: string[] }

const bounded = (v: string) => new RegExp(`(?<![A-Za-z0-9])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g');
/** Occurrences of a value as a whole token: `secret` is not in `secretKeyRef` or `app-secrets`. */
const count = (text: string, v: string) => text.match(bounded(v))?.length ?? 0;
const contains = (text: string, v: string) => count(text, v) > 0;

/** Class 6: no secret value in plain text in berth.yaml, compose.yaml or the manifests; only masked env and Secret files hold them. */
export function checkSecrets(ctx: CheckContext): void {
  const o = ctx.original;
  const services = Object.values(o.doc.services);
  const fromDotenv: Secret[] = Object.entries(o.dotenv).filter(([k, v]) => sensitiveName(k) && !trivialValue(v))
    .map(([k, v]) => ({ value: v, source: `.env ${k}`, services: services.filter((s) => Object.values(s.environment).some((x) => x?.includes(v))).map((s) => s.name) }));
  const secrets: Secret[] = [...fromDotenv];
  for (const s of services) {
    for (const [key, value] of Object.entries(s.environment)) {
      const inside = fromDotenv.filter((d) => value?.includes(d.value)).map((d) => d.value);
      const own = sensitiveName(key) && !trivialValue(value) ? [value!] : [];
      const carried = [...new Set([...own, ...inside])];
      if (carried.length === 0) continue;
      for (const v of own) if (!secrets.some((x) => x.value === v)) secrets.push({ value: v, source: `${s.name} ${key}`, services: [s.name] });
      checkPosition(ctx, s.name, key, carried);
    }
  }
  for (const [name, def] of Object.entries(o.doc.secrets)) {
    const content = typeof def.file === 'string' ? o.files[def.file] : undefined;
    if (typeof content === 'string' && !trivialValue(content)) secrets.push({ value: content.trim(), source: `secret ${name}`, services: services.filter((s) => s.secrets.some((x) => x.source === name)).map((s) => s.name) });
  }
  // A value that also appears in the original where it is no secret (POSTGRES_USER: postgres beside POSTGRES_PASSWORD: postgres) cannot be told apart in text.
  const literal = (v: string) => services.filter((s) => Object.entries(s.environment).some(([k, x]) => x === v && sensitiveName(k))).length;
  // A plain word (secret, minioadmin) also shows up as a word in the output; only the variable's own value says it leaked.
  const distinctive = secrets.filter((x) => x.value.length >= 6 && !/^[a-z]+$/.test(x.value) && count(o.rawText, x.value) <= literal(x.value));
  scanTexts(ctx, distinctive);
}

function checkPosition(ctx: CheckContext, service: string, key: string, values: string[]): void {
  const name = ctx.outName(service);
  const leaks = (text: string | null | undefined) => typeof text === 'string' && values.some((v) => contains(text, v));
  const subject = `environment.${key}`;
  const terms = [key];
  const appValue = ctx.app?.services[name]?.env;
  const raw = isRecord(appValue) ? appValue[key] : undefined;
  const plain = typeof raw === 'string' ? raw : isRecord(raw) && typeof raw.value === 'string' ? raw.value : undefined;
  if (ctx.app) ctx.record({ check: 'secrets', target: 'app', destination: 'berth.yaml', service, subject, problem: leaks(plain) ? 'plain value in berth.yaml' : undefined, terms, diagnostics: [] });
  for (const out of ctx.compose) {
    const v = out.doc.services[name]?.environment[key];
    ctx.record({ check: 'secrets', target: 'compose', destination: out.destination, service, subject, problem: leaks(v) ? 'plain value in compose.yaml' : undefined, terms, diagnostics: out.diagnostics });
  }
  for (const out of ctx.kube) {
    const c = containerOf(out.index, name)?.container;
    const e = c ? envOf(c).get(key) : undefined;
    ctx.record({ check: 'secrets', target: 'kubernetes', destination: out.destination, service, subject, problem: leaks(e?.value as string | undefined) ? 'plain env value in the manifests' : undefined, terms, diagnostics: out.diagnostics });
  }
}

/** Distinctive secret values anywhere in the plain files: berth.yaml, compose.yaml, caddy.json, manifests other than Secrets. */
function scanTexts(ctx: CheckContext, secrets: Secret[]): void {
  const found = (text: string, v: string) => contains(text, v) || contains(text, v.replaceAll('$', '$$')) || contains(text, JSON.stringify(v).slice(1, -1));
  for (const secret of secrets) {
    const service = secret.services[0] ?? '';
    const subject = `value of ${secret.source}`;
    const terms = [secret.source.split(' ').at(-1)!];
    if (ctx.berthYaml !== undefined) ctx.record({ check: 'secrets', target: 'app', destination: 'berth.yaml', service, also: secret.services, subject, problem: found(ctx.berthYaml, secret.value) ? 'in plain text in berth.yaml' : undefined, terms, diagnostics: [] });
    for (const out of ctx.compose) {
      const plain = out.files.filter((f) => !/(^|\/)\.env\.|(^|\/)\.secrets\//.test(f.path));
      const where = plain.filter((f) => found(f.content, secret.value)).map((f) => f.path);
      ctx.record({ check: 'secrets', target: 'compose', destination: out.destination, service, also: secret.services, subject, problem: where.length ? `in plain text in ${where.join(', ')}` : undefined, terms, diagnostics: out.diagnostics });
    }
    for (const out of ctx.kube) {
      const where = out.index.objects.filter((obj) => obj.kind !== 'Secret' && found(JSON.stringify(obj), secret.value)).map((obj) => `${String(obj.kind)} ${String(isRecord(obj.metadata) ? obj.metadata.name : '')}`);
      ctx.record({ check: 'secrets', target: 'kubernetes', destination: out.destination, service, also: secret.services, subject, problem: where.length ? `in plain text in ${where.join(', ')}` : undefined, terms, diagnostics: out.diagnostics });
    }
  }
}
