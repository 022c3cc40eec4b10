// Maps every failure to an exit code and one line on stderr: 2 for usage and validation
// errors (the user can fix the command), 1 for runtime failures. Stack traces only with --debug.

/** Exit codes of `strata`. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A runtime failure the CLI expects and explains (a file it cannot write): exit 1, no stack trace. */
export class CliFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliFailure';
  }
}

/** The exit code for an error thrown by a command: E_VALIDATION → 2, anything else → 1. */
export async function exitCodeFor(error: unknown): Promise<number> {
  // Loaded here, not at startup: shared-types brings its schema library, which --help does not need.
  const { isStrataError } = await import('@strata/shared-types');
  return isStrataError(error) && error.code === 'E_VALIDATION' ? EXIT.usage : EXIT.failure;
}

/** Collapse a message onto one line (commander's suggestions and YAML errors span several). */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}

/**
 * Print `error` as `strata: <message>` (one line) and return its exit code. Unexpected errors
 * (bugs) add a hint to rerun with --debug; with `debug`, the stack trace follows.
 */
export async function reportError(error: unknown, writeErr: (text: string) => void, debug: boolean): Promise<number> {
  const { isStrataError } = await import('@strata/shared-types');
  const code = await exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  const expected = isStrataError(error) || error instanceof CliFailure;
  const hint = expected || debug ? '' : ' (this is a bug in strata; rerun with --debug for the stack trace)';
  writeErr(`strata: ${oneLine(expected ? message : `internal error: ${message}`)}${hint}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) writeErr(`${error.stack}\n`);
  return code;
}
