import { CST, Composer, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, Parser } from 'yaml';
import type { Document, ParsedNode, Pair, YAMLMap } from 'yaml';
import { YAML_LIMITS } from '../../yaml/bounded-yaml.js';

/** A key path into a parsed document: mapping keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>;

export interface SourcePosition {
  line: number;
  column: number;
  /** The file the position is in, when a document was merged from several (see project.ts). */
  file?: string;
}

export interface ParsedYaml {
  value: unknown;
  /** Position of the deepest known node on `path`; aliased and merged (`<<:`) content points at where it is written. */
  positionOf(path: YamlPath): SourcePosition | undefined;
}

/** One YAML document of a compose file, with compose's `!reset` / `!override` tags found in it. */
export interface ComposeDocument extends ParsedYaml {
  /** Paths tagged `!reset`: left out here, and what earlier files put there is dropped. */
  resets: YamlPath[];
  /** Paths tagged `!override`: this value replaces what earlier files put there instead of merging with it. */
  overrides: YamlPath[];
}

export class YamlParseError extends Error {
  constructor(
    message: string,
    readonly code: 'IMPORT_YAML_INVALID' | 'IMPORT_YAML_MERGE_SEQUENCE' | 'IMPORT_YAML_TOO_LARGE',
    readonly position: SourcePosition | undefined,
  ) {
    super(message);
  }
}

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
const count = (n: number) => n.toLocaleString('en-US');
// The messages of shared/yaml/bounded-yaml.ts, so every YAML Berth reads reports a limit the same way.
const TOO_DEEP = `Mappings and lists in this YAML are nested more than ${YAML_LIMITS.maxDepth} levels deep (counting what aliases bring in); Berth reads at most ${YAML_LIMITS.maxDepth}. Flatten the structure.`;
const tooManyValues = (aliases: boolean) =>
  aliases
    ? `The aliases (*name) in this YAML expand it to more than ${count(YAML_LIMITS.maxNodes)} values; Berth reads at most that many. Write the repeated parts out, or use fewer nested aliases.`
    : `This YAML has more than ${count(YAML_LIMITS.maxNodes)} values (mappings, lists and scalars); Berth reads at most that many at once. Split it into smaller files.`;

/** What a node stands for once aliases are expanded (as in bounded-yaml.ts). */
interface Extent {
  nodes: number;
  chars: number;
  height: number;
}

const SCALAR_TOKENS = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'block-scalar-header', 'flow-map-start', 'flow-seq-start']);

/**
 * The yaml package's parser with Berth's limits applied while it reads: it is
 * fed one token at a time, so a document nested too deep or with too many
 * values is refused at the token that crosses the limit (the yaml package
 * itself has no depth or size limit, and is slow on such input).
 */
