import { CORE_SCHEMA, EVENT_ID, YAMLException, constructFromEvents, dump, parseEvents, visit } from 'js-yaml';
import type { DumpOptions, Event, Schema } from 'js-yaml';

/**
 * Every YAML Berth reads from a user (compose files, pasted or edited YAML,
 * app definitions, kubeconfig) goes through here, so the work a document can
 * cause is bounded before anything is built from it: its size, its nesting,
 * and what its aliases expand to. A 433-byte "billion laughs" document
 * (nine levels of nine-way aliases) stands for 387 million nodes once a
 * consumer walks it; it is refused here in microseconds instead.
 */
export const YAML_LIMITS = {
  /** Characters of YAML text read at once (a compose file, the text of an editor). */
  maxChars: 4 * 1024 * 1024,
  /** Levels of nested mappings and sequences, counting the content aliases bring in. */
  maxDepth: 64,
  /**
   * Values (mappings, sequences and scalars) once every alias is expanded.
   * What a consumer does per value is what takes time: this many keep an
   * import under about half a second. A compose file with hundreds of
   * services has a few thousand.
   */
  maxNodes: 100_000,
  /** Characters of scalars once every alias is expanded. */
  maxExpandedChars: 8 * 1024 * 1024,
  /**
   * Strings longer than this are written by Berth itself as double-quoted
   * scalars: js-yaml's writer picks a style with regular expressions that
   * overflow the stack on strings of about 2 MiB.
   */
  longString: 64 * 1024,
} as const;

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
const count = (n: number) => n.toLocaleString('en-US');

/** A document over one of YAML_LIMITS. `reason` is a whole message: what is too big, the limit, and what to do. */
export class YamlLimitError extends YAMLException {}

function limitError(source: string, position: number, reason: string, filename?: string): YamlLimitError {
  try {
    YAMLException.throwAt(source, Math.max(0, Math.min(position, source.length)), reason, filename);
  } catch (err) {
    if (err instanceof YAMLException) return new YamlLimitError(reason, err.mark);
  }
  return new YamlLimitError(reason);
}

export interface BoundedParseOptions {
  filename?: string;
  /**
   * For files Berth wrote itself, which may be longer than the text they came
   * from (escaped strings); scalar text may then expand to twice this.
   */
  maxChars?: number;
}

/** What a node stands for once aliases are expanded. */
interface Extent {
  nodes: number;
  chars: number;
  /** Levels of collections from this node down (0 for a scalar). */
  height: number;
}

/**
 * Walks the event stream once and refuses a document whose aliases expand
 * beyond YAML_LIMITS, nest too deep, or refer to themselves. Linear in the
 * number of events: an alias costs one map lookup, whatever it stands for.
 */
function checkExpansion(events: readonly Event[], source: string, maxExpandedChars: number, filename?: string): void {
  let anchors = new Map<string, Extent>();
  const openAnchors = new Set<string>();
  const stack: Array<Extent & { anchor?: string }> = [];
  const total = { nodes: 0, chars: 0 };
  let aliases = 0;
  const name = (start: number, end: number) => (start >= 0 ? source.slice(start, end) : undefined);
  const fail = (position: number, reason: string) => limitError(source, position, reason, filename);
  const add = (extent: Extent, position: number) => {
    total.nodes += extent.nodes;
    total.chars += extent.chars;
    if (total.nodes > YAML_LIMITS.maxNodes) {
      throw fail(
        position,
        aliases > 0
          ? `The aliases (*name) in this YAML expand it to more than ${count(YAML_LIMITS.maxNodes)} values; Berth reads at most that many. Write the repeated parts out, or use fewer nested aliases.`
          : `This YAML has more than ${count(YAML_LIMITS.maxNodes)} values (mappings, lists and scalars); Berth reads at most that many at once. Split it into smaller files.`,
      );
    }
    if (total.chars > maxExpandedChars) {
      throw fail(position, `The aliases (*name) in this YAML repeat its text to more than ${mib(maxExpandedChars)}; Berth reads at most that much. Write the repeated parts out, or use fewer aliases.`);
    }
    if (stack.length + extent.height > YAML_LIMITS.maxDepth) throw fail(position, depthMessage());
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.nodes += extent.nodes;
      parent.chars += extent.chars;
      parent.height = Math.max(parent.height, extent.height + 1);
    }
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        anchors = new Map();
        break;
      case EVENT_ID.SCALAR: {
        const extent = { nodes: 1, chars: Math.max(0, event.valueEnd - event.valueStart), height: 0 };
        add(extent, event.valueStart);
        const anchor = name(event.anchorStart, event.anchorEnd);
        if (anchor !== undefined) anchors.set(anchor, extent);
        break;
      }
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        const anchor = name(event.anchorStart, event.anchorEnd);
        if (anchor !== undefined) {
          anchors.delete(anchor);
          openAnchors.add(anchor);
        }
        // The collection itself counts now; what it holds is added to it (and to the total) as it comes.
        add({ nodes: 1, chars: 0, height: 0 }, event.start);
        stack.push({ nodes: 1, chars: 0, height: 1, ...(anchor !== undefined ? { anchor } : {}) });
        break;
      }
      case EVENT_ID.ALIAS: {
        aliases++;
        const alias = source.slice(event.anchorStart, event.anchorEnd);
        if (openAnchors.has(alias)) {
          throw fail(event.anchorStart, `The alias *${clip(alias)} is used inside the node it names, which would make an endless structure; Berth does not read recursive aliases. Point it at a node outside itself.`);
        }
        // An unknown alias is reported by the constructor with its own message.
        add(anchors.get(alias) ?? { nodes: 1, chars: 0, height: 0 }, event.anchorStart);
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (!frame) break;
        if (frame.anchor !== undefined) {
          openAnchors.delete(frame.anchor);
          anchors.set(frame.anchor, { nodes: frame.nodes, chars: frame.chars, height: frame.height });
        }
        // Counted in the total as it grew; the parent's own extent takes it in now.
        const parent = stack[stack.length - 1];
        if (parent) {
          parent.nodes += frame.nodes - 1;
          parent.chars += frame.chars;
          parent.height = Math.max(parent.height, frame.height + 1);
        }
        break;
      }
      default:
        break;
    }
  }
}

