import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Diagnostic } from '../../../shared/model/diagnostic.js';
import { importCompose } from '../../../shared/translate/import/index.js';
import { discoverOverride } from '../../../shared/translate/import/project.js';
import { dumpYamlText } from '../../../shared/yaml/bounded-yaml.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';

const USAGE = 'usage: berth import <compose-file> | -f FILE [-f FILE]... [--name N] [--env-file F] [--profile P]...';

function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function bytesIfPresent(file: string): Uint8Array | undefined {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/** A directory's entries, subdirectories marked with a trailing `/` (the importer walks and bounds the tree itself). */
function listIfDirectory(dir: string): string[] | undefined {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  } catch {
    return undefined;
  }
}

function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''}: ` : '';
  return `${where}${d.severity} ${d.code}: ${d.message}\n`;
}

/**
 * `berth import`: compose file → app definition YAML on stdout. Findings go to
 * stderr as file:line:col; secret values found in the sources are never printed,
 * only their names, because this command has nowhere safe to keep them.
 */
export async function run(ctx: CliContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: ctx.argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        'env-file': { type: 'string' },
        profile: { type: 'string', multiple: true },
        file: { type: 'string', short: 'f', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  if (parsed.values.help) {
    ctx.stdout.write(
      `${USAGE}\nThe .env file beside the compose file is read unless --env-file names another.\n` +
        'As docker compose: a compose.yaml or docker-compose.yml given alone is merged with the override file beside it (compose.override.yml…);\n' +
        'with -f, exactly the files given are merged, in order, paths relative to the first.\n',
    );
    return 0;
  }
  const files = [...parsed.positionals, ...(parsed.values.file ?? [])];
  const [composeFile, ...extraFiles] = files;
  if (!composeFile || parsed.positionals.length > 1) throw new UsageError(USAGE);

  const contents = files.map((f) => readIfPresent(f));
  const missing = files.find((_, i) => contents[i] === undefined);
  if (missing !== undefined) {
    ctx.stderr.write(`berth import: cannot read ${missing}. Check the path.\n`);
    return 1;
  }
  const content = contents[0]!;
  const dir = path.dirname(path.resolve(composeFile));
  const loadFile = (p: string) => readIfPresent(path.resolve(dir, p));
  // Named files are exactly what is merged (compose's -f); a single default-named file brings its override, as `docker compose` alone does.
  const defaultOverride = files.length === 1 && parsed.values.file === undefined ? discoverOverride(composeFile, loadFile) : undefined;
  const overrideFiles = defaultOverride ? [defaultOverride] : extraFiles.map((name, i) => ({ name, content: contents[i + 1]! }));
  const envPath = parsed.values['env-file'] ?? path.join(dir, '.env');
  const envFile = readIfPresent(envPath);
  if (parsed.values['env-file'] !== undefined && envFile === undefined) {
    ctx.stderr.write(`berth import: cannot read the env file ${envPath}. Check the path.\n`);
    return 1;
  }

  const result = importCompose(content, {
    fileName: composeFile,
    overrideFiles,
    ...(parsed.values.name !== undefined ? { name: parsed.values.name } : {}),
    defaultName: path.basename(dir),
    ...(envFile !== undefined ? { envFile } : {}),
    profiles: parsed.values.profile ?? [],
    loadFile,
    loadBytes: (p) => bytesIfPresent(path.resolve(dir, p)),
    listDir: (p) => listIfDirectory(path.resolve(dir, p)),
  });
  for (const d of result.diagnostics) ctx.stderr.write(formatDiagnostic(d));
  const secretNames = Object.keys(result.secrets);
  if (secretNames.length > 0) {
    ctx.stderr.write(`berth import: values for ${secretNames.join(', ')} were found in the sources; the definition references them as secrets. Set them in Berth before deploying.\n`);
  }
  if (!result.app) {
    ctx.stderr.write('berth import: the import failed; fix the errors above and run it again.\n');
    return 1;
  }
  ctx.stdout.write(dumpYamlText(result.app, { lineWidth: -1, noRefs: true }));
  return 0;
}