function parseCst(source: string, lines: LineCounter, at: (offset: number) => SourcePosition): CST.Token[] {
  const parser = new Parser(lines.addNewLine);
  // Parser.parse() records the first line itself; feeding it token by token, that is ours to do.
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  let values = 0;
  let offset = 0;
  for (const lexeme of new Lexer().lex(source)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // The parser's stack holds the open collections (plus the document and a pending scalar).
    if (parser.stack.length > YAML_LIMITS.maxDepth + 2) throw new YamlParseError(TOO_DEEP, 'IMPORT_YAML_TOO_LARGE', at(offset));
    const type = CST.tokenType(lexeme);
    if (type !== null && SCALAR_TOKENS.has(type) && ++values > YAML_LIMITS.maxNodes) {
      throw new YamlParseError(tooManyValues(false), 'IMPORT_YAML_TOO_LARGE', at(offset));
    }
    offset += lexeme.length;
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // A `__proto__` key is data here, not the object's prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const isMergeKey = (key: ParsedNode | null) => isScalar(key) && key.type === 'PLAIN' && key.value === '<<';

/**
 * Builds plain values from the yaml package's nodes. Aliases and merge keys
 * are resolved here rather than by the package's `toJS`, whose alias guard
 * (`maxAliasCount`) refuses a file that uses one anchor more than 100 times
 * and walks the whole document again for every nested alias (quadratic: a
 * 200 KB file takes over a minute). Expansion is counted here in one pass,
 * with the limits of issue #8 (YAML_LIMITS).
 */
class Builder {
  readonly resets: YamlPath[] = [];
  readonly overrides: YamlPath[] = [];
  /** Where each alias points, for positionOf. */
  readonly targets = new Map<ParsedNode, ParsedNode>();
  private readonly anchors = new Map<string, { node: ParsedNode; value: unknown; extent: Extent }>();
  private readonly open = new Set<string>();

  constructor(
    private readonly at: (offset: number) => SourcePosition,
    /** Shared by the documents of a file: the limits are for the whole file. */
    private readonly total: { nodes: number; chars: number; aliases: number },
  ) {}

  private fail(offset: number, message: string, code: YamlParseError['code'] = 'IMPORT_YAML_TOO_LARGE'): YamlParseError {
    return new YamlParseError(message, code, this.at(offset));
  }

  private add(extent: Extent, depth: number, offset: number): void {
    this.total.nodes += extent.nodes;
    this.total.chars += extent.chars;
    if (this.total.nodes > YAML_LIMITS.maxNodes) throw this.fail(offset, tooManyValues(this.total.aliases > 0));
    if (this.total.chars > YAML_LIMITS.maxExpandedChars) {
      throw this.fail(offset, `The aliases (*name) in this YAML repeat its text to more than ${mib(YAML_LIMITS.maxExpandedChars)}; Berth reads at most that much. Write the repeated parts out, or use fewer aliases.`);
    }
    if (depth + extent.height > YAML_LIMITS.maxDepth) throw this.fail(offset, TOO_DEEP);
  }

  /** The node an alias stands for (or the node itself). */
  resolve(node: ParsedNode | null): ParsedNode | null {
    return node && isAlias(node) ? (this.targets.get(node) ?? null) : node;
  }

  build(node: ParsedNode | null, path: YamlPath, depth: number): { value: unknown; extent: Extent } {
    if (node === null) {
      const extent = { nodes: 1, chars: 0, height: 0 };
      this.add(extent, depth, 0);
      return { value: null, extent };
    }
    const offset = node.range[0];
    if (isAlias(node)) {
      const name = node.source;
      if (this.open.has(name)) {
        throw this.fail(offset, `The alias *${name} is used inside the node it names, which would make an endless structure; Berth does not read recursive aliases. Point it at a node outside itself.`);
      }
      const anchor = this.anchors.get(name);
      if (!anchor) throw this.fail(offset, `The file is not valid YAML: the alias *${name} has no anchor &${name} before it. Define the anchor first, or fix the name.`, 'IMPORT_YAML_INVALID');
      this.total.aliases++;
      this.targets.set(node, anchor.node);
      this.add(anchor.extent, depth, offset);
      return { value: anchor.value, extent: anchor.extent };
    }
    const anchor = node.anchor;
    if (anchor) this.open.add(anchor);
    let built: { value: unknown; extent: Extent };
    if (isScalar(node)) {
      const value = node.value === undefined ? null : node.value;
      const extent = { nodes: 1, chars: typeof value === 'string' ? value.length : 0, height: 0 };
      this.add(extent, depth, offset);
      built = { value, extent };
    } else {
      if (depth + 1 > YAML_LIMITS.maxDepth) throw this.fail(offset, TOO_DEEP);
      this.add({ nodes: 1, chars: 0, height: 0 }, depth, offset);
      built = isSeq(node) ? this.sequence(node.items as Array<ParsedNode | null>, path, depth) : this.mapping(node as YAMLMap.Parsed, path, depth);
    }
    if (anchor) {
      this.open.delete(anchor);
      this.anchors.set(anchor, { node, ...built });
    }
    return built;
  }

  private sequence(items: Array<ParsedNode | null>, path: YamlPath, depth: number): { value: unknown[]; extent: Extent } {
    const value: unknown[] = [];
    const extent = { nodes: 1, chars: 0, height: 1 };
    for (const item of items) {
      const child = this.build(item, [...path, value.length], depth + 1);
      // `!reset` on an entry drops it, as in compose.
      if (this.resolve(item)?.tag === '!reset') continue;
      value.push(child.value);
      this.grow(extent, child.extent);
    }
    return { value, extent };
  }

  private grow(parent: Extent, child: Extent): void {
    parent.nodes += child.nodes;
    parent.chars += child.chars;
    parent.height = Math.max(parent.height, child.height + 1);
  }

  private keyOf(key: ParsedNode | null, depth: number): string {
    const resolved = this.resolve(key);
    if (resolved !== null && !isScalar(resolved)) {
      throw this.fail(resolved.range[0], 'The file is not valid YAML for compose: a mapping key is itself a mapping or a list. Use a plain key.', 'IMPORT_YAML_INVALID');
    }
    const built = this.build(key, [], depth + 1);
    return String(built.value);
  }

  private mergeSources(pair: Pair<ParsedNode | null, ParsedNode | null>, path: YamlPath, depth: number, extent: Extent): Array<Record<string, unknown>> {
    const offset = (pair.key as ParsedNode).range[0];
    const { value, extent: merged } = this.build(pair.value, path, depth + 1);
    this.grow(extent, merged);
    const target = this.resolve(pair.value);
    const sources = isSeq(target) ? (value as unknown[]) : [value];
    if (!sources.every((s) => typeof s === 'object' && s !== null && !Array.isArray(s))) {
      throw this.fail(offset, 'A merge key (<<:) points at a list; merge keys only accept mappings. Replace the alias with the mapping it should merge.', 'IMPORT_YAML_MERGE_SEQUENCE');
    }
    return sources as Array<Record<string, unknown>>;
  }

  private mapping(node: YAMLMap.Parsed, path: YamlPath, depth: number): { value: Record<string, unknown>; extent: Extent } {
    const value: Record<string, unknown> = {};
    const extent = { nodes: 1, chars: 0, height: 1 };
    const explicit = new Set<string>();
    for (const pair of node.items as Array<Pair<ParsedNode | null, ParsedNode | null>>) {
      if (isMergeKey(pair.key)) {
        // Keys already set stay; of several sources the first wins (YAML merge key semantics, as js-yaml and compose).
        for (const source of this.mergeSources(pair, path, depth, extent)) {
          for (const [k, v] of Object.entries(source)) if (!Object.hasOwn(value, k)) setKey(value, k, v);
        }
        continue;
      }
      const key = this.keyOf(pair.key, depth);
      if (explicit.has(key)) {
        throw this.fail(pair.key?.range[0] ?? node.range[0], `The file is not valid YAML: the key "${key}" appears twice in the same mapping. Remove one of them.`, 'IMPORT_YAML_INVALID');
      }
      explicit.add(key);
      const child = this.build(pair.value, [...path, key], depth + 1);
      const tag = this.resolve(pair.value)?.tag;
      if (tag === '!reset') {
        this.resets.push([...path, key]);
        delete value[key];
        continue;
      }
      if (tag === '!override') this.overrides.push([...path, key]);
      setKey(value, key, child.value);
      this.grow(extent, child.extent);
    }
    return { value, extent };
  }
}

/** Finds the pair for `key` in a mapping, looking through its merge keys as the builder did. */
function findPair(map: YAMLMap.Parsed, key: string, builder: Builder, depth = 0): Pair<ParsedNode | null, ParsedNode | null> | undefined {
  const pairs = map.items as Array<Pair<ParsedNode | null, ParsedNode | null>>;
  const own = pairs.find((p) => !isMergeKey(p.key) && keyText(builder.resolve(p.key)) === key);
  if (own || depth > YAML_LIMITS.maxDepth) return own;
  for (const pair of pairs) {
    if (!isMergeKey(pair.key)) continue;
    const target = builder.resolve(pair.value);
    const sources = isSeq(target) ? (target.items as Array<ParsedNode | null>).map((n) => builder.resolve(n)) : [target];
    for (const source of sources) {
      const found = isMap(source) ? findPair(source as YAMLMap.Parsed, key, builder, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

const keyText = (key: ParsedNode | null) => (key === null ? 'null' : isScalar(key) ? String(key.value ?? null) : undefined);

function positions(root: ParsedNode | null, builder: Builder, at: (offset: number) => SourcePosition): ParsedYaml['positionOf'] {
  return (path) => {
    // The document itself has no position of its own (a diagnostic about it names only the file).
    let found: number | undefined;
    let node = root;
    for (const segment of path) {
      node = builder.resolve(node);
      if (isMap(node)) {
        const pair = findPair(node as YAMLMap.Parsed, String(segment), builder);
        if (!pair) break;
        found = (pair.key ?? node).range[0];
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = (node.items as Array<ParsedNode | null>)[segment];
        if (!item) break;
        found = item.range[0];
        node = item;
      } else break;
    }
    return found === undefined ? undefined : at(found);
  };
}

/**
 * Parses compose YAML as Compose does: YAML 1.2 core schema (`restart: no`
 * stays the string "no"), `<<:` merge keys, `!reset` / `!override` tags, and
 * every document of a multi-document file (compose merges them in order).
 * Bounded by YAML_LIMITS before and while anything is built.
 */
export function parseComposeYaml(source: string, fileName?: string): ComposeDocument[] {
  if (source.length > YAML_LIMITS.maxChars) {
    throw new YamlParseError(
      `This YAML is ${mib(source.length)}; Berth reads at most ${mib(YAML_LIMITS.maxChars)} of YAML at once. Remove what is not needed, or split it into smaller files.`,
      'IMPORT_YAML_TOO_LARGE',
      { line: 1, column: 1 },
    );
  }
  const lines = new LineCounter();
  const at = (offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col, ...(fileName !== undefined ? { file: fileName } : {}) };
  };
  const tokens = parseCst(source, lines, at);
  // Keys are checked for duplicates by the builder: the package's own check compares every pair with every other.
  const composer = new Composer({ version: '1.2', schema: 'core', merge: false, uniqueKeys: false, prettyErrors: false, strict: true });
  const documents: Document.Parsed[] = [...composer.compose(tokens, false, source.length)];
  const parsed: ComposeDocument[] = [];
  const total = { nodes: 0, chars: 0, aliases: 0 };
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) {
      const reason = error.message.replace(/\.$/, '');
      throw new YamlParseError(`The file is not valid YAML: ${reason}. Fix the syntax and import again.`, 'IMPORT_YAML_INVALID', at(error.pos[0]));
    }
    // Anchors do not cross documents in YAML, so each gets its own builder.
    const builder = new Builder(at, total);
    const root = doc.contents as ParsedNode | null;
    const { value } = builder.build(root, [], 0);
    parsed.push({ value, positionOf: positions(root, builder, at), resets: builder.resets, overrides: builder.overrides });
  }
  return parsed;
}

/** A single-document YAML file (documents after the first are merged over it by the project loader, not here). */
export function parseYaml(source: string, fileName?: string): ComposeDocument {
  return parseComposeYaml(source, fileName)[0] ?? { value: null, positionOf: () => undefined, resets: [], overrides: [] };
}
