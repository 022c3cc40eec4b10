// `strata vm`: the hypervisor model of core-vmm. `migrate-estimate` runs the analytic pre-copy
// live-migration model (vmm-semantics.md §6.3) for one VM: the rounds, total time, downtime and
// whether it converges; `host FILE` runs a nested host experiment: VMs time-sliced on a host's
// pCPUs, guest tasks inside them, and the steal each vCPU reports.
// This file declares the flags; the work lives in vm-migrate-estimate.ts and vm-host-run.ts, each
// loaded only when its subcommand runs.

import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';
import type { VmHostOptions } from './vm-host-run.js';
import type { MigrateEstimateOptions } from './vm-migrate-estimate.js';

const MIGRATE_ESTIMATE_HELP = `
The model (Clark et al. 2005; Akoush et al. 2010): round 0 sends all memory M; each
next round resends what the guest dirtied during the last one, min(W, D x T_i); the
VM stops and copies the rest once it fits the downtime limit at the bandwidth
(V_n <= B x L), or after --max-rounds rounds. The final stop-and-copy is the downtime.
Without --max-rounds, a migration that cannot converge (D >= B and W > B x L) is
reported as not converging after the first round that repeats, with the downtime a
forced stop-and-copy would cost (QEMU itself would iterate forever).
--auto-converge adds QEMU's vCPU throttle (20%, then +10 up to 99%, every second
sync period that dirtied more than half of what it sent), which slows the dirty rate
to D x (1 - throttle).

Quantities: --memory and --wss as Kubernetes memory (4Gi, 512Mi, 1G); --dirty-rate
and --bandwidth as bandwidths (200MiB/s, 10Gbit, 1Gbps, 125MB/s); --downtime-limit as
a duration (300ms, 1s). --json prints {converged, rounds: [{round, bytes, seconds}],
totalSeconds, downtimeSeconds, bytesSent}.

Examples:
  strata vm migrate-estimate --memory 4Gi --dirty-rate 50MiB/s --wss 1Gi --bandwidth 1Gbit
  strata vm migrate-estimate --memory 4Gi --dirty-rate 200MiB/s --wss 1Gi --bandwidth 10Gbit --json
  strata vm migrate-estimate --memory 4Gi --dirty-rate 200MiB/s --wss 1Gi --bandwidth 1Gbit --max-rounds 5
`;

/** The default `--max-steps` of `vm host` (core-scheduler's DEFAULT_GROUP_MAX_STEPS, which core-vmm applies; a test keeps them equal). */
export const VM_HOST_DEFAULT_MAX_STEPS = 500_000_000;

const HOST_HELP = `
FILE is YAML (or JSON, for .json): the host's pCPUs and vCPU policy (credit, cfs, rr,
priority), the fidelity (exact: slices and ticks; fluid: rates), the duration, and the
VMs, each with its vCPUs, the policy's settings, pins and a guest (a group experiment's
cgroups and tasks, as strata sched --spec reads them):

  cpus: 2
  policy: credit
  duration: 20s
  vms:
    - { name: a, vcpus: 2, guest: { tasks: [ { name: spin0 }, { name: spin1 } ] } }
    - { name: b, vcpus: 2, guest: { tasks: [ { name: spin0 }, { name: spin1 } ] } }

Each vCPU is a task of the host's scheduler and a CPU of its guest: the guest's tasks
run only while the host runs their vCPU. Steal is the time a vCPU was runnable on the
host but not running, as the guest's /proc/stat shows it (the steal column of each
cpuN line, in ticks of 1/100 s).

Output: the header, a VM table (host CPU in pCPUs, steal % and steal ticks per vCPU)
and a guest task table (CPU in CPUs, CPU seconds). --fidelity both runs the file in
each fidelity and prints them side by side, with the gap |exact - fluid| per guest
task ("!" marks a gap of 0.01 CPU or more) and the largest gap last. --json prints
the result (µs), or {fidelity: "both", exact, fluid, gaps, largestGap}.

Budget: --max-steps is the most scheduler steps (the host's and every guest's) a run
may take, 1..1e12 (default ${VM_HOST_DEFAULT_MAX_STEPS}); with both, each run has its own.
Past it the run stops with exit 1 and prints nothing.

Examples:
  strata vm host examples/nested-steal.yaml
  strata vm host examples/nested-steal.yaml --fidelity both
  strata vm host examples/nested-steal.yaml --fidelity exact --json
`;

