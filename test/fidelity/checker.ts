import { load } from 'js-yaml';
import { isRecord, keyValues, parseDocument, unescapeDollars, type ComposeDocument, type ComposeService } from './compose-model.js';
import { indexKubernetes, type KubeIndex } from './kube-model.js';
import type { Original } from './original.js';
import { checkHostNames, checkOneShot } from './checks/reachability.js';
import { checkBoundFiles, checkSharedStorage } from './checks/storage.js';
import { checkLifecycle } from './checks/lifecycle.js';
import { checkSecrets } from './checks/secrets.js';
import { checkComposeKeys, checkKubernetesReports } from './checks/keys.js';

/**
 * The fidelity check: does the app Berth imported and rendered behave as the
 * original compose app does? It compares the original (as Compose reads it)
 * with berth.yaml, the compose output and the Kubernetes manifests, as text,
 * and never looks at the translator's internals. Each check is a class of
 * findings; a finding that a diagnostic names (the service, the key, and a
 * next step) counts as explained: the user was told what to do.
 */
export const CHECKS = {
  hosts: 'host names other services use resolve, with their port',
  files: 'bound files are files',
  shared: 'storage is kept, shared storage is shared',
  oneShot: 'one-shot services are Jobs, servers are not',
  lifecycle: 'restart and depends_on kept on compose',
  secrets: 'no secret value in plain text',
  composeKeys: 'no compose key lost on Docker',
  kubeReports: 'what Kubernetes cannot express is expressed or reported',
  imported: 'a file Compose accepts is imported',
} as const;
export type CheckId = keyof typeof CHECKS;

export interface Diag { severity: string; code: string; message: string; field?: string }
export interface OutputFile { path: string; content: string }

export interface FidelityInput {
  original: Original;
  /** berth.yaml as written; undefined when the import failed. */
  berthYaml?: string;
  importDiagnostics: Diag[];
  outputs: Array<{ destination: string; target: 'compose' | 'kubernetes'; files: OutputFile[]; diagnostics: Diag[]; namespace?: string }>;
}

export type TargetKind = 'app' | 'compose' | 'kubernetes';

export interface Finding {
  check: CheckId;
  target: TargetKind;
  destinations: string[];
  service: string;
  subject: string;
  problem: string;
  /** The code of the diagnostic that tells the user about it. */
  explainedBy?: string;
}

export interface ClassCount { checked: number; passed: number; explained: number; unexplained: number }
export interface FidelityReport { counts: Record<CheckId, ClassCount>; findings: Finding[] }

export interface ComposeTarget {
  destination: string;
  doc: ComposeDocument;
  /** Variables of each service's env files (masked values are `********`). */
  envFiles: Map<string, Record<string, string>>;
  files: OutputFile[];
  diagnostics: Diag[];
}
export interface KubeTarget { destination: string; index: KubeIndex; text: string; namespace: string; diagnostics: Diag[] }

export interface CheckContext {
  original: Original;
  app?: { services: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  berthYaml?: string;
  importDiagnostics: Diag[];
  compose: ComposeTarget[];
  kube: KubeTarget[];
  /** The output name of an original service (compose names become DNS-1123 labels). */
  outName: (service: string) => string;
  /** One checked subject; `problem` undefined means it passed. `diagnostics` are the target's render diagnostics. */
  record: (r: { check: CheckId; target: TargetKind; destination: string; service: string; subject: string; problem?: string; terms: string[]; also?: string[]; diagnostics: Diag[] }) => void;
}

export const toLabel = (name: string) => name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);

