// `strata kernel run FILE`: a kernel experiment (cgroups, processes running programs) run to its
// end, printed as cgroup counters, a process table, the event log and the processes' output.
// This file declares the flags; the work lives in kernel-run.ts, loaded only when the command runs.

import type { Command } from 'commander';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';

/** The default `--max-steps` (core-container's DEFAULT_EXPERIMENT_MAX_STEPS; a test keeps them equal). */
export const KERNEL_DEFAULT_MAX_STEPS = 10_000_000;

const RUN_HELP = `
FILE is YAML (or JSON, for .json) describing the machine, cgroups and processes:

  cpus: 1
  memory: 1Gi
  duration: 5s
  cgroups:
    /A: { pids.max: "5" }          # interface files, values as one would write them
  processes:
    - name: parent
      cgroup: /A
      program:
        - fork: { count: 10, program: [ { sleep: 1s } ] }
          on-error: { EAGAIN: [] }

The format and the program language are those of @strata/shared-types' README
("Kernel experiment", "Program language"); apps/cli/README.md shows the output.

Output: a table of counters per cgroup (cpu.stat, pids.*, memory.* when the cgroup
has the memory controller), a process table, the event log and the lines the
processes printed. --json prints {duration_us, cgroups, processes, events}.

Budget: --max-steps is the most steps (program steps and CPU scheduling work) the whole run may take (1..1e12,
default ${KERNEL_DEFAULT_MAX_STEPS}, about 20 s). Past it the run stops with exit 1 and
prints nothing. Reports keep the first 100,000 events, 10,000 reaped forked processes and
1,000 printed lines per process, so memory stays bounded.

Examples:
  strata kernel run examples/kernel-pids.yaml
  strata kernel run examples/kernel-cpu.yaml --json
`;

/** Add the `kernel` command, with its `run` subcommand, to `program`. */
export function registerKernelCommand(program: Command, context: CommandContext): void {
  const kernel = program.command('kernel').description('the container kernel model: run a kernel experiment (processes, cgroups) and read its counters');
  configureCommandOutput(kernel, context.io, 'strata kernel --help');
  const run = kernel
    .command('run')
    .description('run a kernel experiment file to its end: cgroup counters, processes, events, output')
    .argument('<file>', 'experiment file (YAML, or JSON for .json)')
    .option('--json', 'print one JSON object instead of tables')
    .option('--max-steps <n>', `work budget: the most steps (program and CPU scheduling) of the whole run, 1..1e12 (default ${KERNEL_DEFAULT_MAX_STEPS})`)
    .addHelpText('after', RUN_HELP.trimEnd())
    .action(async (file: string, options: { json?: boolean; maxSteps?: string }) => {
      const { runKernel } = await import('./kernel-run.js');
      await runKernel(file, options, context);
    });
  configureCommandOutput(run, context.io, 'strata kernel run --help');
}
