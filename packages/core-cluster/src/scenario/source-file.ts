// One scenario file parsed with the yaml package's Document API: its plain value, and a way back
// from a path inside that value (`['vms', 2, 'memory']`) to the line and column it was written at.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A 1-based position in a file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed scenario file. */
export interface SourceFile {
  /** Path relative to the scenario's folder (the scenario file itself: the path it was loaded as). */
  readonly path: string;
  readonly text: string;
  /** Its content as plain data (maps as objects, sequences as arrays). */
  readonly value: unknown;
  /** Where `path` was written; `key` true points at the key of the last segment instead of its value. */
  locate(path: readonly PropertyKey[], key?: boolean): Position;
}

/** A syntax error found while parsing a file. */
export interface SyntaxProblem extends Position {
  readonly message: string;
}

/** The most aliases a file's plain value may expand (the yaml package's guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function position(counter: LineCounter, offset: number): Position {
  const { line, col } = counter.linePos(offset);
  return { line: Math.max(line, 1), column: Math.max(col, 1) };
}

function nodeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    if (Array.isArray(range)) return range[0];
  }
  return undefined;
}

/**
 * Parse `text` (YAML, or JSON when `json`) into a `SourceFile`, or return its syntax problems (one
 * per error the parser reported, plus "not a mapping" when the file's top level is not a map).
 */
export function parseSourceFile(path: string, text: string, json: boolean): SourceFile | SyntaxProblem[] {
  const counter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true, logLevel: 'error', ...(json ? { schema: 'json' as const } : {}) });
  } catch (error) {
    return [{ line: 1, column: 1, message: `cannot parse the file: ${error instanceof Error ? error.message : String(error)}` }];
  }
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => ({ ...position(counter, e.pos[0]), message: firstLine(e.message) }));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return [{ line: 1, column: 1, message: `cannot read the file's content: ${error instanceof Error ? firstLine(error.message) : String(error)}` }];
  }
  const root = doc.contents;
  if (value === null || value === undefined) return [{ line: 1, column: 1, message: 'the file is empty; a scenario is a mapping with at least `name`' }];
  if (typeof value !== 'object' || Array.isArray(value) || !isMap(root)) {
    const at = nodeStart(root);
    return [{ ...(at === undefined ? { line: 1, column: 1 } : position(counter, at)), message: `expected a mapping of scenario keys (name, hosts, vms, ...), got ${Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'text' : typeof value}` }];
  }
  const locate = (segments: readonly PropertyKey[], key = false): Position => {
    let node: unknown = root;
    let best: number | undefined = nodeStart(root);
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      const last = i === segments.length - 1;
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (pair === undefined) break;
        if (last && key) {
          best = nodeStart(pair.key) ?? best;
          break;
        }
        next = pair.value;
        const keyStart = nodeStart(pair.key);
        if (keyStart !== undefined) best = keyStart;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      } else break;
      if (next === null || next === undefined) break;
      if (isScalar(next) && next.value === null && isMap(node)) break; // `memory:` with nothing after it: point at the key
      const start = nodeStart(next);
      if (start !== undefined) best = start;
      node = next;
    }
    return best === undefined ? { line: 1, column: 1 } : position(counter, best);
  };
  return { path, text, value, locate };
}
