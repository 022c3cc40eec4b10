// `strata compare FILE`: run one workload under several policies and print a comparison
// table (best value per column marked) or one JSON object. The work lives in compare-run.ts,
// loaded only when the command runs.

import type { Command } from 'commander';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';

const FILE_HELP = `
The workload file (JSON, or YAML for .yaml/.yml):
  {
    "name": "textbook mix",                     optional
    "cpus": 1, "ioTime": 5, "seed": 1,          optional (defaults 1, 5, none)
    "jobs": [ { "arrival": 0, "length": 180, "ioFreq": 0 }, ... ]   or "0,180,0:100,20,0"
            (also per job: name, priority, nice, weight, tickets, deadline)
    "policies": [ "fifo", { "policy": "rr", "quantum": 10 },
                  { "policy": "mlfq", "queues": 3, "quantum": 10, "boost": 100, "label": "mlfq B=100" } ]
            (per policy: label, quantum, queues, quanta, allotments, boost, stay, ioBump, seed, ioTime)
  }

Example:
  strata compare examples/textbook-jobs.json
`;

/** Add the `compare` subcommand to `program`. */
export function registerCompareCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('compare')
    .description('run one workload under several scheduling policies and compare them')
    .argument('<file>', 'workload file (JSON or YAML) listing jobs and policies')
    .option('--json', 'print one JSON object instead of the table')
    .option('--max-slices <n>', 'work budget of all runs together, in slices (and events), 1..1e12 (default 10000000)')
    .addHelpText('after', FILE_HELP.trimEnd())
    .action(async (file: string, options: { json?: boolean; maxSlices?: string }) => {
      const { runCompare } = await import('./compare-run.js');
      await runCompare(file, options, context);
    });
  configureCommandOutput(command, context.io, 'strata compare --help');
}
