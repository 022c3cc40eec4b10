// The lifecycle's pure transition functions: (VM record, command, now) → (next record or null when
// the VM is gone, events). Every check runs before any record is built, so a refusal throws and
// changes nothing. The registry (vm-lifecycles.ts) owns the records and arms the timers they carry.
import { InvalidTransitionError } from '@strata/shared-types';
import type {
  Micros,
  VmBootedEvent,
  VmCrashReason,
  VmCrashedEvent,
  VmDefinedEvent,
  VmRestoredEvent,
  VmSavedEvent,
  VmShutdownTimedOutEvent,
  VmStateChangedEvent,
  VmUndefinedEvent,
} from '@strata/shared-types';
import { JOB_PHASE_REASON, LIBVIRT_GUARDS, LIBVIRT_OPERATIONS, LIBVIRT_STATE_OF_PHASE, libvirtRule } from './table.js';
import type { LibvirtOperation, LibvirtRule } from './table.js';
import { imageTransferUs } from './timings.js';
import type { Activity, FrozenActivity, LibvirtReason, LibvirtStateView, ReturnPoint, SavedImage, ShutdownTimeoutAction, VmPhase, VmRecord } from './types.js';

/** Every event the lifecycle emits. */
export type VmLifecycleEvent = VmDefinedEvent | VmUndefinedEvent | VmStateChangedEvent | VmBootedEvent | VmCrashedEvent | VmShutdownTimedOutEvent | VmSavedEvent | VmRestoredEvent;

/** A transition's outcome: the next record (null: the VM no longer exists) and what happened. */
export interface Step {
  readonly vm: VmRecord | null;
  readonly events: readonly VmLifecycleEvent[];
  /** A save image this step finished writing (it may now be restored). */
  readonly written?: SavedImage;
}

/** What libvirt reports for `vm` (`virsh domstate --reason`). */
export function libvirtStateOf(vm: VmRecord): LibvirtStateView {
  if (vm.phase === 'migrating' && vm.returnTo !== null) {
    const state = vm.returnTo.phase === 'paused' ? 'paused' : LIBVIRT_STATE_OF_PHASE[vm.returnTo.phase];
    return { state, reason: vm.returnTo.reason };
  }
  return { state: LIBVIRT_STATE_OF_PHASE[vm.phase], reason: vm.reason };
}

/** The operations `phase` allows (including idempotent ones), in table order. */
export function allowedLibvirtOperations(phase: VmPhase): LibvirtOperation[] {
  return LIBVIRT_OPERATIONS.filter((op) => typeof libvirtRule(op, phase) === 'string');
}

/** The job that makes `vm` refuse commands while a timed suspend or resume lands. */
const PENDING_EXEMPT: ReadonlySet<LibvirtOperation> = new Set(['define', 'undefine', 'destroy', 'crash']);

/**
 * Judge `op` on `vm`: 'ok' or 'noop', or throws InvalidTransitionError with libvirt's text (details:
 * the libvirt state and reason, libvirt's error code, and the operations the phase allows).
 */
export function checkLibvirt(vm: VmRecord, op: LibvirtOperation): 'ok' | 'noop' {
  if (vm.pending !== null && !PENDING_EXEMPT.has(op)) {
    const api = vm.pending.op === 'suspend' ? 'DomainSuspend' : 'DomainResume';
    refuse(vm, op, 'VIR_ERR_OPERATION_TIMEOUT', `Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatch${api})`);
  }
  const rule: LibvirtRule = libvirtRule(op, vm.phase);
  if (typeof rule !== 'string') refuse(vm, op, rule.code, rule.message(vm.name));
  return rule;
}

/** Throw libvirt's refusal of `op` for `vm`. */
export function refuse(vm: VmRecord, op: string, code: string, message: string): never {
  const { state, reason } = libvirtStateOf(vm);
  throw new InvalidTransitionError(vm.phase, op, { vm: vm.name, libvirtState: state, libvirtReason: reason, libvirtCode: code, allowed: allowedLibvirtOperations(vm.phase) }, message);
}

// ---- building blocks (each returns a new record; events go to `out`) ----

function stateChanged(vm: VmRecord, to: VmPhase, reason: LibvirtReason, now: Micros, out: VmLifecycleEvent[]): void {
  if (vm.phase !== to) out.push({ type: 'vm.state_changed', time: now, vm: vm.name, from: vm.phase, to, reason });
}

