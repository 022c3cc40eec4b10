// `strata run SCENARIO`: a datacenter scenario run to its end, printed as summary tables (or the
// report as JSON), with optional trace, job results and HTML report files. This file declares the
// flags; the work lives in run-scenario.ts, loaded only when the command runs.

import type { Command } from 'commander';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';
import type { RunOptions } from './run-scenario.js';

const RUN_HELP = `
SCENARIO is a datacenter scenario (YAML, or JSON for .json): hosts, VMs, containers,
networks, workloads, timed actions and faults. Its format is @strata/core-cluster's
README ("Scenario files"); files it names (include, batch CSVs) are read relative to
its folder and may not leave it.

Output: the hosts and a summary (hosts, VMs, containers, jobs, requests, energy).
  --json               the run report as one JSON object (with "jobs": {count, completed,
                       makespan_s, meanFinish_s} for batch workloads)
  --trace FILE         every event, one JSON object per line (NDJSON); the same scenario
                       and seed give the same bytes (runs batch jobs on the datacenter)
  --results FILE       batch jobs as CSV: id,vm,host,start_s,finish_s (times to 1 µs)
A batch-only scenario (hosts, VMs, batch workloads) runs on the batch engine; one with
containers, networks, actions, faults or metrics (batch workloads beside them too) on
the datacenter. An invalid scenario: one line per problem, exit 2.
  --report FILE        one self-contained HTML page: utilization, steal, memory, job
                       completion, energy per host, the event log (opens offline)
Ranges: --until 1us..1000h (a duration: 90s, 10m, 1h30m); --seed 0..9007199254740991.

Examples:
  strata run examples/datacenter.yaml
  strata run examples/datacenter.yaml --seed 7 --until 1m --report report.html
  strata run cloudsim.yaml --json --results jobs.csv
`;

/** Add the `run` subcommand to `program`. */
export function registerRunCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('run')
    .description('run a datacenter scenario to its end: summary tables, or --json, --trace, --results, --report files')
    .argument('<scenario>', 'scenario file (YAML, or JSON for .json)')
    .option('--json', 'print the run report as one JSON object instead of tables')
    .option('--trace <file>', 'write every event as NDJSON to FILE')
    .option('--report <file>', 'write a self-contained HTML report to FILE')
    .option('--results <file>', 'write batch job results (id,vm,host,start_s,finish_s) as CSV to FILE')
    .option('--until <duration>', "stop at this simulated time, 1us..1000h (default: the scenario's duration)")
    .option('--seed <n>', "the scenario's seed, 0..9007199254740991 (default: the scenario's)")
    .addHelpText('after', RUN_HELP.trimEnd())
    .action(async (scenario: string, options: RunOptions) => {
      const { runScenario } = await import('./run-scenario.js');
      await runScenario(scenario, options, context);
    });
  configureCommandOutput(command, context.io, 'strata run --help');
}
