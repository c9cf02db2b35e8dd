import { isRecord, toPairs } from './lists.js';

/**
 * Secret values found while importing (from .env, env_file, secret files or
 * literal values of sensitive variables). They are handed back beside the app
 * definition for the caller to put in the secret store; the definition itself
 * holds only references.
 */
export class SecretCollector {
  readonly values: Record<string, string> = {};

  /** Stores `value` under `name`, or under a service-qualified name when `name` already holds another value. */
  add(name: string, value: string, service: string): string {
    const existing = this.values[name];
    if (existing === undefined || existing === value) {
      this.values[name] = value;
      return name;
    }
    const qualified = `${service.toUpperCase().replace(/-/g, '_')}_${name}`;
    this.values[qualified] = value;
    return qualified;
  }
}

const SENSITIVE = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_?KEY|ENCRYPTION_?KEY|SALT)/i;
/** SMTP_PASS, DB_PASS, MYSQL_PWD, PASS: a whole `_`-separated word, so PASSENGER, PATH and BYPASS stay plain. */
const SENSITIVE_WORD = /(^|_)(PASS|PWD|PW)(_|$)/i;

/** Settings about a credential rather than the credential: where it is (`*_FILE`, `*_PATH`), how long it lives, whether it is on. */
const ABOUT_A_SECRET = /_(FILE|PATH|DIR|FILENAME|LENGTH|TTL|EXPIRY|ENABLED)$/i;

/** APP_KEY, LICENSE_KEY, DB_ENC_KEY, STRIPE_SIGNING_KEY, KEY: a name ending in the word KEY holds one… */
const KEY_WORD = /(^|_)KEY$/i;
/** …unless it is meant to be public (a VAPID public key, a reCAPTCHA site key, Stripe's publishable key) or only names one. */
const PUBLIC_KEY = /(PUBLIC|PUBLISHABLE|SITE|CACHE|SORT|PARTITION|PRIMARY|FOREIGN|HOT)_?KEY$/i;

/** Names that by convention hold credentials. */
export const looksSensitive = (name: string): boolean =>
  (SENSITIVE.test(name) || SENSITIVE_WORD.test(name) || (KEY_WORD.test(name) && !PUBLIC_KEY.test(name))) && !ABOUT_A_SECRET.test(name);

const REFERENCE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * The `.env` variables whose values are secrets: those with a credential's name,
 * those a credential variable takes its value from (`POSTGRES_PASSWORD: ${DB_ROOT}`),
 * and those a top-level secret reads (`secrets: {x: {environment: VAR}}`).
 * Read from the document before interpolation, so every place that uses one
 * (`DATABASE_URL: postgres://u:${PG_PASS}@db/x`) can be marked as it is interpolated.
 */
export function secretVariables(raw: unknown, dotenv: Readonly<Record<string, string>>): Set<string> {
  const out = new Set(Object.keys(dotenv).filter((name) => looksSensitive(name) && dotenv[name] !== ''));
  if (!isRecord(raw)) return out;
  const mark = (text: string) => {
    for (const m of text.replaceAll('$$', '').matchAll(REFERENCE)) if (dotenv[m[1]!] !== undefined && dotenv[m[1]!] !== '') out.add(m[1]!);
  };
  for (const service of Object.values(isRecord(raw.services) ? raw.services : {})) {
    if (!isRecord(service)) continue;
    for (const [key, value] of toPairs(service.environment)) if (value !== undefined && looksSensitive(key)) mark(value);
  }
  for (const def of Object.values(isRecord(raw.secrets) ? raw.secrets : {})) {
    if (isRecord(def) && typeof def.environment === 'string' && dotenv[def.environment]) out.add(def.environment);
  }
  return out;
}
