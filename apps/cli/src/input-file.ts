// Reading the data files the commands take (workloads, group specs): JSON or YAML, with
// one-line errors that name the file; an unreadable or malformed file is a usage error (exit 2).

import { ValidationError, isStrataError } from '@strata/shared-types';
import type { CliIo } from './cli-io.js';
import { oneLine } from './error-report.js';

/** The largest input file a command reads: 16 MiB (in characters), far above any workload or spec written by hand. */
export const MAX_INPUT_CHARS = 16 * 1024 * 1024;

/** Read `path` as text; a missing, unreadable or oversized file is a ValidationError naming it. */
export function readInputText(io: CliIo, path: string): string {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ValidationError(`${path}: cannot read the file (${why})`, { path }, { cause: error });
  }
  if (text.length > MAX_INPUT_CHARS) {
    throw new ValidationError(`${path}: the file has ${text.length} characters, more than the ${MAX_INPUT_CHARS} (16 MiB) an input file may have`, {
      path,
      size: text.length,
    });
  }
  return text;
}

/** Parse `text` as JSON when `path` ends in .json, else as YAML (a superset of JSON). */
export async function parseDataText(path: string, text: string): Promise<unknown> {
  const json = /\.json$/i.test(path);
  // The YAML parser is loaded only for YAML files: it costs more startup time than the rest of the CLI.
  const yaml = json ? undefined : await import('yaml');
  try {
    return yaml === undefined ? JSON.parse(text) : yaml.parse(text, { prettyErrors: false });
  } catch (error) {
    const kind = json ? 'JSON' : 'YAML';
    // A document nested thousands deep overflows the parser's stack: say what is wrong with the file.
    if (error instanceof Error && /maximum call stack/i.test(error.message)) {
      throw new ValidationError(`${path}: not valid ${kind}: nested too deeply for the parser (thousands of levels); no Strata file nests more than a few dozen`, { path }, { cause: error });
    }
    const first = oneLine(((error as Error).message.split('\n\n')[0] ?? '').trim());
    const where = errorOffset(error, json);
    const at = where === undefined ? undefined : lineAndColumn(text, where);
    throw new ValidationError(`${path}: not valid ${kind}: ${first}${at === undefined ? '' : ` (line ${at.line}, column ${at.column})`}`, { path, ...at }, { cause: error });
  }
}

/** Where in the text a parser failed: the YAML parser's `pos`, or the position Node's JSON.parse names in its message. */
function errorOffset(error: unknown, json: boolean): number | undefined {
  if (json) {
    const match = /at position (\d+)/.exec((error as Error).message);
    return match === null ? undefined : Number(match[1]);
  }
  const pos = (error as { pos?: unknown }).pos;
  return Array.isArray(pos) && typeof pos[0] === 'number' ? pos[0] : undefined;
}

/** The 1-based line and column of `offset` in `text` (an offset past the end is on the last line). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line += 1;
  return { line, column: before.length - before.lastIndexOf('\n') };
}

/** Read and parse a JSON or YAML file. */
export async function readDataFile(io: CliIo, path: string): Promise<unknown> {
  return parseDataText(path, readInputText(io, path));
}

/** Run `fn`, prefixing any ValidationError message with `file: ` so users know where to look. */
export function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isStrataError(error) && error.code === 'E_VALIDATION' && !error.message.startsWith(`${file}: `)) {
      throw new ValidationError(`${file}: ${error.message}`, { ...error.details, file }, { cause: error });
    }
    throw error;
  }
}
