// `npm run lint:electron`: Doyensec's electronegativity over the app's sources (electron/ and renderer/), offline.
// Fails on any finding above LOW and on any file it could not parse. A finding that is a false positive is
// justified where it is, with `// eng-disable CHECK_ID` on the flagged line and the reason beside it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCANNED_DIRS = ['electron', 'renderer'];

/** Checks left out, each because it needs the network, with what covers it instead. */
export const EXCLUDED_CHECKS: Record<string, string> = {
  AvailableSecurityFixesGlobalCheck:
    "downloads Electron's release list; electron/security-checklist.test.ts (item 16) holds the installed Electron to MIN_ELECTRON_MAJOR",
};

export interface Finding {
  id: string;
  severity: { name: string; value: number };
  confidence: { name: string; value: number };
  file: string;
  location: { line: number; column: number };
  description: string;
  sample?: string;
}

interface ScanResult {
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: Finding[];
}

type Run = (options: Record<string, unknown>) => Promise<ScanResult>;

const require = createRequire(import.meta.url);
const LOW = 1; // electronegativity's severities: INFORMATIONAL 0, LOW 1, MEDIUM 2, HIGH 3

/**
 * electronegativity fetches translations over HTTP at start (with a 1 s timeout). Answer that request here
 * instead, so a scan never touches the network and behaves the same offline.
 */
function loadOffline(): Run {
  const i18n = require.resolve('@doyensec/electronegativity/dist/locales/i18n.js');
  const gotPath = createRequire(i18n).resolve('got');
  const offline = async () => ({ statusCode: 404, body: '' });
  const cache = require.cache as Record<string, unknown>;
  cache[gotPath] = { id: gotPath, filename: gotPath, path: path.dirname(gotPath), loaded: true, exports: offline, children: [], paths: [] };
  return require('@doyensec/electronegativity') as Run;
}

/** Shipped sources only: tests and test harnesses are not part of the app. */
function isScanned(file: string): boolean {
  const base = path.basename(file);
  return base !== 'node_modules' && base !== 'testing' && !/\.(test|spec)\.[cm]?[jt]sx?$/.test(base);
}

function installedElectronVersion(root: string): string {
  return (JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
}

/** Scans `dirs` (relative to `root`) as one app, so global checks see main and renderer together. */
export async function scan(root: string = ROOT, dirs: string[] = SCANNED_DIRS): Promise<{ findings: Finding[]; errors: ScanResult['errors']; checks: number }> {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-electronegativity-'));
  try {
    for (const dir of dirs) fs.cpSync(path.join(root, dir), path.join(stage, dir), { recursive: true, filter: isScanned });
    const result = await loadOffline()({
      input: stage,
      excludeFromScan: Object.keys(EXCLUDED_CHECKS),
      electronVersionOverride: installedElectronVersion(ROOT),
      isRelative: false,
      parserPlugins: [],
    });
    const rel = (file: string) => (file === 'N/A' ? file : path.relative(stage, file));
    return {
      findings: result.issues.map((f) => ({ ...f, file: rel(f.file) })),
      errors: result.errors.map((e) => ({ ...e, file: rel(e.file) })),
      checks: result.globalChecks + result.atomicChecks,
    };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** What fails the build: findings above LOW that no eng-disable comment justifies (those never reach here). */
export function blocking(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity.value > LOW);
}

const describe = (f: Finding) =>
  `${f.severity.name.padEnd(6)} ${f.id} ${f.file}:${f.location.line}:${f.location.column} (${f.confidence.name.toLowerCase()})\n       ${f.description}`;

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { findings, errors, checks } = await scan();
  const failed = blocking(findings);
  const parseErrors = errors.filter((e) => !e.tolerable);
  for (const f of findings) process.stdout.write(`${describe(f)}\n`);
  for (const e of parseErrors) process.stdout.write(`ERROR  could not parse ${e.file}: ${e.message}\n`);
  for (const [check, why] of Object.entries(EXCLUDED_CHECKS)) process.stdout.write(`note   ${check} not run: ${why}\n`);
  process.stdout.write(
    `electronegativity: ${checks} checks over ${SCANNED_DIRS.join('/, ')}/: ${failed.length} finding(s) above LOW, ${findings.length - failed.length} at LOW or below, ${parseErrors.length} parse error(s)\n`,
  );
  if (failed.length > 0 || parseErrors.length > 0) {
    process.stdout.write('Fix each finding above LOW, or justify it on its line with `// eng-disable CHECK_ID` and the reason.\n');
    process.exitCode = 1;
  }
}
