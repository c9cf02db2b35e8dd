/** How much recent output each terminal keeps for a UI that attaches later (after a reload). */
export const SCROLLBACK_BYTES = 256 * 1024;

/** A replay that had to start mid-stream starts at the next line if one begins this close to the cut. */
const LINE_SEARCH_BYTES = 8 * 1024;

/**
 * The last `capacity` bytes a terminal sent, as raw bytes (never decoded, like the frames themselves).
 * Memory stays bounded whatever a detached shell prints; a snapshot that had to drop older output
 * starts at a line start (or at least on a UTF-8 character boundary), so the replay opens cleanly.
 */
export class ScrollbackRing {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private truncated = false;

  constructor(private readonly capacity = SCROLLBACK_BYTES) {}

  get length(): number {
    return this.size;
  }

  push(bytes: Uint8Array): void {
    if (!bytes.length) return;
    // A copy (new Uint8Array, since a Buffer's slice is a view): the frame may share memory that is reused.
    const chunk = new Uint8Array(bytes.subarray(Math.max(0, bytes.length - this.capacity)));
    if (chunk.length < bytes.length) this.truncated = true;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.capacity) {
      const first = this.chunks[0]!;
      const excess = this.size - this.capacity;
      this.truncated = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  /** Everything kept, oldest first, as one fresh buffer. */
  snapshot(): Uint8Array<ArrayBuffer> {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return this.truncated ? all.slice(cleanStart(all)) : all;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.truncated = false;
  }
}

/** Where a replay cut from a longer stream should begin: after the first newline near the cut, else past UTF-8 continuation bytes. */
function cleanStart(bytes: Uint8Array): number {
  const newline = bytes.subarray(0, LINE_SEARCH_BYTES).indexOf(0x0a);
  if (newline >= 0) return newline + 1;
  let start = 0;
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
  return start;
}