const mentions = (text: string, word: string) => {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`, 'i').test(text);
};

/** Words of a next step: a diagnostic that explains a finding says what the user can do. */
const ACTION = /\b(set|add|change|move|use|fix|replace|remove|declare|mount|edit|import|select|rename|give|create|copy|put|pass|write|enable|choose|run|install|configure|keep|point|raise|label|drop|pin|deploy|start|make|grant)\b/i;
/** Keys that are also plain English: named in a message they must look like a key, not a word in a sentence. */
const COMMON_WORDS = new Set(['user', 'init', 'links', 'platform', 'runtime', 'logging', 'devices', 'hostname', 'secrets', 'build', 'restart', 'aliases', 'privileged', 'ports', 'shared', 'network_mode', 'dns', 'ipc', 'pid', 'tty']);

function namesTerm(d: Diag, term: string): boolean {
  if ((d.field ?? '').toLowerCase().split(/[.[\]]/).includes(term.toLowerCase())) return true;
  if (!COMMON_WORDS.has(term.toLowerCase())) return mentions(`${d.field ?? ''} ${d.message}`, term) || d.message.toLowerCase().includes(term.toLowerCase()) && /[:/._-]/.test(term);
  return new RegExp(`(\`${term}\`|"${term}"|${term}:|${term}=|\\b${term}\\b \\()`, 'i').test(d.message);
}

/**
 * A diagnostic that names one of the services and one of the terms (a key, a
 * host, a path) and, unless `action` is false, says what to do. Reports of
 * what Kubernetes cannot express need only name the service and the key (the
 * brief's class 8): "logging: the cluster's log collection applies" is enough.
 */
export function explainedBy(diagnostics: Diag[], services: string[], terms: string[], action = true): Diag | undefined {
  return diagnostics.find((d) => {
    const text = `${d.field ?? ''} ${d.message}`;
    const sentence = d.message.replace(/"[^"]*"|`[^`]*`|\S*\/\S*/g, ' ');
    return (!action || ACTION.test(sentence)) && services.some((s) => s && mentions(text, s)) && (terms.length === 0 || terms.some((t) => t && namesTerm(d, t)));
  });
}

/**
 * The diagnostics that can explain a finding on a target: the target's render
 * diagnostics, and the import's where they speak to that target (an import
 * note that Kubernetes renders will report something is not that report).
 */
export function explainers(importDiagnostics: Diag[], target: TargetKind, render: Diag[]): Diag[] {
  if (target === 'app') return importDiagnostics;
  if (target === 'compose') return [...importDiagnostics, ...render];
  return [...importDiagnostics.filter((d) => /\bKubernetes\b/.test(d.message) && !/renders report/.test(d.message)), ...render];
}

