import { describe, expect, it } from 'vitest';
import { checkFidelity, type CheckId, type Diag, type FidelityReport, type OutputFile } from './checker.js';
import { hostsInEnvironment, hostsInText } from './hosts.js';
import { interpolate } from './interpolate.js';
import { originalFromRaw } from './original.js';
import { sensitiveName } from './checks/secrets.js';

// Each issue #9 defect as a snippet: the checker flags a deliberately wrong
// output and passes a right one. Outputs are written by hand here, never by
// the translator, so these tests say what the checker sees, not what Berth does.

interface Outputs {
  berth?: string;
  compose?: string;
  composeFiles?: OutputFile[];
  kube?: string;
  importDiagnostics?: Diag[];
  renderDiagnostics?: Diag[];
}

function check(compose: string, out: Outputs, extra: { dotenv?: Record<string, string>; files?: Record<string, string | null>; more?: Record<string, string> } = {}): FidelityReport {
  const texts: Record<string, string> = { '/p/compose.yaml': compose, ...extra.more };
  const original = originalFromRaw({ readFile: (f) => texts[f], files: ['/p/compose.yaml', ...Object.keys(extra.more ?? {}).filter((f) => /override/.test(f))] },
    { projectDir: '/p', dotenv: extra.dotenv ?? {}, files: extra.files ?? {}, mainText: compose, rawText: Object.values(texts).join('\n') }, 'test');
  const outputs = [
    ...(out.compose !== undefined ? [{ destination: 'docker', target: 'compose' as const, files: [{ path: 'compose.yaml', content: out.compose }, ...(out.composeFiles ?? [])], diagnostics: out.renderDiagnostics ?? [] }] : []),
    ...(out.kube !== undefined ? [{ destination: 'kubernetes', target: 'kubernetes' as const, files: [{ path: 'kubernetes.yaml', content: out.kube }], diagnostics: out.renderDiagnostics ?? [] }] : []),
  ];
  return checkFidelity({ original, berthYaml: out.berth ?? 'services: {}\n', importDiagnostics: out.importDiagnostics ?? [], outputs });
}

const unexplained = (r: FidelityReport, c: CheckId) => r.findings.filter((f) => f.check === c && !f.explainedBy);
const clean = (r: FidelityReport, c: CheckId) => {
  expect(r.counts[c].checked, `${c} checked something`).toBeGreaterThan(0);
  expect(r.findings.filter((f) => f.check === c), c).toEqual([]);
};

/** A Deployment (or another kind) running one container, with an optional Service in front. */
function workload(name: string, opts: { kind?: string; port?: number; pod?: string; container?: string } = {}): string {
  const kind = opts.kind ?? 'Deployment';
  const api = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  const indent = (text: string, n: number) => text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
  const pod = `metadata:\n  labels: {app: ${name}}\nspec:\n${opts.pod ? indent(opts.pod, 2) + '\n' : ''}  containers:\n    - name: ${name}\n      image: x\n${opts.container ? indent(opts.container, 6) + '\n' : ''}`;
  const spec = kind === 'Job' ? `spec:\n  template:\n${indent(pod, 4)}` : `spec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n${indent(pod, 4)}`;
  const service = opts.port ? `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  selector: {app: ${name}}\n  ports: [{port: ${opts.port}, targetPort: ${opts.port}}]\n` : '';
  return `---\napiVersion: ${api}\nkind: ${kind}\nmetadata: {name: ${name}}\n${spec}\n${service}`;
}

