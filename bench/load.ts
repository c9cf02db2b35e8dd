import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EventBus } from '../electron/api/event-bus.js';
import { AppStore } from '../electron/apps/app-store.js';
import { createCore } from '../electron/core.js';
import type { Prompter } from '../electron/prompts/prompt-broker.js';
import { MemorySecretStore } from '../electron/secrets/secret-store.js';
import { ServerService } from '../electron/servers/server-service.js';
import { serverStore } from '../electron/servers/server-store.js';
import { startWebHost } from '../electron/web/server.js';
import { newApp } from '../shared/model/new-app.js';
import type { EventPayload } from '../shared/api/contract.js';
import { tokenProtocol } from '../shared/api/wire.js';
import type { SshServer } from '../shared/model/server.js';
import { startSshd } from '../test/support/sshd.js';
import { openHeadlessPage, type HeadlessPage } from './support/headless-page.js';
import { median } from './support/stats.js';
import type { BenchRow } from './types.js';

// Load: many exec channels on one SSH connection, and the UI with a large store
// (500 servers, 1,000 apps), idle and while 20 terminals print. UI timings are
// taken inside the page (performance.now, a MutationObserver, then the next
// frame), never across DevTools round trips. The long lists draw only the rows
// in view, so "list drawn" means: the list says it holds all N (aria-setsize)
// and its drawn rows cover its scroll box from top to bottom.

const EXECS = 100;
const EXEC_ROUNDS = 5;
const SERVERS = 500;
const APPS = 1000;
const TERMINALS = 20;
const UI_ROUNDS = 5;
const TARGET = 'target < 100 ms';

