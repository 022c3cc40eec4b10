// An in-memory CliIo for in-process tests: captured stdout/stderr and a map of files.

import type { CliIo } from '../src/cli-io.js';

/** An in-memory CliIo for tests: captured output and a map of files. */
export interface MemoryIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  readonly files: Map<string, string>;
}

/** Build a MemoryIo over `files` (path → content); reading a missing path throws ENOENT like node:fs. */
export function memoryIo(files: Record<string, string> = {}): MemoryIo {
  let out = '';
  let err = '';
  const map = new Map(Object.entries(files));
  return {
    writeOut: (text) => {
      out += text;
    },
    writeErr: (text) => {
      err += text;
    },
    readFile: (path) => {
      const text = map.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
    writeFile: (path, text) => {
      map.set(path, text);
    },
    color: false,
    columns: 100,
    out: () => out,
    err: () => err,
    files: map,
  };
}
