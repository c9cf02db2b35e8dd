import { CORE_SCHEMA, EVENT_ID, YAMLException, constructFromEvents, getScalarValue, mergeTag } from 'js-yaml';
import type { Event } from 'js-yaml';
import { parseYamlEvents, YamlLimitError } from '../../yaml/bounded-yaml.js';

/** A key path into a parsed document: mapping keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>;

export interface SourcePosition {
  line: number;
  column: number;
}

export interface ParsedYaml {
  value: unknown;
  /** Position of the deepest known node on `path` (merged or aliased content falls back to its parent). */
  positionOf(path: YamlPath): SourcePosition | undefined;
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

// CORE_SCHEMA (YAML 1.2) keeps `restart: no` a string; compose files rely on `<<:` merge keys, which js-yaml v5 leaves off by default.
const COMPOSE_SCHEMA = CORE_SCHEMA.withTags(mergeTag);

const SEPARATOR = '\u001f';
const pathKey = (path: YamlPath) => path.join(SEPARATOR);

type Frame = { kind: 'map'; path: YamlPath; key: string | undefined } | { kind: 'seq'; path: YamlPath; index: number };

/** js-yaml v5 builds values from an event stream that carries source offsets; walking it once gives every key's position. */
function indexPositions(events: Event[], source: string): Map<string, number> {
  const offsets = new Map<string, number>();
  const stack: Frame[] = [];
  // Returns the path of the node being opened in the current frame, advancing the frame.
  const place = (start: number, keyText: string | undefined): YamlPath | undefined => {
    const frame = stack[stack.length - 1];
    if (!frame) return [];
    if (frame.kind === 'seq') {
      const path = [...frame.path, frame.index++];
      offsets.set(pathKey(path), start);
      return path;
    }
    if (frame.key === undefined) {
      frame.key = keyText ?? '';
      offsets.set(pathKey([...frame.path, frame.key]), start);
      return undefined;
    }
    const path = [...frame.path, frame.key];
    frame.key = undefined;
    return path;
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.SCALAR: {
        place(event.valueStart, getScalarValue(source, event));
        break;
      }
      case EVENT_ID.ALIAS:
        place(event.anchorStart, undefined);
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const path = place(event.start, undefined) ?? [];
        stack.push(event.type === EVENT_ID.MAPPING ? { kind: 'map', path, key: undefined } : { kind: 'seq', path, index: 0 });
        break;
      }
      case EVENT_ID.POP:
        stack.pop();
        break;
      default:
        break;
    }
  }
  return offsets;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function toPosition(starts: number[], offset: number): SourcePosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

export function parseYaml(source: string, fileName?: string): ParsedYaml {
  let value: unknown;
  let offsets: Map<string, number>;
  try {
    // Size, nesting and alias expansion are bounded here, before any value is built (YAML_LIMITS).
    const events = parseYamlEvents(source, fileName ? { filename: fileName } : {});
    [value] = constructFromEvents(events, { source, schema: COMPOSE_SCHEMA, ...(fileName ? { filename: fileName } : {}) });
    offsets = indexPositions(events, source);
  } catch (err) {
    if (err instanceof YAMLException) {
      const position = err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : undefined;
      if (err instanceof YamlLimitError) throw new YamlParseError(err.reason, 'IMPORT_YAML_TOO_LARGE', position);
      const mergeOfSequence = /cannot merge mappings/.test(err.reason);
      throw new YamlParseError(
        mergeOfSequence
          ? `A merge key (<<:) points at a list; merge keys only accept mappings. Replace the alias with the mapping it should merge.`
          : `The file is not valid YAML: ${err.reason}. Fix the syntax and import again.`,
        mergeOfSequence ? 'IMPORT_YAML_MERGE_SEQUENCE' : 'IMPORT_YAML_INVALID',
        position,
      );
    }
    throw err;
  }
  const starts = lineStarts(source);
  return {
    value,
    positionOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const offset = offsets.get(pathKey(path.slice(0, n)));
        if (offset !== undefined) return toPosition(starts, offset);
      }
      return undefined;
    },
  };
}
