// The seam between core-vmm and core-container: a VM's guest (`GuestCpus`) that is a container
// kernel running on the vCPUs. It lays the kernel's wanted CPU rate on the vCPUs in order, as
// core-vmm's createSchedulerGuest does (vCPU i asks clamp(D − i, 0, 1), halted at 0), forwards the
// host's capacities to the kernel's CPUs, and re-reports after every command and every advance.
// Until the VM gets its first container it is an idle guest (every vCPU halted, no kernel at all).
// A VM of a batch workload runs the batch model's guest instead (`runInner`): demands and capacities
// pass straight through.
//
// A hypervisor holds a guest through a `GuestLink`. During a live migration two hypervisors hold the
// same guest (the source runs it, the destination has received it); only the active link forwards
// capacities and advances, so the destination's port cannot stop the guest the source still runs.
//
// The guest follows its host's clock (`GuestCpus.follow`): the host visits it only when it is due,
// and it brings itself to the clock's time before anything reads or commands it. So every caller
// that takes its stack to command it must have brought the host to now first (`touchHost`); one that
// only asks whether there is a stack uses `hasStack`, which moves nothing.
import type { Micros } from '@strata/shared-types';
import type { GuestClock, GuestCpus, VcpuDemand, VcpuDemandListener } from '@strata/core-vmm';
import type { ContainerStack } from './container-stack.js';

const HALTED: VcpuDemand = Object.freeze({ runnable: false, demand: 1 });
/** A whole vCPU asked: shared, since the hypervisor's port keeps the last demand of each vCPU (no young object per report held by an old one). */
const FULL: VcpuDemand = Object.freeze({ runnable: true, demand: 1 });

/** One hypervisor's handle on a guest; inert unless it is the guest's active link. */
export class GuestLink implements GuestCpus {
  listener: VcpuDemandListener | null = null;
  /** The clock this link's hypervisor gave (the guest follows it while this link is active). */
  clock: GuestClock | null = null;

  constructor(private readonly guest: KernelGuest) {}

  get cpus(): number {
    return this.guest.cpus;
  }

  now(): Micros {
    return this.guest.now();
  }

  connect(listener: VcpuDemandListener): void {
    this.listener = listener;
    if (this.guest.activeLink === this) this.guest.reportAll();
  }

  setCpuCapacity(cpu: number, capacity: number): void {
    if (this.guest.activeLink === this) this.guest.setCpuCapacity(cpu, capacity);
  }

  nextEventTime(): number {
    return this.guest.activeLink === this ? this.guest.nextEventTime() : Infinity;
  }

  advanceTo(time: number): void {
    if (this.guest.activeLink === this) this.guest.advanceTo(time);
  }

  follow(clock: GuestClock | null): void {
    this.clock = clock;
    if (this.guest.activeLink === this) this.guest.follow(clock);
  }
}

/** A VM's guest: idle until `attach` gives it a container stack. */
export class KernelGuest {
  private clock: number;
  /** Built on first use: most VMs never get a container, and 40,000 pairs of arrays are not free. */
  private capacitiesRef: number[] | null = null;
  /** What each vCPU last reported (−1: never). */
  private reportedRef: number[] | null = null;
  private stackRef: ContainerStack | null = null;
  private active: GuestLink | null = null;
  /** Another model's guest running on the vCPUs (a batch VM), or null. */
  private inner: GuestCpus | null = null;
  /** What the inner guest last reported per vCPU (replayed to a new host). */
  private innerDemands: VcpuDemand[] = [];

  /**
   * The most of a host CPU one vCPU can use (0 < s ≤ 1): vcpuMips / the host's cpuMips for a vCPU
   * rated below its host's CPU, so a busy vCPU asks that much and its kernel CPU does that much work
   * per µs when the host grants it. Set by the datacenter for the host the VM is on.
   */
  private vcpuShare = 1;
  /** The engine's next-event time as last read (NaN: read it again: anything may have changed it). */
  private due = NaN;
  /**
   * The host advanced the guest to this time (−1: it did not) but, nothing being due before the
   * engine's next event, the kernel was left where it was: between its events a kernel's state only
   * moves with time, so it is caught up (`catchUp`) before anything reads or changes it.
   */
  private behind = -1;
  /**
   * The simulation instant at which the stack was last handed out for a command (−1: not since the
   * kernel ran past it). Until the kernel runs past that instant, whoever holds the stack may change
   * it: the guest then runs its kernel at every advance and reads its next-event time afresh.
   */
  private commandedAt = -1;
  /**
   * Commanded since its kernel last ran: a command's facts (a kill's exit, a start) come out when the
   * kernel runs, so a following guest is due at the command's instant (`nextEventTime`) until then.
   */
  private unrun = false;
  /** The simulation's clock (given with the stack). */
  private simNow: () => number = () => 0;
  /** Its host's utilization array and its slot there (`bindMeter`), or null. */
  private meter: number[] | null = null;
  private meterIndex = -1;
  /** The active link's host clock, or null (the guest keeps its own time). */
  private clockRef: GuestClock | null = null;

