import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { App } from '../../shared/model/app.js';
import { dumpYamlText, loadYaml, YAML_LIMITS, YamlLimitError } from '../../shared/yaml/bounded-yaml.js';
import { ApiError, describeIssues } from '../../shared/api/errors.js';
import type { AppSummary } from '../../shared/api/contract.js';
import { readFileIfExists, writeFileAtomic } from '../storage/atomic-file.js';
import { corruptFile } from '../storage/corrupt-file.js';
import { withFileLock } from '../storage/file-lock.js';
import { cleanTempFilesOnce } from '../storage/temp-files.js';

const SUFFIX = '.berth.yaml';
const LOSS = 'this app is then no longer listed';

/** App definitions, one `<dataDir>/apps/<name>.berth.yaml` each, written atomically. */
export class AppStore {
  private readonly dir: string;
  /** Parsed summaries by file, with the stat they were parsed at (see `sameFile`). */
  private readonly summaries = new Map<string, { stat: FileStamp; summary: AppSummary }>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'apps');
  }

  fileOf(name: string): string {
    const parsed = App.shape.name.safeParse(name);
    if (!parsed.success) throw new ApiError('INVALID_INPUT', `"${name}" is not an app name; use lowercase letters, digits and dashes.`);
    return path.join(this.dir, `${name}${SUFFIX}`);
  }

  /** Every app file; one that cannot be read is listed with its error instead of failing the others. */
  async list(): Promise<AppSummary[]> {
    await cleanTempFilesOnce(this.dir);
    let entries: string[];
    try {
      entries = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const files = entries.filter((e) => e.endsWith(SUFFIX)).sort();
    const listed = new Set(files.map((e) => path.join(this.dir, e)));
    for (const file of this.summaries.keys()) if (!listed.has(file)) this.summaries.delete(file);
    // A summary is parsed again only when its file changed: listing 1,000 apps must not parse 1,000 files every time.
    // Every call still stats every file, since the CLI and the other host write the same directory.
    return Promise.all(files.map(async (entry): Promise<AppSummary | undefined> => {
      const name = entry.slice(0, -SUFFIX.length);
      const file = path.join(this.dir, entry);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat) return undefined; // removed meanwhile
      const cached = this.summaries.get(file);
      if (cached && sameFile(cached.stat, stat)) return cached.summary;
      try {
        const app = await this.get(name);
        const summary = { name: app.name, services: Object.keys(app.services).length, updatedAt: stat.mtime.toISOString() };
        this.summaries.set(file, { stat: stampOf(stat), summary });
        return summary;
      } catch (err) {
        this.summaries.delete(file);
        if (err instanceof ApiError && err.code === 'NOT_FOUND') return undefined;
        return { name, services: 0, updatedAt: stat.mtime.toISOString(), error: ApiError.from(err).message };
      }
    })).then((all) => all.filter((s): s is AppSummary => s !== undefined));
  }

  async get(name: string): Promise<App> {
    const file = this.fileOf(name);
    await cleanTempFilesOnce(this.dir);
    const text = await readFileIfExists(file);
    if (text === undefined) throw new ApiError('NOT_FOUND', `There is no app named ${name}; import or create it first.`);
    const result = readApp(text);
    if ('problem' in result) throw corruptFile(file, result.problem, LOSS);
    return result.app;
  }

  /** With `create`, an app already stored under the name is refused (checked under the file's lock) instead of replaced. */
  async save(app: App, options: { create?: boolean } = {}): Promise<AppSummary> {
    const file = this.fileOf(app.name);
    return withFileLock(file, async () => {
      if (options.create && (await readFileIfExists(file)) !== undefined) {
        throw new ApiError('CONFLICT', `An app named "${app.name}" already exists. Choose another name, or open that app from the list.`, 'name');
      }
      await writeFileAtomic(file, dumpYamlText(app, { noRefs: true, lineWidth: -1 }));
      const stat = await fs.stat(file);
      return { name: app.name, services: Object.keys(app.services).length, updatedAt: stat.mtime.toISOString() };
    });
  }

  async remove(name: string): Promise<void> {
    const file = this.fileOf(name);
    await withFileLock(file, () => fs.rm(file, { force: true }));
  }
}

type FileStamp = Pick<Stats, 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>;
const stampOf = ({ ino, size, mtimeMs, ctimeMs }: Stats): FileStamp => ({ ino, size, mtimeMs, ctimeMs });

/**
 * Whether a file is still the one a summary was parsed from. An atomic write (ours, the CLI's) makes a new inode; an
 * editor writing in place changes the mtime and the ctime, and the ctime cannot be set back, so even a same-size
 * rewrite on a file system with coarse mtimes is seen.
 */
function sameFile(a: FileStamp, b: Stats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** An app definition the user gave (a file on the command line, an import): errors are INVALID_INPUT and name the file. */
export function parseAppText(text: string, file: string): App {
  const result = readApp(text);
  if ('problem' in result) throw new ApiError('INVALID_INPUT', `${file} ${result.problem}`);
  return result.app;
}

function readApp(text: string): { app: App } | { problem: string } {
  if (!text.trim()) return { problem: 'is empty' };
  let raw: unknown;
  try {
    // What Berth writes can be longer than the text it came from (escaped strings); aliases and nesting stay bounded.
    raw = loadYaml(text, { maxChars: 4 * YAML_LIMITS.maxChars });
  } catch (err) {
    if (err instanceof YamlLimitError) return { problem: `cannot be read: ${err.reason}` };
    return { problem: `is not valid YAML: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = App.safeParse(raw);
  if (!parsed.success) return { problem: `is not a valid app definition: ${describeIssues(parsed.error)}` };
  return { app: parsed.data };
}
