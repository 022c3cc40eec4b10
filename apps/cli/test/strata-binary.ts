// Test support: run the built `strata` binary (`dist/bin.js`) as a user does, as a subprocess.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built binary. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
/** The repository root (where `examples/` is): the default working directory of a run. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What a run of the binary printed and how it ended. */
export interface BinaryRun {
  readonly code: number | null;
  /** The signal that ended it: `SIGTERM` when `timeout` killed it. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run it: the working directory (default ROOT), a kill timeout in ms (default none), the output buffer (default 128 MiB). */
export interface BinaryRunOptions {
  readonly cwd?: string;
  readonly timeout?: number;
  readonly maxBuffer?: number;
}

/** Run `strata ARGS` with NO_COLOR set; a run killed by `timeout` has `signal` set and `code` null. */
export function runStrata(args: readonly string[], options: BinaryRunOptions = {}): BinaryRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    maxBuffer: options.maxBuffer ?? 1 << 27,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** What a run printed and its exit code only (`runStrata` without the signal), for tests that compare the whole object. */
export type BinaryOutput = Omit<BinaryRun, 'signal'>;

/** `runStrata` as `{ code, stdout, stderr }`. */
export function strataOutput(args: readonly string[], options: BinaryRunOptions = {}): BinaryOutput {
  const { code, stdout, stderr } = runStrata(args, options);
  return { code, stdout, stderr };
}
