// What every subcommand gets: the injected IO and domain functions, and the shared
// commander configuration that keeps usage errors on one line.

import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import type { CliIo } from '../cli-io.js';
import { oneLine } from '../error-report.js';

/** Dependencies of a subcommand's action. */
export interface CommandContext {
  readonly io: CliIo;
  /** Domain functions; absent: the real ones, loaded with the command. */
  readonly deps?: CliDeps;
}

/**
 * Route `command`'s output to `io` and print its usage errors as one line:
 * `strata: <what is wrong> (see 'strata <cmd> --help')`.
 */
export function configureCommandOutput(command: Command, io: CliIo, helpHint: string): Command {
  return command.configureOutput({
    writeOut: io.writeOut,
    writeErr: io.writeErr,
    getOutHelpWidth: () => io.columns ?? 80,
    getErrHelpWidth: () => io.columns ?? 80,
    outputError: (text, write) => write(`strata: ${oneLine(text.replace(/^error: /, ''))} (see '${helpHint}')\n`),
  });
}