/**
 * The argument parser of a value flag that may be given once: a second `--memory 8Gi` after
 * `--memory 4Gi` is a usage error (exit 2) naming the flag and both values, not a silent override.
 */
export function once(flag: string): (value: string, previous: string | undefined) => string {
  return (value, previous) => {
    if (previous !== undefined) {
      throw new InvalidArgumentError(`${flag} was given twice (${JSON.stringify(previous)}, then ${JSON.stringify(value)}): give it once`);
    }
    return value;
  };
}

/** Add the `vm` command, with its `migrate-estimate` and `host` subcommands, to `program`. */
export function registerVmCommand(program: Command, context: CommandContext): void {
  const vm = program.command('vm').description('the hypervisor model: estimate a VM live migration, or run VMs on a host and read their steal time');
  configureCommandOutput(vm, context.io, 'strata vm --help');
  const estimate = vm
    .command('migrate-estimate')
    .description('estimate a pre-copy live migration: rounds, total time, downtime, convergence')
    .requiredOption('--memory <quantity>', 'guest memory M (Kubernetes memory: 4Gi, 512Mi, 1G)', once('--memory'))
    .requiredOption('--dirty-rate <rate>', 'dirty rate D of the running guest (a bandwidth: 200MiB/s, 1Gbit)', once('--dirty-rate'))
    .requiredOption('--wss <quantity>', 'writable working set W, at most --memory (4Gi, 512Mi)', once('--wss'))
    .requiredOption('--bandwidth <rate>', 'migration bandwidth B (10Gbit, 1Gbps, 128MiB/s)', once('--bandwidth'))
    .option('--downtime-limit <duration>', 'downtime limit L (300ms, 1s; default 300ms, QEMU\'s)', once('--downtime-limit'))
    .option('--max-rounds <n>', 'stop and copy after N pre-copy rounds, 0..100000 (Xen: 5)', once('--max-rounds'))
    .option('--auto-converge', 'throttle the vCPUs as QEMU\'s auto-converge does')
    .option('--json', 'print one JSON object instead of the table')
    .addHelpText('after', MIGRATE_ESTIMATE_HELP.trimEnd())
    .action(async (options: MigrateEstimateOptions) => {
      const { runMigrateEstimate } = await import('./vm-migrate-estimate.js');
      await runMigrateEstimate(options, context);
    });
  configureCommandOutput(estimate, context.io, 'strata vm migrate-estimate --help');
  const host = vm
    .command('host')
    .description('run a nested host experiment file: VMs sharing pCPUs, their guests\' tasks, steal per vCPU')
    .argument('<file>', 'nested host spec (YAML, or JSON for .json)')
    .option('--fidelity <mode>', 'exact, fluid or both (both: each, side by side, with the gaps); overrides the file\'s', once('--fidelity'))
    .option('--json', 'print one JSON object instead of the tables')
    .option('--max-steps <n>', `work budget: the most scheduler steps of a run, 1..1e12 (default ${VM_HOST_DEFAULT_MAX_STEPS})`, once('--max-steps'))
    .addHelpText('after', HOST_HELP.trimEnd())
    .action(async (file: string, options: VmHostOptions) => {
      const { runVmHost } = await import('./vm-host-run.js');
      await runVmHost(file, options, context);
    });
  configureCommandOutput(host, context.io, 'strata vm host --help');
}
