// Builds the `strata` program and runs it: commander parses, the subcommands act, and every
// outcome becomes an exit code (0 ok, 1 runtime failure, 2 usage or validation error).

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { nodeIo } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerContainerCommand } from './commands/container.js';
import { configureCommandOutput } from './commands/context.js';
import { registerKernelCommand } from './commands/kernel.js';
import { registerNetpolCommand } from './commands/netpol.js';
import { registerRunCommand } from './commands/run.js';
import { registerSchedCommand } from './commands/sched.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerVmCommand } from './commands/vm.js';
import { EXIT, reportError } from './error-report.js';

/** The CLI's version, read from its package.json (next to `src/` and `dist/`). */
export function cliVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Build the program with output going to `io` (`deps`: stand-ins for tests). Commander never exits the process: it throws. */
export function buildProgram(io: CliIo, deps?: CliDeps): Command {
  const program = new Command('strata')
    .description('Strata: simulate and compare datacenters, CPU scheduling, cgroups and virtualized infrastructure')
    .version(cliVersion(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces for errors')
    .showSuggestionAfterError(true)
    .exitOverride();
  configureCommandOutput(program, io, 'strata --help');
  program.addHelpText(
    'after',
    `
Exit codes: 0 success, 1 runtime failure, 2 usage or validation error.
Run 'strata <command> --help' for a command's flags and examples.`,
  );
  const context = deps === undefined ? { io } : { io, deps };
  registerRunCommand(program, context);
  registerValidateCommand(program, context);
  registerSchedCommand(program, context);
  registerCompareCommand(program, context);
  registerNetpolCommand(program, context);
  registerKernelCommand(program, context);
  registerContainerCommand(program, context);
  registerVmCommand(program, context);
  return program;
}

/** Run `strata` with the user's arguments (without node and script); resolves to the exit code. */
export async function run(args: readonly string[], io: CliIo = nodeIo(), deps?: CliDeps): Promise<number> {
  const debug = args.includes('--debug');
  try {
    await buildProgram(io, deps).parseAsync([...args], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (one line, see configureCommandOutput) or the help.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    return await reportError(error, io.writeErr, debug);
  }
}

/** Entry point of the binary: run with `argv` (process.argv) and set the process exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  // A closed pipe (`strata ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await run(argv.slice(2));
}
