// The kernel model: a process table running programs on core-scheduler's group scheduler, and the
// cgroup tree whose cpu, pids and freezer settings drive them. Programs are interpreted here
// (program-steps.ts holds the per-step rules); cgroupfs reads and writes go through cgroup-files.ts.
import { wholePages } from './pages.js';
import { SIGNAL_NUMBERS, ConflictError, LimitExceededError, NotFoundError, ValidationError, type Micros, type ProcessExit, type Program, type SignalName, NO_EVENTS } from '@strata/shared-types';
import { createGroupScheduler } from '@strata/core-scheduler';
import type { ServeStep } from '@strata/shared-types';
import { ServeDriver } from './serve-driver.js';
import { ServeTotals, type LatencyRecord, type ServeSummary } from './request-server.js';
import { applyMemoryLimit, chargePageCache, continueAlloc, freeMemory, startAlloc } from './memory-driver.js';
import { checkSpeed, cpuTimeFor } from './cpu-speed.js';
import type { AllocStep, FreeStep, ReadStep, WriteStep } from '@strata/shared-types';
import { BlockIo, blockDeviceIds } from './block-io.js';
import { NetIo, type NetDone } from './net-io.js';
import type { Errno, ListenStep, SendStep } from '@strata/shared-types';
import { createMemoryModel } from '../memory/create-memory-model.js';
import type { MemoryModel, OomOutcome } from '../memory/types.js';
import { createNamespaceModel } from '../namespaces/create-namespace-model.js';
import type { NamespaceModel } from '../namespaces/namespace-model.js';
import { initSignalDecision } from '../namespaces/init-signal.js';
import type { Mount, PathResolution } from '../namespaces/mount-table.js';
import type { DnsAnswer, DnsRecordType, NetworkModel } from '@strata/core-network';
import type { NamespaceLinkName, NamespaceRequest } from '../namespaces/types.js';
import { createInPidNamespace, kernelIds, namespaceRequest } from './spawn-namespaces.js';
import type { CgroupFileName } from '../cgroupfs/registry.js';
import { CgroupTree, joinCgroup, leaveCgroup, type CgroupNode, type GroupActivity } from './cgroup-tree.js';
import { isHeld, type Activity, type Frame, type Proc, type Suspended } from './process.js';
import { TimerQueue } from './timer-queue.js';
import {
  DEFAULT_KERNEL_MAX_STEPS,
  DEFAULT_MAX_PROCESSES,
  MAX_OUTPUT_LINES,
  MAX_REAPED_RECORDS,
  MAX_KERNEL_PROCESSES_LIMIT,
  type CgroupHandle,
  type Kernel,
  type KernelEvent,
  type KernelOptions,
  type ProcessInfo,
  type SpawnSpec,
} from './types.js';
import { checkAdvanceTime, checkCapacity, checkCpuIndex, checkKernelOptions, checkSpawnSpec } from './kernel-checks.js';
import { DemandScheduler } from './cpu-demand.js';
import { PidsAccounting } from './pids-accounting.js';
import { CpuGroups } from './cpu-groups.js';
import { cpuUsage, readFile, writeFile } from './cgroup-files.js';
import { CgroupUsageHandle } from './cgroup-handle.js';
import { fail, runSteps, type StepHost } from './program-steps.js';

/** Signals whose default action terminates the process (the ones a program may meet here). */
const TERMINATING: ReadonlySet<SignalName> = new Set(['SIGHUP', 'SIGINT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2', 'SIGTERM']);

/** How often (in scheduler steps) the per-call budget is checked while the scheduler works. */
const SCHEDULER_STEP_CHECK = 100_000;

/** A new kernel. Throws ValidationError for a bad option. */
export function createKernel(options: KernelOptions): Kernel {
  checkKernelOptions(options);
  return new KernelModel(options);
}

class KernelModel implements Kernel, StepHost {
  readonly cpus: number;
  readonly memory: number;
  /** The CPU model: core-scheduler's group scheduler, with the demand of its runnable work kept. */
  readonly sched: DemandScheduler;
  readonly tree: CgroupTree;
  readonly pids: PidsAccounting;
  readonly cpuGroups: CpuGroups;
  readonly mem: MemoryModel;
  readonly ns: NamespaceModel;
  readonly programs: ReadonlyMap<string, Program>;
  readonly io: BlockIo;
  readonly netIo: NetIo;
  readonly timers = new TimerQueue();
  private readonly live = new Map<number, Proc>();
  /** Process records in creation order (a Set: dropping a reaped record is O(1)). */
  private readonly history = new Set<Proc>();
  private readonly lastByPid = new Map<number, Proc>();
  private readonly byTask = new Map<string, Proc>();
  readonly seed: number | string;
  /** Work per CPU-µs the CPUs deliver now (1 = the speed programs' cpu amounts are written at). */
  speed: number;
  readonly serve: ServeDriver;
  /** Served requests of the process records dropped from `history` (forgotten, or past the reaped-record cap). */
  private readonly retiredServe = new ServeTotals();
  /** Processes that have exited since the kernel was created (`exitCount`). */
  private exits = 0;
  private readonly onEvent: ((e: KernelEvent) => void) | undefined;
  private readonly onCpuDemandChange: (() => void) | undefined;
  /** `wantedCpus()` when the demand callback last saw it. */
  private demandSeen = 0;
  /** The scheduler's demand version when it was last compared. */
  private demandVersion = 0;
  /** Inside `advanceTo` (a demand callback's capacity change then belongs to that call's step budget). */
  private advancing = false;
  private readonly network: NetworkModel | undefined;
  private readonly maxProcesses: number;
  private readonly maxSteps: number;
  private tokens = 0;
  private stepsUsed = 0;
  /** Bytes received and sent per net namespace (by inode), loopback excepted. */
  private readonly traffic = new Map<number, { rx: number; tx: number }>();
  /** The scheduler's step count when the current call began. */
  private schedStepsAtCall = 0;
  private stepsTotal = 0;
  /** Forked processes with a record in `history`, and reaped ones dropped from it past the cap. */
  private keptForked = 0;
  private notKept = 0;
  private readonly ready: Proc[] = [];
  private draining = false;
  private tasksMade = 0;
  private events: KernelEvent[] = [];

