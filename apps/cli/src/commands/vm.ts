// `strata vm migrate-estimate`: the analytic pre-copy live-migration model of core-vmm
// (vmm-semantics.md §6.3) for one VM: the rounds, total time, downtime and whether it converges.
// This file declares the flags; the work lives in vm-migrate-estimate.ts, loaded only when it runs.

import type { Command } from 'commander';
import { configureCommandOutput } from './context.js';
import type { CommandContext } from './context.js';
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

/** Add the `vm` command, with its `migrate-estimate` subcommand, to `program`. */
export function registerVmCommand(program: Command, context: CommandContext): void {
  const vm = program.command('vm').description('the hypervisor model: estimate a VM live migration');
  configureCommandOutput(vm, context.io, 'strata vm --help');
  const estimate = vm
    .command('migrate-estimate')
    .description('estimate a pre-copy live migration: rounds, total time, downtime, convergence')
    .requiredOption('--memory <quantity>', 'guest memory M (Kubernetes memory: 4Gi, 512Mi, 1G)')
    .requiredOption('--dirty-rate <rate>', 'dirty rate D of the running guest (a bandwidth: 200MiB/s, 1Gbit)')
    .requiredOption('--wss <quantity>', 'writable working set W, at most --memory (4Gi, 512Mi)')
    .requiredOption('--bandwidth <rate>', 'migration bandwidth B (10Gbit, 1Gbps, 128MiB/s)')
    .option('--downtime-limit <duration>', 'downtime limit L (300ms, 1s; default 300ms, QEMU\'s)')
    .option('--max-rounds <n>', 'stop and copy after N pre-copy rounds, 0..100000 (Xen: 5)')
    .option('--auto-converge', 'throttle the vCPUs as QEMU\'s auto-converge does')
    .option('--json', 'print one JSON object instead of the table')
    .addHelpText('after', MIGRATE_ESTIMATE_HELP.trimEnd())
    .action(async (options: MigrateEstimateOptions) => {
      const { runMigrateEstimate } = await import('./vm-migrate-estimate.js');
      await runMigrateEstimate(options, context);
    });
  configureCommandOutput(estimate, context.io, 'strata vm migrate-estimate --help');
}