  constructor(
    readonly cpus: number,
    start: number,
  ) {
    this.clock = start;
  }

  /** The VM is on a host whose CPU is rated above its vCPUs' (`share` < 1), or not (1). Re-reports. */
  setVcpuShare(share: number): void {
    if (share === this.vcpuShare) return;
    this.vcpuShare = share;
    this.reportAll();
  }

  private get capacities(): number[] {
    return (this.capacitiesRef ??= new Array<number>(this.cpus).fill(0));
  }

  private get reported(): number[] {
    return (this.reportedRef ??= new Array<number>(this.cpus).fill(-1));
  }

  /**
   * The container stack, to command (its kernel brought to the guest's now first; the host told that
   * its next event may move). Take it only after the host was brought to now (`touchHost`).
   */
  get stack(): ContainerStack | null {
    if (this.stackRef !== null) {
      this.catchUp();
      this.commandedAt = this.simNow();
      this.unrun = true;
      this.clockRef?.changed();
    }
    return this.stackRef;
  }

  /** Whether a container stack runs here (nothing is run or marked). */
  get hasStack(): boolean {
    return this.stackRef !== null;
  }

  /** The container stack, only to read (kernel files, inspect): brought to now, the cached next-event time kept. */
  readStack(): ContainerStack | null {
    if (this.stackRef !== null) {
      const target = this.lagTarget();
      if (target >= 0) this.runKernel(target);
    }
    return this.stackRef;
  }

  /** Follow `clock` from now on (null: keep its own time), after running to the old clock's time. */
  follow(clock: GuestClock | null): void {
    if (clock === this.clockRef) return;
    const old = this.clockRef;
    if (old !== null) {
      if (this.stackRef !== null) this.catchUp();
      else if (this.inner !== null && this.inner.now() < old.now()) this.inner.advanceTo(old.now());
      if (old.now() > this.clock) this.clock = old.now();
    }
    this.clockRef = clock;
    this.due = NaN;
  }

  get activeLink(): GuestLink | null {
    return this.active;
  }

  /** A new handle for a hypervisor; `activate` makes it the one that runs the guest. */
  link(): GuestLink {
    return new GuestLink(this);
  }

  /** From now on `link`'s hypervisor runs the guest (the migration's switch-over, or the first definition); the guest follows its clock. */
  activate(link: GuestLink): void {
    this.active = link;
    this.follow(link.clock);
    this.reportAll();
  }

  /** Run `guest` (connected here, once) on the vCPUs instead of a container stack. */
  runInner(guest: GuestCpus): void {
    this.inner = guest;
    const demands: VcpuDemand[] = [];
    this.innerDemands = demands;
    guest.connect((cpu, demand) => {
      demands[cpu] = demand;
      this.active?.listener?.(cpu, demand);
    });
  }

  get hasInner(): boolean {
    return this.inner !== null;
  }

  /**
   * Write `deliveredCpus()` into `values[index]` now and after every capacity change (its host's
   * utilization array); `null` stops it.
   */
  bindMeter(values: number[] | null, index: number): void {
    this.meter = values;
    this.meterIndex = index;
    if (values !== null) values[index] = this.deliveredCpus();
  }

  /** CPU-µs per µs the host gives the guest now: Σ of its CPUs' capacities (rate × host speed). */
  deliveredCpus(): number {
    if (this.capacitiesRef === null) return 0;
    let sum = 0;
    for (const c of this.capacitiesRef) sum += c;
    return sum;
  }

  /** The capacities the host gives now (for a stack created later). */
  currentCapacities(): readonly number[] {
    return this.capacities;
  }

  /** Run `stack` from now on (its kernel must be at this guest's now, built with `currentCapacities()`); `simNow` is the simulation's clock. */
  attach(stack: ContainerStack, simNow: () => number): void {
    this.stackRef = stack;
    this.simNow = simNow;
    this.behind = -1;
    this.due = NaN;
    this.commandedAt = simNow();
    this.unrun = true;
    this.clockRef?.changed();
    this.report();
  }