const refuse: Prompter = {
  ask: async () => {
    throw new Error('the benchmark never prompts');
  },
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const logins = async (logPath: string) => (await fs.readFile(logPath, 'utf8')).split('\n').filter((l) => l.includes('Accepted publickey')).length;

/** The long lists draw only the rows in view; each drawn row says its place (aria-posinset) in the whole list (aria-setsize). */
const SERVER_ROWS = '.server-list article.server';
const APP_ROWS = '.apps-app-list li';

/** Helpers installed in the page; everything timed runs in here. */
interface LoadHelpers {
  rpc(method: string, count: number): Promise<{ times: number[]; bytes: number }>;
  /** Clicks a main navigation item: ms until the list of `total` rows (`rows`) has its visible box filled with rows, drawn. */
  nav(label: string, rows: string, total: number): Promise<number>;
  /**
   * Types one key into an empty filter field: ms until the count says "N of M" and the list holds those N, drawn.
   * Resolves to the time and N; the field is cleared again (untimed) before it returns.
   */
  filter(label: string, key: string, rows: string, total: number): Promise<{ ms: number; shown: number }>;
  /** Scrolls the app list (untimed) until the row of `name`, the `index`th app, is drawn. */
  reveal(name: string, index: number): Promise<void>;
  /** Clicks an app in the list: ms until its form shows, and until its rendered compose file shows in the preview. */
  openApp(name: string): Promise<{ form: number; preview: number }>;
  /** Types one uppercase letter into the New app name field: ms until the note naming the lowercased app is drawn. */
  typeKey(): Promise<number>;
  clearNewName(): void;
}

declare global {
  interface Window {
    __load?: LoadHelpers;
  }
}

function installHelpers(protocol: string): void {
  const until = (what: string, check: () => boolean, state: () => string = () => '', timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`timed out waiting in the page for ${what}${state() && ` (${state()})`}`));
      }, timeoutMs);
      const observer = new MutationObserver(() => {
        if (!check()) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve();
      });
      observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
    });
  // The frame that shows the change has been drawn once the task after its rAF callback runs.
  const drawn = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
  let socket: Promise<WebSocket> | undefined;
  let nextId = 1_000_000;
  const connect = () =>
    (socket ??= new Promise<WebSocket>((resolve, reject) => {
      // The web host listens on 127.0.0.1 only; plain ws:// never leaves this machine.
      // eslint-disable-next-line @microsoft/sdl/no-insecure-url
      const ws = new WebSocket(`ws://${location.host}/api`, ['berth.v1', protocol]);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error('the API socket did not open'));
    }));
  const call = (ws: WebSocket, method: string) =>
    new Promise<number>((resolve, reject) => {
      const id = nextId++;
      const onMessage = (ev: MessageEvent) => {
        if (typeof ev.data !== 'string') return;
        const msg = JSON.parse(ev.data) as { type: string; id?: number; ok?: boolean; error?: { message: string } };
        if (msg.type !== 'result' || msg.id !== id) return;
        ws.removeEventListener('message', onMessage);
        if (msg.ok) resolve(ev.data.length);
        else reject(new Error(msg.error?.message));
      };
      ws.addEventListener('message', onMessage);
      ws.send(JSON.stringify({ type: 'call', id, method, input: {} }));
    });
  const navButton = (label: string) => [...document.querySelectorAll<HTMLButtonElement>('nav[aria-label="Main"] button')].find((b) => b.textContent?.trim() === label);
  const newName = () => document.querySelector<HTMLInputElement>('input[aria-label="New app name"]');
  const setValue = (input: HTMLInputElement, value: string) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  /** The list shows `size` rows in all, and the drawn ones cover its scroll box from top to bottom (or are all of them). */
  const listFilled = (rows: string, size: number) => {
    const drawnRows = document.querySelectorAll<HTMLElement>(rows);
    const first = drawnRows[0];
    if (!first) return size === 0;
    if (first.getAttribute('aria-setsize') !== String(size)) return false;
    if (drawnRows.length === size) return true;
    const box = first.parentElement?.parentElement?.getBoundingClientRect();
    const last = drawnRows[drawnRows.length - 1]!;
    // A pixel of slack for rounding; the list's first and last rows end it whatever the box.
    const top = first.getAttribute('aria-posinset') === '1' || first.getBoundingClientRect().top <= box!.top + 1;
    const bottom = last.getAttribute('aria-posinset') === String(size) || last.getBoundingClientRect().bottom >= box!.bottom - 1;
    return !!box && top && bottom;
  };
  const listState = (rows: string) => {
    const drawnRows = document.querySelectorAll<HTMLElement>(rows);
    const first = drawnRows[0];
    const last = drawnRows[drawnRows.length - 1];
    const box = first?.parentElement?.parentElement;
    return first && last && box
      ? `${drawnRows.length} drawn, ${first.getAttribute('aria-posinset')}…${last.getAttribute('aria-posinset')} of ${first.getAttribute('aria-setsize')}, from ${first.getBoundingClientRect().top.toFixed(0)} to ${last.getBoundingClientRect().bottom.toFixed(0)} px, box ${box.getBoundingClientRect().top.toFixed(0)} to ${box.getBoundingClientRect().bottom.toFixed(0)} px`
      : `${drawnRows.length} drawn`;
  };
  const appButton = (name: string) => [...document.querySelectorAll<HTMLButtonElement>('.apps-app-list button')].find((b) => b.firstElementChild?.textContent === name);
  window.__load = {
    async rpc(method, count) {
      const ws = await connect();
      await call(ws, method);
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < count; i++) {
        const start = performance.now();
        bytes = await call(ws, method);
        times.push(performance.now() - start);
      }
      return { times, bytes };
    },
    async nav(label, rows, total) {
      const button = navButton(label);
      if (!button) throw new Error(`no ${label} navigation button`);
      const start = performance.now();
      button.click();
      await until(`${label}: ${rows} of ${total} filling the list`, () => listFilled(rows, total), () => listState(rows));
      await drawn();
      return performance.now() - start;
    },
    async filter(label, key, rows, total) {
      const input = document.querySelector<HTMLInputElement>(`input[type="search"][aria-label="${label}"]`);
      if (!input) throw new Error(`no ${label} field`);
      if (input.value !== '') throw new Error(`${label} is not empty`);
      const status = document.getElementById(input.getAttribute('aria-describedby') ?? '');
      let shown = -1;
      const start = performance.now();
      setValue(input, key);
      await until(`${label}: "N of ${total}" and N rows`, () => {
        const match = /^([\d,]+) of /.exec(status?.textContent ?? '');
        shown = match ? Number(match[1]!.replace(/,/g, '')) : -1;
        return shown >= 0 && listFilled(rows, shown);
      }, () => `${status?.textContent}; ${listState(rows)}`);
      await drawn();
      const ms = performance.now() - start;
      setValue(input, '');
      await until(`${label} cleared`, () => listFilled(rows, total), () => listState(rows));
      return { ms, shown };
    },
    async reveal(name, index) {
      const box = document.querySelector<HTMLElement>('.apps-list-scroll');
      if (!box) throw new Error('no app list');
      // Steps from the rows drawn now towards the wanted one (rows not drawn yet have estimated offsets only).
      for (let tries = 0; !appButton(name); tries++) {
        const rowsNow = [...document.querySelectorAll<HTMLElement>('.apps-app-list li')];
        const first = rowsNow[0];
        const last = rowsNow.at(-1);
        if (tries > 40 || !first || !last) throw new Error(`${name} never drawn in the app list (box ${box.clientHeight}/${box.scrollHeight} px at ${box.scrollTop}, rows ${first?.textContent}…${last?.textContent})`);
        const pitch = (last.getBoundingClientRect().bottom - first.getBoundingClientRect().top) / rowsNow.length;
        const from = Number(first.getAttribute('aria-posinset')) - 1;
        const to = Number(last.getAttribute('aria-posinset')) - 1;
        box.scrollTop += (index < from ? index - from - 5 : index > to ? index - to + 5 : 0) * pitch;
        await frame();
        await frame();
      }
    },
    async openApp(name) {
      const button = appButton(name);
      if (!button) throw new Error(`no ${name} drawn in the app list`);
      const start = performance.now();
      button.click();
      await until(`the form of ${name}`, () => document.querySelector('.apps-toolbar h1')?.textContent?.startsWith(name) === true && document.querySelector('form[aria-label="App definition"]') !== null);
      await drawn();
      const form = performance.now() - start;
      // The rendered output, not berth.yaml (which shows the definition before any render): compose.yaml is the first tab once rendered.
      await until(`the rendered compose.yaml of ${name}`, () => document.querySelector('.apps-editor-slot [data-active-file="compose.yaml"] .view-lines')?.textContent?.includes(name) === true);
      await drawn();
      return { form, preview: performance.now() - start };
    },
    async typeKey() {
      const input = newName();
      if (!input) throw new Error('no New app name field');
      // The field keeps what was typed; the note under it says the name it will get ("z", "zz", …).
      const typed = `${input.value}Z`;
      const note = `"${typed.toLowerCase()}"`;
      const start = performance.now();
      setValue(input, typed);
      await until('the name note', () => input.value === typed && document.querySelector('[data-testid="app-name-changed"]')?.textContent?.includes(note) === true);
      await drawn();
      return performance.now() - start;
    },
    clearNewName() {
      const input = newName();
      if (input) setValue(input, '');
    },
  };
}

