import type { ServiceInput } from './context.js';
import type { DiagnosticSink } from './diagnostics.js';
import { runsShell } from './secret-markers.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A secret's value written out again inside another value: the password in a
 * connection URL (`postgres://app:example@db/app` beside `POSTGRES_PASSWORD:
 * example`) or in a `password=` parameter. Those values become templates that
 * refer to the secret, so the value is nowhere in the definition in plain text.
 */
export function templateEmbeddedSecrets(services: Record<string, ServiceInput>, secrets: Readonly<Record<string, string>>, sink: DiagnosticSink): void {
  const patterns = Object.entries(secrets)
    .filter(([, value]) => value.length >= 3 && !/[\r\n]/.test(value))
    .map(([name, value]) => ({
      name,
      userinfo: new RegExp(`(://[^/\\s:@]*:)${escape(value)}(?=@)`, 'g'),
      param: new RegExp(`((?:^|[?&;\\s])[A-Za-z_.-]*(?:pass|pwd)[A-Za-z_.-]*=)${escape(value)}(?=$|[&;\\s])`, 'gi'),
    }));
  if (patterns.length === 0) return;
  for (const [service, s] of Object.entries(services)) {
    for (const [key, entry] of Object.entries(s.env ?? {})) {
      const text = typeof entry === 'string' ? entry : 'value' in entry ? entry.value : undefined;
      if (text === undefined || text.includes('${secret:')) continue;
      let template = text;
      const used: string[] = [];
      for (const p of patterns) {
        const next = template.replace(p.userinfo, (_m, pre: string) => `${pre}\${secret:${p.name}}`).replace(p.param, (_m, pre: string) => `${pre}\${secret:${p.name}}`);
        if (next !== template) used.push(p.name);
        template = next;
      }
      if (used.length === 0) continue;
      s.env![key] = { template, ...(typeof entry === 'object' && 'scope' in entry && entry.scope ? { scope: entry.scope } : {}) };
      sink.info('IMPORT_SECRET_TEMPLATE', `${key} in "${service}" holds the value of the secret ${used.join(', ')} (a password in a URL or parameter), so the whole value is secret: it is kept as a template whose secret parts are filled in at deploy time.`, undefined, `services.${service}.env.${key}`);
    }
  }
}

/**
 * A credential's value repeated in the same service's shell line (`sqlcmd -P
 * example_123` beside `SA_PASSWORD: example_123`): the shell can read it from
 * the variable that already holds it, so the line says `${SA_PASSWORD}` instead.
 */
export function referenceSecretsInShellLines(services: Record<string, ServiceInput>, secrets: Readonly<Record<string, string>>, sink: DiagnosticSink): void {
  for (const [service, s] of Object.entries(services)) {
    const vars = Object.entries(s.env ?? {}).flatMap(([key, entry]) => {
      const value = typeof entry === 'object' && 'secret' in entry ? secrets[entry.secret] : undefined;
      return value !== undefined && value.length >= 6 && !/[\r\n]/.test(value) ? [{ key, value }] : [];
    });
    if (vars.length === 0) continue;
    const replaced = new Set<string>();
    const rewrite = (text: string) => vars.reduce((t, v) => {
      if (!t.includes(v.value)) return t;
      replaced.add(v.key);
      return t.split(v.value).join(`\${${v.key}}`);
    }, text);
    if (s.healthcheck && typeof s.healthcheck.command === 'string') s.healthcheck.command = rewrite(s.healthcheck.command);
    if (runsShell([...(s.entrypoint ?? []), ...(s.command ?? [])])) {
      if (s.command) s.command = s.command.map(rewrite);
      if (s.entrypoint) s.entrypoint = s.entrypoint.map(rewrite);
    }
    if (replaced.size > 0) {
      sink.info('IMPORT_SECRET_IN_SHELL_LINE', `"${service}" repeated the value of ${[...replaced].join(', ')} in a shell line; it now reads \${${[...replaced][0]}} from its environment instead, so the value is not in the definition.`, undefined, `services.${service}`);
    }
  }
}
