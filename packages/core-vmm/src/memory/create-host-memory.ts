// Host memory: guest RAM committed on touch, overcommit at allocation, a virtio balloon per VM moved
// in 256-page batches at a set rate, deflate-on-OOM, and the host OOM killer (largest footprint).
import { ConflictError, InsufficientResourcesError, InvalidTransitionError, NotFoundError, shownValue, ValidationError, type Bytes, type Micros, type VmOomKilledEvent, NO_EVENTS } from '@strata/shared-types';
import { requireInteger, requireObject } from '../input-checks.js';
import { FC_NOT_SUPPORTED_AFTER_START, FC_NOT_SUPPORTED_BEFORE_START } from '../devices/firecracker-errors.js';
import { FC_BALLOON_LARGER_THAN_MEMORY, FC_MAX_BALLOON_MIB, FC_NO_BALLOON, FC_STATS_DISABLED, FC_STATS_STATE_CHANGE, fcTooMuchMemory } from './balloon-errors.js';
import { mulDivCeil, mulDivFloor } from './mul-div.js';
import { heapPop, heapPush } from '../binary-heap.js';
import {
  BALLOON_BATCH_PAGES,
  BALLOON_OOM_DEFLATE_PAGES,
  BALLOON_OUT_OF_PUFF_RETRY_US,
  DEFAULT_BALLOON_BYTES_PER_SECOND,
  DEFAULT_VMM_OVERHEAD_BYTES,
  MIB_TO_4K_PAGES,
  PAGE_BYTES,
  type BalloonConfig,
  type BalloonStats,
  type BalloonStatsUpdate,
  type BalloonUpdate,
  type HostMemory,
  type HostMemoryEvent,
  type HostMemoryOptions,
  type HostMemoryState,
  type VmMemoryPhase,
  type VmMemorySnapshot,
  type VmMemoryState,
} from './types.js';

const MIB = 1024 * 1024;
const US_PER_S = 1_000_000;

interface VmRec {
  readonly id: string;
  readonly order: number;
  guestBytes: number;
  phase: VmMemoryPhase;
  started: boolean;
  // Workload segment: inUse(t) = min(cap, base + ⌊rate·(t − origin)/1e6⌋), resident(t) = max(residentBase, inUse(t)).
  origin: number;
  base: number;
  residentBase: number;
  wantBytes: number;
  rate: number; // bytes/s; 0 = not growing
  balloon: { config: BalloonConfig; targetPages: number; actualPages: number; nextBatchAt: number | null; outOfPuff: number } | null;
  /** Its next event (balloon message or workload cap) as queued in `due`; Infinity when none is queued. */
  nextAt: number;
  /** How it counts in the host's use: not at all (stopped), a constant footprint, or growing with time. */
  usage: 'none' | 'const' | 'growing';
  constFootprint: number;
}

/** A queued per-VM event time; stale once the VM's `nextAt` moved or the VM was removed. */
interface Due {
  readonly at: number;
  readonly r: VmRec;
}

/** Build a host memory model (see `HostMemory`). ValidationError for a bad option. */
export function createHostMemory(options: HostMemoryOptions): HostMemory {
  return new HostMemoryModel(options);
}

class HostMemoryModel implements HostMemory {
  private t: number;
  private readonly ram: number;
  private readonly ratio: number;
  private readonly overhead: number;
  private readonly balloonRate: number;
  private readonly onOomKill: ((e: VmOomKilledEvent) => void) | undefined;
  private readonly vms = new Map<string, VmRec>();
  private facts: HostMemoryEvent[] = [];
  private order = 0;
  // Per-event work touches only the VMs concerned: a heap of each VM's next event, and the host's use
  // kept as a constant sum plus the VMs whose workload is growing. A VM fetched by a command may have
  // changed: it is re-queued and re-classified (`refresh`) before the next query.
  private readonly due: Due[] = [];
  private readonly stale = new Set<VmRec>();
  private readonly growing = new Set<VmRec>();
  private constUsed = 0;

