// The passive lifecycle model of the VMs of one host: commands apply at `now()`, `advanceTo(t)` runs
// the boot, shutdown, save, restore, snapshot and migration timers to `t` and reports what happened
// (ARCHITECTURE.md, "Driving models"). Two front ends over one state: libvirt's domain API and
// Firecracker's HTTP API; each VM has its flavor and answers only its own front end's commands.
import { ConflictError, InvalidTransitionError, NotFoundError, ValidationError, shownValue, NO_EVENTS } from '@strata/shared-types';
import type { Bytes, Micros, VmCrashReason } from '@strata/shared-types';
import { BOOT_SPECIFIC_REQUESTS, FIRECRACKER_DEFAULT_MACHINE, FIRECRACKER_MESSAGES, FIRECRACKER_OPERATIONS, FIRECRACKER_TRANSITIONS, applyMachineConfig, firecrackerPhaseOf } from './firecracker.js';
import type { FirecrackerOperation, MachineConfigBody } from './firecracker.js';
import { LIBVIRT_GUARDS, LIBVIRT_OPERATIONS, libvirtRule } from './table.js';
import type { LibvirtOperation } from './table.js';
import { FIRECRACKER_TIMINGS, LIBVIRT_TIMINGS, imageTransferUs } from './timings.js';
import { fail, objectOrEmpty, requireBoolean, requireOneOf } from '../input-checks.js';
import { checkFirecrackerBody, checkLibvirtOptions, isFirecrackerOperation, isLibvirtOperation } from './input-checks.js';
import { applyLibvirt, endJob, fireTimer, libvirtStateOf, refuse } from './transition.js';
import type { LibvirtCommandOptions, Step, TimerSlot, VmLifecycleEvent } from './transition.js';
import type { FirecrackerPhase, LibvirtStateView, SavedImage, VmConfig, VmFlavor, VmRecord, VmTimings } from './types.js';
import { heapPop, heapPush } from '../binary-heap.js';

const MIB = 1024 * 1024;
const ON_CRASH = ['destroy', 'restart', 'preserve'] as const;
const JOB_OUTCOMES = ['completed', 'cancelled', 'failed'] as const;
const LIBVIRT_OPERATION_LIST = LIBVIRT_OPERATIONS.join(', ');

/** Timing overrides as plain numbers (µs; bytes per second for the disk). */
export type VmTimingsInput = { readonly [K in keyof VmTimings]?: number };

/** `base` with `input`'s overrides, each checked (µs: non-negative integers; the disk: a finite positive rate); `path` names them in errors. */
function withTimings(base: VmTimings, input: VmTimingsInput | undefined, path: string): VmTimings {
  const given = objectOrEmpty(path, input, '{ bootUs?, shutdownUs?, pauseUs?, resumeUs?, diskBytesPerSecond? }') as VmTimingsInput;
  const disk = given.diskBytesPerSecond ?? base.diskBytesPerSecond;
  if (typeof disk !== 'number' || !Number.isFinite(disk) || disk <= 0) fail(`${path}.diskBytesPerSecond`, 'a finite number > 0 (bytes/s)', disk);
  const us = (key: 'bootUs' | 'shutdownUs' | 'pauseUs' | 'resumeUs'): Micros => {
    const value: unknown = given[key];
    if (value === undefined) return base[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`${path}.${key}`, `an integer number of µs from 0 to ${Number.MAX_SAFE_INTEGER}`, value);
    return value as Micros;
  };
  return { bootUs: us('bootUs'), shutdownUs: us('shutdownUs'), pauseUs: us('pauseUs'), resumeUs: us('resumeUs'), diskBytesPerSecond: disk };
}

/** Options of `createVmLifecycles`. */
export interface VmLifecyclesOptions {
  /** The model's clock at creation (default 0). */
  readonly startTime?: number;
  /** Overrides of the libvirt VMs' default timings (`LIBVIRT_TIMINGS`). */
  readonly libvirtTimings?: VmTimingsInput;
  /** Overrides of the microVMs' default timings (`FIRECRACKER_TIMINGS`). */
  readonly firecrackerTimings?: VmTimingsInput;
}

