import path from 'node:path';
import { dump, load } from 'js-yaml';
import type { z } from 'zod';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';
import { describeIssues } from '../../shared/api/errors.js';

/**
 * One versioned document on disk (JSON or YAML by extension). Reads validate
 * against the schema; a file from a newer Berth is refused rather than
 * silently downgraded; older versions go through `migrate`.
 */
export class DocumentStore<S extends z.ZodType> {
  constructor(
    private readonly file: string,
    private readonly schema: S,
    private readonly options: {
      version: number;
      empty: () => z.output<S>;
      migrate?: (data: unknown, fromVersion: number) => unknown;
    },
  ) {}

  get path(): string {
    return this.file;
  }

  async read(): Promise<z.output<S>> {
    const text = await readFileIfExists(this.file);
    if (text === undefined) return this.options.empty();
    const raw = this.isYaml ? load(text) : JSON.parse(text);
    const envelope = (raw ?? {}) as { schemaVersion?: unknown; data?: unknown };
    const version = typeof envelope.schemaVersion === 'number' ? envelope.schemaVersion : 0;
    if (version > this.options.version) {
      throw new Error(`${this.file} was written by a newer Berth (schema ${version}); update Berth to open it.`);
    }
    const data = version < this.options.version && this.options.migrate ? this.options.migrate(envelope.data, version) : envelope.data;
    const parsed = this.schema.safeParse(data);
    if (!parsed.success) {
      throw new Error(`${this.file} is not valid: ${describeIssues(parsed.error)}. Fix or remove the file.`);
    }
    return parsed.data;
  }

  async write(data: z.output<S>): Promise<void> {
    const envelope = { schemaVersion: this.options.version, data };
    const text = this.isYaml ? dump(envelope, { noRefs: true, sortKeys: false }) : `${JSON.stringify(envelope, null, 2)}\n`;
    await writeFileAtomic(this.file, text);
  }

  private get isYaml(): boolean {
    return ['.yaml', '.yml'].includes(path.extname(this.file));
  }
}