describe('fidelity checker: issue #9 defects', () => {
  it('1. a service without restart keeps Compose\'s default (no), and a one-shot task is a Job', () => {
    const compose = 'services:\n  migrate:\n    image: busybox\n    command: [sh, -c, "echo done"]\n';
    const wrong = check(compose, { compose: 'services:\n  migrate:\n    image: busybox\n    command: [sh, -c, echo done]\n    restart: unless-stopped\n', kube: workload('migrate') });
    expect(unexplained(wrong, 'lifecycle').map((f) => f.problem)).toEqual(['restart is unless-stopped, the original says no']);
    expect(unexplained(wrong, 'oneShot').map((f) => f.problem)).toEqual(['a one-shot task rendered as a Deployment']);
    const right = check(compose, { compose: 'services:\n  migrate:\n    image: busybox\n    restart: "no"\n', kube: workload('migrate', { kind: 'Job' }) });
    clean(right, 'lifecycle');
    clean(right, 'oneShot');
  });

  it('2. restart: on-failure does not make a server a Job: others reach db on 5432', () => {
    const compose = 'services:\n  db:\n    image: postgres:16\n    restart: on-failure\n  app:\n    image: app\n    restart: always\n    environment:\n      DATABASE_URL: postgres://u@db/x\n';
    const wrong = check(compose, { kube: workload('db', { kind: 'Job' }) + workload('app') });
    expect(unexplained(wrong, 'oneShot').map((f) => `${f.service}: ${f.problem}`)).toEqual(['db: a server rendered as a Job']);
    expect(unexplained(wrong, 'hosts').map((f) => f.problem)).toEqual(['no Service "db"']);
    const right = check(compose, { kube: workload('db', { port: 5432 }) + workload('app') });
    clean(right, 'oneShot');
    clean(right, 'hosts');
  });

  it('3. depends_on conditions are kept exactly on compose', () => {
    const compose = 'services:\n  migrate:\n    image: m\n  db:\n    image: postgres\n    restart: always\n  app:\n    image: a\n    restart: always\n    depends_on:\n      migrate: {condition: service_completed_successfully}\n      db:\n        condition: service_started\n';
    const out = (migrate: string, db: string) => `services:\n  migrate: {image: m}\n  db: {image: postgres, restart: always}\n  app:\n    image: a\n    restart: always\n    depends_on:\n      migrate: {condition: ${migrate}}\n      db: {condition: ${db}}\n`;
    const wrong = check(compose, { compose: out('service_started', 'service_healthy') });
    expect(unexplained(wrong, 'lifecycle').map((f) => f.subject).sort()).toEqual(['depends_on db', 'depends_on migrate']);
    clean(check(compose, { compose: out('service_completed_successfully', 'service_started') }), 'lifecycle');
  });

  it('4. a bound file beside the compose file is a file of the app on both targets', () => {
    const compose = 'services:\n  web:\n    image: nginx\n    volumes: ["./nginx.conf:/etc/nginx/conf.d/default.conf:ro"]\n';
    const files = { '/p/nginx.conf': 'server { listen 80; }\n' };
    const wrong = check(compose, {
      compose: 'services:\n  web:\n    image: nginx\n    volumes: ["./nginx.conf:/etc/nginx/conf.d/default.conf:ro"]\n',
      kube: workload('web', { pod: 'volumes: [{name: conf, persistentVolumeClaim: {claimName: web-etc-nginx}}]', container: 'volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d/default.conf}]' }),
    }, { files });
    expect(unexplained(wrong, 'files').map((f) => `${f.target}: ${f.problem}`)).toEqual(['compose: still a host bind of nginx.conf', 'kubernetes: a persistentVolumeClaim (web-etc-nginx) is mounted at /etc/nginx/conf.d/default.conf']);
    const right = check(compose, {
      compose: 'services:\n  web:\n    image: nginx\n    configs: [{source: web-conf, target: /etc/nginx/conf.d/default.conf}]\nconfigs:\n  web-conf:\n    content: "server { listen 80; }\\n"\n',
      kube: workload('web', { pod: 'volumes: [{name: files, configMap: {name: web-files}}]', container: 'volumeMounts: [{name: files, mountPath: /etc/nginx/conf.d/default.conf, subPath: default.conf}]' })
        + '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-files}\ndata:\n  default.conf: "server { listen 80; }\\n"\n',
    }, { files });
    clean(right, 'files');
  });

  it('5. a host directory two services mount stays one volume and one claim', () => {
    const compose = 'services:\n  server:\n    image: s\n    volumes: ["./library:/upload"]\n  micro:\n    image: s\n    volumes: ["./library:/upload"]\n';
    const files = { '/p/library': null };
    const mount = (claim: string) => ({ pod: `volumes: [{name: up, persistentVolumeClaim: {claimName: ${claim}}}]`, container: 'volumeMounts: [{name: up, mountPath: /upload}]' });
    const claim = (name: string, mode: string) => `---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${name}}\nspec: {accessModes: [${mode}]}\n`;
    const wrong = check(compose, {
      compose: 'services:\n  server: {image: s, volumes: ["server-upload:/upload"]}\n  micro: {image: s, volumes: ["micro-upload:/upload"]}\n',
      kube: workload('server', mount('server-upload')) + workload('micro', mount('micro-upload')) + claim('server-upload', 'ReadWriteOnce') + claim('micro-upload', 'ReadWriteOnce'),
    }, { files });
    expect(unexplained(wrong, 'shared').map((f) => f.target)).toEqual(['compose', 'kubernetes']);
    const right = check(compose, {
      compose: 'services:\n  server: {image: s, volumes: ["./library:/upload"]}\n  micro: {image: s, volumes: ["./library:/upload"]}\n',
      kube: workload('server', mount('library')) + workload('micro', mount('library')) + claim('library', 'ReadWriteMany'),
    }, { files });
    clean(right, 'shared');
  });

  it('6. a service others call gets the port they use, even when it declares none (tika); a self health check too', () => {
    const compose = 'services:\n  tika:\n    image: apache/tika\n  app:\n    image: a\n    environment: {TIKA: "http://tika:9998"}\n    healthcheck: {test: [CMD, curl, -f, "http://app:8000/health"]}\n';
    const wrong = check(compose, { compose: 'services:\n  tika: {image: apache/tika}\n  app: {image: a, environment: {TIKA: "http://tika:9998"}}\n', kube: workload('tika') + workload('app') });
    expect(unexplained(wrong, 'hosts').map((f) => `${f.target} ${f.subject}: ${f.problem}`)).toEqual([
      'compose tika:9998 in environment.TIKA: tika does not declare port 9998',
      'kubernetes tika:9998 in environment.TIKA: no Service "tika"',
      'compose app:8000 in healthcheck: app does not declare port 8000',
      'kubernetes app:8000 in healthcheck: no Service "app"',
    ]);
    const right = check(compose, {
      compose: 'services:\n  tika: {image: apache/tika, expose: ["9998"]}\n  app: {image: a, expose: ["8000"], environment: {TIKA: "http://tika:9998"}, healthcheck: {test: [CMD, curl, -f, "http://app:8000/health"]}}\n',
      kube: workload('tika', { port: 9998 }) + workload('app', { port: 8000 }),
    });
    clean(right, 'hosts');
  });

  it('7. aliases and container_name others use resolve: kept on Docker; on Kubernetes rewritten, a Service, or reported', () => {
    const compose = 'services:\n  prosody:\n    image: p\n    expose: ["5222"]\n    networks: {meet: {aliases: [xmpp.meet.jitsi]}}\n  jicofo:\n    image: j\n    environment: {XMPP_SERVER: xmpp.meet.jitsi, XMPP_PORT: "5222"}\n    networks: [meet]\nnetworks: {meet: {}}\n';
    const kube = (jicofoEnv: string) => workload('prosody', { port: 5222 }) + workload('jicofo', { container: `env: [{name: XMPP_SERVER, value: ${jicofoEnv}}]` });
    const wrong = check(compose, { compose: 'services:\n  prosody: {image: p, expose: ["5222"]}\n  jicofo: {image: j, environment: {XMPP_SERVER: xmpp.meet.jitsi, XMPP_PORT: "5222"}}\n', kube: kube('xmpp.meet.jitsi') });
    expect(unexplained(wrong, 'hosts').map((f) => `${f.target}: ${f.problem}`)).toEqual(['compose: "xmpp.meet.jitsi" does not resolve from jicofo', 'kubernetes: no Service "xmpp.meet.jitsi"']);
    expect(unexplained(wrong, 'composeKeys').map((f) => f.subject)).toEqual(['alias xmpp.meet.jitsi']);
    const right = check(compose, { compose: 'services:\n  prosody: {image: p, expose: ["5222"], networks: {default: {aliases: [xmpp.meet.jitsi]}}}\n  jicofo: {image: j, environment: {XMPP_SERVER: xmpp.meet.jitsi}}\n', kube: kube('prosody') });
    clean(right, 'hosts');
    clean(right, 'composeKeys');
    // Not rewritten, but an error names the service, the alias and what to do: explained, not a defect.
    const reported = check(compose, { kube: kube('xmpp.meet.jitsi'), renderDiagnostics: [{ severity: 'error', code: 'ALIAS_NOT_A_SERVICE', message: 'jicofo reaches prosody as xmpp.meet.jitsi (env XMPP_SERVER), which cannot be a Kubernetes Service name; change it to prosody.' }] });
    expect(reported.counts.hosts).toMatchObject({ explained: 1, unexplained: 0 });
  });

  it('8. a value that interpolates a .env secret is secret everywhere but the masked files', () => {
    const compose = 'services:\n  app:\n    image: a\n    environment:\n      DATABASE_URL: postgres://u:${PG_PASS}@db/x\n      SMTP_PASS: ${SMTP_PASS}\n  db:\n    image: postgres\n    environment: {POSTGRES_PASSWORD: "${PG_PASS}"}\n';
    const dotenv = { PG_PASS: 'hunter2', SMTP_PASS: 'mailpass99' };
    const wrong = check(compose, {
      berth: 'services:\n  app:\n    env: {DATABASE_URL: "postgres://u:hunter2@db/x", SMTP_PASS: mailpass99}\n  db:\n    env: {POSTGRES_PASSWORD: {secret: PG_PASS}}\n',
      compose: 'services:\n  app: {image: a, environment: {DATABASE_URL: "postgres://u:hunter2@db/x", SMTP_PASS: mailpass99}}\n  db: {image: postgres, env_file: [.env.db]}\n',
      composeFiles: [{ path: '.env.db', content: "POSTGRES_PASSWORD='********'\n" }],
      kube: workload('app', { container: 'env: [{name: DATABASE_URL, value: "postgres://u:hunter2@db/x"}]' }) + workload('db'),
    }, { dotenv });
    expect(new Set(unexplained(wrong, 'secrets').map((f) => f.target))).toEqual(new Set(['app', 'compose', 'kubernetes']));
    const right = check(compose, {
      berth: 'services:\n  app:\n    env: {DATABASE_URL: {template: "postgres://u:${secret:PG_PASS}@db/x"}, SMTP_PASS: {secret: SMTP_PASS}}\n  db:\n    env: {POSTGRES_PASSWORD: {secret: PG_PASS}}\n',
      compose: 'services:\n  app: {image: a, env_file: [.env.app]}\n  db: {image: postgres, env_file: [.env.db]}\n',
      composeFiles: [{ path: '.env.app', content: "DATABASE_URL='********'\nSMTP_PASS='********'\n" }, { path: '.env.db', content: "POSTGRES_PASSWORD='********'\n" }],
      kube: workload('app', { container: 'env: [{name: DATABASE_URL, valueFrom: {secretKeyRef: {name: s, key: k}}}]' }) + workload('db')
        + '---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: "********"}\n',
    }, { dotenv });
    clean(right, 'secrets');
  });

  it('9. a local build keeps its directory, target, args and cache_from', () => {
    const compose = 'services:\n  api:\n    build:\n      context: ./api\n      target: runtime\n      args: {NODE_VERSION: "20"}\n      cache_from: [ghcr.io/x/api:cache]\n';
    const wrong = check(compose, { compose: 'services:\n  api:\n    build: {context: ".#main:api", dockerfile: Dockerfile}\n' });
    expect(unexplained(wrong, 'composeKeys').map((f) => f.subject)).toEqual(['build.target runtime', 'build.args.NODE_VERSION', 'build.cache_from ghcr.io/x/api:cache', 'build.context ./api']);
    clean(check(compose, { compose: 'services:\n  api:\n    build: {context: ./api, target: runtime, args: {NODE_VERSION: "20"}, cache_from: [ghcr.io/x/api:cache]}\n' }), 'composeKeys');
  });

  it('10. a file Compose accepts but the import refuses is a finding (flow sequence closing at the parent\'s indentation)', () => {
    const compose = 'services:\n  app:\n    image: a\n    command: [\n      "sh", "-c", "echo hi"\n    ]\n';
    const original = originalFromRaw({ readFile: () => compose, files: ['/p/compose.yaml'] }, { projectDir: '/p', dotenv: {}, files: {}, mainText: compose, rawText: compose }, 'test');
    expect(original.doc.services.app?.command).toEqual(['sh', '-c', 'echo hi']);
    const refused = checkFidelity({ original: { ...original, source: 'compose-config' }, importDiagnostics: [{ severity: 'error', code: 'IMPORT_YAML_INVALID', message: 'bad indentation of a sequence entry' }], outputs: [] });
    expect(refused.counts.imported).toMatchObject({ unexplained: 1 });
    const imported = checkFidelity({ original: { ...original, source: 'compose-config' }, berthYaml: 'services: {app: {}}\n', importDiagnostics: [], outputs: [] });
    expect(imported.counts.imported).toMatchObject({ passed: 1, unexplained: 0 });
  });

  it('11. the override file is merged: its keys (cap_add, healthcheck.disable) and secrets count', () => {
    const compose = 'services:\n  web:\n    image: w\n    restart: always\n';
    const more = { '/p/compose.override.yaml': 'services:\n  web:\n    cap_add: [NET_ADMIN]\n    environment: {SECRET_KEY: "${SECRET_KEY}"}\n    healthcheck: {disable: true}\n' };
    const wrong = check(compose, { compose: 'services:\n  web: {image: w, restart: always, environment: {SECRET_KEY: sk-live-4f9a2c7e}}\n' }, { more, dotenv: { SECRET_KEY: 'sk-live-4f9a2c7e' } });
    expect(unexplained(wrong, 'composeKeys').map((f) => f.subject)).toEqual(['cap_add', 'healthcheck.disable']);
    expect(unexplained(wrong, 'secrets').length).toBeGreaterThan(0);
    const right = check(compose, { compose: 'services:\n  web: {image: w, restart: always, cap_add: [NET_ADMIN], healthcheck: {disable: true}, env_file: [.env.web]}\n', composeFiles: [{ path: '.env.web', content: "SECRET_KEY='********'\n" }] }, { more, dotenv: { SECRET_KEY: 'sk-live-4f9a2c7e' } });
    clean(right, 'composeKeys');
    clean(right, 'secrets');
  });

  it('12. a volume whose name is normalised (my_data → my-data) is still mounted on both targets', () => {
    const compose = 'services:\n  app:\n    image: a\n    volumes: ["my_data:/data"]\nvolumes: {my_data: {}}\n';
    const wrong = check(compose, { compose: 'services:\n  app: {image: a}\n', kube: workload('app') });
    expect(unexplained(wrong, 'shared').map((f) => f.target)).toEqual(['compose', 'kubernetes']);
    const right = check(compose, { compose: 'services:\n  app: {image: a, volumes: ["my-data:/data"]}\nvolumes: {my-data: {}}\n', kube: workload('app', { pod: 'volumes: [{name: d, persistentVolumeClaim: {claimName: my-data}}]', container: 'volumeMounts: [{name: d, mountPath: /data}]' }) });
    clean(right, 'shared');
  });
});

