// The CLI's window on the world: output streams and file access, injected so that tests can
// run every command in-process and capture what it prints.

import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { ProgressDisplay } from './progress-display.js';
import { terminalProgress } from './progress-display.js';

/** Where the CLI writes and how it reads files. Paths are relative to the working directory. */
export interface CliIo {
  /** Write to standard output (text as given, newlines included). */
  readonly writeOut: (text: string) => void;
  /** Write to standard error. */
  readonly writeErr: (text: string) => void;
  /** Read a UTF-8 file; throws Node's error (with `code`) when it cannot. */
  readonly readFile: (path: string) => string;
  /** Write a UTF-8 file, replacing it; throws Node's error when it cannot. */
  readonly writeFile: (path: string, text: string) => void;
  /** Write bytes to a file as they are, replacing it (large ASCII outputs such as jobs.csv); absent: decoded and written with `writeFile`. */
  readonly writeBytes?: (path: string, bytes: Uint8Array) => void;
  /** Open a UTF-8 file for writing piece by piece (large outputs such as traces); absent: the text is gathered and written with `writeFile` on close. */
  readonly openFile?: (path: string) => FileSink;
  /** Whether stdout may carry ANSI colors. */
  readonly color: boolean;
  /** Terminal width for help text (default 80). */
  readonly columns?: number;
  /** A progress display for long runs, labelled `label`; absent when stderr is not a terminal (then nothing is shown). */
  readonly progress?: (label: string) => ProgressDisplay;
  /**
   * Resolves once stdout has taken what was written (its buffer is below the high-water mark).
   * Writers of large output await it between chunks: a slow reader must slow the writer down,
   * not fill the heap. Absent: output is taken at once (in-process tests).
   */
  readonly drained?: () => Promise<void>;
}

/** A file being written: `write` appends, `close` finishes it. Both throw Node's error when the file cannot be written. */
export interface FileSink {
  write(text: string): void;
  close(): void;
}

/** Open `path` through `io`: its `openFile`, or a buffer written with `writeFile` on close. */
export function openFileSink(io: CliIo, path: string): FileSink {
  if (io.openFile !== undefined) return io.openFile(path);
  const parts: string[] = [];
  return {
    write: (text) => void parts.push(text),
    close: () => io.writeFile(path, parts.join('')),
  };
}

/** Write `bytes` to `path` through `io`: its `writeBytes`, or as text (UTF-8 decoded) with `writeFile`. */
export function writeFileBytes(io: CliIo, path: string, bytes: Uint8Array): void {
  if (io.writeBytes !== undefined) io.writeBytes(path, bytes);
  else io.writeFile(path, new TextDecoder().decode(bytes));
}

/** A FileSink on node:fs that gathers small writes into 64 KiB blocks. */
function nodeFileSink(path: string): FileSink {
  const fd = openSync(path, 'w');
  let buffer = '';
  let open = true;
  const flush = (): void => {
    if (buffer !== '') writeSync(fd, buffer);
    buffer = '';
  };
  return {
    write(text) {
      buffer += text;
      if (buffer.length >= 1 << 16) flush();
    },
    close() {
      if (!open) return;
      open = false;
      try {
        flush();
      } finally {
        closeSync(fd);
      }
    },
  };
}

/**
 * Wait while process.stdout holds more unwritten output than its high-water mark. Node queues
 * writes to a pipe whose reader is slower than the writer, so a gigabyte of JSON piped to a slow
 * reader would otherwise end in ENOBUFS or an out-of-memory abort.
 */
async function stdoutDrained(): Promise<void> {
  const out = process.stdout;
  if (!out.writableNeedDrain) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
  });
}

/** The real process: stdout/stderr and node:fs. Colors only on a TTY without NO_COLOR. */
export function nodeIo(): CliIo {
  return {
    writeOut: (text) => void process.stdout.write(text),
    writeErr: (text) => void process.stderr.write(text),
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text, 'utf8'),
    writeBytes: (path, bytes) => writeFileSync(path, bytes),
    openFile: nodeFileSink,
    color: process.stdout.isTTY && process.env['NO_COLOR'] === undefined,
    ...(process.stdout.columns === undefined ? {} : { columns: process.stdout.columns }),
    ...(process.stderr.isTTY ? { progress: (label: string) => terminalProgress(process.stderr, label) } : {}),
    drained: stdoutDrained,
  };
}

/** Write `lines` (newline-terminated) in chunks of about `chunkSize` characters, awaiting `drained` after each. */
export async function writeLines(lines: readonly string[], write: (text: string) => void, drained?: () => Promise<void>, chunkSize = 1 << 16): Promise<void> {
  let buffer = '';
  for (const line of lines) {
    buffer += `${line}\n`;
    if (buffer.length >= chunkSize) {
      write(buffer);
      buffer = '';
      if (drained !== undefined) await drained();
    }
  }
  if (buffer !== '') write(buffer);
}
