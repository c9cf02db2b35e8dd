import fs from 'node:fs';
import path from 'node:path';
import type { Redactor } from '../../../shared/deploy/redact.js';

/** How much of a deploy's log is kept in memory for a UI that attaches late; the file keeps everything. */
const MEMORY_LIMIT = 2 * 1024 * 1024;

/**
 * A deploy's log: pushed to whoever watches as it is written, appended to its
 * file on disk, and redacted first. Output is redacted a whole line at a
 * time, so a secret split across two chunks is still caught.
 */
export class DeployLog {
  private readonly file: fs.WriteStream;
  private memory = '';
  private readonly partial = new Map<string, string>();
  private closed = false;

  constructor(
    readonly filePath: string,
    private readonly redact: Redactor,
    private readonly emit: (text: string) => void,
  ) {
    fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
    this.file = fs.createWriteStream(filePath, { flags: 'a', mode: 0o600 });
    // A full disk must not end the deploy; the live stream and the record still work.
    this.file.on('error', () => undefined);
  }

  /** A line of Berth's own, e.g. a step heading. */
  line(text: string): void {
    this.flush();
    this.push(`${this.redact(text)}\r\n`);
  }

  /** Program output; `stream` keeps partial lines of stdout and stderr apart. */
  output(chunk: string, stream = 'out'): void {
    const text = (this.partial.get(stream) ?? '') + chunk;
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      this.partial.set(stream, text);
      return;
    }
    this.partial.set(stream, text.slice(end + 1));
    this.push(this.redact(text.slice(0, end + 1)).replace(/\r?\n/g, '\r\n'));
  }

  /** Ends partial lines, e.g. when a command finished. */
  flush(): void {
    for (const [stream, rest] of this.partial) {
      if (rest) this.push(`${this.redact(rest)}\r\n`);
      this.partial.delete(stream);
    }
  }

  text(): string {
    return this.memory;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await new Promise<void>((resolve) => this.file.end(resolve));
  }

  private push(text: string) {
    if (this.closed) return;
    this.memory += text;
    if (this.memory.length > MEMORY_LIMIT) this.memory = this.memory.slice(this.memory.length - MEMORY_LIMIT);
    this.file.write(text);
    this.emit(text);
  }
}