/** A VM's configuration as `define` / `create` take it; absent fields keep their current value (new VMs: 1 vCPU, 1 GiB, on_crash destroy, ACPI honoured). */
export interface VmConfigInput {
  readonly vcpus?: number;
  readonly memoryBytes?: number;
  readonly onCrash?: VmConfig['onCrash'];
  readonly guestHonorsAcpi?: boolean;
  /** Per-VM timing overrides (fixed at the VM's creation). */
  readonly timings?: VmTimingsInput;
}

/** A VM as the model shows it: its record plus what libvirt and Firecracker would report. */
export interface VmView extends VmRecord {
  readonly libvirt: LibvirtStateView;
  /** Firecracker's `InstanceInfo.state` (microVMs only). */
  readonly firecracker: FirecrackerPhase | null;
}

/** A Firecracker request body (the fields the model uses; others are accepted and ignored). */
export interface FirecrackerBody extends MachineConfigBody {
  readonly amount_mib?: number;
  readonly resume_vm?: boolean;
}

/**
 * The VMs of one host. Commands apply at `now()` and either succeed, or throw (InvalidTransitionError
 * with libvirt's or Firecracker's text, NotFoundError, ConflictError, ValidationError) and change
 * nothing. Caller's loop: command* → (`nextEventTime()` → `advanceTo(t)`)*.
 */
export interface VmLifecycles {
  now(): Micros;
  /** Time of the next timer (boot done, shutdown done or timed out, job done), or Infinity. */
  nextEventTime(): number;
  /** Run to `time` (≥ now): events of the commands since the last take, then those of the timers, in time order. */
  advanceTo(time: number): readonly VmLifecycleEvent[];
  /** Events of commands since the last `advanceTo` or `takeEvents`, then cleared. */
  takeEvents(): readonly VmLifecycleEvent[];
  /** The VM named `name`. Throws NotFoundError (libvirt's `Domain not found` text in details). */
  inspect(name: string): VmView;
  /** The VM named `name`, or null when there is none (no error built: a lookup that may miss). */
  find(name: string): VmView | null;
  /** The VM's record alone (no libvirt or Firecracker view built), or null: for a composer that reads its phase often. */
  findRecord(name: string): VmRecord | null;
  /** Every VM, in creation order. */
  list(): VmView[];

  // ---- libvirt (flavor 'libvirt') ----
  /** `virsh define`: a new persistent VM (SHUTOFF), or a new config for the next boot; a running transient VM becomes persistent. */
  define(name: string, config?: VmConfigInput): void;
  /** `virsh create`: a new transient VM, booting at once. ConflictError if the name exists. */
  create(name: string, config?: VmConfigInput): void;
  /** `virsh start [--force-boot]`: boot, or restore the managed-save image (consumed). */
  start(name: string, opts?: Pick<LibvirtCommandOptions, 'forceBoot'>): void;
  /** `virsh shutdown`: ask the guest (ACPI); it powers off after `shutdownUs` unless it ignores ACPI. `timeoutUs`: then destroy or keep running. */
  shutdown(name: string, opts?: Pick<LibvirtCommandOptions, 'timeoutUs' | 'onTimeout'>): void;
  /** `virsh reboot`: the guest shuts down and boots again (stays RUNNING to libvirt). */
  reboot(name: string): void;
  /** `virsh reset`: the boot starts over at once. */
  reset(name: string): void;
  /** `virsh destroy`: SHUTOFF/DESTROYED at once, from any active phase (aborting a job); a transient VM vanishes. Also kills a Firecracker process. */
  destroy(name: string): void;
  /** `virsh suspend`: PAUSED/USER (after `pauseUs`); already paused: success, nothing changes. */
  suspend(name: string): void;
  /** `virsh resume`: from PAUSED or CRASHED to RUNNING/UNPAUSED (after `resumeUs`). */
  resume(name: string): void;
  /** `virsh save`: RAM to an image (saving, then SHUTOFF/SAVED). The image can be restored once `vm.saved` is out. */
  save(name: string): SavedImage;
  /** `virsh managedsave` (persistent VMs): the next `start` restores it. */
  managedSave(name: string): void;
  /** `virsh restore [--paused]`: restoring, then RUNNING/RESTORED (or PAUSED). A saved image restores into a VM of its name, or recreates it transient. */
  restore(image: SavedImage, opts?: { readonly paused?: boolean }): void;
  /** `virsh undefine`: inactive → removed; active → transient, still running. */
  undefine(name: string, opts?: Pick<LibvirtCommandOptions, 'managedSave' | 'snapshotsMetadata'>): void;
  /** `virsh snapshot-create` (internal, with RAM when active: PAUSED/SNAPSHOT meanwhile). `durationUs` absent: RAM over the disk. */
  snapshotCreate(name: string, opts?: Pick<LibvirtCommandOptions, 'durationUs'>): void;
  /** `virsh snapshot-revert`: back to a snapshot taken running, paused or shut off (reason FROM_SNAPSHOT). */
  snapshotRevert(name: string, opts?: Pick<LibvirtCommandOptions, 'snapshotState'>): void;
  /** `virsh migrate --live` seen from the source: migrating until `durationUs` passes or `endMigration` (open-ended when absent). */
  migrate(name: string, opts?: Pick<LibvirtCommandOptions, 'durationUs'>): void;
  /** Judge a libvirt operation without applying it: 'ok', 'noop', or throws as the command would. */
  check(name: string, op: LibvirtOperation): 'ok' | 'noop';

