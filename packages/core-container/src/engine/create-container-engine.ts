// Docker's engine on one kernel: containers as `/docker/<id>` cgroups and a PID-1 process in its own
// namespaces, Docker's state flags and texts, stop/kill sequencing, the restart manager, and the
// network sandbox on core-network. Pure rules live beside it (transitions, restart-policy,
// cgroup-limits, spec-checks, port-specs, human-duration, ids); this file sequences them.
import { ConflictError, LimitExceededError, StrataError, NotFoundError, SIGNAL_NUMBERS, ValidationError, parseContainerSpec, parseContainerUpdate, type Micros, type Program, type ProcessExit, type SignalName, NO_EVENTS } from '@strata/shared-types';
import type { NetworkModel } from '@strata/core-network';
import type { Kernel, KernelEvent, SpawnSpec } from '../kernel/types.js';
import type { MountSpec } from '../namespaces/mount-table.js';
import type { ImageRegistry } from '../images/types.js';
import { createImageRegistry } from '../images/create-image-registry.js';
import {
  DEFAULT_STOP_TIMEOUT_S,
  type ContainerEngine,
  type ContainerEngineOptions,
  type ContainerEvent,
  type ContainerInspect,
  type ContainerSpec,
  type ContainerStats,
  type ContainerSummary,
  type ContainerUpdate,
  type ContainerWaiter,
  type LogLine,
  type PortBinding,
} from './types.js';
import { checkTransition, type ContainerOperation } from './transitions.js';
import { decideRestart, FRESH_RESTART_MANAGER } from './restart-policy.js';
import { limitWrites, type ContainerLimits } from './cgroup-limits.js';
import { checkContainerName, checkContainerSpec, checkInt, checkLimits, checkRestartPolicy } from './spec-checks.js';
import { parsePortWord } from './port-specs.js';
import { generatedName, hexId } from './ids.js';
import { computeStats, type CpuReading } from './stats.js';
import { checkAdvanceTime } from '../kernel/kernel-checks.js';
import { TimerList } from './timer-list.js';
import { containerStatus, stopSignalOf, type Rec, type Timer, type Waiter } from './container-record.js';
import { DOCKER_CGROUP_PARENT, inspectContainer, psRow } from './container-views.js';
export { DOCKER_CGROUP_PARENT } from './container-views.js';

/** Containers an engine holds at once unless `maxContainers` says otherwise. */
export const DEFAULT_MAX_CONTAINERS = 1_000;
/** `docker logs` lines kept per container across its runs (the newest; older ones rotate out). */
export const MAX_CONTAINER_LOG_LINES = 100_000;
/** Largest `maxContainers` accepted. */
export const MAX_CONTAINERS_LIMIT = 100_000;

type Action = ContainerEvent['action'];


const SPEC_KEYS = new Set([
  'image', 'name', 'command', 'env', 'hostname', 'user', 'workingDir', 'memory', 'memorySwap', 'memoryReservation', 'cpus', 'cpuShares', 'cpusetCpus', 'pidsLimit', 'oomScoreAdj', 'deviceIo', 'networks', 'ports', 'mounts', 'restart', 'autoRemove', 'stopSignal', 'stopTimeout', 'labels', 'pidMode', 'networkMode', 'ipcMode', 'utsMode', 'cgroupParent',
]);

/**
 * True when `input` reads as an already-parsed ContainerSpec (camelCase keys only, structured values)
 * rather than Docker's flag words (`memory: "64m"`, `restart: "always"`, kebab-case keys).
 */
function isParsedSpec(input: Readonly<Record<string, unknown>>): boolean {
  for (const [k, v] of Object.entries(input)) {
    if (!SPEC_KEYS.has(k)) return false;
    if ((k === 'memory' || k === 'memorySwap' || k === 'memoryReservation' || k === 'cpus' || k === 'stopTimeout' || k === 'pidsLimit' || k === 'cpuShares') && typeof v !== 'number') return false;
    if ((k === 'restart' || k === 'user') && typeof v !== 'object') return false;
    if (k === 'networks' && Array.isArray(v) && v.some((n) => typeof n === 'string')) return false;
    if (k === 'labels' && Array.isArray(v)) return false;
    // Program steps as written (`{ sleep: '1s' }`) rather than parsed (`{ op: 'sleep', ... }`).
    if (k === 'command' && Array.isArray(v) && v.some((step) => typeof step !== 'object' || step === null || !('op' in step))) return false;
  }
  return true;
}

const exitCodeOf = (exit: ProcessExit): number => ('code' in exit ? exit.code : 128 + (SIGNAL_NUMBERS[exit.signal as SignalName] ?? 0));

/**
 * The engine's images: `extra` (when given) over the built-in ones. A reference `extra` has wins;
 * `add` goes to `extra` (or to the built-ins' registry without it); `list` has both, `extra`'s last.
 */
function layeredImages(extra: ImageRegistry | undefined): ImageRegistry {
  const builtins = createImageRegistry();
  if (extra === undefined) return builtins;
  return {
    get: (ref) => (extra.has(ref) ? extra.get(ref) : builtins.get(ref)),
    has: (ref) => extra.has(ref) || builtins.has(ref),
    add: (def) => extra.add(def),
    list: () => [...builtins.list().filter((b) => !extra.has(`${b.name}:${b.tag}`)), ...extra.list()],
  };
}

/** "No such container: web", Docker's 404 text, as a NotFoundError. */
class NoSuchContainerError extends NotFoundError {
  constructor(ref: string) {
    super('container', ref);
    this.message = `No such container: ${ref}`;
  }
}

/**
 * A container engine on `options.kernel`. The engine takes the kernel's facts (`process.exited`,
 * `memory.oom_kill`) from its `advanceTo` results and `takeEvents`, so the kernel must be created
 * without its own `onEvent` (the engine then also finds exits by asking the kernel, but OOM kills
 * are seen only through the events). Throws ValidationError naming a bad option.
 */
export function createContainerEngine(options: ContainerEngineOptions): ContainerEngine {
  return new Engine(options);
}

