import path from 'node:path';
import { dump, load } from 'js-yaml';
import type { z } from 'zod';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';
import { corruptFile, parseJsonFile } from './corrupt-file.js';
import { withFileLock } from './file-lock.js';
import { cleanTempFilesOnce } from './temp-files.js';
import { ApiError, describeIssues } from '../../shared/api/errors.js';

/**
 * One versioned document on disk (JSON or YAML by extension). Reads validate
 * against the schema; a file from a newer Berth is refused rather than
 * silently downgraded; older versions go through `migrate`. A file that
 * cannot be read fails with its name and what to do, and is never replaced
 * by a write: `update` and `write` read nothing over it.
 *
 * `update` is the read-modify-write every store uses: it holds the file's
 * cross-process lock (see withFileLock) from the read to the rename, so
 * processes sharing a data directory never lose each other's changes.
 */
export class DocumentStore<S extends z.ZodType> {
  constructor(
    private readonly file: string,
    private readonly schema: S,
    private readonly options: {
      version: number;
      empty: () => z.output<S>;
      migrate?: (data: unknown, fromVersion: number) => unknown;
      /** What moving the file away costs, for the corrupt-file message; e.g. "the saved servers are then forgotten". */
      loss?: string;
    },
  ) {}

  get path(): string {
    return this.file;
  }

  async read(): Promise<z.output<S>> {
    await cleanTempFilesOnce(path.dirname(this.file));
    const text = await readFileIfExists(this.file);
    return text === undefined ? this.options.empty() : this.parse(text);
  }

  /** Read-modify-write under the file's lock; `change` may also throw to leave the file as it is. Returns what was written. */
  update(change: (current: z.output<S>) => z.output<S> | Promise<z.output<S>>): Promise<z.output<S>> {
    return withFileLock(this.file, async () => {
      const next = await change(await this.read());
      await this.writeUnlocked(next);
      return next;
    });
  }

  /** Replaces the whole document (under the lock, so it never interleaves with an update). */
  write(data: z.output<S>): Promise<void> {
    return withFileLock(this.file, () => this.writeUnlocked(data));
  }

  private async writeUnlocked(data: z.output<S>): Promise<void> {
    const envelope = { schemaVersion: this.options.version, data };
    const text = this.isYaml ? dump(envelope, { noRefs: true, sortKeys: false }) : `${JSON.stringify(envelope, null, 2)}\n`;
    await writeFileAtomic(this.file, text);
  }

  private parse(text: string): z.output<S> {
    const { file, options } = this;
    const raw = this.isYaml ? parseYamlFile(file, text, options.loss) : parseJsonFile(file, text, options.loss);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw corruptFile(file, 'does not hold a Berth document (expected an object with schemaVersion and data)', options.loss);
    const envelope = raw as { schemaVersion?: unknown; data?: unknown };
    const version = typeof envelope.schemaVersion === 'number' ? envelope.schemaVersion : 0;
    if (version > options.version) {
      throw new ApiError('UNSUPPORTED', `${file} was written by a newer Berth (schema ${version}); update Berth to open it.`);
    }
    let data: unknown;
    try {
      data = version < options.version && options.migrate ? options.migrate(envelope.data, version) : envelope.data;
    } catch (err) {
      throw corruptFile(file, `could not be upgraded from schema ${version}: ${err instanceof Error ? err.message : String(err)}`, options.loss);
    }
    const parsed = this.schema.safeParse(data);
    if (!parsed.success) throw corruptFile(file, `is not valid: ${describeIssues(parsed.error)}`, options.loss);
    return parsed.data;
  }

  private get isYaml(): boolean {
    return ['.yaml', '.yml'].includes(path.extname(this.file));
  }
}

function parseYamlFile(file: string, text: string, loss: string | undefined): unknown {
  if (!text.trim()) throw corruptFile(file, 'is empty', loss);
  try {
    return load(text);
  } catch (err) {
    throw corruptFile(file, `is not valid YAML: ${err instanceof Error ? err.message : String(err)}`, loss);
  }
}