/** `vm` in `phase` with `reason`, emitting vm.state_changed when the phase changes. */
function enter(vm: VmRecord, phase: VmPhase, reason: LibvirtReason, now: Micros, out: VmLifecycleEvent[], patch: Partial<VmRecord> = {}): VmRecord {
  stateChanged(vm, phase, reason, now, out);
  return { ...vm, ...patch, phase, reason };
}

/** The boot or guest shutdown in progress (running or frozen), with the µs it still needs. */
function inProgress(vm: VmRecord, now: Micros): FrozenActivity | null {
  if (vm.frozen !== null) return vm.frozen;
  if (vm.activity !== null && (vm.activity.kind === 'boot' || vm.activity.kind === 'shutdown')) return { kind: vm.activity.kind, remainingUs: vm.activity.at - now };
  return null;
}

/** Continue a frozen boot or shutdown (or run), with `reason`. */
function thaw(vm: VmRecord, frozen: FrozenActivity | null, reason: LibvirtReason, now: Micros, out: VmLifecycleEvent[], extra: Partial<VmRecord> = {}): VmRecord {
  if (frozen === null) return enter(vm, 'running', reason, now, out, { ...extra, activity: null, frozen: null });
  const phase = frozen.kind === 'boot' ? 'starting' : 'shutting-down';
  return enter(vm, phase, reason, now, out, { ...extra, frozen: null, activity: { kind: frozen.kind, at: now + frozen.remainingUs, startedAt: now } });
}

/** Boot: `starting` until `bootUs` (plus `extraUs`, a guest shutdown first) has passed. */
function boot(vm: VmRecord, reason: LibvirtReason, now: Micros, out: VmLifecycleEvent[], extraUs = 0): VmRecord {
  const live = vm.live ?? vm.config;
  return enter(vm, 'starting', reason, now, out, {
    live,
    activity: { kind: 'boot', at: now + extraUs + vm.timings.bootUs, startedAt: now },
    frozen: null,
    deadline: null,
    pending: null,
    returnTo: null,
  });
}

/** Stop: SHUTOFF with `reason`; a transient VM (every Firecracker microVM) vanishes. */
function stop(vm: VmRecord, reason: LibvirtReason, now: Micros, out: VmLifecycleEvent[], patch: Partial<VmRecord> = {}): VmRecord | null {
  const next = enter(vm, 'shutoff', reason, now, out, { ...patch, live: null, activity: null, frozen: null, deadline: null, pending: null, returnTo: null });
  if (next.persistent) return next;
  out.push({ type: 'vm.undefined', time: now, vm: vm.name, active: false });
  return null;
}

/** Enter a job phase (snapshotting, migrating), remembering where to return; a boot or shutdown in progress is frozen meanwhile. */
function enterJob(vm: VmRecord, phase: 'snapshotting' | 'migrating' | 'saving', activity: Activity, now: Micros, out: VmLifecycleEvent[]): VmRecord {
  const from = vm.phase;
  if (from !== 'starting' && from !== 'running' && from !== 'paused' && from !== 'shutting-down' && from !== 'crashed') throw new Error(`unreachable: job from ${from}`);
  const returnTo: ReturnPoint = { phase: from, reason: vm.reason, frozen: inProgress(vm, now) };
  const reason = phase === 'migrating' ? vm.reason : JOB_PHASE_REASON[phase];
  return enter(vm, phase, reason, now, out, { activity, frozen: null, pending: null, deadline: null, returnTo });
}

/** Leave a job phase for where it began. */
function leaveJob(vm: VmRecord, now: Micros, out: VmLifecycleEvent[], extra: Partial<VmRecord> = {}): VmRecord {
  const back = vm.returnTo;
  if (back === null) throw new Error(`unreachable: ${vm.name} has no return point`);
  const base = { ...extra, returnTo: null, activity: null };
  if (back.phase === 'paused' || back.phase === 'crashed') return enter(vm, back.phase, back.reason, now, out, { ...base, frozen: back.frozen });
  return thaw(vm, back.frozen, back.reason, now, out, base);
}

/** When a `durationUs` job ends (Infinity: another part ends it). */
const jobEnd = (now: Micros, durationUs: number | undefined, fallback: number): number => now + (durationUs ?? fallback);