interface UiTimes {
  serversList: number[];
  appsList: number[];
  servers: number[];
  serversFilter: number[];
  apps: number[];
  appsFilter: number[];
  typing: number[];
  form: number[];
  preview: number[];
  /** How many rows the one-key filters left, as [servers, apps]. */
  filtered: [number, number];
}

/** The key typed into each filter: a digit keeps about a quarter of either list (srv-009, app-0090, …). */
const FILTER_KEY = '9';

async function uiRounds(page: HeadlessPage, rounds: number, firstApp: number): Promise<UiTimes> {
  const t: UiTimes = { serversList: [], appsList: [], servers: [], serversFilter: [], apps: [], appsFilter: [], typing: [], form: [], preview: [], filtered: [0, 0] };
  const settle = () => new Promise((r) => setTimeout(r, 300));
  for (let round = 0; round < rounds; round++) {
    t.serversList.push(...(await page.evaluate(() => window.__load!.rpc('servers.list', 10), null)).times);
    t.appsList.push(...(await page.evaluate(() => window.__load!.rpc('apps.list', 10), null)).times);
    // On the Apps page now (uiRounds starts and ends there): to Servers and back.
    t.servers.push(await page.evaluate(([rows, n]) => window.__load!.nav('Servers', rows, n), [SERVER_ROWS, SERVERS + 1] as const));
    await settle();
    const servers = await page.evaluate(([key, rows, n]) => window.__load!.filter('Filter servers', key, rows, n), [FILTER_KEY, SERVER_ROWS, SERVERS + 1] as const);
    t.serversFilter.push(servers.ms);
    await settle();
    t.apps.push(await page.evaluate(([rows, n]) => window.__load!.nav('Apps', rows, n), [APP_ROWS, APPS] as const));
    await settle();
    const apps = await page.evaluate(([key, rows, n]) => window.__load!.filter('Filter apps', key, rows, n), [FILTER_KEY, APP_ROWS, APPS] as const);
    t.appsFilter.push(apps.ms);
    t.filtered = [servers.shown, apps.shown];
    await settle();
    for (let i = 0; i < 5; i++) t.typing.push(await page.evaluate(() => window.__load!.typeKey(), null));
    await page.evaluate(() => window.__load!.clearNewName(), null);
    await settle();
    const index = firstApp + round * 37;
    await page.evaluate(([name, i]) => window.__load!.reveal(name, i), [appName(index), index] as const);
    await settle();
    const opened = await page.evaluate((n) => window.__load!.openApp(n), appName(index));
    t.form.push(opened.form);
    t.preview.push(opened.preview);
    await settle();
  }
  return t;
}