function depthMessage(): string {
  return `Mappings and lists in this YAML are nested more than ${YAML_LIMITS.maxDepth} levels deep (counting what aliases bring in); Berth reads at most ${YAML_LIMITS.maxDepth}. Flatten the structure.`;
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * js-yaml's event parser with Berth's limits: the size is checked before
 * parsing, the nesting while parsing, alias expansion right after, and
 * nothing is constructed from a document over a limit.
 */
export function parseYamlEvents(source: string, options: BoundedParseOptions = {}): Event[] {
  const { filename } = options;
  const maxChars = options.maxChars ?? YAML_LIMITS.maxChars;
  if (source.length > maxChars) {
    throw limitError(
      source.slice(0, 1),
      0,
      `This YAML is ${mib(source.length)}; Berth reads at most ${mib(maxChars)} of YAML at once. Remove what is not needed, or split it into smaller files.`,
      filename,
    );
  }
  let events: Event[];
  try {
    events = parseEvents(source, { maxDepth: YAML_LIMITS.maxDepth, ...(filename ? { filename } : {}) });
  } catch (err) {
    if (err instanceof YAMLException && /nesting exceeded maxDepth/.test(err.reason)) throw new YamlLimitError(depthMessage(), err.mark);
    throw err;
  }
  checkExpansion(events, source, Math.max(YAML_LIMITS.maxExpandedChars, 2 * maxChars), filename);
  return events;
}

export interface BoundedLoadOptions extends BoundedParseOptions {
  /** Defaults to CORE_SCHEMA, as js-yaml's load. */
  schema?: Schema;
}

/** js-yaml's loadAll, bounded by YAML_LIMITS. */
export function loadAllYaml(source: string, options: BoundedLoadOptions = {}): unknown[] {
  const events = parseYamlEvents(source, options);
  return constructFromEvents(events, { source, schema: options.schema ?? CORE_SCHEMA, ...(options.filename ? { filename: options.filename } : {}) });
}

/** js-yaml's load, bounded by YAML_LIMITS: exactly one document, or a YAMLException. */
export function loadYaml(source: string, options: BoundedLoadOptions = {}): unknown {
  const documents = loadAllYaml(source, options);
  if (documents.length === 0) throw new YAMLException('expected a document, but the input is empty');
  if (documents.length > 1) throw new YAMLException('expected a single document in the stream, but found more');
  return documents[0];
}

// js-yaml's own escapes for double-quoted scalars.
// eslint-disable-next-line no-control-regex -- these are exactly the characters that must be escaped
const MUST_ESCAPE = /["\\\x00-\x1F\x7F-\xA0\u2028\u2029\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/gu;
const NAMED_ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1B': '\\e',
  '"': '\\"',
  '\\': '\\\\',
  '\x85': '\\N',
  '\xA0': '\\_',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

/** A YAML double-quoted scalar: valid for any string, in one linear pass. */
export function doubleQuoted(value: string): string {
  return `"${value.replace(MUST_ESCAPE, (c) => {
    const named = NAMED_ESCAPES[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  })}"`;
}

/**
 * js-yaml's dump for strings of any length: strings over
 * YAML_LIMITS.longString stand in as short placeholders while js-yaml lays
 * the document out, then are written as double-quoted scalars.
 */
export function dumpYamlText(value: unknown, options: DumpOptions = {}): string {
  const long: string[] = [];
  const placeholder = `berth-long-string-${Math.random().toString(36).slice(2, 12)}-`;
  const text = dump(value, {
    ...options,
    transform: (documents) => {
      options.transform?.(documents);
      visit(documents, (node, ctx) => {
        if (node.kind !== 'scalar' || node.value.length <= YAML_LIMITS.longString) return;
        if (ctx.isKey) {
          throw new YAMLException(`A mapping key of ${mib(node.value.length)} cannot be written as YAML; Berth writes keys up to ${YAML_LIMITS.longString / 1024} KiB. Use a shorter key.`);
        }
        long.push(node.value);
        node.value = `${placeholder}${long.length - 1}`;
      });
    },
  });
  if (long.length === 0) return text;
  return text.replace(new RegExp(`${placeholder}(\\d+)`, 'g'), (_, index: string) => doubleQuoted(long[Number(index)]!));
}