  constructor(options: KernelOptions) {
    this.cpus = options.cpus;
    this.memory = options.memory;
    this.maxProcesses = options.maxProcesses ?? DEFAULT_MAX_PROCESSES;
    this.maxSteps = options.maxSteps ?? DEFAULT_KERNEL_MAX_STEPS;
    this.programs = new Map(Object.entries(options.programs ?? {}));
    this.seed = options.seed ?? 0;
    this.onEvent = options.onEvent;
    this.onCpuDemandChange = options.onCpuDemandChange;
    this.speed = options.cpuSpeed ?? 1;
    this.serve = new ServeDriver(this);
    this.network = options.network;
    this.sched = new DemandScheduler(
      createGroupScheduler({
        cpus: options.cpus,
        fidelity: options.fidelity ?? 'exact',
        ...(options.tick === undefined ? {} : { tick: options.tick }),
        ...(options.cpuCapacity === undefined ? {} : { cpuCapacity: [...options.cpuCapacity] }),
        start: options.start ?? 0,
        // The scheduler's own work (ticks, splits) counts in the budget too: hours of exact-mode ticks
        // take no program step, and must still stop at maxSteps rather than run for minutes.
        watchSteps: (n) => this.schedulerSteps(n),
      }),
      // Kept from the start for a host that is told of every change; else only once `wantedCpus` is asked.
      options.onCpuDemandChange !== undefined,
    );
    this.tree = new CgroupTree({ cpus: options.cpus, memoryNodes: 1, blockDevices: blockDeviceIds(options.devices) });
    this.io = new BlockIo(options.devices ?? {}, options.start ?? 0, this.tree);
    this.netIo = new NetIo(options.network, options.start ?? 0, (sender, receiver, bytes) => this.countTraffic(sender, receiver, bytes));
    this.pids = new PidsAccounting(this.tree);
    this.cpuGroups = new CpuGroups(this.tree, this.sched);
    this.mem = createMemoryModel({ ram: options.memory, swap: options.swap ?? 0 });
    this.ns = createNamespaceModel({});
    this.ns.spawnInit(); // global PID 1: the kernel's init, which reaps the orphans given to it at once
  }

  now(): Micros {
    return this.sched.now();
  }

  nextEventTime(): number {
    return Math.min(this.sched.nextEventTime(), this.timers.peekTime(), this.io.nextEventTime(), this.netIo.nextEventTime());
  }

  advanceTo(time: number): readonly KernelEvent[] {
    checkAdvanceTime(time, this.now());
    this.startCall();
    this.advancing = true;
    try {
      this.runTo(time);
    } finally {
      this.advancing = false;
    }
    return this.takeEvents();
  }

  private runTo(time: number): void {
    for (;;) {
      const ts = this.sched.nextEventTimeBy(time);
      const tt = this.timers.peekTime();
      const ti = this.io.nextEventTime();
      const tn = this.netIo.nextEventTime();
      const next = Math.min(ts, tt, ti, tn);
      if (next > time) break;
      if (ti === next) {
        // I/O completions first at a tie: a stream started at this time must not meet the flows behind it.
        this.sched.advanceTo(ti);
        const done = this.io.advanceTo(ti);
        for (let i = 0; i < done.length; i++) this.ioDone(done[i]!.pid, done[i]!.stream);
      } else if (tn === next) {
        this.sched.advanceTo(tn);
        const done = this.netIo.advanceTo(tn);
        for (let i = 0; i < done.length; i++) this.netDone(done[i]!);
      } else if (ts <= tt) {
        // Indexed loops here: `for…of` over the frozen empty list and fresh lists alike allocates an iterator per step.
        const events = this.sched.advanceTo(ts);
        for (let i = 0; i < events.length; i++) {
          const e = events[i]!;
          if (e.type === 'task.work_done') this.taskWorkDone(e.task);
          else if (e.type === 'group.throttled') this.emit({ type: 'cgroup.throttled', time: e.time, cgroup: e.group });
        }
      } else {
        this.sched.advanceTo(tt);
        while (this.timers.peekTime() === tt) {
          this.timers.pop();
          const pid = this.timers.poppedPid;
          const token = this.timers.poppedToken;
          if (this.timers.poppedKind === 'sleep') this.timerFired(pid, token);
          else this.serve.arrival(this.timers.poppedRef as Proc, token);
        }
      }
      this.demandChanged();
    }
    this.sched.advanceTo(time);
    this.io.advanceTo(time);
    this.netIo.advanceTo(time);
  }

  /** Tell the demand callback when `wantedCpus()` moved since it last saw it (at a settled instant). */
  private demandChanged(): void {
    // Nobody to tell: the demand is not even kept until `wantedCpus` is asked.
    if (this.onCpuDemandChange === undefined || this.sched.version === this.demandVersion) return;
    this.demandVersion = this.sched.version;
    const d = this.sched.wanted();
    if (d === this.demandSeen) return;
    this.demandSeen = d;
    this.onCpuDemandChange?.();
  }

  wantedCpus(): number {
    return this.sched.wanted();
  }

  cpuCapacity(cpu: number): number {
    checkCpuIndex(cpu, this.cpus, 'cpuCapacity');
    return this.sched.cpuCapacity(cpu);
  }

  setCpuCapacity(cpu: number, capacity: number): void {
    checkCpuIndex(cpu, this.cpus, 'setCpuCapacity');
    checkCapacity(capacity, 'capacity');
    if (!this.advancing) this.startCall();
    // Work is CPU-µs at capacity 1 (cpuTimeFor at the kernel's speed); the scheduler delivers it at the CPU's capacity.
    this.sched.setCpuCapacity(cpu, capacity);
  }

  /** A fact happened: to the sink if one was given (nothing is buffered then), else into the buffer. */
  emit(e: KernelEvent): void {
    if (this.onEvent !== undefined) this.onEvent(e);
    else this.events.push(e);
  }

  takeEvents(): readonly KernelEvent[] {
    const out = this.events;
    if (out.length === 0) return NO_EVENTS;
    this.events = [];
    return out;
  }

  // --- cgroups ---

  mkdir(path: string): void {
    const node = this.tree.mkdir(path);
    this.mem.addCgroup(node.path);
    if (this.cpuGroups.hasCpu(node)) this.sched.addGroup(node.path, this.cpuGroups.limitsOf(node));
  }