/** Options of the libvirt commands that take any. */
export interface LibvirtCommandOptions {
  /** `start --force-boot`: discard a managed-save image and boot. */
  readonly forceBoot?: boolean;
  /** `shutdown`: give up after this many µs (libvirt-guests: 300 s); virsh itself has no timeout. */
  readonly timeoutUs?: number;
  /** What the timeout does: destroy the guest, or leave it running as libvirt-guests does (default). */
  readonly onTimeout?: ShutdownTimeoutAction;
  /** `undefine --managed-save`: remove the managed-save image too. */
  readonly managedSave?: boolean;
  /** `undefine --snapshots-metadata`: remove the snapshots' metadata too. */
  readonly snapshotsMetadata?: boolean;
  /** `snapshot-revert`: the state the snapshot was taken in (default running). */
  readonly snapshotState?: 'running' | 'paused' | 'shutoff';
  /** Migration or snapshot duration; absent: the snapshot's RAM over the disk, a migration open-ended (ended by `endMigration`). */
  readonly durationUs?: number;
  /** `crash`: why. */
  readonly crashReason?: VmCrashReason;
}

/**
 * Apply libvirt operation `op` (already judged 'ok' by `checkLibvirt`, guards included) to `vm` at
 * `now`. `define`, `create` and `restore` of absent names are the registry's; here they act on an
 * existing record. Throws InvalidTransitionError for a failed guard, before building anything.
 */
