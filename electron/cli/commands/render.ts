import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import { Destination } from '../../../shared/model/app.js';
import { RenderTarget } from '../../../shared/api/contract.js';
import { resolveDataDir } from '../../storage/paths.js';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import { nodeSecretStore } from '../../secrets/node-secret-store.js';
import { parseAppText } from '../../apps/app-store.js';
import { DestinationStore, LOCAL_DOCKER } from '../../apps/destination-store.js';
import { renderWithSecrets } from '../../apps/render-service.js';
import { printDiagnostics } from './print-diagnostics.js';

const HELP = `Usage: berth render <app-file> --target compose|kubernetes [--destination NAME] [--reveal-secrets] [--out DIR]

Prints the main rendered file (compose.yaml or kubernetes.yaml) on stdout.
Other files (caddy.json, .env.<service>, build secrets) are listed on stderr;
--out DIR writes every file into DIR instead, each with mode 0600 (only
you can read them: any of them may hold a secret).
Without --destination: local-docker for compose, the first saved Kubernetes
destination (or namespace "default") for kubernetes. Secret values are
masked unless --reveal-secrets; the CLI does not read the app's secrets, so
revealed values are reported missing.
Warnings and errors go to stderr; the exit code is 1 when there are errors.`;

export async function run(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: ctx.argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      destination: { type: 'string' },
      'reveal-secrets': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    ctx.stdout.write(`${HELP}\n`);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`expected one app file.\n\n${HELP}`);
  const target = RenderTarget.safeParse(values.target);
  if (!target.success) throw new UsageError(`--target must be compose or kubernetes.\n\n${HELP}`);

  const app = parseAppText(await fs.readFile(file, 'utf8'), file);
  const dataDir = resolveDataDir(undefined, ctx.env);
  const destination = await pickDestination(dataDir, target.data, values.destination);
  const result = await renderWithSecrets(app, destination, nodeSecretStore(dataDir, ctx.env), values['reveal-secrets']);

  const [main, ...others] = result.files;
  if (values.out) {
    // 0600 for every file: compose.yaml holds revealed secrets and caddy.json may carry credentials, not only the env files.
    for (const f of result.files) await writeFileAtomic(path.join(values.out, f.path), f.encoding === 'base64' ? Buffer.from(f.content, 'base64') : f.content, 0o600);
    ctx.stderr.write(`wrote ${result.files.map((f) => f.path).join(', ')} to ${values.out}\n`);
  } else {
    if (main) ctx.stdout.write(main.content);
    if (others.length > 0) ctx.stderr.write(`also rendered (use --out DIR to write them): ${others.map((f) => f.path).join(', ')}\n`);
  }
  for (const o of result.overrides.filter((s) => !s.applied)) ctx.stderr.write(`warning OVERRIDE_TARGET_MISSING: override for ${o.kind} ${o.name} matches nothing in the render\n`);
  return printDiagnostics(ctx, result.diagnostics) ? 1 : 0;
}

async function pickDestination(dataDir: string, target: RenderTarget, name: string | undefined): Promise<Destination> {
  const store = new DestinationStore(dataDir);
  if (name) {
    const found = await store.get(name);
    const wanted = target === 'compose' ? 'docker' : 'kubernetes';
    if (found.type !== wanted) throw new UsageError(`destination ${name} is a ${found.type} destination; --target ${target} needs a ${wanted} one.`);
    return found;
  }
  if (target === 'compose') return (await store.list()).find((d) => d.type === 'docker') ?? LOCAL_DOCKER;
  return (await store.list()).find((d) => d.type === 'kubernetes') ?? Destination.parse({ type: 'kubernetes', name: 'kubernetes', context: 'default' });
}
