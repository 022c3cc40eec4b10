// `strata sched`: a textbook scheduling exercise (policy + job list) printed as a table, an
// ASCII Gantt chart, JSON or an SVG chart; or, with --spec FILE, a cgroup group experiment.
// This file declares the flags; the work lives in sched-run.ts, loaded only when the command runs
// so that --help, --version and usage errors start fast.

import type { Command } from 'commander';
import type { SchedOptions } from '../sched-flags.js';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';

/** Policy names for the help text (a test keeps it equal to core-scheduler's EXERCISE_POLICIES). */
export const SCHED_POLICY_NAMES = ['fifo', 'sjf', 'stcf', 'rr', 'priority', 'mlfq', 'cfs', 'credit', 'lottery', 'stride', 'edf'] as const;

const EXAMPLES = `
Job lists:
  --jobs 5,10,15                 lengths, all arriving at 0 (decimals like 2.5 with fifo, sjf, rr)
  --jobs 0,180,0:100,20,0        start,run,ioFreq per job, ':' between jobs (mlfq.py's -l form);
                                 with mlfq, 0,180,0 is one such job (as mlfq.py reads it);
                                 with other policies write a single job as 0,180,0:

Examples:
  strata sched --policy rr --quantum 2 --jobs 5,10,15
  strata sched --policy sjf --jobs 10,5,2.5 --json
  strata sched --policy mlfq --queues 2 --quantum 3 --allotments 2,2 --io-time 2 --boost 15 --jobs 0,12,4:2,6,0
  strata sched --policy lottery --tickets 100,50 --seed 7 --jobs 20,20
  strata sched --spec groups.yaml
`;

/** Add the `sched` subcommand to `program`. */
export function registerSchedCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('sched')
    .description('run a textbook CPU-scheduling exercise (times in integer ticks), or a group experiment with --spec')
    .option('--policy <name>', `scheduling policy: ${SCHED_POLICY_NAMES.join(', ')} (default fifo)`)
    .option('--jobs <list>', 'jobs: lengths "5,10,15" or start,run,ioFreq jobs "0,180,0:100,20,0"')
    .option('--quantum <n>', 'time slice in ticks for rr (default 1), lottery, stride; mlfq: every level (default 10)')
    .option('--cpus <n>', 'number of CPUs, 1..1024 (default 1)')
    .option('--seed <n>', 'seed for randomized policies (lottery)')
    .option('--queues <n>', 'mlfq: number of queues, 1..64 (default 3)')
    .option('--quanta <list>', 'mlfq: quantum per level, highest first; overrides --queues and --quantum')
    .option('--allotments <list>', 'mlfq: allotment (in quanta) per level, highest first (default 1 each)')
    .option('--allotment <n>', 'mlfq: the same allotment for every level (mlfq.py -a)')
    .option('--boost <n>', 'mlfq: boost all jobs to the top queue every n ticks (default 0: never)')
    .option('--io-time <n>', 'duration of each I/O in ticks (default 5)')
    .option('-S, --stay', 'mlfq: reset slice and allotment when a job issues an I/O (old rules 4a/4b)')
    .option('-I, --io-bump', 'mlfq: a job back from I/O goes to the front of its queue')
    .option('--context-switch <n>', 'ticks lost each time a CPU switches to a different job (default 0)')
    .option('--priorities <list>', 'priority: one integer per job, lower runs first')
    .option('--preemptive', 'priority: an arrival with a better priority preempts the running job')
    .option('--round-robin', 'priority: equal priorities share the CPU with --quantum slices')
    .option('--aging <n>', 'priority: a waiting job\'s priority value drops by 1 every n ticks')
    .option('--tickets <list>', 'lottery, stride: tickets per job, 1..1000000 (default 100)')
    .option('--nice <list>', 'cfs: nice value per job, -20..19 (default 0)')
    .option('--weights <list>', 'credit: Xen credit weight per job, 1..65535 (default 256)')
    .option('--deadlines <list>', 'edf: absolute deadline tick per job (default arrival + length)')
    .option('--json', 'print one JSON object instead of text')
    .option('--svg <file>', 'also write the Gantt chart as an SVG file')
    .option('--spec <file>', 'run a group experiment from a YAML or JSON spec instead of an exercise')
    .option('--max-slices <n>', 'work budget: the most slices (and events) a run may take, 1..1e12 (default 10000000; --spec: 500000000 scheduler steps)')
    .addHelpText('after', EXAMPLES.trimEnd())
    .action(async (options: SchedOptions) => {
      const { runSched } = await import('./sched-run.js');
      await runSched(options, context);
    });
  configureCommandOutput(command, context.io, 'strata sched --help');
}