export function applyLibvirt(vm: VmRecord, op: LibvirtOperation, now: Micros, opts: LibvirtCommandOptions = {}): Step {
  const out: VmLifecycleEvent[] = [];
  const verdict = checkLibvirt(vm, op);
  if (verdict === 'noop') return { vm, events: out };
  switch (op) {
    case 'define': {
      out.push({ type: 'vm.defined', time: now, vm: vm.name, persistent: true, flavor: vm.flavor });
      return { vm: { ...vm, persistent: true }, events: out };
    }
    case 'create':
    case 'restore':
      // Reached only for a shutoff name (the table refuses active ones); the registry handles both.
      throw new Error(`unreachable: ${op} on an existing record`);
    case 'start': {
      if (vm.managedSave !== null && opts.forceBoot !== true) {
        const image = vm.managedSave;
        const at = now + imageTransferUs(image.config, vm.timings);
        return { vm: enter(vm, 'restoring', 'starting_up', now, out, { live: image.config, managedSave: null, activity: { kind: 'restore', at, startedAt: now }, frozen: image.frozen }), events: out };
      }
      return { vm: boot({ ...vm, managedSave: null, live: vm.config }, 'booted', now, out), events: out };
    }
    case 'shutdown': {
      const deadline = opts.timeoutUs === undefined ? null : { at: now + opts.timeoutUs, action: opts.onTimeout ?? 'keep-running' };
      const honours = (vm.live ?? vm.config).guestHonorsAcpi;
      // A guest still booting ignores the request; one shutting down already is on its way. The caller's timeout applies either way.
      if (!honours || vm.phase !== 'running') return { vm: deadline === null ? vm : { ...vm, deadline }, events: out };
      return { vm: enter(vm, 'shutting-down', vm.reason, now, out, { activity: { kind: 'shutdown', at: now + vm.timings.shutdownUs, startedAt: now }, deadline }), events: out };
    }
    case 'reboot':
    case 'reset': {
      // reboot asks the guest (ACPI): it shuts down, then boots; reset restarts the boot at once.
      const honours = (vm.live ?? vm.config).guestHonorsAcpi;
      if (op === 'reboot' && !honours) return { vm, events: out };
      const extra = op === 'reboot' ? vm.timings.shutdownUs : 0;
      if (vm.phase === 'paused') return { vm: { ...vm, frozen: { kind: 'boot', remainingUs: extra + vm.timings.bootUs }, deadline: null }, events: out };
      return { vm: boot(vm, vm.phase === 'crashed' ? 'booted' : vm.reason, now, out, extra), events: out };
    }
    case 'destroy':
      return { vm: stop(vm, 'destroyed', now, out), events: out };
    case 'suspend': {
      if (vm.phase === 'migrating') {
        const back = vm.returnTo;
        if (back === null || back.phase === 'paused') return { vm, events: out };
        return { vm: { ...vm, returnTo: { ...back, phase: 'paused', reason: 'migration' } }, events: out };
      }
      if (vm.timings.pauseUs > 0) return { vm: { ...vm, pending: { at: now + vm.timings.pauseUs, op: 'suspend' } }, events: out };
      return { vm: landSuspend(vm, now, out), events: out };
    }
    case 'resume': {
      if (vm.phase === 'paused' && vm.timings.resumeUs > 0) return { vm: { ...vm, pending: { at: now + vm.timings.resumeUs, op: 'resume' } }, events: out };
      return { vm: landResume(vm, now, out), events: out };
    }
    case 'save':
    case 'managedsave': {
      if (op === 'managedsave' && !vm.persistent) refuse(vm, op, 'VIR_ERR_OPERATION_INVALID', LIBVIRT_GUARDS.managedSaveTransient);
      const config = vm.live ?? vm.config;
      const image: SavedImage = { vm: vm.name, persistent: vm.persistent, config, bytes: config.memoryBytes, frozen: inProgress(vm, now) };
      const at = now + imageTransferUs(config, vm.timings);
      return { vm: enterJob(vm, 'saving', { kind: op, at, startedAt: now, image }, now, out), events: out };
    }
    case 'undefine': {
      if (!vm.persistent) refuse(vm, op, 'VIR_ERR_OPERATION_INVALID', LIBVIRT_GUARDS.undefineTransient);
      const active = vm.phase !== 'shutoff';
      if (!active && vm.snapshots > 0 && opts.snapshotsMetadata !== true) refuse(vm, op, 'VIR_ERR_OPERATION_INVALID', LIBVIRT_GUARDS.undefineSnapshots(vm.snapshots));
      if (vm.managedSave !== null && opts.managedSave !== true) refuse(vm, op, 'VIR_ERR_OPERATION_INVALID', LIBVIRT_GUARDS.undefineManagedSave);
      out.push({ type: 'vm.undefined', time: now, vm: vm.name, active });
      if (!active) return { vm: null, events: out };
      return { vm: { ...vm, persistent: false, managedSave: null, snapshots: opts.snapshotsMetadata === true ? 0 : vm.snapshots }, events: out };
    }
    case 'snapshot-create': {
      if (vm.phase === 'shutoff') return { vm: { ...vm, snapshots: vm.snapshots + 1 }, events: out };
      const at = jobEnd(now, opts.durationUs, imageTransferUs(vm.live ?? vm.config, vm.timings));
      return { vm: enterJob(vm, 'snapshotting', { kind: 'snapshot', at, startedAt: now }, now, out), events: out };
    }
    case 'snapshot-revert': {
      if (vm.snapshots === 0) refuse(vm, op, 'VIR_ERR_NO_DOMAIN_SNAPSHOT', LIBVIRT_GUARDS.noSnapshot(vm.name));
      const target = opts.snapshotState ?? 'running';
      if (target === 'shutoff') {
        if (vm.phase === 'shutoff') return { vm: { ...vm, reason: 'from_snapshot' }, events: out };
        return { vm: stop(vm, 'from_snapshot', now, out), events: out };
      }
      const at = now + imageTransferUs(vm.config, vm.timings);
      const activity: Activity = { kind: 'restore', at, startedAt: now, ...(target === 'paused' ? { thenPaused: true } : {}), endReason: 'from_snapshot' };
      return { vm: enter(vm, 'restoring', 'starting_up', now, out, { live: vm.config, activity, frozen: null, pending: null, deadline: null, returnTo: null }), events: out };
    }
    case 'migrate': {
      const at = jobEnd(now, opts.durationUs, Infinity);
      return { vm: enterJob(vm, 'migrating', { kind: 'migration', at, startedAt: now }, now, out), events: out };
    }
    case 'crash':
      return { vm: crashVm(vm, opts.crashReason ?? 'guest-panic', now, out), events: out };
    default: {
      const never: never = op;
      return never;
    }
  }
}

/** A suspend lands: vCPUs stop; a boot or shutdown in progress is frozen. */
function landSuspend(vm: VmRecord, now: Micros, out: VmLifecycleEvent[]): VmRecord {
  return enter(vm, 'paused', 'user', now, out, { frozen: inProgress(vm, now), activity: null, pending: null });
}

/** A resume lands: a frozen boot or shutdown continues. */
function landResume(vm: VmRecord, now: Micros, out: VmLifecycleEvent[]): VmRecord {
  return thaw(vm, vm.frozen, 'unpaused', now, out, { pending: null });
}