function uiRows(t: UiTimes, when: string): BenchRow[] {
  const row = (name: string, values: number[], note: string): BenchRow => ({
    name: `${name}, ${when}`,
    value: median(values),
    unit: 'ms',
    note: `median of ${values.length}, p95 ${percentile(values, 95).toFixed(1)}, max ${Math.max(...values).toFixed(1)}; ${note}; ${TARGET}`,
  });
  const [servers, apps] = t.filtered;
  return [
    row('API servers.list', t.serversList, `WebSocket round trip from the page, ${SERVERS + 1} servers`),
    row('API apps.list', t.appsList, `WebSocket round trip from the page, ${APPS} apps (the host stats every app file and parses only those changed since it last did)`),
    row('servers list render', t.servers, `click Servers → page mounted, the ${SERVERS + 1}-server list (kept in the store between visits, fetched again after showing) drawn as far as its box shows`),
    row('servers list filter', t.serversFilter, `"${FILTER_KEY}" typed in Filter servers → "${servers} of ${SERVERS + 1}" and the rows in view drawn`),
    row('apps list render', t.apps, `click Apps → page mounted with the open app's form, the ${APPS}-app list (kept between visits, fetched again after showing) drawn as far as its box shows`),
    row('apps list filter', t.appsFilter, `"${FILTER_KEY}" typed in Filter apps → "${apps} of ${APPS}" and the rows in view drawn`),
    row('typing in the apps list pane', t.typing, 'one key in New app name → the name note re-rendered and drawn (the list pane re-renders with it)'),
    row('open an app: form', t.form, 'click an app far down the list (scrolled to first, untimed) → its form drawn (apps.open + form)'),
    row('open an app: rendered preview', t.preview, 'click an app → its rendered compose.yaml shows in Monaco with its name (apps.open brings the app and its render in one round trip; form and editor)'),
  ];
}

const appName = (i: number) => `app-${String(i).padStart(4, '0')}`;

