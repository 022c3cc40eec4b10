// `strata container run FILE`: a scripted Docker session (docker commands at simulated times) run
// on the container engine, printed as docker events, each command's output, `docker ps -a` and
// `docker inspect`. This file declares the flags; the work lives in container-run.ts, loaded only
// when the command runs.

import type { Command } from 'commander';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';

/** The default `--max-steps` (core-container's DEFAULT_EXPERIMENT_MAX_STEPS; a test keeps them equal). */
export const CONTAINER_DEFAULT_MAX_STEPS = 10_000_000;

const RUN_HELP = `
FILE is YAML (or JSON, for .json): a host, a duration, extra images and docker
commands at simulated times, each { at, <docker word>: value }:

  host: { cpus: 2, memory: 4Gi }
  duration: 30s
  commands:
    - { at: 0s, run: { image: crasher, name: c1, restart: "on-failure:3" } }
    - { at: 0s, run: { image: idle, name: i1 } }
    - { at: 2s, stop: i1 }                  # no SIGTERM handler: killed after 10 s
    - { at: 3s, rm: i1 }                    # refused while it runs; the session goes on
    - { at: 5s, stats: c1 }

Words: create, run (docker run -d; docker run's flag names: memory, cpus, restart,
publish, ...), start, stop, kill, pause, unpause, restart, exec, update, wait,
rename, rm, logs, top, inspect, stats, ps. Built-in images: web, batch, memhog,
forker, idle, crasher, pause. The format is @strata/shared-types' "container session".

Output: docker events (the timestamp replaced by +seconds of simulated time), each
command as a "$ docker ..." line followed by what docker prints (ids, logs, top,
stats --no-stream, ps, inspect JSON, or "Error response from daemon: ..."; lines
starting "# " are the simulator's notes), then docker ps -a and an inspect summary.
A refused command is part of the result (exit 0). --json prints
{duration_us, events, outcomes, ps, inspect, eventsDropped, outputsOmitted}.

Budget: --max-steps is the most steps (program steps and CPU scheduling work) the whole run may take (1..1e12,
default ${CONTAINER_DEFAULT_MAX_STEPS}); each container start (restarts too) or exec counts
1,000, each advance of the kernel 100 and each row of command output 10 (a web
container serving 50 requests/s uses the default budget in about 3 simulated hours).
Past it the run stops with exit 1 and prints nothing.

Examples:
  strata container run examples/container-restart.yaml
  strata container run examples/container-lifecycle.yaml --json
`;

/** Add the `container` command, with its `run` subcommand, to `program`. */
export function registerContainerCommand(program: Command, context: CommandContext): void {
  const container = program.command('container').description('Docker on the kernel model: run a scripted session of docker commands and see what Docker would show');
  configureCommandOutput(container, context.io, 'strata container --help');
  const run = container
    .command('run')
    .description('run a container session file to its end: docker events, each command\'s output, docker ps -a, inspect')
    .argument('<file>', 'session file (YAML, or JSON for .json)')
    .option('--json', 'print one JSON object instead of text')
    .option('--max-steps <n>', `work budget: the most steps (program and CPU scheduling) of the whole run, 1..1e12 (default ${CONTAINER_DEFAULT_MAX_STEPS})`)
    .addHelpText('after', RUN_HELP.trimEnd())
    .action(async (file: string, options: { json?: boolean; maxSteps?: string }) => {
      const { runContainer } = await import('./container-run.js');
      await runContainer(file, options, context);
    });
  configureCommandOutput(run, context.io, 'strata container run --help');
}
