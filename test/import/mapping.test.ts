import { describe, expect, it } from 'vitest';
import { importCompose } from '../../shared/translate/import/index.js';
import { codes, importOk, service } from './helpers.js';

describe('compose → app definition', () => {
  it('reads ports in short and long syntax as container ports, expose included', () => {
    const r = importOk(`services:
  web:
    image: nginx
    ports:
      - "8080:80"
      - 9000
      - "53:53/udp"
      - "127.0.0.1:5432:5432"
      - target: 443
        published: "8443"
        protocol: tcp
    expose: ["3000"]
`);
    expect(service(r, 'web').ports).toEqual([
      { port: 80, protocol: 'tcp', publish: 8080 },
      { port: 9000, protocol: 'tcp' },
      { port: 53, protocol: 'udp', publish: 53 },
      { port: 5432, protocol: 'tcp', publish: 5432, hostIp: '127.0.0.1' },
      { port: 443, protocol: 'tcp', publish: 8443 },
      { port: 3000, protocol: 'tcp' },
    ]);
  });

  it('reads volumes: named, bind, anonymous, Coolify content; declares named volumes', () => {
    const r = importOk(`services:
  web:
    image: nginx
    volumes:
      - db_data:/var/lib/data
      - ./conf:/etc/conf:ro
      - /cache
      - /var/run/docker.sock:/var/run/docker.sock
      - type: bind
        source: ./index.html
        target: /usr/share/nginx/html/index.html
        content: "<h1>hi $name</h1>"
      - type: bind
        source: ./dir
        target: /data
        is_directory: true
`);
    const web = service(r, 'web');
    expect(web.mounts).toEqual([
      { volume: 'db-data', path: '/var/lib/data', readOnly: false },
      { hostPath: './conf', path: '/etc/conf', readOnly: true },
      { volume: 'web-data-2', path: '/cache', readOnly: false },
      { hostPath: '/var/run/docker.sock', path: '/var/run/docker.sock', readOnly: false },
      { hostPath: './dir', path: '/data', readOnly: false },
    ]);
    expect(web.files).toEqual([{ path: '/usr/share/nginx/html/index.html', content: '<h1>hi $name</h1>' }]);
    expect(Object.keys(r.app.volumes).sort()).toEqual(['db-data', 'web-data-2']);
    expect(codes(r)).toEqual(expect.arrayContaining(['IMPORT_DOCKER_SOCKET', 'IMPORT_ANONYMOUS_VOLUME']));
  });

  it('reads environment and labels as lists and maps, values as strings', () => {
    const list = importOk('services:\n  a:\n    image: x\n    environment: ["A=1", "B=x=y"]\n    labels: ["com.example=1"]\n');
    const map = importOk('services:\n  a:\n    image: x\n    environment: {A: 1, B: "x=y"}\n    labels: {com.example: 1}\n');
    for (const r of [list, map]) {
      expect(service(r, 'a').env).toEqual({ A: '1', B: 'x=y' });
      expect(service(r, 'a').labels).toEqual({ 'com.example': '1' });
    }
  });

  it('reads env_file through loadFile; environment wins', () => {
    const r = importOk('services:\n  a:\n    image: x\n    env_file: [app.env]\n    environment: {B: from-compose}\n', {
      loadFile: (p) => (p === 'app.env' ? 'A=1\nB=from-file\n' : undefined),
    });
    expect(service(r, 'a').env).toEqual({ A: '1', B: 'from-compose' });
    const missing = importOk('services:\n  a:\n    image: x\n    env_file: nope.env\n');
    expect(codes(missing)).toContain('IMPORT_ENV_FILE_MISSING');
  });

  it('reads depends_on as list or map', () => {
    const r = importOk('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on:\n      a: {condition: service_healthy}\n');
    expect(service(r, 'a').dependsOn).toEqual(['b']);
    expect(service(r, 'b').dependsOn).toEqual([{ service: 'a', condition: 'healthy', required: true, restart: false }]);
  });

  it('reads resources from deploy and from top-level cpus/mem_limit/mem_reservation, and replicas', () => {
    const r = importOk(`services:
  a:
    image: x
    deploy:
      replicas: 3
      resources:
        limits: {cpus: "0.5", memory: 512M}
        reservations: {memory: 1g}
  b:
    image: x
    cpus: 1.5
    mem_limit: 2gb
    mem_reservation: 256m
`);
    expect(service(r, 'a').resources).toEqual({ limits: { cpus: 0.5, memory: '512Mi' }, reservations: { memory: '1Gi' } });
    expect(service(r, 'a').replicas).toBe(3);
    expect(service(r, 'b').resources).toEqual({ limits: { cpus: 1.5, memory: '2Gi' }, reservations: { memory: '256Mi' } });
  });

  it('splits string commands like compose and warns about shell operators', () => {
    const r = importOk(`services:
  a:
    image: x
    entrypoint: /docker-entrypoint.sh
    command: sh -c "echo $$HOME && ls" --flag='a b'
  b:
    image: x
    command: npm run migrate && npm start
`);
    expect(service(r, 'a').entrypoint).toEqual(['/docker-entrypoint.sh']);
    expect(service(r, 'a').command).toEqual(['sh', '-c', 'echo $HOME && ls', '--flag=a b']);
    expect(service(r, 'b').command).toEqual(['npm', 'run', 'migrate', '&&', 'npm', 'start']);
    expect(codes(r).filter((c) => c !== 'IMPORT_RUNS_ONCE')).toEqual(['IMPORT_COMMAND_SHELL_OPERATOR']);
  });

  it('applies extends from the same file and from another file', () => {
    const r = importOk(`services:
  base:
    image: x
    environment: {A: "1", B: "1"}
  web:
    extends: base
    environment: {B: "2"}
  worker:
    extends: {file: common.yml, service: job}
    command: ["work"]
`, { loadFile: (p) => (p === 'common.yml' ? 'services:\n  job:\n    image: y\n    restart: on-failure\n    command: ["x"]\n' : undefined) });
    expect(service(r, 'web')).toMatchObject({ image: 'x', env: { A: '1', B: '2' } });
    expect(service(r, 'worker')).toMatchObject({ image: 'y', restart: 'on-failure', command: ['work'] });
    const cycle = importCompose('services:\n  a:\n    extends: b\n    image: x\n  b:\n    extends: a\n    image: x\n');
    expect(codes(cycle)).toContain('IMPORT_EXTENDS_CYCLE');
  });

  it('includes services with profiles only when the profile is selected', () => {
    const yaml = 'services:\n  web:\n    image: x\n  debug:\n    image: y\n    profiles: [dev]\n';
    const without = importOk(yaml);
    expect(Object.keys(without.app.services)).toEqual(['web']);
    expect(codes(without)).toContain('IMPORT_PROFILE_EXCLUDED');
    expect(Object.keys(importOk(yaml, { profiles: ['dev'] }).app.services)).toEqual(['web', 'debug']);
  });

  it('resolves YAML merge keys', () => {
    const r = importOk('x-base: &base\n  image: x\n  restart: always\nservices:\n  a:\n    <<: *base\n    user: "1000"\n');
    expect(service(r, 'a')).toMatchObject({ image: 'x', restart: 'always', user: '1000' });
  });

  it('reports a merge of a sequence and broken YAML with their position', () => {
    const seq = importCompose('x: &l [1]\nservices:\n  a:\n    <<: *l\n', { fileName: 'c.yml' });
    expect(seq.app).toBeNull();
    expect(seq.diagnostics[0]).toMatchObject({ code: 'IMPORT_YAML_MERGE_SEQUENCE', file: 'c.yml', line: 4 });
    const broken = importCompose('services:\n  a:\n    image: [x\n');
    expect(broken.diagnostics[0]).toMatchObject({ severity: 'error', code: 'IMPORT_YAML_INVALID' });
    expect(broken.diagnostics[0]!.line).toBeGreaterThan(0);
  });

  it('mounts compose secrets as secret files (keeping *_FILE variables) and configs as files', () => {
    const r = importOk(`services:
  db:
    image: postgres
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
    configs:
      - source: conf
        target: /etc/app.conf
secrets:
  db_password:
    file: ./db_password.txt
configs:
  conf:
    content: "key=1"
`, { loadFile: (p) => (p === './db_password.txt' ? 's3cret\n' : undefined) });
    expect(service(r, 'db').env).toEqual({ POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' });
    expect(service(r, 'db').secretFiles).toEqual([{ secret: 'db_password' }]);
    expect(r.secrets).toEqual({ db_password: 's3cret' });
    expect(service(r, 'db').files).toEqual([{ path: '/etc/app.conf', content: 'key=1' }]);
    expect(JSON.stringify(r.app)).not.toContain('s3cret');
  });

  it('keeps credentials out of the definition', () => {
    const r = importOk('services:\n  a:\n    image: x\n    environment:\n      API_TOKEN: abc123\n      PLAIN: visible\n');
    expect(service(r, 'a').env).toEqual({ API_TOKEN: { secret: 'API_TOKEN', scope: 'runtime' }, PLAIN: 'visible' });
    expect(r.secrets).toEqual({ API_TOKEN: 'abc123' });
    expect(JSON.stringify(r.app)).not.toContain('abc123');
  });

  it('keeps what Compose runs: typed where Berth models it, verbatim under compose: otherwise, with the position', () => {
    const r = importOk(`services:
  a:
    image: x
    container_name: fixed
    privileged: true
    network_mode: host
    cap_add: [NET_ADMIN]
    devices: ["/dev/ttyUSB0"]
    ulimits: {nofile: 1024}
    sysctls: {net.core.somaxconn: 1024}
    logging: {driver: syslog}
    links: [b]
    frobnicate: 1
    develop: {watch: []}
  b:
    build: ./b
`, { fileName: 'compose.yml' });
    const a = service(r, 'a');
    expect(a).toMatchObject({ containerName: 'fixed', privileged: true, capAdd: ['NET_ADMIN'], sysctls: { 'net.core.somaxconn': 1024 } });
    expect(a.compose).toEqual({ network_mode: 'host', devices: ['/dev/ttyUSB0'], ulimits: { nofile: 1024 }, logging: { driver: 'syslog' }, links: ['b'] });
    const byCode = new Map(r.diagnostics.map((d) => [d.code, d]));
    for (const [code, severity, line] of [
      ['IMPORT_COMPOSE_KEPT', 'info', 6], ['IMPORT_UNKNOWN_KEY', 'warning', 13], ['IMPORT_LOCAL_DEV_DEVELOP', 'warning', 14], ['IMPORT_BUILD_ONLY', 'warning', 16],
    ] as const) {
      expect(byCode.get(code), code).toMatchObject({ severity, file: 'compose.yml', line, column: 5 });
    }
    expect(byCode.get('IMPORT_COMPOSE_KEPT')!.message).toContain('network_mode, devices, ulimits, logging, links');
    expect(r.diagnostics.filter((d) => d.code === 'IMPORT_COMPOSE_KEPT')).toHaveLength(1);
    expect(service(r, 'b').build).toEqual({ context: './b', dockerfile: 'Dockerfile', ref: 'main' });
  });
});

describe('routes', () => {
  it('recognises Traefik Host() rules, keeps unrelated labels, drops the consumed ones', () => {
    const r = importOk(`services:
  web:
    image: x
    labels:
      - traefik.enable=true
      - traefik.http.routers.web.rule=Host(\`a.com\`) && PathPrefix(\`/api\`)
      - traefik.http.routers.web.entrypoints=websecure
      - traefik.http.routers.web.tls.certresolver=le
      - traefik.http.routers.web.middlewares=strip
      - traefik.http.middlewares.strip.stripprefix.prefixes=/api
      - traefik.http.routers.web-http.rule=Host(\`a.com\`) && PathPrefix(\`/api\`)
      - traefik.http.routers.web-http.entrypoints=web
      - traefik.http.services.web.loadbalancer.server.port=8000
      - com.example.team=core
  plain:
    image: y
    labels:
      traefik.http.routers.p.rule: Host(\`b.com\`)
      traefik.http.routers.p.entrypoints: web
`);
    expect(service(r, 'web').routes).toEqual([{ domain: 'a.com', path: '/api', port: 8000, https: true, www: 'none', stripPrefix: true }]);
    expect(service(r, 'web').labels).toEqual({ 'com.example.team': 'core' });
    expect(service(r, 'web').ports).toEqual([{ port: 8000, protocol: 'tcp' }]);
    expect(service(r, 'plain').routes).toEqual([{ domain: 'b.com', path: '/', port: 80, https: false, www: 'none', stripPrefix: false }]);
    expect(codes(r)).toContain('IMPORT_ROUTE_PORT_GUESSED');
  });

  it('keeps Traefik rules it cannot express as labels, with a warning', () => {
    const r = importOk('services:\n  a:\n    image: x\n    labels:\n      traefik.http.routers.r.rule: HostRegexp(`{sub:[a-z]+}.a.com`)\n');
    expect(service(r, 'a').routes).toEqual([]);
    expect(service(r, 'a').labels).toHaveProperty('traefik.http.routers.r.rule');
    expect(codes(r)).toContain('IMPORT_TRAEFIK_RULE_UNSUPPORTED');
  });

  it('recognises Coolify SERVICE_URL/SERVICE_FQDN variables and generated secrets', () => {
    const r = importOk(`services:
  ghost:
    image: ghost:5
    environment:
      - SERVICE_URL_GHOST_2368
      - url=$SERVICE_URL_GHOST
      - host=\${SERVICE_FQDN_GHOST}
      - database__connection__password=$SERVICE_PASSWORD_MYSQL
      - DSN=mysql://\${SERVICE_USER_MYSQL}:\${SERVICE_PASSWORD_MYSQL}@mysql/ghost
    healthcheck:
      test: ["CMD", "echo", "ok"]
      exclude_from_hc: true
    exclude_from_hc: true
  mysql:
    image: mysql:8
    environment:
      MYSQL_PASSWORD: \${SERVICE_PASSWORD_MYSQL}
    healthcheck:
      test: "mysqladmin ping -u root -p\${SERVICE_PASSWORD_MYSQL}"
`);
    const ghost = service(r, 'ghost');
    expect(ghost.routes).toEqual([{ domain: 'ghost.example.com', path: '/', port: 2368, https: true, www: 'none', stripPrefix: false }]);
    expect(ghost.ports).toEqual([{ port: 2368, protocol: 'tcp' }]);
    expect(ghost.env).toMatchObject({
      url: 'https://ghost.example.com',
      host: 'ghost.example.com',
      database__connection__password: { secret: 'SERVICE_PASSWORD_MYSQL' },
      DSN: { template: 'mysql://${secret:SERVICE_USER_MYSQL}:${secret:SERVICE_PASSWORD_MYSQL}@mysql/ghost' },
    });
    const mysql = service(r, 'mysql');
    expect(mysql.env.MYSQL_PASSWORD).toEqual({ secret: 'SERVICE_PASSWORD_MYSQL', scope: 'runtime' });
    // A shell line can expand the secret from the container's environment.
    expect(mysql.healthcheck?.command).toBe('mysqladmin ping -u root -p${SERVICE_PASSWORD_MYSQL}');
    expect(mysql.ports).toEqual([{ port: 3306, protocol: 'tcp' }]);
    expect(codes(r)).toEqual(expect.arrayContaining(['IMPORT_ROUTE_DOMAIN_PLACEHOLDER', 'IMPORT_GENERATED_SECRET', 'IMPORT_SECRET_TEMPLATE']));
    expect(JSON.stringify(r.app)).not.toMatch(/[\uE000-\uE002]/);
  });
});
