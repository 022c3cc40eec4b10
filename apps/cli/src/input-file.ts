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
    const first = oneLine(((error as Error).message.split('\n\n')[0] ?? '').trim());
    throw new ValidationError(`${path}: not valid ${kind}: ${first}`, { path }, { cause: error });
  }
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
