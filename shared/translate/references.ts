/**
 * Which services reach which, by name and port: the host names that appear in
 * other services' environment, command, entrypoint, health check and files
 * (`TIKA: http://tika:9998`, `DB_HOST: db` with `DB_PORT: 5432`,
 * `redis://cache:6379/0`, nginx's `proxy_pass http://app:3000`). The importer
 * gives every reachable service the ports it is used on; renderers and the
 * fidelity check can ask the same question of a finished app.
 */

/** The parts of a service that may name another one (app-definition shape, input or parsed). */
export interface ReferenceSource {
  image?: string | undefined;
  env?: Record<string, string | { value: string } | { secret: string } | { template: string }> | undefined;
  command?: string[] | undefined;
  entrypoint?: string[] | undefined;
  healthcheck?: { command?: string | string[] | undefined } | undefined;
  files?: Array<{ path: string; content: string; encoding?: 'utf8' | 'base64' | undefined }> | undefined;
  aliases?: string[] | undefined;
  containerName?: string | undefined;
}

export interface HostUse {
  /** The service whose text names the host (may be the target itself, e.g. its own health check). */
  from: string;
  /** Where: `env.TIKA`, `command`, `entrypoint`, `healthcheck`, `files:/etc/nginx/conf.d/default.conf`. */
  where: string;
  /** The host name as written (the service name, an alias or the container name). */
  host: string;
  /** The port the client uses: written, the URL scheme's default, or a sibling `*_PORT` variable. */
  port?: number;
}

const SCHEME_PORTS: Record<string, number> = {
  http: 80, https: 443, ws: 80, wss: 443, redis: 6379, rediss: 6379, postgres: 5432, postgresql: 5432,
  mysql: 3306, mariadb: 3306, mongodb: 27017, amqp: 5672, amqps: 5671, nats: 4222, mqtt: 1883, ldap: 389,
  ldaps: 636, smtp: 25, memcached: 11211, ftp: 21, clickhouse: 9000,
};

const WELL_KNOWN_PORTS: Array<[RegExp, number]> = [
  [/(^|\/)(postgres|postgis\/postgis|pgvector\/pgvector|timescale\/timescaledb|supabase\/postgres)(:|@|$)/, 5432],
  [/(^|\/)(mysql|mariadb|percona)(:|@|$)/, 3306],
  [/(^|\/)(redis|valkey\/valkey|valkey|eqalpha\/keydb|redis\/redis-stack-server|bitnami\/redis)(:|@|$)/, 6379],
  [/(^|\/)(mongo|bitnami\/mongodb)(:|@|$)/, 27017],
  [/(^|\/)memcached(:|@|$)/, 11211],
  [/(^|\/)rabbitmq(:|@|$)/, 5672],
  [/(^|\/)(elasticsearch|elasticsearch\/elasticsearch|opensearchproject\/opensearch)(:|@|$)/, 9200],
  [/(^|\/)getmeili\/meilisearch(:|@|$)/, 7700],
  [/(^|\/)typesense\/typesense(:|@|$)/, 8108],
  [/(^|\/)apache\/tika(:|@|$)/, 9998],
  [/(^|\/)gotenberg\/gotenberg(:|@|$)/, 3000],
  [/(^|\/)nats(:|@|$)/, 4222],
  [/(^|\/)(minio\/minio|bitnami\/minio)(:|@|$)/, 9000],
  [/(^|\/)influxdb(:|@|$)/, 8086],
  [/(^|\/)couchdb(:|@|$)/, 5984],
  [/(^|\/)clickhouse\/clickhouse-server(:|@|$)/, 8123],
];

/** The port a well-known server image listens on, so others can reach it through a Kubernetes Service. */
export function wellKnownPort(image: string | undefined): number | undefined {
  if (!image) return undefined;
  return WELL_KNOWN_PORTS.find(([pattern]) => pattern.test(image))?.[1];
}