/** A crash: the VMM process died (host failure, host OOM) or the guest panicked (`<on_crash>`). */
function crashVm(vm: VmRecord, reason: VmCrashReason, now: Micros, out: VmLifecycleEvent[]): VmRecord | null {
  const policy = vm.flavor === 'firecracker' || reason !== 'guest-panic' ? 'destroy' : (vm.live ?? vm.config).onCrash;
  out.push({ type: 'vm.crashed', time: now, vm: vm.name, reason, action: policy });
  switch (policy) {
    case 'destroy':
      return stop(vm, 'crashed', now, out);
    case 'restart':
      return boot(vm, 'crashed', now, out);
    case 'preserve':
      return enter(vm, 'crashed', 'panicked', now, out, { activity: null, frozen: null, pending: null, deadline: null, returnTo: null });
    default: {
      const never: never = policy;
      return never;
    }
  }
}

/** The timer slots a record carries. */
export type TimerSlot = 'activity' | 'deadline' | 'pending';

/** Fire `vm`'s `slot` timer at `now` (its `at`). */
export function fireTimer(vm: VmRecord, slot: TimerSlot, now: Micros): Step {
  const out: VmLifecycleEvent[] = [];
  switch (slot) {
    case 'pending': {
      const op = vm.pending?.op;
      const next = op === 'suspend' ? landSuspend(vm, now, out) : landResume(vm, now, out);
      return { vm: next, events: out };
    }
    case 'deadline': {
      const action = vm.deadline?.action ?? 'keep-running';
      out.push({ type: 'vm.shutdown_timed_out', time: now, vm: vm.name, action });
      if (action === 'destroy') return { vm: stop(vm, 'destroyed', now, out), events: out };
      return { vm: { ...vm, deadline: null }, events: out };
    }
    case 'activity': {
      const image = vm.activity?.image;
      return { vm: endActivity(vm, now, out), events: out, ...(image !== undefined ? { written: image } : {}) };
    }
    default: {
      const never: never = slot;
      return never;
    }
  }
}

function endActivity(vm: VmRecord, now: Micros, out: VmLifecycleEvent[]): VmRecord | null {
  const activity = vm.activity;
  if (activity === null) throw new Error(`unreachable: ${vm.name} has no activity`);
  switch (activity.kind) {
    case 'boot': {
      const next = enter(vm, 'running', vm.reason, now, out, { activity: null });
      out.push({ type: 'vm.booted', time: now, vm: vm.name, bootUs: (now - activity.startedAt) as Micros });
      return next;
    }
    case 'shutdown':
      return stop(vm, 'shutdown', now, out);
    case 'save':
    case 'managedsave': {
      const image = activity.image;
      if (image === undefined) throw new Error(`unreachable: ${vm.name} saves no image`);
      out.push({ type: 'vm.saved', time: now, vm: vm.name, managed: activity.kind === 'managedsave', bytes: image.bytes });
      return stop(vm, 'saved', now, out, activity.kind === 'managedsave' ? { managedSave: image } : {});
    }
    case 'restore': {
      const bytes = (vm.live ?? vm.config).memoryBytes;
      out.push({ type: 'vm.restored', time: now, vm: vm.name, bytes });
      const reason = activity.endReason ?? 'restored';
      if (activity.thenPaused === true) return enter(vm, 'paused', reason === 'restored' ? 'user' : reason, now, out, { activity: null });
      return thaw(vm, vm.frozen, reason, now, out);
    }
    case 'snapshot':
      return leaveJob(vm, now, out, { snapshots: vm.snapshots + 1 });
    case 'migration':
      return stop(vm, 'migrated', now, out);
    default: {
      const never: never = activity.kind;
      return never;
    }
  }
}

/** End a migration or snapshot job from outside: `completed` finishes it, `cancelled`/`failed` return the VM to where it was. */
export function endJob(vm: VmRecord, kind: 'migration' | 'snapshot', outcome: 'completed' | 'cancelled' | 'failed', now: Micros): Step {
  const phase = kind === 'migration' ? 'migrating' : 'snapshotting';
  if (vm.phase !== phase) refuse(vm, `end-${kind}`, 'VIR_ERR_OPERATION_INVALID', `${'Requested operation is not valid: '}no ${kind} job is active`);
  if (outcome === 'completed') return fireTimer(vm, 'activity', now);
  const out: VmLifecycleEvent[] = [];
  return { vm: leaveJob(vm, now, out), events: out };
}
