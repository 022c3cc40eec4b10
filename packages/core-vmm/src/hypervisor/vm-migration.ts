// A live migration between two hypervisors, the whole flow in one passive model: the target receives
// the VM (PAUSED/MIGRATION, memory allocated), the source migrates it while its guest keeps running,
// the transfer is `createLiveMigration` over a FlowNetwork the caller drives, the source's vCPUs stop
// for the stop-and-copy, and at completion the state crosses and the VM runs on the target.
import type { LiveMigration, LiveMigrationEvent, LiveMigrationSpec } from '../migration/live-migration-types.js';
import { createLiveMigration } from '../migration/create-live-migration.js';
import type { Hypervisor, HypervisorVmSpec } from './types.js';

/** What `createVmMigration` takes: both hosts, the VM as the target defines it, and the transfer's options. */
export interface VmMigrationSpec extends Omit<LiveMigrationSpec, 'vm' | 'memoryBytes' | 'dirty' | 'dirtyBytesPerSecond' | 'wssBytes' | 'onThrottle'> {
  readonly source: Hypervisor;
  readonly target: Hypervisor;
  /** The VM on the target: `name` = the VM migrated, its guest there, and the target's own `cpu` settings when given (else the source's). */
  readonly spec: HypervisorVmSpec;
  /** Keep the VM defined on the target after it completes (`VIR_MIGRATE_PERSIST_DEST`). */
  readonly persistent?: boolean;
}

/** Where the whole flow is: `switched` once the VM runs on the target (a post-copy keeps streaming after it). */
export type VmMigrationPhase = 'ready' | 'migrating' | 'switched' | 'completed' | 'failed';

/**
 * One VM's live migration between two hypervisors. Passive: the caller owns the clock. Each step at
 * t = min(network, source, target, migration next-event times): advance the network, then both
 * hypervisors, then this model, to t. `start()` and `cancel()` are commands at the hosts' now.
 */
export interface VmMigration {
  /**
   * target.receiveMigration → source.beginMigration → the transfer's first round. A target refusal
   * (InsufficientResourcesError, a name in use) changes nothing; a source refusal after it aborts the
   * incoming VM again (the target then reports its define and its destroy) and is rethrown.
   */
  start(): LiveMigrationEvent[];
  /** Abort before the switch-over (domjobabort): the VM stays on the source, the target forgets it. */
  cancel(): LiveMigrationEvent[];
  nextEventTime(): number;
  /** Process t (the network and both hypervisors already at t): the transfer's facts; the switch-over when it is due. */
  advanceTo(t: number): LiveMigrationEvent[];
  phase(): VmMigrationPhase;
  /** The transfer itself (rounds, downtime, bytes). */
  readonly transfer: LiveMigration;
}

/**
 * The recipe, as code: source.beginMigration → createLiveMigration (rounds over the network; the
 * source's guest dirties memory at its workload's rate, auto-converge throttles its vCPUs) →
 * target.receiveMigration (at start) → at the stop-and-copy, source.suspend → at completion
 * source.outgoingState → source.endMigration('completed') → target.completeIncoming(state). A post-copy
 * switches over when it leaves pre-copy. A failed transfer: source.endMigration('failed'),
 * target.abortIncoming. ValidationError from `createLiveMigration` for a bad transfer spec.
 */
export function createVmMigration(options: VmMigrationSpec): VmMigration {
  const { source, target, spec, persistent, ...transferSpec } = options;
  const vm = spec.name;
  let phase: VmMigrationPhase = 'ready';
  let suspended = false;
  let wasPaused = false;
  const transfer = createLiveMigration({
    ...transferSpec,
    vm,
    memoryBytes: spec.memoryBytes,
    dirty: source.dirtyModel(vm),
    onThrottle: (p) => {
      if (phase === 'migrating') source.setThrottle(vm, p);
    },
  });

  function switchOver(): void {
    if (!suspended) source.suspend(vm);
    suspended = true;
    const state = source.outgoingState(vm);
    source.endMigration(vm, 'completed');
    target.completeIncoming(vm, state, wasPaused ? { paused: true } : {});
    phase = 'switched';
  }

  function giveUp(outcome: 'failed' | 'cancelled'): void {
    phase = 'failed';
    source.endMigration(vm, outcome);
    // Suspended for a stop-and-copy that did not finish: the guest goes on where it ran.
    if (suspended && !wasPaused) source.resume(vm);
    target.abortIncoming(vm);
  }

  return {
    transfer,
    phase: () => phase,
    start() {
      if (phase !== 'ready') return transfer.start(); // the transfer refuses with its own error
      wasPaused = source.vm(vm).lifecycle.phase === 'paused';
      target.receiveMigration(spec, persistent === true ? { persistent: true } : {});
      try {
        source.beginMigration(vm);
      } catch (err) {
        target.abortIncoming(vm);
        throw err;
      }
      phase = 'migrating';
      return transfer.start();
    },
    cancel() {
      const events = transfer.cancel();
      if (phase === 'migrating') giveUp('cancelled');
      return events;
    },
    nextEventTime: () => transfer.nextEventTime(),
    advanceTo(t) {
      const events = transfer.advanceTo(t);
      const p = transfer.phase();
      if (phase === 'migrating') {
        if (p === 'failed') giveUp('failed');
        else if (p === 'post-copy') switchOver();
        else if (p === 'stop-and-copy' || p === 'resuming' || p === 'completed') {
          if (!suspended) source.suspend(vm);
          suspended = true;
          if (p === 'completed') switchOver();
        }
      }
      if (phase === 'switched' && p === 'completed') phase = 'completed';
      return events;
    },
  };
}