async function benchExecChannels(sshd: Awaited<ReturnType<typeof startSshd>>): Promise<BenchRow[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-bench-load-exec-'));
  const knownHosts = path.join(dir, 'known_hosts');
  await fs.writeFile(knownHosts, `[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}\n`);
  const service = new ServerService({ dataDir: path.join(dir, 'data'), secrets: new MemorySecretStore(), prompter: refuse, events: new EventBus(), sshDir: path.join(dir, 'ssh'), userKnownHosts: [knownHosts] });
  try {
    const loginsBefore = await logins(sshd.logPath);
    const server = await service.add({ name: 'load', host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath }, proxyJump: [] });
    const host = await service.host(server.id);
    await host.exec(['true']);
    // The same 100 one after another: sshd starts each session's process in turn, so this is the floor a round of
    // concurrent ones can approach, and the ratio shows what concurrency on one connection costs on top.
    const sequentialStart = performance.now();
    for (let i = 0; i < EXECS; i++) await host.exec(['true']);
    const sequential = performance.now() - sequentialStart;
    const times: number[] = [];
    const walls: number[] = [];
    let wrong = 0;
    let failed = 0;
    for (let round = 0; round < EXEC_ROUNDS; round++) {
      const roundStart = performance.now();
      const results = await Promise.all(
        Array.from({ length: EXECS }, async () => {
          const start = performance.now();
          try {
            const result = await host.exec(['true']);
            times.push(performance.now() - start);
            return result.exitCode === 0;
          } catch {
            failed++;
            return false;
          }
        }),
      );
      walls.push(performance.now() - roundStart);
      wrong += results.filter((ok) => !ok).length;
    }
    const sessions = (await logins(sshd.logPath)) - loginsBefore;
    const batch = `${EXEC_ROUNDS} rounds of ${EXECS} concurrent \`true\` on one pooled connection (sshd MaxSessions 200)`;
    return [
      { name: 'concurrent exec, per command', value: median(times), unit: 'ms', note: `median over ${times.length}, p95 ${percentile(times, 95).toFixed(1)}, max ${Math.max(...times).toFixed(1)}; ${batch}; each waits its turn while sshd starts the sessions before it` },
      { name: 'concurrent exec, p95 per command', value: percentile(times, 95), unit: 'ms', note: batch },
      { name: `concurrent exec, ${EXECS} commands`, value: median(walls), unit: 'ms/round', note: `median wall time of a round of ${EXECS}` },
      { name: `sequential exec, ${EXECS} commands`, value: sequential, unit: 'ms', note: `the same ${EXECS} one after another (${(sequential / EXECS).toFixed(1)} ms each; the ssh latency suite compares that with OpenSSH's ControlMaster)` },
      { name: 'concurrent / sequential', value: median(walls) / sequential, unit: 'ratio', note: `a round of ${EXECS} at once against ${EXECS} in turn: about 1 means sshd's session start-up is the whole cost and Berth's channel handling adds none` },
      { name: 'concurrent exec, wrong exit codes', value: wrong, unit: 'commands', note: `of ${EXECS * EXEC_ROUNDS}; ${failed} threw (0 expected)` },
      { name: 'concurrent exec, sshd logins', value: sessions, unit: 'logins', note: 'Accepted publickey in the sshd log (1 expected: one pooled connection)' },
    ];
  } finally {
    await service.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Writes 500 servers (one document, one write) and 1,000 apps through the stores' own write paths. */
async function seedStore(dataDir: string, sshd: Awaited<ReturnType<typeof startSshd>>): Promise<{ ms: number }> {
  const start = performance.now();
  const servers: SshServer[] = [{ kind: 'ssh', id: 'load-sshd', name: 'load sshd', host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath }, proxyJump: [] }];
  // Port 9 (discard) on 127.0.0.1 refuses: nothing should try it unless asked.
  for (let i = 1; i < SERVERS; i++) servers.push({ kind: 'ssh', id: `srv-${String(i).padStart(3, '0')}`, name: `srv-${String(i).padStart(3, '0')}`, host: '127.0.0.1', port: 9, user: 'deploy', auth: { method: 'agent' }, proxyJump: [] });
  await serverStore(dataDir).write({ servers });
  const apps = new AppStore(dataDir);
  await fs.mkdir(path.join(dataDir, 'apps'), { recursive: true });
  const names = Array.from({ length: APPS }, (_, i) => appName(i));
  for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => apps.save(newApp(n))));
  return { ms: performance.now() - start };
}