  constructor(o: HostMemoryOptions) {
    requireObject('host memory options', o, '{ ramBytes, overcommitRatio?, vmmOverheadBytes?, balloonBytesPerSecond?, start?, onOomKill? }');
    requireInteger('ramBytes', o.ramBytes, 1);
    const ratio = o.overcommitRatio ?? 1;
    // The allocation limit ⌊ratio × ramBytes⌋ (and every sum of allocations under it) stays a safe integer.
    const maxRatio = Number.MAX_SAFE_INTEGER / o.ramBytes;
    if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio <= 0 || ratio > maxRatio) {
      throw new ValidationError(`overcommitRatio must be a finite number > 0 with ratio × ramBytes ≤ 2^53 − 1 (at most ${maxRatio}), got ${shownValue(ratio)}`, { path: 'overcommitRatio', value: ratio, accepted: `finite number in (0, ${maxRatio}]` });
    }
    const overhead = o.vmmOverheadBytes ?? DEFAULT_VMM_OVERHEAD_BYTES;
    requireInteger('vmmOverheadBytes', overhead, 0);
    const rate = o.balloonBytesPerSecond ?? DEFAULT_BALLOON_BYTES_PER_SECOND;
    requireInteger('balloonBytesPerSecond', rate, 1);
    const start = o.start ?? 0;
    requireInteger('start', start, 0);
    if (o.onOomKill !== undefined && typeof o.onOomKill !== 'function') {
      throw new ValidationError(`onOomKill must be a function (event) => void, got ${shownValue(o.onOomKill)}`, { path: 'onOomKill', value: o.onOomKill });
    }
    this.t = start;
    this.ram = o.ramBytes;
    this.ratio = ratio;
    this.overhead = overhead;
    this.balloonRate = rate;
    this.onOomKill = o.onOomKill;
  }

  now(): Micros {
    return this.t as Micros;
  }

  // ---- allocation ----

  addVm(vm: string, spec: { readonly memoryBytes: number }): void {
    requireId(vm);
    if (this.vms.has(vm)) throw new ConflictError(`VM '${vm}' already has memory on this host; remove it first or use another id`, { path: 'vm', value: vm });
    requireObject('spec', spec, '{ memoryBytes }');
    requireGuestSize(spec.memoryBytes);
    this.checkAllocation(vm, spec.memoryBytes, 0);
    this.vms.set(vm, {
      id: vm,
      order: this.order++,
      guestBytes: spec.memoryBytes,
      phase: 'stopped',
      started: false,
      origin: this.t,
      base: 0,
      residentBase: 0,
      wantBytes: 0,
      rate: 0,
      balloon: null,
      nextAt: Infinity,
      usage: 'none',
      constFootprint: 0,
    });
  }

  removeVm(vm: string): void {
    const r = this.get(vm);
    if (r.phase !== 'stopped') throw new InvalidTransitionError(r.phase, 'remove', { vm }, `cannot remove VM '${vm}' while ${r.phase}: stop it first`);
    this.vms.delete(vm);
  }

  setGuestMemory(vm: string, memoryBytes: number): void {
    const r = this.get(vm);
    if (r.started) throw new InvalidTransitionError(r.phase, 'PUT /machine-config', { vm }, FC_NOT_SUPPORTED_AFTER_START);
    requireGuestSize(memoryBytes);
    if (r.balloon !== null && r.balloon.config.amount_mib * MIB > memoryBytes) {
      throw new ValidationError(FC_BALLOON_LARGER_THAN_MEMORY, { path: 'mem_size_mib', value: memoryBytes / MIB, balloonMib: r.balloon.config.amount_mib });
    }
    this.checkAllocation(vm, memoryBytes, r.guestBytes);
    r.guestBytes = memoryBytes;
  }

  // ---- lifecycle ----

  startVm(vm: string): void {
    const r = this.get(vm);
    if (r.phase !== 'stopped') throw new InvalidTransitionError(r.phase, 'start', { vm }, `cannot start VM '${vm}' while ${r.phase}`);
    r.phase = 'running';
    r.started = true;
    r.origin = this.t;
    r.base = 0;
    r.residentBase = 0;
    r.wantBytes = 0;
    r.rate = 0;
    if (r.balloon !== null) {
      r.balloon.actualPages = 0;
      r.balloon.targetPages = r.balloon.config.amount_mib * MIB_TO_4K_PAGES;
      r.balloon.outOfPuff = 0;
      this.scheduleBatch(r);
    }
    this.oomCheck();
  }

  stopVm(vm: string): void {
    const r = this.get(vm);
    if (r.phase === 'stopped') throw new InvalidTransitionError(r.phase, 'stop', { vm }, `VM '${vm}' is already stopped`);
    this.halt(r);
  }

  pauseVm(vm: string): void {
    const r = this.get(vm);
    if (r.phase !== 'running') throw new InvalidTransitionError(r.phase, 'pause', { vm }, `cannot pause VM '${vm}' while ${r.phase}`);
    this.rebase(r, this.t);
    r.phase = 'paused';
    if (r.balloon !== null) r.balloon.nextBatchAt = null;
  }

  resumeVm(vm: string): void {
    const r = this.get(vm);
    if (r.phase !== 'paused') throw new InvalidTransitionError(r.phase, 'resume', { vm }, `cannot resume VM '${vm}' while ${r.phase}`);
    r.phase = 'running';
    r.origin = this.t;
    this.scheduleBatch(r);
  }

  setWorkload(vm: string, w: { readonly bytes: number; readonly bytesPerSecond?: number }): void {
    const r = this.get(vm);
    if (r.phase !== 'running') throw new InvalidTransitionError(r.phase, 'set the workload', { vm }, `VM '${vm}' is ${r.phase}: its guest runs no workload`);
    requireObject('workload', w, '{ bytes, bytesPerSecond? }');
    requireInteger('bytes', w.bytes, 0);
    if (w.bytes > r.guestBytes) throw new ValidationError(`the workload of VM '${vm}' wants ${w.bytes} B, more than its ${r.guestBytes} B of guest memory`, { path: 'bytes', value: w.bytes, accepted: `0..${r.guestBytes}` });
    if (w.bytesPerSecond !== undefined) requireInteger('bytesPerSecond', w.bytesPerSecond, 1);
    this.rebase(r, this.t);
    r.wantBytes = w.bytes;
    r.rate = w.bytesPerSecond ?? 0;
    if (w.bytes <= r.base) {
      r.base = w.bytes; // freed pages stay resident: a guest does not give memory back by itself
    } else if (w.bytesPerSecond === undefined) {
      this.growAtOnce(r, this.t);
    }
    this.reachCap(r, this.t);
    this.oomCheck();
  }

  // ---- balloon (Firecracker's API) ----

  putBalloon(vm: string, config: BalloonConfig): void {
    const r = this.get(vm);
    if (r.started) throw new InvalidTransitionError(r.phase, 'PUT /balloon', { vm }, FC_NOT_SUPPORTED_AFTER_START);
    requireObject('balloon', config, '{ amount_mib, deflate_on_oom, stats_polling_interval_s? }');
    requireInteger('amount_mib', config.amount_mib, 0);
    if (typeof config.deflate_on_oom !== 'boolean') throw new ValidationError(`deflate_on_oom must be true or false, got ${shownValue(config.deflate_on_oom)}`, { path: 'deflate_on_oom', value: config.deflate_on_oom });
    const interval = config.stats_polling_interval_s ?? 0;
    requireInteger('stats_polling_interval_s', interval, 0);
    this.checkTarget(r, config.amount_mib);
    r.balloon = { config: { amount_mib: config.amount_mib, deflate_on_oom: config.deflate_on_oom, stats_polling_interval_s: interval }, targetPages: 0, actualPages: 0, nextBatchAt: null, outOfPuff: 0 };
  }

  patchBalloon(vm: string, update: BalloonUpdate): void {
    const r = this.get(vm);
    if (!r.started) throw new InvalidTransitionError(r.phase, 'PATCH /balloon', { vm }, FC_NOT_SUPPORTED_BEFORE_START);
    const b = this.balloonOf(r);
    requireObject('balloon update', update, '{ amount_mib }');
    requireInteger('amount_mib', update.amount_mib, 0);
    this.checkTarget(r, update.amount_mib);
    b.config = { ...b.config, amount_mib: update.amount_mib };
    b.targetPages = update.amount_mib * MIB_TO_4K_PAGES;
    if (r.phase === 'running') {
      b.nextBatchAt = null;
      this.scheduleBatch(r);
    }
  }

  patchBalloonStatistics(vm: string, update: BalloonStatsUpdate): void {
    const r = this.get(vm);
    if (!r.started) throw new InvalidTransitionError(r.phase, 'PATCH /balloon/statistics', { vm }, FC_NOT_SUPPORTED_BEFORE_START);
    const b = this.balloonOf(r);
    requireObject('statistics update', update, '{ stats_polling_interval_s }');
    requireInteger('stats_polling_interval_s', update.stats_polling_interval_s, 0);
    const was = (b.config.stats_polling_interval_s ?? 0) > 0;
    if (was !== update.stats_polling_interval_s > 0) throw new ValidationError(FC_STATS_STATE_CHANGE, { path: 'stats_polling_interval_s', value: update.stats_polling_interval_s });
    b.config = { ...b.config, stats_polling_interval_s: update.stats_polling_interval_s };
  }

  balloon(vm: string): BalloonConfig {
    return this.balloonOf(this.get(vm)).config;
  }

  balloonStatistics(vm: string): BalloonStats {
    const r = this.get(vm);
    const b = this.balloonOf(r);
    if ((b.config.stats_polling_interval_s ?? 0) === 0) throw new ValidationError(FC_STATS_DISABLED, { path: 'stats_polling_interval_s', value: 0 });
    const inUse = this.inUseAt(r, this.t);
    const ballooned = b.actualPages * PAGE_BYTES;
    const free = r.guestBytes - inUse - ballooned;
    return {
      target_pages: b.targetPages,
      actual_pages: b.actualPages,
      target_mib: Math.floor(b.targetPages / MIB_TO_4K_PAGES),
      actual_mib: Math.floor(b.actualPages / MIB_TO_4K_PAGES),
      free_memory: free,
      total_memory: b.config.deflate_on_oom ? r.guestBytes : r.guestBytes - ballooned,
      available_memory: free,
    };
  }

  // ---- views ----

  phaseOf(vm: string): VmMemoryPhase {
    return this.get(vm).phase;
  }

  vm(vm: string): VmMemoryState {
    const r = this.get(vm);
    const inUse = this.inUseAt(r, this.t);
    const resident = this.residentAt(r, this.t);
    return {
      vm,
      phase: r.phase,
      guestBytes: r.guestBytes as Bytes,
      inUseBytes: inUse as Bytes,
      residentBytes: resident as Bytes,
      balloonBytes: ((r.balloon?.actualPages ?? 0) * PAGE_BYTES) as Bytes,
      footprintBytes: this.footprintAt(r, this.t) as Bytes,
      starved: r.phase !== 'stopped' && r.wantBytes > inUse && inUse >= this.capOf(r) && !this.canDeflateOnOom(r),
      outOfPuff: r.balloon?.outOfPuff ?? 0,
    };
  }

  saveVm(vm: string): VmMemorySnapshot {
    const r = this.get(vm);
    if (r.phase !== 'paused') throw new InvalidTransitionError(r.phase, 'save', { vm }, `cannot save the memory of VM '${vm}' while ${r.phase}: pause it first`);
    const b = r.balloon;
    return {
      guestBytes: r.guestBytes,
      inUseBytes: r.base,
      residentBytes: r.residentBase,
      wantBytes: r.wantBytes,
      bytesPerSecond: r.rate,
      balloon: b === null ? null : { config: { ...b.config }, targetPages: b.targetPages, actualPages: b.actualPages, outOfPuff: b.outOfPuff },
    };
  }

  restoreVm(vm: string, state: VmMemorySnapshot): void {
    const r = this.get(vm);
    if (r.started) throw new InvalidTransitionError(r.phase, 'restore', { vm }, FC_NOT_SUPPORTED_AFTER_START);
    checkMemorySnapshot(state);
    this.checkAllocation(vm, state.guestBytes, r.guestBytes);
    r.guestBytes = state.guestBytes;
    r.phase = 'paused';
    r.started = true;
    r.origin = this.t;
    r.base = state.inUseBytes;
    r.residentBase = state.residentBytes;
    r.wantBytes = state.wantBytes;
    r.rate = state.bytesPerSecond;
    const b = state.balloon;
    r.balloon = b === null ? null : { config: { ...b.config }, targetPages: b.targetPages, actualPages: b.actualPages, nextBatchAt: null, outOfPuff: b.outOfPuff };
    this.oomCheck();
  }

  host(): HostMemoryState {
    let allocated = 0;
    for (const r of this.vms.values()) allocated += r.guestBytes;
    return { ramBytes: this.ram as Bytes, usedBytes: this.usedAt(this.t) as Bytes, allocatedBytes: allocated as Bytes, allocationLimitBytes: this.limit() as Bytes };
  }

  vmIds(): string[] {
    return [...this.vms.keys()];
  }

  // ---- passive model ----

  nextEventTime(): number {
    if (this.facts.length > 0) return this.t;
    const next = this.nextVmEvent();
    const horizon = next === Infinity ? this.lastGrowthEnd() : next;
    const oom = this.oomCrossing(this.t, horizon);
    return Math.min(next, oom);
  }

  advanceTo(time: number): readonly HostMemoryEvent[] {
    requireInteger('time', time, this.t);
    for (;;) {
      const next = this.nextVmEvent();
      const stop = Math.min(next, time);
      const oom = this.oomCrossing(this.t, stop === Infinity ? this.lastGrowthEnd() : stop);
      if (oom <= stop) {
        this.t = oom;
        this.oomCheck();
        continue;
      }
      if (next > time) break;
      this.t = next;
      for (const r of this.takeDue(next)) {
        if (r.phase === 'running') {
          if (r.balloon !== null && r.balloon.nextBatchAt !== null && r.balloon.nextBatchAt <= next) this.balloonBatch(r, next);
          if (this.capTime(r) <= next) this.reachCap(r, next);
        }
        this.touch(r);
      }
      this.oomCheck();
    }
    this.t = time;
    const out = this.facts;
    if (out.length === 0) return NO_EVENTS;
    this.facts = [];
    return out;
  }

  // ---- internals ----

  private limit(): number {
    return Math.floor(this.ratio * this.ram);
  }

  private checkAllocation(vm: string, bytes: number, current: number): void {
    let allocated = 0;
    for (const r of this.vms.values()) allocated += r.guestBytes;
    allocated -= current;
    const limit = this.limit();
    if (allocated + bytes > limit) {
      throw new InsufficientResourcesError(
        `cannot allocate ${fmt(bytes)} of guest memory to VM '${vm}': ${fmt(allocated)} of the host's ${fmt(limit)} (RAM ${fmt(this.ram)} × overcommit ratio ${this.ratio}) is allocated, ${fmt(Math.max(0, limit - allocated))} free; give the VM less memory, raise the overcommit ratio or use another host`,
        { vm, requestedBytes: bytes, allocatedBytes: allocated, limitBytes: limit, ramBytes: this.ram, overcommitRatio: this.ratio },
      );
    }
  }

  private checkTarget(r: VmRec, mib: number): void {
    if (mib > FC_MAX_BALLOON_MIB) throw new ValidationError(fcTooMuchMemory(FC_MAX_BALLOON_MIB), { path: 'amount_mib', value: mib });
    const guestMib = Math.floor(r.guestBytes / MIB);
    if (mib > guestMib) throw new ValidationError(fcTooMuchMemory(guestMib), { path: 'amount_mib', value: mib, accepted: `0..${guestMib}` });
  }

  private balloonOf(r: VmRec): NonNullable<VmRec['balloon']> {
    if (r.balloon === null) throw new NotFoundError('balloon', r.id, { vm: r.id, fault_message: FC_NO_BALLOON });
    return r.balloon;
  }

  private get(vm: string): VmRec {
    const r = this.vms.get(vm);
    if (r === undefined) throw new NotFoundError('VM', String(vm));
    this.stale.add(r);
    return r;
  }

  /** Re-queue and re-classify the VMs commands may have changed. */
  private refresh(): void {
    if (this.stale.size === 0) return;
    for (const r of this.stale) this.touch(r);
    this.stale.clear();
  }

  /** Bring `r`'s queued next event and its share of the host's use up to date with its state. */
  private touch(r: VmRec): void {
    const live = this.vms.get(r.id) === r;
    if (r.usage === 'const') this.constUsed -= r.constFootprint;
    else if (r.usage === 'growing') this.growing.delete(r);
    if (!live || r.phase === 'stopped') r.usage = 'none';
    else if (r.phase === 'running' && r.rate !== 0 && r.base < r.wantBytes) {
      r.usage = 'growing';
      this.growing.add(r);
    } else {
      r.usage = 'const';
      r.constFootprint = this.footprintAt(r, this.t);
      this.constUsed += r.constFootprint;
    }
    let at = Infinity;
    if (live && r.phase === 'running') {
      at = this.capTime(r);
      if (r.balloon?.nextBatchAt != null) at = Math.min(at, r.balloon.nextBatchAt);
    }
    if (at === r.nextAt) return;
    r.nextAt = at;
    if (at !== Infinity) heapPush(this.due, { at, r }, dueBefore);
  }

  /** The VMs whose queued event is at or before `t`, each once, in the order they were added. */
  private takeDue(t: number): VmRec[] {
    const out: VmRec[] = [];
    while (this.due.length > 0 && this.due[0]!.at <= t) {
      const { at, r } = heapPop(this.due, dueBefore);
      if (r.nextAt !== at || this.vms.get(r.id) !== r) continue;
      r.nextAt = Infinity; // consumed: `touch` queues its next one
      out.push(r);
    }
    return out.sort((a, b) => a.order - b.order);
  }

  private capOf(r: VmRec): number {
    return r.guestBytes - (r.balloon?.actualPages ?? 0) * PAGE_BYTES;
  }

  private canDeflateOnOom(r: VmRec): boolean {
    return r.balloon !== null && r.balloon.config.deflate_on_oom && r.balloon.actualPages > 0;
  }

  private inUseAt(r: VmRec, t: number): number {
    if (r.phase !== 'running' || r.rate === 0 || r.base >= r.wantBytes) return r.base;
    const grown = r.base + mulDivFloor(r.rate, t - r.origin, US_PER_S);
    return Math.min(grown, r.wantBytes, Math.max(r.base, this.capOf(r)));
  }

  private residentAt(r: VmRec, t: number): number {
    return Math.max(r.residentBase, this.inUseAt(r, t));
  }

  private footprintAt(r: VmRec, t: number): number {
    return r.phase === 'stopped' ? 0 : this.residentAt(r, t) + this.overhead;
  }

  private usedAt(t: number): number {
    this.refresh();
    let used = this.constUsed;
    for (const r of this.growing) used += this.footprintAt(r, t);
    return used;
  }

  private rebase(r: VmRec, t: number): void {
    const inUse = this.inUseAt(r, t);
    r.residentBase = Math.max(r.residentBase, inUse);
    r.base = inUse;
    r.origin = t;
  }

  /** When the growing workload reaches min(want, cap): Infinity when it is not growing. */
  private capTime(r: VmRec): number {
    if (r.phase !== 'running' || r.rate === 0) return Infinity;
    const stopAt = Math.min(r.wantBytes, this.capOf(r));
    if (r.base >= stopAt) return r.base < r.wantBytes && this.canDeflateOnOom(r) ? r.origin : Infinity;
    return r.origin + mulDivCeil(stopAt - r.base, US_PER_S, r.rate);
  }

  /** The workload reached its cap at t: done, or the guest is short (deflate on OOM, else starve). */
  private reachCap(r: VmRec, t: number): void {
    this.rebase(r, t);
    while (r.base < r.wantBytes && r.base >= this.capOf(r) && this.canDeflateOnOom(r)) {
      const b = r.balloon!;
      const pages = Math.min(BALLOON_OOM_DEFLATE_PAGES, b.actualPages);
      b.actualPages -= pages;
      this.facts.push({ type: 'balloon.deflated_on_oom', time: t as Micros, vm: r.id, pages, actualPages: b.actualPages });
      if (r.rate === 0) {
        r.base = Math.min(r.wantBytes, this.capOf(r));
        r.residentBase = Math.max(r.residentBase, r.base);
      }
    }
    if (r.base >= r.wantBytes && r.rate > 0) r.rate = 0;
    // The target still stands: the driver goes back to inflating (and finds no free page: out of puff).
    this.scheduleBatch(r);
  }

  private growAtOnce(r: VmRec, t: number): void {
    r.base = Math.min(r.wantBytes, Math.max(r.base, this.capOf(r)));
    r.residentBase = Math.max(r.residentBase, r.base);
    r.origin = t;
    if (r.base < r.wantBytes && this.canDeflateOnOom(r)) this.reachCap(r, t);
  }

  private batchDuration(pages: number): number {
    return mulDivCeil(pages * PAGE_BYTES, US_PER_S, this.balloonRate);
  }

  private scheduleBatch(r: VmRec): void {
    const b = r.balloon;
    if (b === null || r.phase !== 'running' || b.nextBatchAt !== null || b.actualPages === b.targetPages) return;
    b.nextBatchAt = this.t + this.batchDuration(Math.min(BALLOON_BATCH_PAGES, Math.abs(b.targetPages - b.actualPages)));
  }

  /** One virtqueue message of the guest's balloon driver, at t. */
  private balloonBatch(r: VmRec, t: number): void {
    const b = r.balloon!;
    this.rebase(r, t);
    b.nextBatchAt = null;
    const diff = b.targetPages - b.actualPages;
    if (diff > 0) {
      const freePages = Math.floor((r.guestBytes - r.base - b.actualPages * PAGE_BYTES) / PAGE_BYTES);
      const pages = Math.min(BALLOON_BATCH_PAGES, diff, freePages);
      if (pages === 0) {
        // "Out of puff! Can't get N pages": the driver tries again 0.2 s later.
        b.outOfPuff += 1;
        b.nextBatchAt = t + BALLOON_OUT_OF_PUFF_RETRY_US;
        return;
      }
      b.actualPages += pages;
      // The guest hands over free pages, those it had touched first; the host drops them (MADV_DONTNEED).
      r.residentBase -= Math.min(pages * PAGE_BYTES, r.residentBase - r.base);
    } else if (diff < 0) {
      b.actualPages -= Math.min(BALLOON_BATCH_PAGES, -diff);
    }
    if (b.actualPages === b.targetPages) {
      this.facts.push({ type: 'balloon.target_reached', time: t as Micros, vm: r.id, targetPages: b.targetPages, actualPages: b.actualPages });
    } else {
      b.nextBatchAt = t + this.batchDuration(Math.min(BALLOON_BATCH_PAGES, Math.abs(b.targetPages - b.actualPages)));
    }
    // A deflation may let a starved workload go on.
    if (diff < 0 && r.base < r.wantBytes && r.rate === 0) this.growAtOnce(r, t);
  }

  private nextVmEvent(): number {
    this.refresh();
    while (this.due.length > 0) {
      const top = this.due[0]!;
      if (top.r.nextAt === top.at && this.vms.get(top.r.id) === top.r) return top.at;
      heapPop(this.due, dueBefore);
    }
    return Infinity;
  }

  private lastGrowthEnd(): number {
    return this.t; // with no VM event ahead nothing grows, so nothing can cross
  }

  /** First µs in [from, to] at which the host's use exceeds RAM (use is non-decreasing there), or Infinity. */
  private oomCrossing(from: number, to: number): number {
    if (to === Infinity || this.usedAt(to) <= this.ram) return Infinity;
    if (this.usedAt(from) > this.ram) return from;
    let lo = from;
    let hi = to;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.usedAt(mid) > this.ram) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** The host OOM killer at now: kill the largest footprint (first added on a tie) until use fits RAM. */
  private oomCheck(): void {
    for (;;) {
      const used = this.usedAt(this.t);
      if (used <= this.ram) return;
      let victim: VmRec | null = null;
      let largest = -1;
      for (const r of this.vms.values()) {
        const f = this.footprintAt(r, this.t);
        if (f > largest) {
          largest = f;
          victim = r;
        }
      }
      if (victim === null || largest === 0) return;
      const event: VmOomKilledEvent = { type: 'vm.oom_killed', time: this.t as Micros, vm: victim.id, footprintBytes: largest as Bytes, hostUsedBytes: used as Bytes, hostRamBytes: this.ram as Bytes };
      this.halt(victim);
      this.facts.push(event);
      this.onOomKill?.(event);
    }
  }

  private halt(r: VmRec): void {
    this.stale.add(r);
    r.phase = 'stopped';
    r.base = 0;
    r.residentBase = 0;
    r.wantBytes = 0;
    r.rate = 0;
    r.origin = this.t;
    if (r.balloon !== null) {
      r.balloon.actualPages = 0;
      r.balloon.nextBatchAt = null;
    }
  }
}

