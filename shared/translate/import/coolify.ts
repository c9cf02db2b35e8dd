/**
 * Coolify's "magic" variables (coolify.md, bootstrap/helpers/parsers.php):
 * SERVICE_URL_<ID>[_<PORT>] / SERVICE_FQDN_<ID>[_<PORT>] declare a public route for
 * the service that lists them; SERVICE_PASSWORD_* / SERVICE_USER_* / SERVICE_BASE64_*
 * (and kin) are values Coolify generates at deploy time.
 */

const ROUTE_VAR = /^SERVICE_(URL|FQDN)_([A-Z0-9_]+?)(?:_(\d{1,5}))?$/;
const GENERATED_VAR = /^SERVICE_(?:USER|PASSWORD|BASE64|REALBASE64|HEX)(?:_(?:32|64|128))?_[A-Z0-9_]+$/;

export interface RouteVariable {
  kind: 'url' | 'fqdn';
  /** Coolify's identifier, e.g. GHOST in SERVICE_URL_GHOST_2368. */
  id: string;
  port: number | undefined;
}

export function parseRouteVariable(name: string): RouteVariable | undefined {
  const m = ROUTE_VAR.exec(name);
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  return { kind: m[1] === 'URL' ? 'url' : 'fqdn', id: m[2]!, port: port !== undefined && port >= 1 && port <= 65535 ? port : undefined };
}

export const isGeneratedSecret = (name: string): boolean => GENERATED_VAR.test(name);

/** The domain used until the user sets a real one: Coolify assigns domains at deploy time, so none is known at import. */
export const placeholderDomain = (id: string): string =>
  `${id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'app'}.example.com`;

/**
 * Marks a generated secret inside interpolated text so the environment step can
 * turn it into a secret reference. Private-use code points never occur in compose files.
 */
export const SECRET_OPEN = '\uE000';
export const SECRET_CLOSE = '\uE001';
export const secretMarker = (name: string): string => `${SECRET_OPEN}${name}${SECRET_CLOSE}`;
const MARKER = new RegExp(`${SECRET_OPEN}([A-Za-z0-9_]+)${SECRET_CLOSE}`, 'g');

export function markedSecrets(text: string): string[] {
  if (!text.includes(SECRET_OPEN)) return [];
  return [...text.matchAll(MARKER)].map((m) => m[1]!);
}

/** The whole text is exactly one marker: the value is that secret. */
export function soleSecret(text: string): string | undefined {
  const m = new RegExp(`^${SECRET_OPEN}([A-Za-z0-9_]+)${SECRET_CLOSE}$`).exec(text);
  return m?.[1];
}

/** Writes markers back as `${NAME}`, a reference a shell in the container can expand from its environment. */
export const unmarkSecrets = (text: string): string => (text.includes(SECRET_OPEN) ? text.replace(MARKER, (_m, name: string) => `\${${name}}`) : text);