describe('fidelity checker: the rules it is built from', () => {
  it('finds host names in URLs, host:port, -h flags and *_HOST variables, only for known names', () => {
    const known = (h: string) => ['db', 'redis', 'xmpp.meet.jitsi'].includes(h.toLowerCase());
    expect(hostsInText('postgres://u:p@db/x?sslmode=disable', known)).toEqual([{ host: 'db', port: 5432 }]);
    expect(hostsInText('redis-cli -h redis -p 6380 ping', known)).toEqual([{ host: 'redis', port: 6380 }]);
    expect(hostsInText('example.com:443 image:tag db:5433', known)).toEqual([{ host: 'db', port: 5433 }]);
    expect(hostsInEnvironment({ XMPP_SERVER: 'xmpp.meet.jitsi', XMPP_PORT: '5222', APP_NAME: 'db' }, known)).toEqual([{ key: 'XMPP_SERVER', host: 'xmpp.meet.jitsi', port: 5222 }]);
  });

  it('interpolates as Compose does', () => {
    const vars = { A: 'a', E: '' };
    expect(interpolate('$$A ${A} $A ${B:-d} ${E:-d} ${E-d} ${A:+alt} ${B:-${A}x}', vars)).toBe('$A a a d d  alt ax');
  });

  it('calls PG_PASS, SMTP_PASS, API_KEY and JWT_SECRET secrets, not RESET_PASSWORD_TOKEN_EXPIRY_HOURS or a public key', () => {
    for (const n of ['PG_PASS', 'SMTP_PASS', 'POSTGRES_PW', 'API_KEY', 'JWT_SECRET', 'APP_KEY', 'GITHUB_TOKEN']) expect(sensitiveName(n), n).toBe(true);
    for (const n of ['RESET_PASSWORD_TOKEN_EXPIRY_HOURS', 'STRIPE_PUBLISHABLE_KEY', 'POSTGRES_PASSWORD_FILE', 'DB_USER', 'S3_KEY_ID', 'ALLOW_PRIVATE_NETWORK']) expect(sensitiveName(n), n).toBe(false);
  });

  it('an unrelated diagnostic does not explain a finding; one naming the service, the key and a next step does', () => {
    const compose = 'services:\n  app:\n    image: a\n    ulimits: {nofile: 1024}\n';
    const silent = check(compose, { kube: workload('app'), renderDiagnostics: [{ severity: 'warning', code: 'OTHER', message: 'app: set a memory limit.' }] });
    expect(unexplained(silent, 'kubeReports').map((f) => f.subject)).toEqual(['ulimits']);
    const told = check(compose, { kube: workload('app'), renderDiagnostics: [{ severity: 'warning', code: 'ULIMITS_UNSUPPORTED', message: 'app sets ulimits, which Kubernetes cannot; set them on the node or remove them.', field: 'services.app.compose.ulimits' }] });
    expect(told.counts.kubeReports).toMatchObject({ explained: 1, unexplained: 0 });
  });
});