export async function benchLoad(): Promise<BenchRow[]> {
  const sshd = await startSshd({ extraConfig: ['MaxSessions 200'] });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-bench-load-'));
  let core: ReturnType<typeof createCore> | undefined;
  let web: Awaited<ReturnType<typeof startWebHost>> | undefined;
  let page: HeadlessPage | undefined;
  try {
    const rows = await benchExecChannels(sshd);

    const seeded = await seedStore(dataDir, sshd);
    rows.push({ name: 'seed store', value: seeded.ms, unit: 'ms', note: `${SERVERS} servers in one servers.json write, ${APPS} apps saved through AppStore` });
    // What apps.list costs the host itself, without the socket and the page: a fresh store parses every file, later
    // lists stat every file and parse only those changed since (none here).
    const coldTimes: number[] = [];
    const warmTimes: number[] = [];
    for (let round = 0; round < 3; round++) {
      const store = new AppStore(dataDir);
      for (let i = 0; i < 4; i++) {
        const start = performance.now();
        await store.list();
        (i === 0 ? coldTimes : warmTimes).push(performance.now() - start);
      }
    }
    rows.push({ name: 'AppStore.list in the host process, first', value: median(coldTimes), unit: 'ms', note: `median of ${coldTimes.length} fresh stores; reads, parses and validates all ${APPS} app files` });
    rows.push({ name: 'AppStore.list in the host process, again', value: median(warmTimes), unit: 'ms', note: `median of ${warmTimes.length}; stats all ${APPS} files, parses none (none changed): what apps.list costs from the second call on` });
    core = createCore({ host: 'web', secrets: new MemorySecretStore(), dataDir, version: 'bench' });
    const c = core;
    c.events.subscribe((event, payload) => {
      if (event !== 'prompt') return;
      const prompt = payload as EventPayload<'prompt'>;
      c.prompts.answer(prompt.promptId, { accept: prompt.kind === 'hostKey' && prompt.fingerprint === sshd.hostKeyFingerprint });
    });
    const loginsBefore = await logins(sshd.logPath);
    web = await startWebHost({ port: 0, core });
    // The one real server among the 500, connected as a user would (Test connection).
    await core.servers.test('load-sshd');

    page = await openHeadlessPage(`${web.url}&bench=1`, { width: 1280, height: 820 });
    const p = page;
    await p.waitFor(() => !!document.querySelector('nav[aria-label="Main"] button') && !!window.__berthBench, null, 30_000, 'the main navigation');
    await p.evaluate(installHelpers, tokenProtocol(web.token));
    // Servers, then the Apps page once (loads the editor chunk), and one untimed round so Monaco and the JIT are warm.
    await p.evaluate(([rows, n]) => window.__load!.nav('Servers', rows, n), [SERVER_ROWS, SERVERS + 1] as const);
    await p.evaluate(([rows, n]) => window.__load!.nav('Apps', rows, n), [APP_ROWS, APPS] as const);
    await uiRounds(p, 1, 900);
    rows.push(...uiRows(await uiRounds(p, UI_ROUNDS, 100), 'idle'));

    // 20 local terminals through the UI (This computer → Terminal), each printing a line every 50 ms.
    await p.evaluate(([rows, n]) => window.__load!.nav('Servers', rows, n), [SERVER_ROWS, SERVERS + 1] as const);
    const loop = `perl -e '$|=1; while (1) { printf "load line %d %s\\n", ++$i, "x" x 60; select undef, undef, undef, 0.05 }'\r`;
    for (let i = 1; i <= TERMINALS; i++) {
      const clicked = await p.evaluate(() => {
        const button = [...document.querySelectorAll<HTMLButtonElement>('article[aria-label="This computer"] button')].find((b) => b.textContent?.includes('Terminal'));
        button?.click();
        return !!button;
      }, null);
      if (!clicked) throw new Error('no Terminal button on This computer');
      await p.waitFor((n) => document.querySelectorAll('.terminal-tabs [role="tab"]').length >= n && (document.querySelectorAll('.terminal-tabs [role="tab"][aria-selected="true"]').length === 1) && window.__berthBench!.lastLines(1).length > 0, i, 20_000, `terminal ${i}`);
      await p.evaluate((line) => window.__berthBench!.type(line), loop);
    }
    await p.evaluate(([rows, n]) => window.__load!.nav('Apps', rows, n), [APP_ROWS, APPS] as const);
    await new Promise((r) => setTimeout(r, 1000));
    await p.evaluate(() => window.__berthBench!.reset(), null);
    const loadStart = performance.now();
    const loaded = await uiRounds(p, UI_ROUNDS, 300);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const newlines = await p.evaluate(() => window.__berthBench!.newlines, null);
    const tabs = await p.evaluate(() => document.querySelectorAll('.terminal-tabs [role="tab"]').length, null);
    rows.push({ name: 'terminal output during load rounds', value: newlines / loadSeconds, unit: 'lines/s', note: `${tabs} terminals open, drawn by xterm across all of them (${TERMINALS} × 20 lines/s expected)` });
    rows.push(...uiRows(loaded, `${TERMINALS} terminals printing`));
    rows.push({ name: 'web host sshd logins', value: (await logins(sshd.logPath)) - loginsBefore, unit: 'logins', note: `only the one real server, on Test connection; the other ${SERVERS - 1} are never contacted` });
    return rows;
  } finally {
    await page?.close();
    await web?.close();
    await core?.dispose();
    await sshd.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