const URL = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s/@'"]*@)?([A-Za-z0-9_.-]+)(?::(\d{1,5}))?/gi;
const HOST_PORT = /(?<![A-Za-z0-9_.\-/@:])([A-Za-z0-9_][A-Za-z0-9_.-]*):(\d{1,5})(?![\d.:A-Za-z_-])/g;
/** `redis:7` in `CACHE_IMAGE` is an image tag, not a port. */
const IMAGE_KEY = /IMAGE|TAG|VERSION/i;
const HOST_KEY = /(HOST|HOSTNAME|SERVER|ADDR|ADDRESS|ENDPOINT)$/i;
const HOST_OPTION = /^-h$|^-H$|host|server|addr|broker|upstream|endpoint/i;
const WORD = /[^\s,;'"=()[\]{}<>|&`]+/g;

const validPort = (text: string | undefined): number | undefined => {
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
};

function plainEnv(value: NonNullable<ReferenceSource['env']>[string]): string | undefined {
  if (typeof value === 'string') return value;
  if ('value' in value) return value.value;
  if ('template' in value) return value.template;
  return undefined;
}

/** `DB_HOST` → `DB_PORT`, `database__connection__host` → `database__connection__port`. */
function siblingPort(key: string, env: NonNullable<ReferenceSource['env']>): number | undefined {
  const m = HOST_KEY.exec(key);
  if (!m) return undefined;
  const stem = key.slice(0, m.index);
  const port = key.slice(m.index) === key.slice(m.index).toLowerCase() ? 'port' : 'PORT';
  const sibling = env[`${stem}${port}`];
  return sibling === undefined ? undefined : validPort(plainEnv(sibling)?.trim());
}

/**
 * Every use of a known host name in the services' texts. `names` maps each
 * service to the host names it answers to beyond its service name, aliases and
 * container name (for example its name before normalisation).
 */
export function findReferences(services: Record<string, ReferenceSource>, names: Record<string, string[]> = {}): Map<string, HostUse[]> {
  const owner = new Map<string, string>();
  for (const [name, s] of Object.entries(services)) {
    for (const host of [name, ...(s.aliases ?? []), ...(s.containerName ? [s.containerName] : []), ...(names[name] ?? [])]) {
      if (!owner.has(host.toLowerCase())) owner.set(host.toLowerCase(), name);
    }
  }
  const uses = new Map<string, HostUse[]>(Object.keys(services).map((n) => [n, []]));
  const seen = new Set<string>();
  const add = (from: string, where: string, host: string, port: number | undefined) => {
    const target = owner.get(host.toLowerCase());
    if (target === undefined) return;
    const key = `${target}\0${from}\0${where}\0${host}\0${port ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    uses.get(target)!.push({ from, where, host, ...(port !== undefined ? { port } : {}) });
  };
  /** URLs and host:port anywhere in the text; `words` also counts a bare host name standing alone. */
  const scan = (from: string, where: string, text: string, words: boolean) => {
    for (const m of text.matchAll(URL)) add(from, where, m[2]!, validPort(m[3]) ?? SCHEME_PORTS[m[1]!.toLowerCase()]);
    for (const m of text.matchAll(HOST_PORT)) add(from, where, m[1]!, validPort(m[2]));
    if (words) for (const m of text.matchAll(WORD)) add(from, where, m[0], undefined);
  };
  /** A bare host name in a command counts only as an option's value: `-h db`, `--host db`, `--redis-host=cache`. */
  const scanArgs = (from: string, where: string, words: string[]) => {
    scan(from, where, words.join(' '), false);
    const tokens = words.flatMap((w) => w.split(/\s+/)).filter(Boolean);
    tokens.forEach((token, i) => {
      const eq = /^([^=]+)=(.+)$/.exec(token);
      if (eq && HOST_OPTION.test(eq[1]!)) add(from, where, eq[2]!, undefined);
      else if (i > 0 && HOST_OPTION.test(tokens[i - 1]!)) add(from, where, token, undefined);
    });
  };

  for (const [from, s] of Object.entries(services)) {
    for (const [key, value] of Object.entries(s.env ?? {})) {
      const text = plainEnv(value);
      if (text === undefined) continue;
      const trimmed = text.trim();
      if (owner.has(trimmed.toLowerCase())) add(from, `env.${key}`, trimmed, siblingPort(key, s.env!));
      if (!IMAGE_KEY.test(key)) scan(from, `env.${key}`, text, /[,\s]/.test(trimmed));
    }
    for (const key of ['command', 'entrypoint'] as const) {
      const argv = s[key];
      if (argv) scanArgs(from, key, argv);
    }
    const hc = s.healthcheck?.command;
    if (hc !== undefined) scanArgs(from, 'healthcheck', Array.isArray(hc) ? hc : [hc]);
    for (const f of s.files ?? []) if (f.encoding !== 'base64') scan(from, `files:${f.path}`, f.content, false);
  }
  return uses;
}