  rmdir(path: string): void {
    const node = this.tree.get(path);
    if (node.parent === null || node.children.size > 0 || node.liveProcs > 0) {
      this.tree.rmdir(path); // throws the precise refusal
      return;
    }
    // Zombies may still be charged here (and keep counting in pids.current until reaped): they move to the parent.
    for (const p of this.live.values()) if (p.cgroup === node) this.relocateZombie(p, node.parent);
    if (this.cpuGroups.hasCpu(node)) this.sched.removeGroup(node.path);
    this.mem.removeCgroup(node.path);
    this.tree.rmdir(path);
  }

  read(path: string, file: string): string {
    return readFile(this, this.tree.get(path), file);
  }

  cgroupUsage(path: string): { readonly cpuUsec: number; readonly memoryBytes: number } {
    const node = this.tree.get(path);
    return { cpuUsec: cpuUsage(this, node), memoryBytes: this.mem.currentBytes(this.mem.cgroupRef(node.path)) };
  }

  cgroupHandle(path: string): CgroupHandle {
    const node = this.tree.get(path);
    return new CgroupUsageHandle(this, node, this.mem, this.mem.cgroupRef(node.path));
  }

  write(path: string, file: string, text: string): void {
    try {
      writeFile(this, this.tree.get(path), file, text);
    } finally {
      this.demandChanged();
    }
  }

  cgroups(): string[] {
    return this.tree.paths();
  }

  // --- processes ---

  spawn(spec: SpawnSpec): number {
    try {
      return this.spawnNow(spec);
    } finally {
      this.demandChanged();
    }
  }

  private spawnNow(spec: SpawnSpec): number {
    checkSpawnSpec(spec, this.programs);
    if (spec.network !== undefined) this.requireNetworkNamespace(spec.network);
    const cgroup = this.tree.get(spec.cgroup ?? '/');
    this.requireNoChildCgroupsWithProcs(cgroup);
    this.startCall();
    const program = typeof spec.program === 'string' ? this.programs.get(spec.program)! : spec.program;
    const { request, joins, pidJoin } = namespaceRequest(this.ns, this.live, spec, cgroup);
    const ids = kernelIds(this.ns, spec);
    const p = pidJoin === null ? this.createProcess(spec.name, null, cgroup, program, spec.nice ?? 0, spec.oomScoreAdj ?? 0, new Map(), request) : createInPidNamespace(this.ns, pidJoin, () => this.createProcess(spec.name, null, cgroup, program, spec.nice ?? 0, spec.oomScoreAdj ?? 0, new Map(), request));
    if (typeof p === 'string') {
      if (this.live.size >= this.maxProcesses) throw new LimitExceededError(`cannot spawn '${spec.name}': ${this.live.size} processes exist, the maxProcesses limit of this kernel`, { limit: 'maxProcesses', value: this.maxProcesses });
      throw new ConflictError(`cannot spawn '${spec.name}': clone failed with ${p}`, { path: 'namespaces', value: p });
    }
    for (const ns of joins) this.ns.setns(p.pid, ns);
    if (spec.idMaps !== undefined) {
      const userNs = this.ns.namespaceOf(p.pid, 'user');
      this.ns.writeIdMap(userNs, 'uid_map', spec.idMaps.uid);
      this.ns.writeIdMap(userNs, 'gid_map', spec.idMaps.gid);
    }
    p.kuid = ids.kuid;
    p.kgid = ids.kgid;
    if (spec.hostname !== undefined) this.ns.sethostname(p.pid, spec.hostname);
    if (spec.rootfs !== undefined) this.ns.pivotRoot(p.pid, spec.rootfs);
    for (const m of spec.mounts ?? []) this.ns.mount(p.pid, m);
    if (spec.network !== undefined) this.ns.setNetworkNamespace(this.ns.namespaceOf(p.pid, 'net'), spec.network);
    this.run(p);
    return p.pid;
  }

  kill(pid: number, signal: SignalName): void {
    try {
      this.killNow(pid, signal);
    } finally {
      this.demandChanged();
    }
  }

  private killNow(pid: number, signal: SignalName): void {
    const p = this.live.get(pid);
    if (p === undefined) throw new NotFoundError('process', String(pid), { hint: 'no such process (ESRCH): it never existed or was reaped' });
    // The signals of the program language's vocabulary (shared-types), the one list of them.
    if (typeof signal !== 'string' || !Object.hasOwn(SIGNAL_NUMBERS, signal)) {
      const known = Object.keys(SIGNAL_NUMBERS).join(', ');
      throw new ValidationError(`unknown signal ${String(signal)}`, { path: 'signal', value: signal, accepted: known });
    }
    this.startCall();
    if (!p.zombie && this.ns.isNamespaceInit(p.pid)) {
      // PID 1 of a container: from the host only signals it handles get through, SIGKILL/SIGSTOP always.
      const d = p.handlers.get(signal);
      const decision = initSignalDecision({ signal, disposition: d === undefined ? 'default' : d === 'ignore' ? 'ignore' : 'handler', origin: 'ancestor-namespace', globalInit: false });
      if (!decision.deliver) {
        if (decision.resumes && p.stoppedBySignal) {
          p.stoppedBySignal = false;
          this.release(p);
        }
        return;
      }
    }
    this.deliver(p, signal);
  }

  /** What `ps` shows from inside `viewer`'s pid namespace: its processes (nested ones too) with their PIDs as seen there. */
  ps(viewer: number): { pid: number; ppid: number; name: string; state: ProcessInfo['state']; globalPid: number }[] {
    const v = this.live.get(viewer);
    if (v === undefined) throw new NotFoundError('process', String(viewer));
    return this.ns.ps({ viewer }, (pid) => {
      const q = this.live.get(pid);
      return { name: q?.name ?? 'init', state: q === undefined ? ('sleeping' as const) : this.info(q).state };
    });
  }

  /** readlink /proc/<pid>/ns/<type>: `type:[inode]` (same inode = same namespace). */
  nsLink(pid: number, type: NamespaceLinkName): string {
    const p = this.live.get(pid);
    const link = p === undefined ? undefined : this.ns.nsLink(pid, type);
    if (link === undefined) throw new NotFoundError('namespace link', `/proc/${pid}/ns/${type}`);
    return link;
  }