  // ---- hooks for the other parts (migration, snapshots, memory, faults) ----
  /** The host failed, the guest panicked (then `<on_crash>` applies) or the host's OOM killer killed the VMM. */
  crash(name: string, reason: VmCrashReason): void;
  /** = `migrate`: a migration job begins. */
  beginMigration(name: string, opts?: Pick<LibvirtCommandOptions, 'durationUs'>): void;
  /** The migration ended: `completed` → SHUTOFF/MIGRATED (a transient source vanishes); otherwise back where it was. */
  endMigration(name: string, outcome: 'completed' | 'cancelled' | 'failed'): void;
  /** The destination side: a VM arrives RUNNING/MIGRATED (or PAUSED/MIGRATION). ConflictError if the name exists. */
  receiveMigration(name: string, config: VmConfigInput, opts?: { readonly persistent?: boolean; readonly paused?: boolean }): void;
  /**
   * The destination side's switch-over: a VM received paused (PAUSED/MIGRATION) runs here,
   * RUNNING/MIGRATED (`paused`: stays PAUSED, reason USER, as with `virsh migrate --suspend`).
   * InvalidTransitionError unless the VM is PAUSED/MIGRATION.
   */
  completeIncoming(name: string, opts?: { readonly paused?: boolean }): void;
  /** = `snapshotCreate`: a snapshot job begins (`durationUs` Infinity: `endSnapshot` ends it). */
  beginSnapshot(name: string, opts?: Pick<LibvirtCommandOptions, 'durationUs'>): void;
  /** The snapshot job ended: `completed` counts the snapshot; either way the VM returns where it was. */
  endSnapshot(name: string, outcome: 'completed' | 'cancelled' | 'failed'): void;

  // ---- Firecracker (flavor 'firecracker') ----
  /** A Firecracker process with its API socket up: `Not started`, default machine (1 vCPU, 128 MiB). ConflictError if the name exists. */
  createMicroVm(name: string, opts?: { readonly timings?: VmTimingsInput; readonly guestHonorsAcpi?: boolean }): void;
  /**
   * A Firecracker API request. Refused: InvalidTransitionError (details `httpStatus` 400 and
   * `faultMessage`) or ValidationError (machine-config limits) with Firecracker's text.
   */
  firecracker(name: string, op: FirecrackerOperation, body?: FirecrackerBody): void;
}

interface HeapEntry {
  readonly at: number;
  readonly seq: number;
  readonly name: string;
  readonly slot: TimerSlot;
  readonly timer: object;
}

