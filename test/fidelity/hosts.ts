/**
 * Host names inside values: URLs (`postgres://u:p@db/x`, port from the scheme
 * when not written), `host:port`, `-h host` in commands, and `*_HOST: db`
 * variables (port from the matching `*_PORT`). Only names in `known` count, so
 * a domain or an image tag is never taken for a service.
 */
export interface HostUse { host: string; port?: number }

const SCHEME_PORTS: Record<string, number> = {
  http: 80, https: 443, ws: 80, wss: 443, postgres: 5432, postgresql: 5432, mysql: 3306, mariadb: 3306, redis: 6379, rediss: 6379,
  mongodb: 27017, amqp: 5672, amqps: 5671, mqtt: 1883, nats: 4222, smtp: 25, smtps: 465, ldap: 389, ldaps: 636, memcached: 11211,
};

const URL = /([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s'"]*@)?([A-Za-z0-9_][A-Za-z0-9_.-]*)(?::(\d{1,5}))?/gi;
const HOST_PORT = /(?<![A-Za-z0-9_.@/:-])([A-Za-z0-9_][A-Za-z0-9_.-]*):(\d{1,5})(?![0-9])/g;
const HOST_FLAG = /(?:^|\s)(?:-h|--host|--hostname|-H|--server)(?:\s+|=)([A-Za-z0-9_][A-Za-z0-9_.-]*)/g;
const PORT_FLAG = /(?:^|\s)(?:-p|--port)(?:\s+|=)(\d{1,5})(?!\S)/;

const port = (s: string | undefined) => {
  const n = Number(s);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
};

export function hostsInText(text: string, known: (host: string) => boolean): HostUse[] {
  const found = new Map<string, HostUse>();
  const add = (host: string, p?: number) => {
    if (!known(host)) return;
    const key = `${host.toLowerCase()}:${p ?? ''}`;
    if (!found.has(key)) found.set(key, { host, port: p });
  };
  const urlHosts = new Set<string>();
  for (const m of text.matchAll(URL)) {
    add(m[2]!, port(m[3]) ?? SCHEME_PORTS[m[1]!.toLowerCase().split('+').pop()!]);
    urlHosts.add(`${m[2]}:${m[3]}`);
  }
  for (const m of text.matchAll(HOST_PORT)) if (!urlHosts.has(`${m[1]}:${m[2]}`)) add(m[1]!, port(m[2]));
  for (const m of text.matchAll(HOST_FLAG)) add(m[1]!, port(PORT_FLAG.exec(text)?.[1]));
  // A host alone in the text (a command token, or a whole value).
  if (found.size === 0 && known(text.trim())) add(text.trim());
  return [...found.values()];
}

const HOST_KEY = /^(.*?)(HOST|HOSTNAME|SERVER|ADDR|ADDRESS|ENDPOINT)$/i;

/** Host uses in an environment: whole `*_HOST` values take their port from `*_PORT` beside them. */
export function hostsInEnvironment(env: Record<string, string | null>, known: (host: string) => boolean): Array<HostUse & { key: string }> {
  const out: Array<HostUse & { key: string }> = [];
  for (const [key, value] of Object.entries(env)) {
    if (!value) continue;
    const whole = value.trim();
    if (known(whole) && !/[:/]/.test(whole)) {
      // A bare name counts only where the variable says it is a host; APP_NAME: app is not a reference.
      const m = HOST_KEY.exec(key.replace(/_$/, ''));
      if (!m) continue;
      const prefix = m[1]!;
      const p = port(env[`${prefix}PORT`] ?? env[`${prefix}_PORT`] ?? undefined);
      out.push({ key, host: whole, port: p });
      continue;
    }
    for (const use of hostsInText(value, known)) out.push({ key, ...use });
  }
  return out;
}
