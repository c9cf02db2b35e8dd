import fs from 'node:fs/promises';
import path from 'node:path';
import { dump, load } from 'js-yaml';
import { App } from '../../shared/model/app.js';
import { ApiError, describeIssues } from '../../shared/api/errors.js';
import type { AppSummary } from '../../shared/api/contract.js';
import { readFileIfExists, writeFileAtomic } from '../storage/atomic-file.js';

const SUFFIX = '.berth.yaml';

/** App definitions, one `<dataDir>/apps/<name>.berth.yaml` each, written atomically. */
export class AppStore {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'apps');
  }

  fileOf(name: string): string {
    const parsed = App.shape.name.safeParse(name);
    if (!parsed.success) throw new ApiError('INVALID_INPUT', `"${name}" is not an app name; use lowercase letters, digits and dashes.`);
    return path.join(this.dir, `${name}${SUFFIX}`);
  }

  async list(): Promise<AppSummary[]> {
    let entries: string[];
    try {
      entries = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: AppSummary[] = [];
    for (const entry of entries.filter((e) => e.endsWith(SUFFIX)).sort()) {
      const name = entry.slice(0, -SUFFIX.length);
      const app = await this.get(name);
      const stat = await fs.stat(path.join(this.dir, entry));
      out.push({ name: app.name, services: Object.keys(app.services).length, updatedAt: stat.mtime.toISOString() });
    }
    return out;
  }

  async get(name: string): Promise<App> {
    const file = this.fileOf(name);
    const text = await readFileIfExists(file);
    if (text === undefined) throw new ApiError('NOT_FOUND', `There is no app named ${name}; import or create it first.`);
    return parseAppText(text, file);
  }

  async save(app: App): Promise<AppSummary> {
    const file = this.fileOf(app.name);
    await writeFileAtomic(file, dump(app, { noRefs: true, lineWidth: -1 }));
    const stat = await fs.stat(file);
    return { name: app.name, services: Object.keys(app.services).length, updatedAt: stat.mtime.toISOString() };
  }

  async remove(name: string): Promise<void> {
    await fs.rm(this.fileOf(name), { force: true });
  }
}

export function parseAppText(text: string, file: string): App {
  let raw: unknown;
  try {
    raw = load(text);
  } catch (err) {
    throw new ApiError('INVALID_INPUT', `${file} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = App.safeParse(raw);
  if (!parsed.success) {
    throw new ApiError('INVALID_INPUT', `${file} is not a valid app definition: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}