/** Build the lifecycle model of one host's VMs. */
export function createVmLifecycles(options: VmLifecyclesOptions = {}): VmLifecycles {
  objectOrEmpty('options', options, '{ startTime?, libvirtTimings?, firecrackerTimings? }');
  const startTime: unknown = options.startTime ?? 0;
  if (typeof startTime !== 'number' || !Number.isSafeInteger(startTime) || startTime < 0) fail('startTime', `an integer number of µs from 0 to ${Number.MAX_SAFE_INTEGER}`, startTime);
  let now = startTime as Micros;
  const vms = new Map<string, VmRecord>();
  const written = new WeakSet<SavedImage>();
  let buffered: VmLifecycleEvent[] = [];
  const heap: HeapEntry[] = [];
  let seq = 0;
  const libvirtTimings = withTimings(LIBVIRT_TIMINGS, options.libvirtTimings, 'libvirtTimings');
  const fcTimings = withTimings(FIRECRACKER_TIMINGS, options.firecrackerTimings, 'firecrackerTimings');

  const less = (a: HeapEntry, b: HeapEntry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const push = (entry: HeapEntry): void => heapPush(heap, entry, less);
  const pop = (): HeapEntry | undefined => (heap.length === 0 ? undefined : heapPop(heap, less));
  const timerOf = (vm: VmRecord, slot: TimerSlot): { at: number } | null => (slot === 'activity' ? vm.activity : slot === 'deadline' ? vm.deadline : vm.pending);
  /** A heap entry is live while its VM still carries that very timer object. */
  function live(entry: HeapEntry): boolean {
    const vm = vms.get(entry.name);
    return vm !== undefined && timerOf(vm, entry.slot) === entry.timer;
  }
  function pruneTop(): void {
    while (heap.length > 0 && !live(heap[0]!)) pop();
  }

  /** Store a step's record, arm its new timers, keep its events. Refuses (before any change) a timer past the clock's range. */
  function commit(name: string, before: VmRecord | undefined, step: Step): void {
    if (step.vm !== null) {
      for (const slot of ['activity', 'deadline', 'pending'] as const) {
        const at = timerOf(step.vm, slot)?.at;
        if (at !== undefined && at !== Infinity && !(Number.isSafeInteger(at) && at >= now)) {
          throw new ValidationError(`VM '${name}': its ${slot} would end at ${shownValue(at)} µs, beyond the clock's range (now ${now} .. ${Number.MAX_SAFE_INTEGER} µs): give a shorter duration or timing`, { path: slot, vm: name, value: at, accepted: `now .. ${Number.MAX_SAFE_INTEGER}` });
        }
      }
    }
    if (step.vm === null) vms.delete(name);
    else {
      vms.set(name, step.vm);
      for (const slot of ['activity', 'deadline', 'pending'] as const) {
        const timer = timerOf(step.vm, slot);
        if (timer !== null && Number.isFinite(timer.at) && (before === undefined || timerOf(before, slot) !== timer)) push({ at: timer.at, seq: seq++, name, slot, timer });
      }
    }
    if (step.written !== undefined) written.add(step.written);
    for (const e of step.events) buffered.push(e);
  }

  function get(name: string): VmRecord {
    const vm = vms.get(name);
    if (vm === undefined) throw new NotFoundError('domain', name, { message: LIBVIRT_GUARDS.noDomain(name) });
    return vm;
  }
  function getFlavor(name: string, flavor: VmFlavor, op: string): VmRecord {
    const vm = get(name);
    if (vm.flavor !== flavor) {
      const api = flavor === 'libvirt' ? "libvirt's" : "Firecracker's";
      throw new ValidationError(`${op}: '${name}' is a ${vm.flavor} VM; it does not answer ${api} API`, { vm: name, flavor: vm.flavor, command: op });
    }
    return vm;
  }
  function assertFree(name: string): void {
    const vm = vms.get(name);
    if (vm === undefined) return;
    const phaseRule = libvirtRule('create', vm.phase);
    const message = typeof phaseRule === 'string' ? `domain '${name}' already exists` : phaseRule.message(name);
    throw new ConflictError(message, { vm: name, phase: vm.phase });
  }

  function makeConfig(config: VmConfigInput | undefined, base: VmConfig | null): VmConfig {
    const input = objectOrEmpty('config', config, '{ vcpus?, memoryBytes?, onCrash?, guestHonorsAcpi?, timings? }') as VmConfigInput;
    const vcpus: unknown = input.vcpus ?? base?.vcpus ?? 1;
    const memory: unknown = input.memoryBytes ?? base?.memoryBytes ?? 1024 * MIB;
    if (typeof vcpus !== 'number' || !Number.isSafeInteger(vcpus) || vcpus < 1) fail('vcpus', 'a positive integer (at most 2^53 − 1)', vcpus);
    if (typeof memory !== 'number' || !Number.isSafeInteger(memory) || memory < 1) fail('memoryBytes', `an integer number of bytes from 1 to ${Number.MAX_SAFE_INTEGER}`, memory);
    const onCrash = input.onCrash === undefined ? (base?.onCrash ?? 'destroy') : requireOneOf('onCrash', input.onCrash, ON_CRASH);
    const acpi = input.guestHonorsAcpi === undefined ? (base?.guestHonorsAcpi ?? true) : requireBoolean('guestHonorsAcpi', input.guestHonorsAcpi);
    return { vcpus, memoryBytes: memory as Bytes, onCrash, guestHonorsAcpi: acpi };
  }

  /** A new VM's name: a non-empty string. */
  function newName(name: unknown): string {
    if (typeof name !== 'string' || name.length < 1 || name.length > 256) fail('name', 'a string of 1 to 256 characters', name);
    return name;
  }

  function newRecord(name: string, flavor: VmFlavor, persistent: boolean, config: VmConfig, timings: VmTimings): VmRecord {
    return {
      name,
      flavor,
      persistent,
      phase: 'shutoff',
      reason: 'unknown',
      config,
      live: null,
      timings,
      activity: null,
      frozen: null,
      deadline: null,
      pending: null,
      returnTo: null,
      managedSave: null,
      snapshots: 0,
      fc: null,
    };
  }

  function libvirtOp(name: string, op: LibvirtOperation, opts?: LibvirtCommandOptions): void {
    const vm = op === 'destroy' || op === 'crash' ? get(name) : getFlavor(name, 'libvirt', op);
    const checked = checkLibvirtOptions(op, opts);
    if (op === 'destroy' && vm.flavor === 'firecracker' && vm.phase === 'shutoff') {
      // Killing a Firecracker process that never started: the microVM is gone.
      commit(name, vm, { vm: null, events: [{ type: 'vm.undefined', time: now, vm: name, active: false }] });
      return;
    }
    commit(name, vm, applyLibvirt(vm, op, now, checked));
  }

  function view(vm: VmRecord): VmView {
    return { ...vm, libvirt: libvirtStateOf(vm), firecracker: vm.flavor === 'firecracker' ? firecrackerPhaseOf(vm.phase) : null };
  }

  function fcRefuse(vm: VmRecord, op: FirecrackerOperation, fault: string): never {
    const phase = firecrackerPhaseOf(vm.phase);
    const allowed = (Object.keys(FIRECRACKER_TRANSITIONS) as FirecrackerOperation[]).filter((o) => typeof FIRECRACKER_TRANSITIONS[o][phase] === 'string');
    throw new InvalidTransitionError(phase, op, { vm: vm.name, httpStatus: 400, faultMessage: fault, allowed }, fault);
  }

  const api: VmLifecycles = {
    now: () => now,
    nextEventTime() {
      pruneTop();
      return heap.length > 0 ? heap[0]!.at : Infinity;
    },
    advanceTo(time) {
      if (typeof time !== 'number' || !Number.isSafeInteger(time)) fail('time', `an integer number of µs from now (${now}) to ${Number.MAX_SAFE_INTEGER}`, time);
      if (time < now) throw new ValidationError(`advanceTo(${time}) is before now (${now}): time must not go backwards`, { path: 'time', time, now, accepted: `integer ≥ ${now}` });
      for (;;) {
        pruneTop();
        const top = heap[0];
        if (top === undefined || top.at > time) break;
        pop();
        now = top.at as Micros;
        const vm = vms.get(top.name)!;
        commit(top.name, vm, fireTimer(vm, top.slot, now));
      }
      now = time as Micros;
      return api.takeEvents();
    },
    takeEvents() {
      const out = buffered;
      if (out.length === 0) return NO_EVENTS;
      buffered = [];
      return out;
    },
    inspect: (name) => view(get(name)),
    find: (name) => {
      const vm = vms.get(name);
      return vm === undefined ? null : view(vm);
    },
    findRecord: (name) => vms.get(name) ?? null,
    list: () => [...vms.values()].map(view),

    define(name, config) {
      const vm = vms.get(name);
      if (vm === undefined) {
        newName(name);
        const record = newRecord(name, 'libvirt', true, makeConfig(config, null), withTimings(libvirtTimings, config?.timings, 'timings'));
        commit(name, undefined, { vm: record, events: [{ type: 'vm.defined', time: now, vm: name, persistent: true, flavor: 'libvirt' }] });
        return;
      }
      const current = getFlavor(name, 'libvirt', 'define');
      const next = makeConfig(config, current.config);
      const step = applyLibvirt(current, 'define', now);
      commit(name, current, { ...step, vm: step.vm === null ? null : { ...step.vm, config: next } });
    },
    create(name, config) {
      newName(name);
      assertFree(name);
      const record = newRecord(name, 'libvirt', false, makeConfig(config, null), withTimings(libvirtTimings, config?.timings, 'timings'));
      const step = applyLibvirt(record, 'start', now);
      commit(name, undefined, { vm: step.vm, events: [{ type: 'vm.defined', time: now, vm: name, persistent: false, flavor: 'libvirt' }, ...step.events] });
    },
    start: (name, opts) => libvirtOp(name, 'start', opts),
    shutdown: (name, opts) => libvirtOp(name, 'shutdown', opts),
    reboot: (name) => libvirtOp(name, 'reboot'),
    reset: (name) => libvirtOp(name, 'reset'),
    destroy: (name) => libvirtOp(name, 'destroy'),
    suspend: (name) => libvirtOp(name, 'suspend'),
    resume: (name) => libvirtOp(name, 'resume'),
    save(name) {
      const vm = getFlavor(name, 'libvirt', 'save');
      const step = applyLibvirt(vm, 'save', now);
      const image = step.vm?.activity?.image;
      if (image === undefined) throw new Error('unreachable: save wrote no image');
      commit(name, vm, step);
      return image;
    },
    managedSave: (name) => libvirtOp(name, 'managedsave'),
    restore(image, opts) {
      if (typeof image !== 'object' || image === null) fail('image', 'a SavedImage that save() returned', image);
      const paused = requireBoolean('paused', objectOrEmpty('opts', opts, '{ paused? }').paused, false);
      if (!written.has(image)) throw new NotFoundError('saved image', String(image.vm), { message: `the image of '${String(image.vm)}' was not written (its save did not complete)` });
      const existing = vms.get(image.vm);
      if (existing !== undefined) {
        const vm = getFlavor(image.vm, 'libvirt', 'restore');
        const rule = libvirtRule('restore', vm.phase);
        if (typeof rule !== 'string') refuse(vm, 'restore', rule.code, rule.message(vm.name));
      }
      const base = existing ?? newRecord(image.vm, 'libvirt', false, image.config, libvirtTimings);
      const at = now + imageTransferUs(image.config, base.timings);
      const restoring: VmRecord = {
        ...base,
        phase: 'restoring',
        reason: 'starting_up',
        live: image.config,
        activity: { kind: 'restore', at, startedAt: now, ...(paused ? { thenPaused: true } : {}) },
        frozen: image.frozen,
      };
      const events: VmLifecycleEvent[] = existing === undefined ? [{ type: 'vm.defined', time: now, vm: image.vm, persistent: false, flavor: 'libvirt' }] : [];
      events.push({ type: 'vm.state_changed', time: now, vm: image.vm, from: 'shutoff', to: 'restoring', reason: 'starting_up' });
      commit(image.vm, existing, { vm: restoring, events });
    },
    undefine: (name, opts) => libvirtOp(name, 'undefine', opts),
    snapshotCreate: (name, opts) => libvirtOp(name, 'snapshot-create', opts),
    snapshotRevert: (name, opts) => libvirtOp(name, 'snapshot-revert', opts),
    migrate: (name, opts) => libvirtOp(name, 'migrate', opts),
    check(name, op) {
      if (!isLibvirtOperation(op)) fail('op', `one of ${LIBVIRT_OPERATION_LIST}`, op);
      const vm = op === 'destroy' || op === 'crash' ? get(name) : getFlavor(name, 'libvirt', op);
      const rule = libvirtRule(op, vm.phase);
      if (typeof rule !== 'string') refuse(vm, op, rule.code, rule.message(vm.name));
      return rule;
    },

    crash: (name, reason) => libvirtOp(name, 'crash', { crashReason: reason }),
    beginMigration: (name, opts) => libvirtOp(name, 'migrate', opts),
    endMigration(name, outcome) {
      const vm = get(name);
      requireOneOf('outcome', outcome, JOB_OUTCOMES);
      commit(name, vm, endJob(vm, 'migration', outcome, now));
    },
    receiveMigration(name, config, opts) {
      newName(name);
      assertFree(name);
      const c = makeConfig(config, null);
      const o = objectOrEmpty('opts', opts, '{ persistent?, paused? }');
      const paused = requireBoolean('paused', o.paused, false);
      const persistent = requireBoolean('persistent', o.persistent, false);
      const record: VmRecord = { ...newRecord(name, 'libvirt', persistent, c, withTimings(libvirtTimings, config?.timings, 'timings')), live: c, phase: paused ? 'paused' : 'running', reason: paused ? 'migration' : 'migrated' };
      commit(name, undefined, {
        vm: record,
        events: [
          { type: 'vm.defined', time: now, vm: name, persistent: record.persistent, flavor: 'libvirt' },
          { type: 'vm.state_changed', time: now, vm: name, from: 'shutoff', to: record.phase, reason: record.reason },
        ],
      });
    },
    completeIncoming(name, opts) {
      const vm = getFlavor(name, 'libvirt', 'complete-incoming');
      const paused = requireBoolean('paused', objectOrEmpty('opts', opts, '{ paused? }').paused, false);
      if (vm.phase !== 'paused' || vm.reason !== 'migration') refuse(vm, 'complete-incoming', 'VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: domain '${name}' is not an incoming migration`);
      const next: VmRecord = { ...vm, phase: paused ? 'paused' : 'running', reason: paused ? 'user' : 'migrated' };
      const events: VmLifecycleEvent[] = paused ? [] : [{ type: 'vm.state_changed', time: now, vm: name, from: 'paused', to: 'running', reason: 'migrated' }];
      commit(name, vm, { vm: next, events });
    },
    beginSnapshot: (name, opts) => libvirtOp(name, 'snapshot-create', opts),
    endSnapshot(name, outcome) {
      const vm = get(name);
      requireOneOf('outcome', outcome, JOB_OUTCOMES);
      commit(name, vm, endJob(vm, 'snapshot', outcome, now));
    },

    createMicroVm(name, options) {
      newName(name);
      assertFree(name);
      const opts = objectOrEmpty('opts', options, '{ timings?, guestHonorsAcpi? }') as { readonly timings?: VmTimingsInput; readonly guestHonorsAcpi?: boolean };
      const config: VmConfig = { vcpus: FIRECRACKER_DEFAULT_MACHINE.vcpus, memoryBytes: (FIRECRACKER_DEFAULT_MACHINE.memMib * MIB) as Bytes, onCrash: 'destroy', guestHonorsAcpi: requireBoolean('guestHonorsAcpi', opts.guestHonorsAcpi, true) };
      const record: VmRecord = {
        ...newRecord(name, 'firecracker', false, config, withTimings(fcTimings, opts.timings, 'timings')),
        fc: { ...FIRECRACKER_DEFAULT_MACHINE, bootResources: [], bootSourceSet: false, balloonMib: null, snapshotLoaded: false },
      };
      commit(name, undefined, { vm: record, events: [{ type: 'vm.defined', time: now, vm: name, persistent: false, flavor: 'firecracker' }] });
    },
    firecracker(name, op, requestBody) {
      if (!isFirecrackerOperation(op)) fail('op', `one of ${FIRECRACKER_OPERATIONS.join(', ')}`, op);
      const vm = getFlavor(name, 'firecracker', op);
      const body = checkFirecrackerBody(op, requestBody);
      const fc = vm.fc!;
      const rule = FIRECRACKER_TRANSITIONS[op][firecrackerPhaseOf(vm.phase)];
      if (typeof rule !== 'string') fcRefuse(vm, op, rule.fault);
      if (rule === 'noop') return;
      const bootResources = BOOT_SPECIFIC_REQUESTS.has(op) && !fc.bootResources.includes(op) ? [...fc.bootResources, op] : fc.bootResources;
      const out: VmLifecycleEvent[] = [];
      let next: VmRecord | null = vm;
      switch (op) {
        case 'put-machine-config':
        case 'patch-machine-config': {
          const machine = applyMachineConfig(fc, body, op === 'put-machine-config' ? 'put' : 'patch');
          const config = { ...vm.config, vcpus: machine.vcpus, memoryBytes: (machine.memMib * MIB) as Bytes };
          next = { ...vm, config, fc: { ...fc, ...machine, bootResources } };
          break;
        }
        case 'put-balloon':
        case 'patch-balloon': {
          const amount = body.amount_mib ?? 0;
          if (!Number.isInteger(amount) || amount < 0 || amount > fc.memMib) {
            const fault = FIRECRACKER_MESSAGES.balloonTooLarge(fc.memMib);
            throw new ValidationError(fault, { httpStatus: 400, faultMessage: fault });
          }
          next = { ...vm, fc: { ...fc, balloonMib: amount, bootResources } };
          break;
        }
        case 'put-boot-source':
          next = { ...vm, fc: { ...fc, bootSourceSet: true, bootResources } };
          break;
        case 'put-cpu-config':
        case 'put-vsock':
        case 'put-entropy':
        case 'put-serial':
        case 'put-mmds-config':
        case 'put-drive':
        case 'put-network-interface':
          next = { ...vm, fc: { ...fc, bootResources } };
          break;
        case 'put-logger':
        case 'put-metrics':
        case 'patch-drive':
        case 'patch-network-interface':
        case 'patch-balloon-statistics':
        case 'flush-metrics':
        case 'get':
          return;
        case 'instance-start': {
          if (!fc.bootSourceSet) {
            const fault = FIRECRACKER_MESSAGES.missingKernel;
            throw new ValidationError(fault, { httpStatus: 400, faultMessage: fault });
          }
          const step = applyLibvirt(vm, 'start', now);
          commit(name, vm, step);
          return;
        }
        case 'send-ctrl-alt-del': {
          // The guest reboots, and a Firecracker guest reboot ends the process: the microVM vanishes after its shutdown.
          if (vm.phase !== 'running' || !(vm.live ?? vm.config).guestHonorsAcpi) return;
          commit(name, vm, applyLibvirt(vm, 'shutdown', now));
          return;
        }
        case 'pause':
        case 'resume': {
          // Firecracker's PATCH /vm is synchronous: it lands at once (pauseUs / resumeUs do not apply).
          const timed = { ...vm, timings: { ...vm.timings, pauseUs: 0 as Micros, resumeUs: 0 as Micros } };
          const step = applyLibvirt(timed, op === 'pause' ? 'suspend' : 'resume', now);
          commit(name, vm, { ...step, vm: step.vm === null ? null : { ...step.vm, timings: vm.timings } });
          return;
        }
        case 'snapshot-create': {
          const bytes = (vm.live ?? vm.config).memoryBytes;
          out.push({ type: 'vm.saved', time: now, vm: name, managed: false, bytes });
          next = { ...vm, snapshots: vm.snapshots + 1 };
          break;
        }
        case 'snapshot-load': {
          if (fc.bootResources.length > 0) fcRefuse(vm, op, FIRECRACKER_MESSAGES.loadAfterBootResources);
          const memMib = body.mem_size_mib ?? fc.memMib;
          const config = { ...vm.config, vcpus: body.vcpu_count ?? vm.config.vcpus, memoryBytes: (memMib * MIB) as Bytes };
          // PUT /snapshot/load returns once the VM is loaded (memory is mapped lazily, ~5 ms): it lands at the request's time.
          const paused = body.resume_vm !== true;
          out.push({ type: 'vm.state_changed', time: now, vm: name, from: vm.phase, to: paused ? 'paused' : 'running', reason: 'from_snapshot' });
          out.push({ type: 'vm.restored', time: now, vm: name, bytes: config.memoryBytes });
          next = { ...vm, phase: paused ? 'paused' : 'running', reason: 'from_snapshot', config, live: config, fc: { ...fc, memMib, snapshotLoaded: true } };
          break;
        }
        default: {
          const never: never = op;
          return never;
        }
      }
      commit(name, vm, { vm: next, events: out });
    },
  };
  return api;
}