class Engine implements ContainerEngine {
  readonly kernel: Kernel;
  readonly images: ImageRegistry;
  private readonly seed: number | string;
  private readonly maxContainers: number;
  private readonly onEvent: ((e: ContainerEvent) => void) | undefined;
  private readonly onKernelEvent: ((e: KernelEvent) => void) | undefined;
  private readonly network: NetworkModel | undefined;
  private readonly host: string | undefined;
  /** The model's name of this engine's host's default bridge, once found or made. */
  private defaultBridgeName: string | undefined;
  private readonly devices: Readonly<Record<string, string>>;
  private readonly byId = new Map<string, Rec>();
  private readonly byInit = new Map<number, Rec>();
  private readonly byExec = new Map<number, Rec>();
  private made = 0;
  private execsMade = 0;
  private readonly timers = new TimerList<{ readonly id: string; readonly kind: 'stop-kill' | 'restart' }>();
  private events: ContainerEvent[] = [];
  /** Cgroup parents made and given their controllers (once each). */
  private readonly readyParents = new Set<string>();
  private readonly byName = new Map<string, Rec>();
  /** Containers whose `docker restart` waits for their exit: advanceTo then steps event by event. */
  private readonly restartsWaiting = new Set<Rec>();
  /**
   * Exits accounted for: `process.exited` facts taken, or `kernel.exitCount()` when the inits were last
   * polled. Equal to the kernel's count, no init can have exited unseen (the kernel's facts reach the
   * engine); behind it (a kernel with its own onEvent), the running inits are asked.
   */
  private exitsKnown = 0;

  constructor(options: ContainerEngineOptions) {
    if (options === null || typeof options !== 'object' || options.kernel === undefined) throw new ValidationError('options.kernel is required: the kernel the containers run on', { path: 'kernel' });
    this.kernel = options.kernel;
    this.images = layeredImages(options.images);
    this.seed = options.seed ?? 0;
    if (typeof this.seed !== 'number' && typeof this.seed !== 'string') throw new ValidationError(`seed must be a number or a string; got ${JSON.stringify(this.seed)}`, { path: 'seed', value: this.seed, accepted: 'a number or a string' });
    this.maxContainers = options.maxContainers === undefined ? DEFAULT_MAX_CONTAINERS : checkInt(options.maxContainers, 'maxContainers', 1, MAX_CONTAINERS_LIMIT);
    this.onEvent = options.onEvent;
    this.onKernelEvent = options.onKernelEvent;
    this.network = options.network;
    this.host = options.host;
    this.devices = options.devices ?? {};
    if (this.network !== undefined && this.host === undefined) throw new ValidationError('options.host is required with options.network: the network model host the containers live on', { path: 'host' });
    if (this.network !== undefined && !this.network.hasHost(this.host!)) {
      throw new ValidationError(`options.host ${JSON.stringify(this.host)} is not a host of the network model`, { path: 'host', value: this.host });
    }
  }

  now(): Micros {
    return this.kernel.now();
  }

  nextEventTime(): number {
    return Math.min(this.kernel.nextEventTime(), this.timers.nextTime());
  }

  takeEvents(): readonly ContainerEvent[] {
    const out = this.events;
    if (out.length === 0) return NO_EVENTS;
    this.events = [];
    return out;
  }

  advanceTo(time: number): readonly ContainerEvent[] {
    checkAdvanceTime(time, this.now());
    for (;;) {
      const timerAt = this.timers.nextTime();
      const kernelNext = this.kernel.nextEventTime();
      // An exit at kernel time te schedules a restart at te + 100 ms or later: a span ending by then needs no stop.
      // A `docker restart` waiting for an exit starts again at the exit's instant: then step event by event.
      const horizon = this.restartsWaiting.size > 0 ? kernelNext : kernelNext + 100_000;
      const target = Math.max(this.now(), Math.min(time, timerAt, horizon));
      this.absorb(this.kernel.advanceTo(target));
      this.drain();
      let fired = false;
      for (let t = this.timers.takeDue(this.now()); t !== undefined; t = this.timers.takeDue(this.now())) {
        fired = true;
        this.fire(t);
        this.drain();
      }
      if (this.now() >= time && !fired && this.timers.nextTime() > time) break;
    }
    return this.takeEvents();
  }

