/**
 * Finding a host name inside free text (env values, commands, config files)
 * without touching look-alikes: `db` in `http://db:5432`, `db` alone or
 * `user@db`, but not in `/srv/db/`, `db_name`, `mydb` or `db.example.com`.
 * A host counts where it stands alone as a word, after `//` or `@`, or as
 * the value of `=`; it must end the text or be followed by a port, a path,
 * quotes or separators.
 */
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function hostPattern(host: string): RegExp {
  return new RegExp(`(?<=^|[\\s=@'"\`,;(\\[]|//)${escapeRegExp(host)}(?=$|[\\s:/'"\`,;)\\]?#]|\\.(?![A-Za-z0-9]))`, 'gi');
}

export const mentionsHost = (text: string, host: string): boolean => hostPattern(host).test(text);

export const replaceHost = (text: string, host: string, replacement: string): string => text.replace(hostPattern(host), replacement);

/**
 * Stricter: only where text uses `host` to connect: a URL's host
 * (`http://app:8080`, `user@app`), `app:8080`, the value of -h/--host/
 * --hostname, or nc's host argument. Service names are often also user or
 * database names (`pg_isready -U postgres` in the service postgres), which
 * must stay as they are.
 */
export function hostUsePattern(host: string): RegExp {
  const h = escapeRegExp(host);
  const end = `(?=$|[:/?#'"\`\\s;,)])`;
  return new RegExp([
    `(?<=//|@)${h}${end}`,
    `(?<=^|[\\s=@'"\`,;(\\[])${h}(?=:\\d)`,
    `(?<=(?:^|\\s)(?:-h|--host|--hostname)(?:\\s+|=))${h}(?=$|[\\s'"\`;])`,
    `(?<=(?:^|\\s)(?:nc|netcat)(?:\\s+-[A-Za-z0-9]+)*\\s+)${h}(?=\\s+\\d)`,
  ].join('|'), 'gi');
}

export const usesHost = (text: string, host: string): boolean => hostUsePattern(host).test(text);

export const replaceHostUse = (text: string, host: string, replacement: string): string => text.replace(hostUsePattern(host), replacement);