function dueBefore(a: Due, b: Due): boolean {
  return a.at < b.at || (a.at === b.at && a.r.order < b.r.order);
}

function fmt(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} B`;
}

function requireId(vm: unknown): void {
  if (typeof vm !== 'string' || vm.length < 1 || vm.length > 128) {
    throw new ValidationError(`vm must be a string of 1..128 characters, got ${shownValue(vm)}`, { path: 'vm', value: vm });
  }
}

function requireGuestSize(bytes: number, path = 'memoryBytes'): void {
  requireInteger(path, bytes, 1);
  if (bytes % PAGE_BYTES !== 0) throw new ValidationError(`${path} must be a multiple of the 4 KiB page, got ${bytes}`, { path, value: bytes, accepted: 'positive multiple of 4096' });
}


/**
 * Check a saved memory state (`saveVm`'s output, possibly through JSON, so untrusted) whole, before a
 * restore changes anything: integers where integers are kept, inUse ≤ resident ≤ guest, want ≤ guest,
 * and a balloon (or null) whose config is a valid PUT /balloon and whose page counts fit the guest.
 */
export function checkMemorySnapshot(state: VmMemorySnapshot): void {
  requireObject('memory', state, '{ guestBytes, inUseBytes, residentBytes, wantBytes, bytesPerSecond, balloon }');
  requireGuestSize(state.guestBytes, 'memory.guestBytes');
  for (const key of ['inUseBytes', 'residentBytes', 'wantBytes', 'bytesPerSecond'] as const) requireInteger(`memory.${key}`, state[key], 0);
  if (state.inUseBytes > state.residentBytes || state.residentBytes > state.guestBytes || state.wantBytes > state.guestBytes) {
    throw new ValidationError(`a memory snapshot needs inUseBytes <= residentBytes <= guestBytes and wantBytes <= guestBytes`, { path: 'memory', value: state });
  }
  const b: unknown = state.balloon;
  if (b === null) return;
  requireObject('memory.balloon', b, '{ config, targetPages, actualPages, outOfPuff } or null');
  const balloon = b as NonNullable<VmMemorySnapshot['balloon']>;
  requireObject('memory.balloon.config', balloon.config, '{ amount_mib, deflate_on_oom, stats_polling_interval_s? }');
  const guestMib = Math.floor(state.guestBytes / MIB);
  requireInteger('memory.balloon.config.amount_mib', balloon.config.amount_mib, 0, Math.min(guestMib, FC_MAX_BALLOON_MIB));
  if (typeof balloon.config.deflate_on_oom !== 'boolean') {
    throw new ValidationError(`memory.balloon.config.deflate_on_oom must be true or false, got ${shownValue(balloon.config.deflate_on_oom)}`, { path: 'memory.balloon.config.deflate_on_oom', value: balloon.config.deflate_on_oom });
  }
  if (balloon.config.stats_polling_interval_s !== undefined) requireInteger('memory.balloon.config.stats_polling_interval_s', balloon.config.stats_polling_interval_s, 0);
  const guestPages = state.guestBytes / PAGE_BYTES;
  requireInteger('memory.balloon.targetPages', balloon.targetPages, 0, guestPages);
  requireInteger('memory.balloon.actualPages', balloon.actualPages, 0, guestPages);
  requireInteger('memory.balloon.outOfPuff', balloon.outOfPuff, 0);
}