  create(input: ContainerSpec | Readonly<Record<string, unknown>>): string {
    const spec = this.toSpec(input);
    checkContainerSpec(spec, this.kernel.cpus);
    if (this.byId.size >= this.maxContainers) throw new LimitExceededError(`cannot create a container: ${this.byId.size} exist, the engine's maxContainers (${this.maxContainers}); remove one or raise maxContainers (1..${MAX_CONTAINERS_LIMIT})`, { limit: 'maxContainers', value: this.maxContainers });
    const image = this.images.get(spec.image);
    let name = spec.name === undefined ? undefined : checkContainerName(spec.name);
    if (name !== undefined) this.requireFreeName(name, 'create');
    for (const mode of [spec.pidMode, spec.networkMode, spec.ipcMode]) if (mode?.startsWith('container:') === true) this.get(mode.slice('container:'.length));
    if (this.network !== undefined) for (const n of spec.networks ?? []) if (n.name !== 'bridge') this.network.network(n.name);
    for (const d of spec.deviceIo ?? []) {
      if (!/^\d+:\d+$/.test(d.device) && !Object.hasOwn(this.devices, d.device.replace(/^\/dev\//, ''))) {
        throw new ValidationError(`deviceIo: no such device ${JSON.stringify(d.device)} (give MAJ:MIN or a device named in options.devices)`, { path: 'deviceIo', value: d.device });
      }
    }
    const n = this.made;
    const id = hexId(this.seed, 'container', n);
    if (name === undefined) {
      for (let retry = 0; ; retry++) {
        name = generatedName(id, retry);
        if (this.findByName(name) === undefined) break;
      }
    }
    this.made++;
    const rec: Rec = {
      id,
      name,
      seq: n,
      image,
      imageRef: spec.image,
      spec,
      created: this.now(),
      limits: { memory: spec.memory, memorySwap: spec.memorySwap, memoryReservation: spec.memoryReservation, cpus: spec.cpus, cpuShares: spec.cpuShares, cpusetCpus: spec.cpusetCpus, pidsLimit: spec.pidsLimit, deviceIo: spec.deviceIo },
      policy: spec.restart === undefined ? { name: 'no' } : checkRestartPolicy(spec.restart),
      running: false,
      paused: false,
      restarting: false,
      dead: false,
      oomKilled: false,
      exitCode: 0,
      error: '',
      startedAt: null,
      finishedAt: null,
      pid: 0,
      rm: FRESH_RESTART_MANAGER,
      manuallyStopped: false,
      removing: false,
      cgroup: null,
      logs: [],
      netns: null,
      networks: {},
      ports: [],
      stopping: null,
      restartTimer: null,
      execs: null,
      labels: { ...image.labels, ...(spec.labels ?? {}) },
      waiters: [],
      cpuReading: null,
    };
    this.byId.set(id, rec);
    this.byName.set(name, rec);
    this.emit(rec, 'create', this.now());
    return id;
  }

  run(input: ContainerSpec | Readonly<Record<string, unknown>>): string {
    const id = this.create(input);
    this.start(id);
    return id;
  }

  start(ref: string): void {
    const rec = this.get(ref);
    this.check('start', rec, ref);
    this.startContainer(rec, true);
    this.drain(rec);
  }

  stop(ref: string, opts: { readonly timeout?: number; readonly signal?: SignalName } = {}): void {
    const rec = this.get(ref);
    if (opts.timeout !== undefined) checkInt(opts.timeout, 'timeout', -1, 2_147_483_647);
    if (opts.signal !== undefined) this.checkSignal(opts.signal);
    this.check('stop', rec, ref);
    this.stopContainer(rec, 'stop', opts);
    this.drain(rec);
  }

  restart(ref: string, opts: { readonly timeout?: number } = {}): void {
    const rec = this.get(ref);
    if (opts.timeout !== undefined) checkInt(opts.timeout, 'timeout', -1, 2_147_483_647);
    this.check('restart', rec, ref);
    if (rec.pid !== 0) {
      this.stopContainer(rec, 'restart', opts);
    } else {
      if (rec.restarting) this.cancelRestart(rec, this.now());
      this.startContainer(rec, true);
      this.emit(rec, 'restart', this.now());
    }
    this.drain(rec);
  }

  kill(ref: string, signal: SignalName = 'SIGKILL'): void {
    const rec = this.get(ref);
    this.checkSignal(signal);
    this.check('kill', rec, ref);
    // moby killWithSignal: the stop signal or SIGKILL ends the restart manager (ExitOnNext); any kill counts as a manual stop.
    const ends = signal === 'SIGKILL' || signal === stopSignalOf(rec);
    rec.manuallyStopped = true;
    if (ends) rec.rm = { ...rec.rm, cancelled: true };
    if (rec.restarting) {
      // Docker sends nothing to a restarting container; cancelling the manager stops it.
      if (ends) this.cancelRestart(rec, this.now());
      return;
    }
    this.emit(rec, 'kill', this.now(), { signal: String(SIGNAL_NUMBERS[signal]) });
    this.kernel.kill(rec.pid, signal);
    if (ends && rec.paused && rec.pid !== 0) this.thaw(rec);
    this.drain(rec);
  }

  pause(ref: string): void {
    const rec = this.get(ref);
    this.check('pause', rec, ref);
    this.kernel.write(rec.cgroup!, 'cgroup.freeze', '1');
    rec.paused = true;
    this.emit(rec, 'pause', this.now());
  }

  unpause(ref: string): void {
    const rec = this.get(ref);
    this.check('unpause', rec, ref);
    this.thaw(rec);
    this.emit(rec, 'unpause', this.now());
    this.drain(rec);
  }

  exec(ref: string, opts: { readonly command: Program | string; readonly user?: { readonly uid: number; readonly gid: number }; readonly env?: Readonly<Record<string, string>> }): { readonly execId: string; readonly pid: number; readonly globalPid: number } {
    const rec = this.get(ref);
    this.check('exec', rec, ref);
    if (opts === null || typeof opts !== 'object' || opts.command === undefined) throw new ValidationError('exec: command is required (a program or the name of one)', { path: 'command' });
    if (opts.user !== undefined) {
      checkInt(opts.user.uid, 'user.uid', 0, 4_294_967_294);
      checkInt(opts.user.gid, 'user.gid', 0, 4_294_967_294);
    }
    const init = rec.pid;
    const share = { shareWith: init };
    const spec: SpawnSpec = {
      name: (typeof opts.command === 'string' ? opts.command : 'exec').slice(0, 64),
      cgroup: rec.cgroup!,
      program: this.programOf(rec, opts.command, 'exec'),
      namespaces: { pid: share, net: share, mnt: share, uts: share, ipc: share, cgroup: share },
      user: opts.user ?? rec.spec.user ?? rec.image.user,
    };
    const globalPid = this.kernel.spawn(spec);
    const execId = hexId(this.seed, 'exec', this.execsMade++);
    (rec.execs ??= new Map()).set(globalPid, execId);
    this.byExec.set(globalPid, rec);
    this.emit(rec, 'exec_create', this.now(), { execID: execId });
    this.emit(rec, 'exec_start', this.now(), { execID: execId });
    const nspid = this.kernel.process(globalPid).nspid;
    this.drain(rec);
    return { execId, pid: nspid[nspid.length - 1]!, globalPid };
  }

  update(ref: string, input: ContainerUpdate | Readonly<Record<string, unknown>>): void {
    const rec = this.get(ref);
    const patch = this.toUpdate(input);
    this.check('update', rec, ref);
    checkLimits(patch, this.kernel.cpus, rec.limits);
    const policy = patch.restart === undefined ? undefined : checkRestartPolicy(patch.restart);
    if (policy !== undefined && policy.name !== 'no' && rec.spec.autoRemove === true) {
      throw new ConflictError('Restart policy cannot be updated because AutoRemove is enabled for the container', { path: 'restart', value: policy });
    }
    const { restart: _r, ...limitsPatch } = patch;
    const next: ContainerLimits = { ...rec.limits, ...limitsPatch };
    if (rec.cgroup !== null) {
      // Only the files of the fields given are written; a refused write undoes the earlier ones.
      const touched = new Set<string>();
      const memoryish = patch.memory !== undefined || patch.memorySwap !== undefined;
      for (const [file] of limitWrites(next, this.devices, false)) {
        if ((file === 'memory.max' || file === 'memory.swap.max') && memoryish) touched.add(file);
        if (file === 'memory.low' && patch.memoryReservation !== undefined) touched.add(file);
        if (file === 'cpu.max' && patch.cpus !== undefined) touched.add(file);
        if (file === 'cpu.weight' && patch.cpuShares !== undefined) touched.add(file);
        if (file === 'cpuset.cpus' && patch.cpusetCpus !== undefined) touched.add(file);
        if (file === 'pids.max' && patch.pidsLimit !== undefined) touched.add(file);
      }
      const writes = limitWrites(next, this.devices, false).filter(([f]) => touched.has(f));
      const undo: [string, string][] = [];
      try {
        for (const [file, text] of writes) {
          const before = this.kernel.read(rec.cgroup, file).trim();
          this.kernel.write(rec.cgroup, file, text);
          undo.push([file, before]);
        }
      } catch (error) {
        for (const [file, text] of undo.reverse()) this.kernel.write(rec.cgroup, file, text);
        throw error;
      }
    }
    rec.limits = next;
    if (policy !== undefined) rec.policy = policy;
    this.emit(rec, 'update', this.now());
    this.drain(rec);
  }

  wait(ref: string, condition: ContainerWaiter['condition'] = 'not-running'): ContainerWaiter {
    const rec = this.get(ref);
    if (condition !== 'not-running' && condition !== 'next-exit' && condition !== 'removed') throw new ValidationError(`wait: condition must be not-running, next-exit or removed; got ${JSON.stringify(condition)}`, { path: 'condition', value: condition });
    const w: Waiter = { id: rec.id, condition, result: null };
    if (condition === 'not-running' && !rec.running) w.result = { StatusCode: rec.exitCode };
    else rec.waiters.push(w);
    return w;
  }

  rename(ref: string, newName: string): void {
    const rec = this.get(ref);
    const name = checkContainerName(newName);
    if (name === rec.name) throw new ValidationError('Renaming a container with the same name as its current name', { path: 'newName', value: newName });
    const other = this.findByName(name);
    if (other !== undefined) {
      throw new ConflictError(`Error when allocating new name: Conflict. The container name "/${name}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`, { name, id: other.id });
    }
    const old = rec.name;
    this.byName.delete(old);
    rec.name = name;
    this.byName.set(name, rec);
    this.emit(rec, 'rename', this.now(), { oldName: `/${old}` });
  }

  rm(ref: string, opts: { readonly force?: boolean } = {}): void {
    const rec = this.get(ref);
    this.check(opts.force === true ? 'rm-force' : 'rm', rec, ref);
    if (rec.running) {
      rec.removing = true;
      rec.manuallyStopped = true;
      rec.rm = { ...rec.rm, cancelled: true };
      if (rec.restarting) this.cancelRestart(rec, this.now());
      else {
        this.emit(rec, 'kill', this.now(), { signal: String(SIGNAL_NUMBERS.SIGKILL) });
        this.kernel.kill(rec.pid, 'SIGKILL');
        this.drain(rec);
      }
    }
    this.remove(rec, this.now());
    this.drain(rec);
  }

  logs(ref: string, opts: { readonly tail?: number; readonly since?: Micros } = {}): LogLine[] {
    const rec = this.get(ref);
    if (opts.tail !== undefined) checkInt(opts.tail, 'tail', 0, Number.MAX_SAFE_INTEGER);
    if (opts.since !== undefined) checkInt(opts.since, 'since', 0, Number.MAX_SAFE_INTEGER);
    const lines: LogLine[] = [];
    const current = rec.pid === 0 ? [] : this.kernel.process(rec.pid).output;
    for (const l of [...rec.logs, ...current]) if (opts.since === undefined || l.time >= opts.since) lines.push({ time: l.time, stream: l.stream, text: l.text });
    return opts.tail === undefined ? lines : lines.slice(Math.max(0, lines.length - opts.tail));
  }

  top(ref: string): { readonly pid: number; readonly ppid: number; readonly name: string; readonly state: string }[] {
    const rec = this.get(ref);
    this.check('top', rec, ref);
    // The processes of the container's cgroup, as docker top lists them (not its pid namespace: with --pid host that is the host's).
    return this.kernel
      .processes()
      .filter((p) => !p.reaped && p.cgroup === rec.cgroup)
      .sort((a, b) => a.pid - b.pid)
      .map((p) => ({ pid: p.pid, ppid: p.ppid, name: p.name, state: p.state }));
  }


  inspect(ref: string): ContainerInspect {
    return inspectContainer(this.get(ref));
  }

  stats(ref: string): ContainerStats {
    const rec = this.get(ref);
    const now = this.now();
    if (rec.cgroup === null) {
      return computeStats({ id: rec.id, name: rec.name, previous: { time: now, usageUsec: 0 }, current: { time: now, usageUsec: 0 }, onlineCpus: this.kernel.cpus, memoryCurrent: 0, inactiveFile: 0, memoryMax: 'max', machineMemory: this.kernel.memory, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0, pids: 0 });
    }
    const cg = rec.cgroup;
    const field = (text: string, key: string): number => {
      for (const line of text.split('\n')) {
        const [k, v] = line.split(' ');
        if (k === key && v !== undefined) return Number(v);
      }
      return 0;
    };
    const tryRead = (file: string): string => {
      try {
        return this.kernel.read(cg, file);
      } catch (error) {
        if (error instanceof NotFoundError) return '';
        throw error;
      }
    };
    const current: CpuReading = { time: now, usageUsec: field(tryRead('cpu.stat'), 'usage_usec') };
    const previous = rec.cpuReading ?? { time: rec.startedAt ?? now, usageUsec: 0 };
    rec.cpuReading = current;
    const maxText = tryRead('memory.max').trim();
    let blockRead = 0;
    let blockWrite = 0;
    for (const line of tryRead('io.stat').split('\n')) {
      blockRead += Number(/rbytes=(\d+)/.exec(line)?.[1] ?? 0);
      blockWrite += Number(/wbytes=(\d+)/.exec(line)?.[1] ?? 0);
    }
    return computeStats({
      id: rec.id,
      name: rec.name,
      previous,
      current,
      onlineCpus: this.kernel.cpus,
      memoryCurrent: Number(tryRead('memory.current').trim() || 0),
      inactiveFile: field(tryRead('memory.stat'), 'file'),
      memoryMax: maxText === 'max' || maxText === '' ? 'max' : Number(maxText),
      machineMemory: this.kernel.memory,
      ...this.netBytes(rec),
      blockRead,
      blockWrite,
      pids: Number(tryRead('pids.current').trim() || 0),
    });
  }

  ps(opts: { readonly all?: boolean } = {}): ContainerSummary[] {
    const now = this.now();
    return [...this.byId.values()]
      .filter((r) => opts.all === true || r.running)
      .sort((a, b) => b.seq - a.seq)
      .map((r) => psRow(r, now));
  }

  /** NET I/O: the container's network namespace counters (its endpoints; loopback excepted), while it runs. */
  private netBytes(rec: Rec): { netRx: number; netTx: number } {
    if (rec.pid === 0) return { netRx: 0, netTx: 0 };
    const d = this.kernel.netDevStats(rec.pid);
    return { netRx: d.rxBytes, netTx: d.txBytes };
  }


  // --- internals ---


  private check(op: ContainerOperation, rec: Rec, ref: string): void {
    checkTransition(op, containerStatus(rec), { id: rec.id, ref });
  }

  private checkSignal(signal: unknown): asserts signal is SignalName {
    if (typeof signal !== 'string' || !Object.hasOwn(SIGNAL_NUMBERS, signal)) {
      throw new ValidationError(`invalid signal: ${String(signal)}`, { path: 'signal', value: signal, accepted: Object.keys(SIGNAL_NUMBERS).join(', ') });
    }
  }

  private toSpec(input: ContainerSpec | Readonly<Record<string, unknown>>): ContainerSpec {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ValidationError('create: the spec must be an object (a ContainerSpec, or docker run flags in Docker\'s words)', { path: 'spec', value: input });
    return isParsedSpec(input as Readonly<Record<string, unknown>>) ? (input as ContainerSpec) : parseContainerSpec(input);
  }

  private toUpdate(input: ContainerUpdate | Readonly<Record<string, unknown>>): ContainerUpdate {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ValidationError('update: the patch must be an object', { path: 'patch', value: input });
    return isParsedSpec({ image: 'x', ...(input as Record<string, unknown>) }) ? (input) : parseContainerUpdate(input);
  }

  private get(ref: string): Rec {
    if (typeof ref !== 'string' || ref.length === 0) throw new ValidationError(`a container reference (name, id or id prefix) is required; got ${JSON.stringify(ref)}`, { path: 'ref', value: ref });
    const exact = this.byId.get(ref) ?? this.findByName(ref.startsWith('/') ? ref.slice(1) : ref);
    if (exact !== undefined) return exact;
    const matches = [...this.byId.values()].filter((r) => r.id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new ValidationError(`multiple IDs found with provided prefix: ${ref}`, { path: 'ref', value: ref });
    throw new NoSuchContainerError(ref);
  }

  private findByName(name: string): Rec | undefined {
    return this.byName.get(name);
  }

  private requireFreeName(name: string, _op: 'create'): void {
    const other = this.findByName(name);
    if (other !== undefined) {
      throw new ConflictError(`Conflict. The container name "/${name}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`, { name, id: other.id });
    }
  }


  /**
   * The program a command names. A name the image lacks is what runc meets as an executable not in
   * $PATH: ValidationError with the runtime's text (from memory, unverified) and `exitCode` 127.
   */
  private programOf(rec: Rec, command: Program | string, during: 'start' | 'exec' = 'start'): Program {
    if (typeof command !== 'string') return command;
    if (Object.hasOwn(rec.image.programs, command)) return rec.image.programs[command]!;
    const cause = `exec: "${command}": executable file not found in $PATH: unknown`;
    const message = during === 'start'
      ? `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: ${cause}`
      : `OCI runtime exec failed: exec failed: unable to start container process: ${cause}`;
    throw new ValidationError(message, { path: 'command', value: command, accepted: Object.keys(rec.image.programs), exitCode: 127, hint: `image ${rec.image.name}:${rec.image.tag} offers the programs: ${Object.keys(rec.image.programs).join(', ') || 'none'}` });
  }

  private emit(rec: Rec, action: Action, time: Micros, extra: Record<string, string> = {}): void {
    const e: ContainerEvent = { time, type: 'container', action, id: rec.id, attributes: { ...rec.labels, ...extra, image: rec.imageRef, name: rec.name } };
    if (this.onEvent !== undefined) this.onEvent(e);
    else this.events.push(e);
  }

  private schedule(rec: Rec, kind: Timer['kind'], time: number): Timer {
    return this.timers.add(time, { id: rec.id, kind });
  }

  private fire(t: Timer): void {
    const rec = this.byId.get(t.id);
    if (rec === undefined) return;
    if (t.kind === 'stop-kill') {
      if (rec.stopping?.timer !== t || rec.pid === 0) return;
      rec.stopping.timer = null;
      this.emit(rec, 'kill', this.now(), { signal: String(SIGNAL_NUMBERS.SIGKILL) });
      this.kernel.kill(rec.pid, 'SIGKILL');
      return;
    }
    if (rec.restartTimer !== t) return;
    rec.restartTimer = null;
    try {
      this.startContainer(rec, false);
    } catch (error) {
      // The run's work budget and broken invariants are not a failed start: they stop the run.
      if (!(error instanceof StrataError) || error.code === 'E_INTERNAL' || (error instanceof LimitExceededError && error.details['limit'] === 'maxSteps')) throw error;
      // A failed restart leaves the container exited (moby monitor.go: SetStopped).
      rec.running = false;
      rec.restarting = false;
      rec.error = error instanceof Error ? error.message : String(error);
      this.settleWaiters(rec, 'not-running');
    }
  }

  /** Make the container's cgroup, network sandbox and init; on any refusal undo them and rethrow (the container is unchanged). */
  private startContainer(rec: Rec, manual: boolean): void {
    const image = rec.image;
    const s = rec.spec;
    let program: Program;
    try {
      program = this.programOf(rec, s.command ?? image.cmd);
    } catch (error) {
      // Docker's failed start: the container stays as it was, with the error and exit code 127 recorded.
      rec.exitCode = 127;
      rec.error = (error as Error).message;
      throw error;
    }
    // moby getNetworkedContainer / getPIDContainer / getIPCContainer texts (from memory, unverified).
    const peer = (mode: string | undefined, what: 'network' | 'PID' | 'IPC' | 'UTS', field: string): number | null => {
      if (mode?.startsWith('container:') !== true) return null;
      const ref = mode.slice('container:'.length);
      const other = this.get(ref);
      if (other === rec) throw new ConflictError(`cannot join own ${what === 'network' ? 'network' : what}`, { path: field, value: mode });
      if (!other.running) throw new ConflictError(`cannot join ${what} of a non running container: ${ref}`, { path: field, value: mode });
      if (other.restarting) throw new ConflictError(`Container ${other.id} is restarting, wait until the container is running`, { path: field, value: mode });
      return other.pid;
    };
    const netPeer = peer(s.networkMode, 'network', 'networkMode');
    const pidPeer = peer(s.pidMode, 'PID', 'pidMode');
    const ipcPeer = peer(s.ipcMode, 'IPC', 'ipcMode');
    // `utsMode: container:<x>` is no Docker flag (Docker copies the hostname instead); it is how a CRI runtime
    // puts a pod's app containers in the sandbox's uts namespace (containerd WithPodNamespaces).
    const utsPeer = peer(s.utsMode, 'UTS', 'utsMode');
    const parent = s.cgroupParent ?? DOCKER_CGROUP_PARENT;
    this.ensureParent(parent);
    const cgroup = `${parent}/${rec.id}`;
    let made = false;
    let netns: string | null = null;
    const networks: Rec['networks'] = {};
    const ports: PortBinding[] = [];
    try {
      try {
        this.kernel.mkdir(cgroup);
        made = true;
      } catch (error) {
        // Left from the last run (a child cgroup kept it): used again, as runc would find it.
        if (!(error instanceof ConflictError)) throw error;
      }
      for (const [file, text] of limitWrites(rec.limits, this.devices, false)) this.kernel.write(cgroup, file, text);
      const mode = s.networkMode ?? 'bridge';
      const joinsModel = this.network !== undefined && netPeer === null && mode !== 'host' && mode !== 'none';
      if (joinsModel) {
        const net = this.network;
        netns = rec.id.slice(0, 12);
        net.createNamespace({ name: netns, host: this.host! });
        for (const n of s.networks ?? [{ name: 'bridge' }]) {
          const user = n.name !== 'bridge';
          const modelName = user ? n.name : this.ensureDefaultBridge();
          const aliases = user ? [rec.name, rec.id.slice(0, 12), ...(n.aliases ?? [])] : [];
          const iface = net.attach({ namespace: netns, network: modelName, ...(user ? { aliases } : {}) });
          networks[n.name] = { IPAddress: iface.address, Aliases: user ? [...(n.aliases ?? [])] : [] };
        }
        for (const word of s.ports ?? []) {
          for (const b of net.publish(parsePortWord(word, netns))) {
            const m = /^\[?([^\]]*)\]?:(\d+)\/(\w+) → .*:(\d+)$/.exec(b);
            if (m !== null) ports.push({ hostIp: m[1]!, hostPort: Number(m[2]), containerPort: Number(m[4]), protocol: m[3] as PortBinding['protocol'] });
          }
        }
      } else if ((s.ports ?? []).length > 0 && mode !== 'host') {
        throw new ValidationError('ports: publishing needs the engine to have a network model (options.network) and a bridge network', { path: 'ports', value: s.ports });
      }
      const ns = (m: string | undefined, peerPid: number | null): 'host' | 'private' | { shareWith: number } => (peerPid !== null ? { shareWith: peerPid } : m === 'host' ? 'host' : 'private');
      const utsPrivate = s.utsMode !== 'host' && utsPeer === null;
      const mounts: MountSpec[] = (s.mounts ?? []).map((m) => ({ mountPoint: m.destination, source: m.type === 'bind' ? { kind: 'bind', hostPath: m.source } : { kind: 'volume', volume: m.source }, readOnly: m.readOnly }));
      const layers = image.layers.map((l) => l.digest).reverse();
      const spawn: SpawnSpec = {
        name: (typeof s.command === 'string' ? s.command : image.name).slice(0, 64) || 'init',
        cgroup,
        program,
        namespaces: {
          pid: ns(s.pidMode, pidPeer),
          net: netPeer !== null ? { shareWith: netPeer } : s.networkMode === 'host' ? 'host' : 'private',
          ipc: ns(s.ipcMode, ipcPeer),
          uts: utsPeer !== null ? { shareWith: utsPeer } : utsPrivate ? 'private' : 'host',
          mnt: 'private',
          cgroup: 'private',
        },
        user: s.user ?? image.user,
        ...(utsPrivate ? { hostname: s.hostname ?? rec.id.slice(0, 12) } : {}),
        ...(layers.length > 0 ? { rootfs: { mountPoint: '/', source: { kind: 'overlay', lowerLayers: layers, upperLayer: `${rec.id}-rw` } } } : {}),
        mounts,
        ...(s.oomScoreAdj === undefined ? {} : { oomScoreAdj: s.oomScoreAdj }),
        ...(netns === null ? {} : { network: netns }),
      };
      const pid = this.kernel.spawn(spawn);
      // Committed: from here the container runs.
      rec.cgroup = cgroup;
      rec.netns = netns;
      rec.networks = networks;
      rec.ports = ports;
      rec.pid = pid;
      this.byInit.set(pid, rec);
    } catch (error) {
      if (netns !== null) this.network!.deleteNamespace(netns);
      if (made) this.kernel.rmdir(cgroup);
      throw error;
    }
    rec.running = true;
    rec.restarting = false;
    rec.paused = false;
    rec.startedAt = this.now();
    rec.exitCode = 0;
    rec.oomKilled = false;
    rec.error = '';
    rec.cpuReading = null;
    if (manual) {
      rec.rm = FRESH_RESTART_MANAGER;
      rec.manuallyStopped = false;
    }
    this.emit(rec, 'start', this.now());
  }

  /** `docker stop` / the stop half of `docker restart`: the stop signal, then SIGKILL after the timeout. */
  private stopContainer(rec: Rec, kind: 'stop' | 'restart', opts: { readonly timeout?: number; readonly signal?: SignalName }): void {
    rec.manuallyStopped = true;
    rec.rm = { ...rec.rm, cancelled: true };
    if (rec.restarting) {
      this.cancelRestart(rec, this.now());
      this.emit(rec, 'stop', this.now());
      if (kind === 'restart') {
        this.startContainer(rec, true);
        this.emit(rec, 'restart', this.now());
      }
      return;
    }
    if (rec.stopping?.timer != null) rec.stopping.timer.cancelled = true;
    const signal = opts.signal ?? stopSignalOf(rec);
    const timeout = opts.timeout ?? rec.spec.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
    rec.stopping = { kind, timer: null };
    if (kind === 'restart') this.restartsWaiting.add(rec);
    this.emit(rec, 'kill', this.now(), { signal: String(SIGNAL_NUMBERS[signal]) });
    this.kernel.kill(rec.pid, signal);
    if (rec.pid !== 0 && rec.paused) this.thaw(rec);
    this.drain(rec);
    if (rec.pid === 0 || rec.stopping === null) return;
    if (timeout === 0) {
      this.emit(rec, 'kill', this.now(), { signal: String(SIGNAL_NUMBERS.SIGKILL) });
      this.kernel.kill(rec.pid, 'SIGKILL');
    } else if (timeout > 0) {
      rec.stopping.timer = this.schedule(rec, 'stop-kill', this.now() + timeout * 1_000_000);
    }
  }

  private thaw(rec: Rec): void {
    if (rec.cgroup !== null) this.kernel.write(rec.cgroup, 'cgroup.freeze', '0');
    rec.paused = false;
  }

  /** The restart manager is cancelled during its delay: the container is stopped (moby SetStopped). */
  private cancelRestart(rec: Rec, time: Micros): void {
    if (rec.restartTimer !== null) rec.restartTimer.cancelled = true;
    rec.restartTimer = null;
    rec.restarting = false;
    rec.running = false;
    rec.finishedAt = time;
    this.settleWaiters(rec, 'not-running');
  }

  private isExecExit(e: KernelEvent): boolean {
    return e.type === 'process.exited' && this.byExec.has(e.pid);
  }

  /** The kernel's facts: container inits' exits, exec exits, OOM kills in container cgroups. */
  private absorb(batch: readonly KernelEvent[]): void {
    // Most advances bring no fact at all (a request served is none): nothing to build or sort then.
    if (batch.length === 0) return;
    // containerd's shim publishes the exits of exec'd processes before their init's at one instant.
    const events = batch.length === 1 ? batch : batch.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || Number(this.isExecExit(b.e)) - Number(this.isExecExit(a.e)) || a.i - b.i).map((x) => x.e);
    for (const e of events) {
      this.onKernelEvent?.(e);
      if (e.type === 'memory.oom_kill') {
        const cg = e.cgroup;
        const m = /(?:^|\/)([0-9a-f]{64})(?:\/|$)/.exec(cg);
        const rec = m === null ? undefined : this.byId.get(m[1]!);
        if (rec !== undefined) {
          rec.oomKilled = true;
          this.emit(rec, 'oom', e.time);
        }
      } else if (e.type === 'process.exited') {
        this.exitsKnown++;
        const rec = this.byInit.get(e.pid);
        if (rec !== undefined && rec.pid === e.pid) this.exited(rec, e.exit, e.time);
        const owner = this.byExec.get(e.pid);
        if (owner !== undefined) {
          const execId = owner.execs?.get(e.pid);
          this.byExec.delete(e.pid);
          owner.execs?.delete(e.pid);
          if (execId !== undefined && this.byId.has(owner.id)) this.emit(owner, 'exec_die', e.time, { execID: execId, exitCode: String(exitCodeOf(e.exit)) });
        }
      }
    }
  }

  /**
   * Facts produced by commands; then exits the events did not show (a kernel with its own onEvent):
   * after a command its container's init is asked; and when the kernel counts more exits than the
   * engine has accounted for, every running init. O(1) per call when the kernel's facts reach the
   * engine (each init asked with `exitOf`, no process snapshot built).
   */
  private drain(touched: Rec | null = null): void {
    for (;;) {
      const events = this.kernel.takeEvents();
      if (events.length > 0) {
        this.absorb(events);
        continue;
      }
      let found = false;
      if (touched !== null && touched.pid !== 0) {
        const exit = this.kernel.exitOf(touched.pid);
        if (exit !== null) {
          this.exited(touched, exit, this.now());
          found = true;
        }
      }
      const exits = this.kernel.exitCount();
      if (exits > this.exitsKnown) {
        this.exitsKnown = exits;
        for (const rec of [...this.byId.values()]) {
          if (rec.pid === 0) continue;
          const exit = this.kernel.exitOf(rec.pid);
          if (exit !== null) {
            this.exited(rec, exit, this.now());
            found = true;
          }
        }
      }
      if (!found) return;
    }
  }

  /**
   * Keep an exited init's print lines with the container (`docker logs` shows every run's) and let
   * the kernel drop its record, so a container restarting for days holds no kernel memory per run.
   * Past MAX_CONTAINER_LOG_LINES the oldest lines go, as a size-capped log driver rotates them.
   */
  private keepLogsAndForget(rec: Rec, pid: number): void {
    const info = this.kernel.process(pid);
    for (const l of info.output) rec.logs.push({ time: l.time, stream: l.stream, text: l.text });
    if (rec.logs.length > 2 * MAX_CONTAINER_LOG_LINES) rec.logs.splice(0, rec.logs.length - MAX_CONTAINER_LOG_LINES);
    this.byInit.delete(pid);
    if (info.reaped) this.kernel.forget(pid);
  }

  /** The init of `rec` ended at `time`: tear down, then die, then stop / restart / remove as Docker does. */
  private exited(rec: Rec, exit: ProcessExit, time: Micros): void {
    if (rec.pid === 0) return;
    const exitCode = exitCodeOf(exit);
    const cgroup = rec.cgroup;
    this.keepLogsAndForget(rec, rec.pid);
    rec.pid = 0;
    rec.cgroup = null;
    if (cgroup !== null) {
      // runc kills what is left in the cgroup (exec'd processes), then deletes it.
      if (rec.paused) this.kernel.write(cgroup, 'cgroup.freeze', '0');
      this.kernel.write(cgroup, 'cgroup.kill', '1');
      this.absorb(this.kernel.takeEvents());
      try {
        this.kernel.rmdir(cgroup);
      } catch (error) {
        // Child cgroups someone made inside it keep it (EBUSY), as they would keep runc's delete from removing it.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    if (rec.netns !== null) this.network!.deleteNamespace(rec.netns);
    rec.netns = null;
    rec.ports = [];
    rec.networks = Object.fromEntries(Object.entries(rec.networks).map(([k, v]) => [k, { ...v, IPAddress: '' }]));
    rec.running = false;
    rec.paused = false;
    rec.exitCode = exitCode;
    rec.finishedAt = time;
    this.emit(rec, 'die', time, { exitCode: String(exitCode) });
    this.settleWaiters(rec, 'next-exit');
    const stopping = rec.stopping;
    rec.stopping = null;
    this.restartsWaiting.delete(rec);
    if (stopping?.timer != null) stopping.timer.cancelled = true;
    if (stopping !== null) {
      this.emit(rec, 'stop', time);
      if (stopping.kind === 'restart' && !rec.removing) {
        this.settleWaiters(rec, 'not-running');
        try {
          this.startContainer(rec, true);
        } catch (error) {
          // The start half of `docker restart` failed after its caller returned: the container stays exited, the reason in State.Error.
          rec.error = error instanceof Error ? error.message : String(error);
          return;
        }
        this.emit(rec, 'restart', this.now());
        return;
      }
    }
    const d = decideRestart(rec.policy, rec.rm, exitCode, rec.manuallyStopped, time - (rec.startedAt ?? time));
    rec.rm = d.next;
    if (d.restart && !rec.removing) {
      rec.running = true;
      rec.restarting = true;
      rec.restartTimer = this.schedule(rec, 'restart', time + d.delayUs);
      return;
    }
    this.settleWaiters(rec, 'not-running');
    if (rec.spec.autoRemove === true && !rec.removing) this.remove(rec, time);
  }

  private remove(rec: Rec, time: Micros): void {
    if (!this.byId.has(rec.id)) return;
    if (rec.restartTimer !== null) rec.restartTimer.cancelled = true;
    this.byId.delete(rec.id);
    this.byName.delete(rec.name);
    this.restartsWaiting.delete(rec);
    this.emit(rec, 'destroy', time);
    this.settleWaiters(rec, 'not-running');
    this.settleWaiters(rec, 'removed');
  }

  private settleWaiters(rec: Rec, condition: ContainerWaiter['condition']): void {
    const keep: Waiter[] = [];
    for (const w of rec.waiters) {
      if (w.condition === condition) w.result = { StatusCode: rec.exitCode };
      else keep.push(w);
    }
    rec.waiters = keep;
  }

  /** `parent` (`/docker` or a `--cgroup-parent`) and its missing ancestors made, each with every controller the root offers enabled for its children, as runc's fs2 manager does (`/docker` once; a `--cgroup-parent` at each start, as it may have been removed since). */
  private ensureParent(parent: string): void {
    if (this.readyParents.has(parent)) return;
    const controllers = this.kernel.read('/', 'cgroup.controllers').trim().split(/\s+/).filter((c) => c !== '');
    const enable = controllers.map((c) => `+${c}`).join(' ');
    if (enable !== '') this.kernel.write('/', 'cgroup.subtree_control', enable);
    const existing = new Set(this.kernel.cgroups());
    let path = '';
    for (const segment of parent.split('/').filter((x) => x !== '')) {
      path += `/${segment}`;
      if (!existing.has(path)) this.kernel.mkdir(path);
      if (enable !== '') this.kernel.write(path, 'cgroup.subtree_control', enable);
    }
    this.readyParents.add(parent);
  }

  /**
   * Docker's predefined `bridge` network (docker0) of the engine's host, made on first use; returns
   * its name in the model. Every Docker host has its own docker0, so it is host-local: the host's
   * default bridge (or a bridge network named `bridge` on this host) if the model has one, else a new
   * default bridge named `bridge` when that name is free, `bridge-1`, `bridge-2`, ... when another
   * host took it. Containers on different hosts' default bridges reach each other only through
   * published ports, as in Docker.
   */
  private ensureDefaultBridge(): string {
    if (this.defaultBridgeName !== undefined) return this.defaultBridgeName;
    const net = this.network!;
    const networks = net.snapshot().networks;
    const own = networks.find((n) => n.host === this.host && (n.defaultBridge || n.name === 'bridge'));
    let name = own?.name;
    if (name === undefined) {
      const taken = new Set(networks.map((n) => n.name));
      name = 'bridge';
      for (let k = 1; taken.has(name); k++) name = `bridge-${k}`;
      net.createNetwork({ name, host: this.host!, defaultBridge: true });
    }
    this.defaultBridgeName = name;
    return name;
  }
}