  /** /proc/<target>/cgroup as `reader` reads it (relative to the reader's cgroup namespace root). */
  procCgroup(reader: number, target: number): string {
    const t = this.live.get(target);
    if (t === undefined || this.live.get(reader) === undefined) throw new NotFoundError('process', String(t === undefined ? target : reader));
    return this.ns.procCgroup(reader, t.cgroup.path);
  }

  uname(pid: number): { readonly hostname: string; readonly domainname: string } {
    this.requireLive(pid);
    return this.ns.uname(pid);
  }

  mounts(pid: number): readonly Mount[] {
    this.requireLive(pid);
    return this.ns.mounts(pid);
  }

  resolvePath(pid: number, path: string): PathResolution {
    this.requireLive(pid);
    return this.ns.resolvePath(pid, path);
  }

  resolve(pid: number, name: string, type?: DnsRecordType): DnsAnswer {
    this.requireLive(pid);
    const netns = this.ns.networkNamespaceOf(pid);
    if (this.network === undefined || netns === undefined) {
      throw new NotFoundError('network namespace link', String(pid), { hint: 'spawn the process with namespaces.net "private" and network: NAME, on a kernel created with a network model' });
    }
    return this.network.resolve(netns, name, type);
  }

  /** SpawnSpec.network must name a namespace of the kernel's network model. */
  private requireNetworkNamespace(name: string): void {
    let known = false;
    try {
      known = this.network?.namespace(name) !== undefined;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (!known) {
      throw new ValidationError(this.network === undefined ? `network ${JSON.stringify(name)}: this kernel has no network model (KernelOptions.network)` : `network ${JSON.stringify(name)} is not a namespace of the kernel's network model`, { path: 'network', value: name, accepted: 'a namespace of KernelOptions.network' });
    }
  }

  private requireLive(pid: number): Proc {
    const p = this.live.get(pid);
    if (p === undefined || p.zombie) throw new NotFoundError('process', String(pid), { hint: 'a live process (ESRCH)' });
    return p;
  }

  credentials(pid: number, viewer?: number): { readonly uid: number; readonly gid: number } {
    const p = this.live.get(pid) ?? this.lastByPid.get(pid);
    if (p === undefined) throw new NotFoundError('process', String(pid));
    const userNs = this.ns.namespaceOf(viewer === undefined ? 1 : this.requireLive(viewer).pid, 'user');
    return { uid: this.ns.fromKernelId(userNs, 'uid_map', p.kuid), gid: this.ns.fromKernelId(userNs, 'gid_map', p.kgid) };
  }


  moveProcess(pid: number, cgroupPath: string): void {
    try {
      this.moveNow(pid, cgroupPath);
    } finally {
      this.demandChanged();
    }
  }

  private moveNow(pid: number, cgroupPath: string): void {
    const p = this.live.get(pid);
    if (p === undefined || p.zombie) throw new NotFoundError('process', String(pid), { hint: 'only a live process can be moved (ESRCH)' });
    const to = this.tree.get(cgroupPath);
    if (to === p.cgroup) return;
    this.requireNoChildCgroupsWithProcs(to);
    this.settleCpu(p);
    this.pids.move(p.cgroup, to);
    this.serve.move(p, p.cgroup, to);
    p.cgroup.liveProcs--;
    leaveCgroup(p.cgroup, p);
    to.liveProcs++;
    joinCgroup(to, p);
    p.cgroup = to;
    this.mem.moveProcess(p.pid, to.path);
    this.cpuGroups.placeTask(p.taskId, to);
    this.refreezeOne(p);
  }

  process(pid: number): ProcessInfo {
    const p = this.live.get(pid) ?? this.lastByPid.get(pid);
    if (p === undefined) throw new NotFoundError('process', String(pid));
    return this.info(p);
  }

  exitOf(pid: number): ProcessExit | null {
    const p = this.live.get(pid) ?? this.lastByPid.get(pid);
    if (p === undefined) throw new NotFoundError('process', String(pid));
    return p.exit;
  }

  exitCount(): number {
    return this.exits;
  }

  /** `p`'s request record with every arrival so far in it (a running server counts arrivals on itself). */
  private serveRecord(p: Proc): LatencyRecord | null {
    p.server?.flushArrivals();
    return p.latency;
  }

  /** A record leaves `history`: its served requests stay in the kernel's totals. */
  private retire(p: Proc): void {
    const record = this.serveRecord(p);
    if (record !== null) this.retiredServe.absorb(record);
  }

  serveSummary(pid?: number): ServeSummary {
    if (pid === undefined) {
      // The records dropped so far, then every record still kept (live, zombie or reaped): O(processes), at query time only.
      const all = new ServeTotals();
      all.absorb(this.retiredServe);
      for (const p of this.history) {
        const record = this.serveRecord(p);
        if (record !== null) all.absorb(record);
      }
      return all.summary();
    }
    const p = this.live.get(pid) ?? this.lastByPid.get(pid);
    if (p === undefined) throw new NotFoundError('process', String(pid), { hint: 'serveSummary takes the pid of a live, zombie or kept reaped process, or no pid for the whole kernel' });
    return (this.serveRecord(p) ?? new ServeTotals()).summary();
  }

  processes(): ProcessInfo[] {
    return [...this.history].map((p) => this.info(p));
  }

  forget(pid: number): void {
    const p = this.lastByPid.get(pid);
    if (p === undefined || this.live.get(pid) === p) throw new NotFoundError('reaped process', String(pid), { hint: 'forget takes a process that has exited and been reaped' });
    this.history.delete(p);
    this.retire(p);
    this.lastByPid.delete(pid);
    if (!p.spawned) this.keptForked--;
    this.notKept++;
  }

  processesNotKept(): number {
    return this.notKept;
  }

  steps(): number {
    return this.stepsTotal + this.sched.steps();
  }

  netDevStats(pid: number): { readonly rxBytes: number; readonly txBytes: number } {
    this.requireLive(pid);
    const c = this.traffic.get(this.ns.namespaceOf(pid, 'net'));
    return { rxBytes: c?.rx ?? 0, txBytes: c?.tx ?? 0 };
  }

  /**
   * Bytes through a net namespace's interfaces other than loopback (what `docker stats` sums over a
   * container's endpoints): a delivered send counts as sent in the sender's namespace and received in
   * the receiver's, unless both are one namespace (loopback).
   */
  private countTraffic(sender: number, receiver: number | null, bytes: number): void {
    const from = this.live.has(sender) ? this.ns.namespaceOf(sender, 'net') : null;
    const to = receiver !== null && this.live.has(receiver) ? this.ns.namespaceOf(receiver, 'net') : null;
    if (from !== null && from === to) return;
    const add = (ns: number, key: 'rx' | 'tx'): void => {
      let c = this.traffic.get(ns);
      if (c === undefined) this.traffic.set(ns, (c = { rx: 0, tx: 0 }));
      c[key] += bytes;
    };
    if (from !== null) add(from, 'tx');
    if (to !== null) add(to, 'rx');
  }

  /** A command or advance begins: the per-call budget starts again. */
  private startCall(): void {
    this.stepsUsed = 0;
    this.schedStepsAtCall = this.sched.steps();
  }

  /** The scheduler's watcher: stop a call whose program and scheduler steps together pass maxSteps. */
  private schedulerSteps(n: number): number {
    if (this.stepsUsed + (n - this.schedStepsAtCall) > this.maxSteps) {
      throw new LimitExceededError(`the kernel took ${this.maxSteps} steps (program steps and CPU scheduling work) in one call without reaching the requested time; the run is too long for its budget at this fidelity (exact mode ticks every CPU), or raise maxSteps`, { limit: 'maxSteps', value: this.maxSteps });
    }
    return n + SCHEDULER_STEP_CHECK;
  }

  // --- StepHost: what program-steps.ts may ask of the kernel ---

  countStep(): void {
    this.stepsTotal++;
    if (++this.stepsUsed > this.maxSteps) {
      throw new LimitExceededError(`the kernel ran ${this.maxSteps} program steps in one call without reaching the requested time; a program loops without taking time, or raise maxSteps`, { limit: 'maxSteps', value: this.maxSteps });
    }
  }

  /** Run `work` (CPU-µs at speed 1): CPU time work / speed at the CPUs' current speed. */
  startCpu(p: Proc, work: number): void {
    p.activity = { kind: 'cpu', work, startUsec: this.sched.taskCpuUsec(p.taskId), speed: this.speed };
    this.sched.wake(p.taskId, cpuTimeFor(work, this.speed));
  }

  cpuSpeed(): number {
    return this.speed;
  }

  /**
   * The CPUs now deliver `speed` work per CPU-µs (a guest's vCPUs when the host gives them less or
   * more). Every CPU burst in flight keeps the work it has done and is re-planned at the new speed.
   */
  setCpuSpeed(speed: number): void {
    checkSpeed(speed, 'speed');
    if (speed === this.speed) return;
    try {
      this.replanAt(speed);
    } finally {
      this.demandChanged();
    }
  }

  private replanAt(speed: number): void {
    const bursts: Proc[] = [];
    for (const p of this.live.values()) if (p.activity?.kind === 'cpu') bursts.push(p);
    const left = bursts.map((p) => this.interrupt(p));
    this.serve.replan(this.speed, speed);
    this.speed = speed;
    bursts.forEach((p, i) => {
      const s = left[i];
      if (s?.kind === 'cpu' && s.remaining > 0) this.startCpu(p, s.remaining);
      else this.run(p);
    });
  }

  startSleep(p: Proc, duration: number): void {
    const token = ++this.tokens;
    const until = this.now() + duration;
    p.activity = { kind: 'sleep', until, token };
    this.timers.push(until, p.pid, token);
  }

  /** Fork one child of `p` running `program`; returns the errno when it fails. */
  fork(p: Proc, program: Program): 'EAGAIN' | 'ENOMEM' | null {
    const limited = this.pids.overLimit(p.cgroup);
    if (limited !== null) {
      this.pids.recordFailure(limited);
      this.emit({ type: 'pids.fork_failed', time: this.now(), cgroup: limited.path, pid: p.pid });
      return 'EAGAIN';
    }
    const child = this.createProcess(p.name, p, p.cgroup, program, p.nice, p.oomScoreAdj, inheritHandlers(p.handlers));
    // The kernel's process limit (threads-max) fails with EAGAIN; a pid namespace whose init is gone with ENOMEM.
    if (typeof child === 'string') return child === 'ENOMEM' ? 'ENOMEM' : 'EAGAIN';
    this.run(child);
    return null;
  }

  /** Start waiting for children; false when there is none to wait for (ECHILD). */
  startWait(p: Proc, activity: Extract<Activity, { kind: 'wait' }>): boolean {
    if (p.children.size === 0) return false;
    p.activity = activity;
    this.reapWaited(p);
    return true;
  }

  resolveProgram(name: string): Program {
    const program = this.programs.get(name);
    if (program === undefined) throw new ValidationError(`no program is named '${name}'`, { path: 'program', value: name, accepted: [...this.programs.keys()].join(', ') || 'none defined' });
    return program;
  }

  print(p: Proc, stream: 'stdout' | 'stderr', text: string): void {
    if (p.output.length < MAX_OUTPUT_LINES) p.output.push({ stream, time: this.now(), text });
    else p.outputDropped++;
  }

  terminate(p: Proc, exit: ProcessExit): void {
    if (p.zombie) return;
    this.settleCpu(p);
    if (p.server !== null) this.serve.stop(p);
    p.cpuUsecAtExit = this.procCpu(p);
    this.sched.removeTask(p.taskId);
    this.byTask.delete(p.taskId);
    p.zombie = true;
    p.exit = exit;
    this.exits++;
    p.activity = null;
    p.suspended = null;
    p.frames = [];
    p.pending = [];
    p.alloc = null;
    p.allocations.length = 0;
    this.io.cancel(this.now(), p.pid);
    this.netIo.cancel(this.now(), p.pid);
    this.mem.removeProcess(p.pid);
    p.cgroup.liveProcs--;
    leaveCgroup(p.cgroup, p);
    this.emit({ type: 'process.exited', time: this.now(), pid: p.pid, name: p.name, cgroup: p.cgroup.path, exit });
    const out = this.ns.exit(p.pid);
    // An init that must first see its namespace emptied reports its exit only when reap says so.
    p.exitReported = !out.waitsForNamespace;
    // Orphans go to their namespace's init (or a subreaper); the kernel's init reaps at once.
    for (const r of out.reparented) {
      const c = this.live.get(r.pid);
      if (c === undefined) continue;
      c.parent?.children.delete(c);
      c.parent = r.parent === 1 ? null : (this.live.get(r.parent) ?? null);
      c.parent?.children.add(c);
      if (c.zombie && c.exitReported) this.notifyParent(c);
    }
    // The init of a pid namespace died: everyone else in it is killed (zap_pid_ns_processes).
    for (const pid of out.kill) {
      const victim = this.live.get(pid);
      if (victim !== undefined && !victim.zombie) this.terminate(victim, { signal: 'SIGKILL' });
    }
    if (p.exitReported) this.notifyParent(p);
  }

  /** A zombie's exit reaches its parent: the kernel's init (or a dying namespace init) reaps it; a waiting parent takes it. */
  private notifyParent(c: Proc): void {
    const parent = c.parent;
    if (parent === null || parent.zombie) this.reap(c);
    else if (parent.activity?.kind === 'wait' && !isHeld(parent)) this.reapWaited(parent);
  }

  startAlloc(p: Proc, step: AllocStep): void {
    startAlloc(this, p, step);
  }

  startIo(p: Proc, step: ReadStep | WriteStep): 'ENOENT' | 'EIO' | null {
    const device = this.io.device(step.device);
    if (device === undefined) return 'ENOENT';
    // Buffered I/O goes through the page cache, charged to the cgroup as file memory up front.
    if (!step.direct && !chargePageCache(this, p, wholePages(step.bytes))) return p.zombie ? null : 'EIO';
    p.activity = { kind: 'io', stream: this.io.start(this.now(), p.pid, p.cgroup, device, step.op === 'read' ? 'r' : 'w', step.bytes, step.block) };
    return null;
  }

  startSend(p: Proc, step: SendStep): Errno | null {
    const r = this.netIo.send(this.now(), p.pid, this.ns.networkNamespaceOf(p.pid), step);
    if (typeof r === 'string') return r;
    p.activity = { kind: 'net', op: r.op, onError: step.onError };
    return null;
  }

  startListen(p: Proc, step: ListenStep): 'EADDRINUSE' | 'EACCES' | null {
    const linked = this.ns.networkNamespaceOf(p.pid);
    // An unlinked net namespace has only lo: its sockets are the kernel's alone, reachable from nowhere.
    const space = linked ?? `netns:${this.ns.namespaceOf(p.pid, 'net')}`;
    const r = this.netIo.listen(this.now(), p.pid, space, linked, step);
    if (typeof r === 'string') return r;
    if (r.op !== null) p.activity = { kind: 'net', op: r.op, onError: step.onError };
    return null;
  }

  applyIoFile(node: CgroupNode, file: 'io.max' | 'io.weight'): void {
    if (file === 'io.max') this.io.applyIoMax(this.now(), node);
    else this.io.applyIoWeight(this.now(), node);
  }

  cpuActivity(node: CgroupNode): GroupActivity | null {
    return this.sched.activity(this.cpuGroups.groupOf(node)) ?? null;
  }

  /** SIGKILL the OOM killer's victims. */
  oomKill(out: OomOutcome): void {
    const scope = out.scope.type === 'memcg' ? out.scope.cgroup : '/';
    for (const v of out.victims) {
      const victim = this.live.get(v.pid);
      if (victim === undefined || victim.zombie) continue;
      this.emit({ type: 'memory.oom_kill', time: this.now(), cgroup: scope, pid: v.pid, name: victim.name, points: v.points, group: v.reason === 'oom.group' });
      this.terminate(victim, { signal: 'SIGKILL' });
    }
  }

  free(p: Proc, step: FreeStep): void {
    freeMemory(this.mem, p, step);
  }

  releaseMemory(p: Proc): void {
    freeMemory(this.mem, p, { op: 'free', target: { kind: 'all' } });
  }

  applyMemoryLimit(node: CgroupNode, file: CgroupFileName): void {
    applyMemoryLimit(this, node, file);
  }

  startServe(p: Proc, step: ServeStep): 'EAGAIN' | null {
    return this.serve.start(p, step);
  }

  serverEnded(p: Proc): void {
    if (p.activity?.kind === 'serve') {
      p.activity = null;
      this.run(p);
    }
  }

  // --- internals ---

  private createProcess(name: string, parent: Proc | null, cgroup: CgroupNode, program: Program, nice: number, oomScoreAdj: number, handlers: Proc['handlers'], request: NamespaceRequest = {}): Proc | 'EAGAIN' | 'EINVAL' | 'ENOMEM' | 'ENOSPC' {
    if (this.live.size >= this.maxProcesses) return 'EAGAIN';
    const cloned = this.ns.clone(parent?.pid ?? 1, request);
    if (!cloned.ok) return cloned.errno;
    const pid = cloned.value.pid;
    // The fields a request's arrival reads first, so that they share the object's first cache line.
    const p: Proc = {
      pid,
      server: null,
      zombie: false,
      servesStarted: 0,
      stoppedBySignal: false,
      frozen: false,
      activity: null,
      latency: null,
      memRef: null,
      nspid: cloned.value.nspid,
      kuid: parent?.kuid ?? 0,
      kgid: parent?.kgid ?? 0,
      exitReported: false,
      name,
      taskId: `p${pid}.${this.tasksMade++}`,
      cpuSlot: null,
      parent,
      cgroup,
      nice,
      oomScoreAdj,
      frames: [{ steps: program, index: 0, loopsLeft: null, kind: 'program', resume: null }],
      suspended: null,
      handlers,
      pending: [],
      children: new Set(),
      reaped: false,
      exit: null,
      cpuUsecAtExit: 0,
      cpuBase: 0,
      alloc: null,
      allocations: [],
      workerCpu: 0,
      forksOk: 0,
      forksFailed: 0,
      forkErrno: null,
      output: [],
      outputDropped: 0,
      spawned: parent === null,
      cgPrev: null,
      cgNext: null,
    };
    this.sched.addTask(p.taskId, this.cpuGroups.groupOf(cgroup), { nice, runnable: false });
    p.cpuSlot = this.sched.slotOf(p.taskId);
    this.byTask.set(p.taskId, p);
    this.mem.addProcess(pid, cgroup.path, { oomScoreAdj });
    this.pids.charge(cgroup);
    cgroup.liveProcs++;
    joinCgroup(cgroup, p);
    parent?.children.add(p);
    this.live.set(pid, p);
    this.lastByPid.set(pid, p);
    this.history.add(p);
    this.keptForked += parent === null ? 0 : 1;
    p.frozen = this.cpuGroups.frozen(cgroup);
    return p;
  }


  /** Run `p`'s program until it blocks, is held, or ends. */
  private run(p: Proc): void {
    // Not re-entrant: a process made ready while another runs (a child forked, a parent whose child
    // exited) waits its turn in this instant's queue, so a loop of forks and waits cannot grow the stack.
    this.ready.push(p);
    if (this.draining) return;
    this.draining = true;
    try {
      const q = this.ready;
      for (let i = 0; i < q.length; i++) {
        this.runNow(q[i]!);
        // Drop what has run, so a long chain of forks within one instant keeps no records alive.
        if (i >= 1024 && i * 2 >= q.length) {
          q.splice(0, i + 1);
          i = -1;
        }
      }
    } finally {
      this.ready.length = 0;
      this.draining = false;
    }
  }

  private runNow(p: Proc): void {
    if (p.zombie || p.activity !== null || isHeld(p)) return;
    if (p.alloc !== null) {
      continueAlloc(this, p);
      if (p.zombie || p.activity !== null || p.alloc !== null || isHeld(p)) return;
    }
    runSteps(this, p);
  }

  /** A process's main task finished its CPU burst (worker threads report to the serve driver through their onWorkDone). */
  private taskWorkDone(taskId: string): void {
    const p = this.byTask.get(taskId);
    if (p === undefined || p.activity?.kind !== 'cpu') return;
    p.activity = null;
    this.run(p);
  }

  /** A stream completed: its process goes on (a held one when released; one in a handler when the handler ends). */
  private ioDone(pid: number, stream: number): void {
    const p = this.live.get(pid);
    if (p === undefined || p.activity?.kind !== 'io' || p.activity.stream !== stream) return;
    p.activity = null;
    this.run(p);
  }

  /** A send or listen ended: its process goes on (a held one when released; one in a handler when the handler ends). */
  private netDone(d: NetDone): void {
    const p = this.live.get(d.pid);
    const a = p?.activity;
    if (p === undefined || a?.kind !== 'net' || a.op !== d.op || isHeld(p)) return;
    p.activity = null;
    this.netFinish(p, a);
    this.run(p);
  }

  /** Take the outcome of `p`'s ended send or listen: an errno goes to the step's on-error (or ends the process). */
  private netFinish(p: Proc, a: Extract<Activity, { kind: 'net' }>): void {
    const errno = this.netIo.take(a.op);
    if (errno !== null) fail(this, p, a.onError, errno);
  }

  private timerFired(pid: number, token: number): void {
    const p = this.live.get(pid);
    if (p === undefined || p.activity?.kind !== 'sleep' || p.activity.token !== token) return;
    p.activity = null;
    this.run(p);
  }

  /** Reap the zombie children a waiting `p` can take, and resume it when its wait is satisfied. */
  private reapWaited(p: Proc): void {
    const a = p.activity;
    if (a?.kind !== 'wait') return;
    for (const c of [...p.children]) {
      if (!c.zombie || !c.exitReported) continue;
      this.reap(c);
      if (a.need !== 'all') a.need--;
      if (a.need === 0) break;
    }
    if (a.need === 0 || (a.need === 'all' && p.children.size === 0) || (a.need !== 'all' && p.children.size === 0)) {
      p.activity = null;
      this.run(p);
    }
  }

  private reap(p: Proc): void {
    if (p.reaped) return;
    p.reaped = true;
    this.forgetIfOverCap(p);
    p.parent?.children.delete(p);
    this.pids.uncharge(p.cgroup);
    this.live.delete(p.pid);
    // Inits that waited for their namespace to empty can now report their own exit.
    for (const pid of this.ns.reap(p.pid).initsCanFinish) {
      const init = this.live.get(pid);
      if (init === undefined) continue;
      init.exitReported = true;
      this.notifyParent(init);
    }
  }

  /** Memory stays bounded over endless fork/reap loops: past the cap a reaped forked record is dropped. */
  private forgetIfOverCap(p: Proc): void {
    if (p.spawned || this.keptForked <= MAX_REAPED_RECORDS) return;
    this.history.delete(p);
    this.retire(p);
    if (this.lastByPid.get(p.pid) === p) this.lastByPid.delete(p.pid);
    this.keptForked--;
    this.notKept++;
  }

  private relocateZombie(p: Proc, to: CgroupNode): void {
    this.pids.move(p.cgroup, to);
    p.cgroup = to;
  }

  private deliver(p: Proc, signal: SignalName): void {
    if (p.zombie) return;
    if (signal === 'SIGKILL') return this.terminate(p, { signal: 'SIGKILL' });
    if (signal === 'SIGSTOP') {
      if (!p.stoppedBySignal) {
        this.hold(p);
        p.stoppedBySignal = true;
      }
      return;
    }
    if (signal === 'SIGCONT' && p.stoppedBySignal) {
      p.stoppedBySignal = false;
      this.release(p);
    }
    const disposition = p.handlers.get(signal);
    if (disposition === 'ignore') return;
    if (disposition === undefined) {
      if (TERMINATING.has(signal)) this.terminate(p, { signal });
      return;
    }
    if (isHeld(p)) {
      p.pending.push(signal);
      return;
    }
    this.runHandler(p, disposition);
  }

  private runHandler(p: Proc, handler: Program): void {
    const resume = this.interrupt(p);
    p.frames.push({ steps: handler, index: 0, loopsLeft: null, kind: 'handler', resume });
    this.run(p);
  }

  /** Stop what `p` is doing, returning what it still owes. */
  private interrupt(p: Proc): Suspended | null {
    const a = p.activity;
    p.activity = null;
    if (a === null) return null;
    if (a.kind === 'cpu') {
      const stats = this.sched.taskStats(p.taskId);
      if (stats.state === 'runnable') this.sched.block(p.taskId);
      // Work done = CPU time since the burst began × the speed it ran at (re-planned on a change).
      return { kind: 'cpu', remaining: Math.max(0, a.work - (stats.cpuUsec - a.startUsec) * a.speed) };
    }
    if (a.kind === 'sleep') return { kind: 'sleep', remaining: Math.max(0, a.until - this.now()) };
    // A handler runs on the main thread; the workers keep serving.
    if (a.kind === 'serve' || a.kind === 'io' || a.kind === 'net') return a;
    return { kind: 'wait', need: a.need, step: a.step };
  }

  /** Re-arm what a handler interrupted: the work or sleep it still owed, or the wait, server, I/O it was in. */
  resume(p: Proc, a: Suspended): void {
    if (a.kind === 'cpu') {
      if (a.remaining > 0) this.startCpu(p, a.remaining);
    } else if (a.kind === 'sleep') {
      if (a.remaining > 0) this.startSleep(p, a.remaining);
    } else if (a.kind === 'serve') {
      if (p.server !== null) p.activity = { kind: 'serve' };
    } else if (a.kind === 'io') {
      if (this.io.active(a.stream)) p.activity = a;
    } else if (a.kind === 'net') {
      if (this.netIo.active(a.op)) p.activity = a;
      else this.netFinish(p, a);
    } else if (!this.startWait(p, { kind: 'wait', need: a.need, step: a.step })) {
      // Every child went while the handler ran: the wait is over.
    }
  }

  /** Hold `p` (SIGSTOP or freezer): its CPU burst stops; a sleep keeps running and completes on release. */
  private hold(p: Proc): void {
    if (isHeld(p)) return;
    const a = p.activity;
    if (a?.kind === 'cpu') {
      p.suspended = this.interrupt(p);
    }
    this.serve.hold(p);
  }

  private release(p: Proc): void {
    if (isHeld(p)) return;
    const s = p.suspended;
    p.suspended = null;
    this.serve.release(p);
    if (s?.kind === 'cpu') {
      if (s.remaining > 0) this.startCpu(p, s.remaining);
    } else if (p.activity?.kind === 'sleep' && p.activity.until <= this.now()) {
      p.activity = null;
    } else if (p.activity?.kind === 'net' && !this.netIo.active(p.activity.op)) {
      const a = p.activity;
      p.activity = null;
      this.netFinish(p, a);
    }
    const pending = p.pending;
    p.pending = [];
    for (const sig of pending) this.deliver(p, sig);
    this.run(p);
  }

  /** Apply the freezer state of `p`'s cgroup to it. */
  refreezeOne(p: Proc): void {
    if (p.zombie) return;
    const frozen = this.cpuGroups.frozen(p.cgroup);
    if (frozen === p.frozen) return;
    if (frozen) {
      this.hold(p);
      p.frozen = true;
    } else {
      p.frozen = false;
      this.release(p);
    }
  }

  /** cgroup.kill: SIGKILL every live process of `node` and its descendants. */
  killSubtree(node: CgroupNode): void {
    const inside = (c: CgroupNode): boolean => {
      for (let n: CgroupNode | null = c; n !== null; n = n.parent) if (n === node) return true;
      return false;
    };
    for (const p of [...this.live.values()]) if (!p.zombie && inside(p.cgroup)) this.terminate(p, { signal: 'SIGKILL' });
  }

  /** Re-apply the freezer to every live process (after a cgroup.freeze write). */
  refreezeAll(): void {
    for (const p of [...this.live.values()]) this.refreezeOne(p);
  }

  /** Live processes, by PID order of creation. */
  liveProcesses(): Iterable<Proc> {
    return this.live.values();
  }

  /** CPU µs a live process has used since it entered its cgroup. */
  cpuSinceBase(p: Proc): number {
    return p.zombie ? 0 : this.procCpu(p) - p.cpuBase;
  }

  /** CPU µs of all of a live process's threads: the main one, its serving workers, ended workers. */
  private procCpu(p: Proc): number {
    const main = p.cpuSlot === null ? this.sched.taskCpuUsec(p.taskId) : this.sched.slotCpuUsec(p.cpuSlot, p.taskId);
    return main + p.workerCpu + this.serve.workerCpu(p);
  }

  /** Fold a live process's CPU time so far into its cgroup's record (before it leaves or ends). */
  private settleCpu(p: Proc): void {
    const used = this.cpuSinceBase(p);
    this.cpuGroups.addUsage(p.cgroup, used);
    p.cpuBase += used;
  }

  private requireNoChildCgroupsWithProcs(node: CgroupNode): void {
    // No internal processes: a non-root cgroup that enables domain controllers for children cannot hold processes.
    if (node.parent !== null && node.subtreeControl.length > 0) {
      throw new ConflictError(`cannot put a process in ${node.path}: it enables controllers for its children (${node.subtreeControl.join(' ')}), and such a cgroup cannot hold processes (EBUSY); use a leaf cgroup`, { path: 'cgroup', value: node.path });
    }
  }

  private info(p: Proc): ProcessInfo {
    const cpuUsec = p.zombie ? p.cpuUsecAtExit : this.procCpu(p);
    let state: ProcessInfo['state'];
    if (p.zombie) state = 'zombie';
    else if (isHeld(p)) state = 'stopped';
    else if (p.activity?.kind === 'cpu') state = 'running';
    else state = 'sleeping';
    return {
      pid: p.pid,
      nspid: p.nspid,
      ppid: p.parent?.pid ?? 1,
      name: p.name,
      cgroup: p.cgroup.path,
      uid: p.kuid,
      gid: p.kgid,
      reaped: p.reaped,
      state,
      cpuUsec,
      exit: p.exit,
      forks: { ok: p.forksOk, failed: p.forksFailed, errno: p.forkErrno },
      nice: p.nice,
      oomScoreAdj: p.oomScoreAdj,
      output: p.output,
      outputDropped: p.outputDropped,
      serve: this.serveRecord(p)?.stats() ?? null,
    };
  }
}

/** execve/fork keep ignored signals; fork also keeps handlers (the child runs the same program text). */
function inheritHandlers(h: Proc['handlers']): Proc['handlers'] {
  return new Map(h);
}

export type { Frame };
export { MAX_KERNEL_PROCESSES_LIMIT };
