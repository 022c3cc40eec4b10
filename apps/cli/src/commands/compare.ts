// `strata compare FILE`: two forms, told apart by the file's content. A scheduler workload (jobs
// and policies) runs under each policy: a comparison table with the best value per column marked.
// A datacenter scenario (it has `hosts:`) runs once per combination of `--set` values: one table,
// a column per variant. The work lives in compare-run.ts and compare-scenario-run.ts, loaded only
// when the command runs.

import type { Command } from 'commander';
import { SETTABLE_KEYS, SETTING_LIMITS } from '../scenario-setting-rules.js';
import { configureCommandOutput } from './context.js';
import type { CompareOptions } from './compare-options.js';
import type { CommandContext } from './context.js';


const FILE_HELP = `
FILE is either a scheduler workload (jobs and policies, below) or a datacenter
scenario (a file with hosts:, see @strata/core-cluster's README).

A scenario runs once per combination of the --set values, side by side:
  strata compare SCENARIO --set placement=first-fit,best-fit --set fidelity=exact,fluid
  --set KEY=V1,V2,...  KEY: ${SETTABLE_KEYS}.
                       Repeat for more keys (at most ${SETTING_LIMITS.flags} flags, ${SETTING_LIMITS.values} values each,
                       ${SETTING_LIMITS.variants} variants in all); the scenario schema checks every value.
  Rows are metrics (hosts, VMs, containers, jobs, requests, energy), columns variants;
  --json prints {scenario, settings, variants: [{label, set, report}]}.

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

Examples:
  strata compare examples/textbook-jobs.json
  strata compare examples/datacenter.yaml --set placement=first-fit,spread --set fidelity=exact,fluid
`;

/** Add the `compare` subcommand to `program`. */
export function registerCompareCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('compare')
    .description('compare a workload under several scheduling policies, or a datacenter scenario under --set variants')
    .argument('<file>', 'scheduler workload (jobs and policies) or datacenter scenario (with hosts:), JSON or YAML')
    .option('--json', 'print one JSON object instead of the table')
    .option('--set <key=values>', 'scenarios: a key and the values to compare, as placement=first-fit,best-fit (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--max-slices <n>', 'workloads: work budget of all runs together, in slices (and events), 1..1e12 (default 10000000)')
    .addHelpText('after', FILE_HELP.trimEnd())
    .action(async (file: string, options: CompareOptions) => {
      const { runCompareFile } = await import('./compare-dispatch.js');
      await runCompareFile(file, options, context);
    });
  configureCommandOutput(command, context.io, 'strata compare --help');
}