function composeTarget(destination: string, files: OutputFile[], diagnostics: Diag[], projectDir: string): ComposeTarget | undefined {
  const main = files.find((f) => /(^|\/)compose\.ya?ml$/.test(f.path));
  if (!main) return undefined;
  const doc = parseDocument(unescapeDollars(load(main.content)), projectDir);
  const envFiles = new Map<string, Record<string, string>>();
  for (const s of Object.values(doc.services)) {
    const vars: Record<string, string> = {};
    for (const ref of s.envFiles) {
      const file = files.find((f) => f.path === ref.replace(/^\.\//, ''));
      if (file) Object.assign(vars, dotenv(file.content));
    }
    envFiles.set(s.name, vars);
  }
  return { destination, doc, envFiles, files, diagnostics };
}

/** KEY=value lines, quotes removed; enough for the env files Berth writes. */
export function dotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    if (/^'.*'$/s.test(value)) value = value.slice(1, -1);
    else if (/^".*"$/s.test(value)) value = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\(["\\$])/g, '$1');
    out[m[1]!] = value;
  }
  return out;
}

const RANK = { pass: 0, explained: 1, unexplained: 2 } as const;

export function checkFidelity(input: FidelityInput): FidelityReport {
  const app = input.berthYaml ? (load(input.berthYaml) as CheckContext['app']) : undefined;
  const compose = input.outputs.filter((o) => o.target === 'compose')
    .flatMap((o) => composeTarget(o.destination, o.files, o.diagnostics, input.original.projectDir) ?? []);
  const kube = input.outputs.filter((o) => o.target === 'kubernetes').flatMap((o) => {
    const text = o.files.filter((f) => /\.ya?ml$/.test(f.path)).map((f) => f.content).join('\n---\n');
    return [{ destination: o.destination, index: indexKubernetes(text), text, namespace: o.namespace ?? 'default', diagnostics: o.diagnostics }];
  });
  const outServices = new Set([...Object.keys(app?.services ?? {}), ...compose.flatMap((c) => Object.keys(c.doc.services))]);

  // One entry per (check, target kind, service, subject): the worst outcome over that kind's destinations.
  const subjects = new Map<string, { finding: Finding; rank: number }>();
  const ctx: CheckContext = {
    original: input.original, app, berthYaml: input.berthYaml, importDiagnostics: input.importDiagnostics, compose, kube,
    outName: (s) => (outServices.has(s) ? s : toLabel(s)),
    record: (r) => {
      const key = [r.check, r.target, r.service, r.subject].join('\u0000');
      let rank: number = RANK.pass;
      let explained: Diag | undefined;
      if (r.problem !== undefined) {
        explained = explainedBy(explainers(input.importDiagnostics, r.target, r.diagnostics), [r.service, toLabel(r.service), ...(r.also ?? [])], r.terms, r.check !== 'kubeReports');
        rank = explained ? RANK.explained : RANK.unexplained;
      }
      const previous = subjects.get(key);
      if (previous && previous.rank >= rank) {
        if (previous.rank === rank && rank > 0) previous.finding.destinations.push(r.destination);
        return;
      }
      subjects.set(key, { rank, finding: { check: r.check, target: r.target, destinations: [r.destination], service: r.service, subject: r.subject, problem: r.problem ?? '', explainedBy: explained?.code } });
    },
  };

  if (input.berthYaml === undefined) {
    // Nothing to compare; a refusal counts as explained only where an error says what to do (set a variable…).
    const fix = input.importDiagnostics.find((d) => d.severity === 'error' && ACTION.test(d.message.replace(/"[^"]*"|`[^`]*`|\S*\/\S*/g, ' ')));
    const accepted = input.original.source === 'compose-config';
    subjects.set('imported', { rank: !accepted ? RANK.pass : fix ? RANK.explained : RANK.unexplained, finding: { check: 'imported', target: 'app', destinations: ['berth.yaml'], service: '', subject: 'import', problem: `Compose accepts the file, Berth's import fails (${[...new Set(input.importDiagnostics.filter((d) => d.severity === 'error').map((d) => d.code))].join(', ')})`, explainedBy: fix?.code } });
  } else subjects.set('imported', { rank: RANK.pass, finding: { check: 'imported', target: 'app', destinations: ['berth.yaml'], service: '', subject: 'import', problem: '' } });

  checkHostNames(ctx);
  checkBoundFiles(ctx);
  checkSharedStorage(ctx);
  checkOneShot(ctx);
  checkLifecycle(ctx);
  checkSecrets(ctx);
  checkComposeKeys(ctx);
  checkKubernetesReports(ctx);

  const counts = Object.fromEntries(Object.keys(CHECKS).map((c) => [c, { checked: 0, passed: 0, explained: 0, unexplained: 0 }])) as Record<CheckId, ClassCount>;
  const findings: Finding[] = [];
  for (const { finding, rank } of subjects.values()) {
    const count = counts[finding.check];
    count.checked++;
    if (rank === RANK.pass) count.passed++;
    else {
      if (rank === RANK.explained) count.explained++;
      else count.unexplained++;
      findings.push(finding);
    }
  }
  return { counts, findings };
}

// ---- helpers the checks share ----

/** The env value a service ends up with on compose: environment, else its env files. */
export function composeEnv(target: ComposeTarget, service: ComposeService): Record<string, string | null> {
  return { ...(target.envFiles.get(service.name) ?? {}), ...service.environment };
}

/** berth.yaml's env value as text: plain, `{value}`, `{template}`; secrets give undefined. */
export function appEnvText(ctx: CheckContext, service: string, key: string): string | undefined {
  const env = ctx.app?.services[service]?.env;
  const v = isRecord(env) ? env[key] : undefined;
  if (typeof v === 'string') return v;
  if (isRecord(v)) return typeof v.value === 'string' ? v.value : typeof v.template === 'string' ? v.template : undefined;
  return undefined;
}

export const joinCommand = (c: string[] | string | undefined) => (c === undefined ? undefined : Array.isArray(c) ? c.join(' ') : c);
export { keyValues };
