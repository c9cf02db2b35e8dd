import fs from 'node:fs/promises';
import path from 'node:path';
import { DeployRecord } from '../../../shared/model/deploy.js';
import type { RenderedFile } from '../../../shared/api/contract.js';
import { readFileIfExists, writeFileAtomic } from '../../storage/atomic-file.js';

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * This installation's deploy records: `<dataDir>/deployments/<app>/<destination>/`
 * holds `<id>.json` (the record), `<id>.log` (the full, redacted log) and
 * `last.json` (the render that last went live, for the Diff tab).
 */
export class DeployRecords {
  constructor(private readonly dataDir: string) {}

  dir(app: string, destination: string): string {
    if (!SAFE.test(app) || !SAFE.test(destination)) throw new Error(`Unsafe app or destination name: ${app}/${destination}`);
    return path.join(this.dataDir, 'deployments', app, destination);
  }

  logPath(record: Pick<DeployRecord, 'app' | 'destination' | 'id'>): string {
    return path.join(this.dir(record.app, record.destination), `${record.id}.log`);
  }

  async save(record: DeployRecord): Promise<void> {
    await writeFileAtomic(path.join(this.dir(record.app, record.destination), `${record.id}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }

  async saveLastDeployed(app: string, destination: string, files: RenderedFile[], deployedAt: string): Promise<void> {
    await writeFileAtomic(path.join(this.dir(app, destination), 'last.json'), `${JSON.stringify({ files, deployedAt }, null, 2)}\n`);
  }

  /** Newest first; unreadable records are skipped rather than hiding every other one. */
  async list(app?: string): Promise<DeployRecord[]> {
    const root = path.join(this.dataDir, 'deployments');
    const apps = app ? [app] : await names(root);
    const out: DeployRecord[] = [];
    for (const a of apps) {
      if (!SAFE.test(a)) continue;
      for (const destination of await names(path.join(root, a))) {
        const dir = path.join(root, a, destination);
        for (const file of await names(dir)) {
          if (!/^r[\d-]+[a-z0-9]+\.json$/.test(file)) continue;
          const parsed = DeployRecord.safeParse(parseJson((await readFileIfExists(path.join(dir, file))) ?? 'null'));
          if (parsed.success) out.push(parsed.data);
        }
      }
    }
    return out.sort((x, y) => (x.startedAt < y.startedAt ? 1 : x.startedAt > y.startedAt ? -1 : 0));
  }

  async get(id: string): Promise<DeployRecord | undefined> {
    return (await this.list()).find((r) => r.id === id);
  }

  async readLog(record: DeployRecord): Promise<string> {
    return (await readFileIfExists(this.logPath(record))) ?? '';
  }
}

async function names(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