  now(): Micros {
    if (this.clockRef !== null) return this.clockRef.now();
    if (this.inner !== null) return this.inner.now();
    if (this.stackRef === null) return this.clock as Micros;
    const t = this.stackRef.engine.now();
    return (this.behind > t ? this.behind : t) as Micros;
  }

  setCpuCapacity(cpu: number, capacity: number): void {
    if (this.stackRef !== null) this.catchUp();
    else if (this.inner !== null && this.clockRef !== null && this.inner.now() < this.clockRef.now()) this.inner.advanceTo(this.clockRef.now());
    this.capacities[cpu] = capacity;
    if (this.meter !== null) this.meter[this.meterIndex] = this.deliveredCpus();
    this.inner?.setCpuCapacity(cpu, capacity);
    this.stackRef?.cpus?.setCpuCapacity(cpu, capacity);
    this.due = NaN;
  }

  nextEventTime(): number {
    if (this.inner !== null) return this.inner.nextEventTime();
    if (this.stackRef === null) return Infinity;
    // Cached: a host asks every guest at each of its steps, and nothing changes it but an advance or a command.
    if (this.commandedAt >= 0) {
      const next = this.stackRef.engine.nextEventTime();
      return this.unrun && this.commandedAt < next ? this.commandedAt : next;
    }
    if (this.due !== this.due) this.due = this.stackRef.engine.nextEventTime();
    return this.due;
  }

  /**
   * Run to `time`. A host advances a following guest only when it is due (and every guest off the
   * host at each of its steps); a guest with nothing due by then only notes the time (O(1)), and its
   * kernel catches up when it is next due, read, commanded or given another capacity: the same states
   * at the same times, without running every kernel at every step of its host.
   */
  advanceTo(time: number): void {
    if (this.inner !== null) this.inner.advanceTo(time);
    else if (this.stackRef === null) this.clock = time;
    else if (this.commandedAt < 0 && time < this.nextEventTime()) {
      if (time > this.behind) this.behind = time;
    } else this.runKernel(time);
  }

  private runKernel(time: number): void {
    this.behind = -1;
    this.stackRef!.engine.advanceTo(time);
    // Read afresh after the run (a host may have asked for it mid-run, from a demand callback).
    this.due = NaN;
    this.unrun = false;
    if (time > this.commandedAt) this.commandedAt = -1;
    this.report();
  }

  /** Bring a deferred kernel to the guest's now; forget the cached next-event time (a command or capacity change follows). */
  private catchUp(): void {
    const target = this.lagTarget();
    if (target >= 0) this.runKernel(target);
    this.due = NaN;
  }

  /**
   * The time the kernel must be run to before it is read or commanded, or −1 when it is there: the
   * time its host advanced it to without running it (`behind`), or the followed clock's time.
   */
  private lagTarget(): number {
    let target = this.behind;
    if (this.clockRef !== null) {
      const t = this.clockRef.now();
      if (t > target && t > this.stackRef!.engine.now()) target = t;
    }
    return target;
  }

  /** Report every vCPU's demand again (a new listener). */
  reportAll(): void {
    if (this.inner !== null) {
      const listener = this.active?.listener;
      if (listener != null) this.innerDemands.forEach((d, cpu) => listener(cpu, d));
      return;
    }
    this.reported.fill(-1);
    this.report();
  }

  /**
   * After a command on the stack (its host at now): run the kernel at this instant if the command has
   * not yet run (its facts come out now, also while the VM is off its host, booting or incoming, where
   * no host visits it), then tell the host what each vCPU asks.
   */
  settle(): void {
    if (this.unrun && this.stackRef !== null && this.commandedAt >= this.stackRef.engine.now()) this.runKernel(this.commandedAt);
    else this.report();
  }

  /** Tell the active host what each vCPU asks now (only the changes). */
  report(): void {
    const listener = this.active?.listener ?? null;
    if (listener === null) return;
    const wanted = this.stackRef?.cpus?.wantedCpus() ?? (this.stackRef === null ? 0 : this.cpus);
    for (let i = 0; i < this.cpus; i++) {
      const d = Math.min(1, Math.max(0, wanted - i)) * this.vcpuShare;
      if (d === this.reported[i]) continue;
      this.reported[i] = d;
      listener(i, d <= 0 ? HALTED : d === 1 ? FULL : { runnable: true, demand: d });
    }
  }
}
