// The kubelet's part for pods on one container engine: each pod a cgroup under /kubepods, a pause sandbox
// whose net, ipc and uts namespaces (and pid with shareProcessNamespace) the app containers join, and
// the kubelet's restarts with CrashLoopBackOff. The rules are pure modules beside this one (qos, pod-cgroup,
// crash-loop-backoff, pod-phase); this file sequences them on the engine.
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  parsePodSpec,
  MAX_POD_GRACE_PERIOD_S,

  type PodContainerSpec,
  type PodSpec,
  type PodSpecInput,
} from '@strata/shared-types';
import type { ContainerEngine, ContainerEvent, ContainerSpec } from '../engine/types.js';
import type { Kernel } from '../kernel/types.js';
import { hexId } from '../engine/ids.js';
import { MIN_MEMORY_BYTES } from '../engine/spec-checks.js';
import { containerOomScoreAdj, podQosClass, POD_INFRA_OOM_SCORE_ADJ, type PodQosClass } from './qos.js';
import { containerEngineLimits, podCgroupPath, podCgroupWrites } from './pod-cgroup.js';
import { crashLoopDecision, type BackoffEntry } from './crash-loop-backoff.js';
import { podPhase } from './pod-phase.js';
import { checkAdvanceTime } from '../kernel/kernel-checks.js';
import { TimerList, type ListedTimer } from '../engine/timer-list.js';
import type { PodContainerState, PodContainerStatus, PodContainerTerminated, PodEvent, PodManager, PodManagerOptions, PodStatus } from './types.js';

/** The pod sandbox's image (registry.k8s.io/pause as the built-in `pause`). */
export const POD_SANDBOX_IMAGE = 'pause';
/** The namespace in the model's container names (one namespace: `default`). */
const NAMESPACE = 'default';

/** A back-off timer: restart `container` of `pod` when it fires. */
type Timer = ListedTimer<{ readonly pod: string; readonly container: string }>;

interface ContainerRec {
  readonly spec: PodContainerSpec;
  readonly oomScoreAdj: number;
  state: PodContainerState;
  lastState: PodContainerTerminated | null;
  restartCount: number;
  engineId: string | null;
  startedAt: number;
  backoff: BackoffEntry | null;
  timer: Timer | null;
}

interface PodRec {
  readonly spec: PodSpec;
  readonly uid: string;
  readonly qos: PodQosClass;
  readonly cgroup: string;
  readonly hostname: string;
  readonly startTime: number;
  readonly sandboxId: string;
  readonly containers: ContainerRec[];
  deletionTimestamp: number | null;
}

/** A Kubernetes uid shape (8-4-4-4-12 hex) from 32 of an id's hex digits. */
function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The kubelet's pod hostname: the name cut to 63 characters, trailing '-' and '.' dropped (truncatePodHostnameIfNeeded). */
export function podHostname(name: string): string {
  return name.length <= 63 ? name : name.slice(0, 63).replace(/[-.]+$/, '');
}

/** `cgroup` and its missing ancestors made, each with every controller the root offers enabled for its children. */
function ensureCgroup(kernel: Kernel, cgroup: string): void {
  const controllers = kernel.read('/', 'cgroup.controllers').trim().split(/\s+/).filter((c) => c !== '');
  const enable = controllers.map((c) => `+${c}`).join(' ');
  if (enable !== '') kernel.write('/', 'cgroup.subtree_control', enable);
  const existing = new Set(kernel.cgroups());
  let path = '';
  for (const segment of cgroup.split('/').filter((s) => s !== '')) {
    path += `/${segment}`;
    if (!existing.has(path)) kernel.mkdir(path);
    if (enable !== '') kernel.write(path, 'cgroup.subtree_control', enable);
  }
}

/** `pods "web" not found`, the API server's text, as a NotFoundError. */
class NoSuchPodError extends NotFoundError {
  constructor(name: string) {
    super('pod', name);
    this.message = `pods ${JSON.stringify(name)} not found`;
  }
}

/**
 * A pod manager on `options.engine` (see `PodManager`). The engine should be used for the pods through the
 * manager only: the manager steps it and reads its containers' states. Throws ValidationError for bad options.
 */
export function createPodManager(options: PodManagerOptions): PodManager {
  return new Manager(options);
}

class Manager implements PodManager {
  readonly engine: ContainerEngine;
  private readonly seed: number | string;
  private readonly onContainerEvent: ((e: ContainerEvent) => void) | undefined;
  private readonly byName = new Map<string, PodRec>();
  private made = 0;
  private readonly timers = new TimerList<{ readonly pod: string; readonly container: string }>();
  private events: PodEvent[] = [];

  constructor(options: PodManagerOptions) {
    if (options === null || typeof options !== 'object' || options.engine === undefined) throw new ValidationError('options.engine is required: the container engine the pods run on', { path: 'engine' });
    this.engine = options.engine;
    this.seed = options.seed ?? 0;
    if (typeof this.seed !== 'number' && typeof this.seed !== 'string') throw new ValidationError(`seed must be a number or a string; got ${JSON.stringify(this.seed)}`, { path: 'seed', value: this.seed });
    this.onContainerEvent = options.onContainerEvent;
  }

  now(): number {
    return this.engine.now();
  }

  nextEventTime(): number {
    return Math.min(this.engine.nextEventTime(), this.timers.nextTime());
  }

  takeEvents(): PodEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  advanceTo(time: number): PodEvent[] {
    checkAdvanceTime(time, this.now());
    for (;;) {
      // Event by event: an exit must be seen at its instant, since the kubelet may restart it at once.
      const target = Math.max(this.now(), Math.min(time, this.timers.nextTime(), this.engine.nextEventTime()));
      this.passOn(this.engine.advanceTo(target));
      this.observe();
      for (let t = this.timers.takeDue(this.now()); t !== undefined; t = this.timers.takeDue(this.now())) {
        this.fire(t);
        this.observe();
      }
      if (this.now() >= time && this.timers.nextTime() > time && this.engine.nextEventTime() > time) break;
    }
    return this.takeEvents();
  }

  createPod(input: PodSpec | PodSpecInput): string {
    const spec = parsePodSpec(input);
    if (this.byName.has(spec.name)) throw new ConflictError(`pods ${JSON.stringify(spec.name)} already exists`, { path: 'name', value: spec.name });
    // Validate against the engine first: images, program names, the engine's memory floor.
    spec.containers.forEach((c, i) => {
      const image = this.engine.images.get(c.image);
      if (typeof c.command === 'string' && !Object.hasOwn(image.programs, c.command)) {
        throw new ValidationError(`containers[${i}].command: no program named ${JSON.stringify(c.command)} in image ${c.image} (it offers: ${Object.keys(image.programs).join(', ') || 'none'})`, { path: `containers[${i}].command`, value: c.command });
      }
      const memory = c.resources.limits.memory;
      if (memory !== undefined && memory > 0 && memory < MIN_MEMORY_BYTES) {
        throw new ValidationError(`containers[${i}].resources.limits.memory: the container engine's minimum is ${MIN_MEMORY_BYTES} bytes (6Mi)`, { path: `containers[${i}].resources.limits.memory`, value: memory });
      }
    });
    this.engine.images.get(POD_SANDBOX_IMAGE);
    const n = this.made;
    const uid = uuidOf(hexId(this.seed, 'pod', n));
    const qos = podQosClass(spec);
    const cgroup = podCgroupPath(qos, uid);
    const kernel = this.engine.kernel;
    const hostname = podHostname(spec.name);
    const made: string[] = [];
    let cgroupMade = false;
    let pod: PodRec;
    try {
      ensureCgroup(kernel, cgroup);
      cgroupMade = true;
      for (const [file, text] of podCgroupWrites(spec, qos)) kernel.write(cgroup, file, text);
      const sandboxId = this.engine.run({
        image: POD_SANDBOX_IMAGE,
        name: `k8s_POD_${spec.name}_${NAMESPACE}_${uid}_0`,
        hostname,
        cgroupParent: cgroup,
        oomScoreAdj: POD_INFRA_OOM_SCORE_ADJ,
        // containerd's CRI defaultSandboxCPUshares (read in a containerd 1.x sandbox_run file): shares 2.
        cpuShares: 2,
        restart: { name: 'no' },
        ipcMode: 'shareable',
      } satisfies ContainerSpec);
      made.push(sandboxId);
      pod = {
        spec,
        uid,
        qos,
        cgroup,
        hostname,
        startTime: this.now(),
        sandboxId,
        deletionTimestamp: null,
        containers: spec.containers.map((c) => ({
          spec: c,
          oomScoreAdj: containerOomScoreAdj(qos, c.resources.requests.memory ?? 0, kernel.memory),
          state: { waiting: { reason: 'ContainerCreating' } },
          lastState: null,
          restartCount: 0,
          engineId: null,
          startedAt: this.now(),
          backoff: null,
          timer: null,
        })),
      };
      for (const c of pod.containers) {
        this.startContainer(pod, c);
        made.push(c.engineId!);
      }
    } catch (error) {
      for (const id of made.reverse()) this.engine.rm(id, { force: true });
      this.engine.takeEvents();
      if (cgroupMade && kernel.cgroups().includes(cgroup)) kernel.rmdir(cgroup);
      throw error;
    }
    this.made++;
    this.byName.set(spec.name, pod);
    this.emit('pod.created', spec.name, undefined, { uid, qosClass: qos });
    for (const c of pod.containers) this.emit('pod.container.started', spec.name, c.spec.name, { restartCount: String(c.restartCount), containerId: c.engineId! });
    this.passOn(this.engine.takeEvents());
    this.observe();
    return uid;
  }

  deletePod(name: string, opts: { readonly gracePeriod?: number } = {}): void {
    const pod = this.get(name);
    if (pod.deletionTimestamp !== null) throw new ConflictError(`pods ${JSON.stringify(name)} is already being deleted`, { path: 'name', value: name });
    const grace = opts.gracePeriod ?? pod.spec.terminationGracePeriodSeconds;
    if (!Number.isSafeInteger(grace) || grace < 0 || grace > MAX_POD_GRACE_PERIOD_S) {
      throw new ValidationError(`gracePeriod must be an integer number of seconds 0..${MAX_POD_GRACE_PERIOD_S}; got ${String(grace)}`, { path: 'gracePeriod', value: grace });
    }
    pod.deletionTimestamp = this.now();
    this.emit('pod.deleting', name, undefined, { gracePeriod: String(grace) });
    for (const c of pod.containers) {
      if (c.timer !== null) c.timer.cancelled = true;
      c.timer = null;
      // The kubelet's killContainer: the runtime's StopContainer with the grace period as its timeout.
      if ('running' in c.state && c.engineId !== null) this.engine.stop(c.engineId, { timeout: grace });
    }
    this.passOn(this.engine.takeEvents());
    this.observe();
  }

  pod(name: string): PodStatus {
    const pod = this.get(name);
    const containerStatuses = pod.containers.map((c): PodContainerStatus => ({
      name: c.spec.name,
      image: c.spec.image,
      state: c.state,
      lastState: c.lastState === null ? null : { terminated: c.lastState },
      restartCount: c.restartCount,
      containerId: c.engineId,
      pid: 'running' in c.state && c.engineId !== null ? this.engine.inspect(c.engineId).State.Pid : 0,
      oomScoreAdj: c.oomScoreAdj,
      retryAt: c.timer?.time ?? null,
    }));
    const phase = podPhase(
      pod.spec.restartPolicy,
      pod.containers.map((c) => ({
        state: 'running' in c.state ? 'running' : 'terminated' in c.state ? 'terminated' : 'waiting',
        ...('terminated' in c.state ? { exitCode: c.state.terminated.exitCode } : {}),
        hasLastTermination: c.lastState !== null,
      })),
    );
    return {
      name: pod.spec.name,
      uid: pod.uid,
      phase,
      qosClass: pod.qos,
      restartPolicy: pod.spec.restartPolicy,
      hostname: pod.hostname,
      cgroupPath: pod.cgroup,
      startTime: pod.startTime,
      deletionTimestamp: pod.deletionTimestamp,
      sandbox: { containerId: pod.sandboxId, pid: this.engine.inspect(pod.sandboxId).State.Pid },
      containerStatuses,
    };
  }

  pods(): string[] {
    return [...this.byName.keys()];
  }

  // --- internals ---

  private get(name: string): PodRec {
    if (typeof name !== 'string' || name.length === 0) throw new ValidationError(`a pod name is required; got ${JSON.stringify(name)}`, { path: 'name', value: name });
    const pod = this.byName.get(name);
    if (pod === undefined) throw new NoSuchPodError(name);
    return pod;
  }

  private emit(type: PodEvent['type'], pod: string, container: string | undefined, attributes: Record<string, string>, time: number = this.now()): void {
    this.events.push({ time, type, pod, ...(container === undefined ? {} : { container }), attributes });
  }

  private passOn(events: readonly ContainerEvent[]): void {
    if (this.onContainerEvent !== undefined) for (const e of events) this.onContainerEvent(e);
  }

  /** A new engine container for `c` (attempt = its restartCount), in the sandbox's namespaces and the pod cgroup; the previous dead one is removed. */
  private startContainer(pod: PodRec, c: ContainerRec): void {
    const peer = `container:${pod.sandboxId}`;
    const spec: ContainerSpec = {
      image: c.spec.image,
      name: `k8s_${c.spec.name}_${pod.spec.name}_${NAMESPACE}_${pod.uid}_${c.restartCount}`,
      ...(c.spec.command === undefined ? {} : { command: c.spec.command }),
      cgroupParent: pod.cgroup,
      oomScoreAdj: c.oomScoreAdj,
      // Restarts are the kubelet's, never Docker's restart manager.
      restart: { name: 'no' },
      networkMode: peer,
      ipcMode: peer,
      utsMode: peer,
      ...(pod.spec.shareProcessNamespace ? { pidMode: peer } : {}),
      ...containerEngineLimits(c.spec),
    };
    const previous = c.engineId;
    const id = this.engine.run(spec);
    if (previous !== null) this.engine.rm(previous, { force: true });
    c.engineId = id;
    c.startedAt = this.now();
    c.state = { running: { startedAt: this.now() } };
  }

  /** Exits of the pods' containers since the last look, each at its FinishedAt; deletions that can finish. */
  private observe(): void {
    for (const pod of [...this.byName.values()]) {
      for (const c of pod.containers) {
        if (!('running' in c.state) || c.engineId === null) continue;
        const st = this.engine.inspect(c.engineId).State;
        if (st.Running) continue;
        this.exited(pod, c, st.ExitCode, st.OOMKilled, st.FinishedAt ?? this.now());
      }
      if (pod.deletionTimestamp !== null && !pod.containers.some((c) => 'running' in c.state)) this.finishDeletion(pod);
    }
  }

  private exited(pod: PodRec, c: ContainerRec, exitCode: number, oomKilled: boolean, finishedAt: number): void {
    const terminated: PodContainerTerminated = {
      exitCode,
      reason: oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
      startedAt: c.startedAt,
      finishedAt,
      containerId: c.engineId!,
    };
    c.state = { terminated };
    this.emit('pod.container.terminated', pod.spec.name, c.spec.name, { exitCode: String(exitCode), reason: terminated.reason }, finishedAt);
    const policy = pod.spec.restartPolicy;
    const restart = pod.deletionTimestamp === null && (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0));
    if (!restart) return;
    c.lastState = terminated;
    this.retry(pod, c, finishedAt);
  }

  /** The kubelet's doBackOff for `c`, which exited at `finishedAt`: restart now, or wait in CrashLoopBackOff. */
  private retry(pod: PodRec, c: ContainerRec, finishedAt: number): void {
    const d = crashLoopDecision(c.backoff, finishedAt, this.now());
    if (!d.restart) {
      c.state = { waiting: { reason: 'CrashLoopBackOff' } };
      c.timer = this.schedule(pod.spec.name, c.spec.name, d.retryAt);
      this.emit('pod.container.backoff', pod.spec.name, c.spec.name, { retryAt: String(d.retryAt), backoff: String(d.retryAt - finishedAt) });
      return;
    }
    c.backoff = d.next;
    c.restartCount++;
    try {
      this.startContainer(pod, c);
    } catch {
      // The sandbox is gone (its namespaces cannot be joined): the model does not recreate sandboxes.
      c.state = { waiting: { reason: 'ContainerCreating' } };
      return;
    }
    this.emit('pod.container.started', pod.spec.name, c.spec.name, { restartCount: String(c.restartCount), containerId: c.engineId! });
  }

  private fire(t: Timer): void {
    const pod = this.byName.get(t.pod);
    const c = pod?.containers.find((x) => x.spec.name === t.container);
    if (pod === undefined || c === undefined || c.timer !== t) return;
    c.timer = null;
    this.retry(pod, c, c.lastState!.finishedAt);
  }

  /** Every app container has stopped: the sandbox is killed (StopPodSandbox), the containers and the pod cgroup removed. */
  private finishDeletion(pod: PodRec): void {
    const sandbox = this.engine.inspect(pod.sandboxId);
    if (sandbox.State.Running) this.engine.kill(pod.sandboxId, 'SIGKILL');
    for (const c of pod.containers) if (c.engineId !== null) this.engine.rm(c.engineId, { force: true });
    this.engine.rm(pod.sandboxId, { force: true });
    this.passOn(this.engine.takeEvents());
    const kernel = this.engine.kernel;
    if (kernel.cgroups().includes(pod.cgroup)) kernel.rmdir(pod.cgroup);
    this.byName.delete(pod.spec.name);
    this.emit('pod.deleted', pod.spec.name, undefined, {});
  }

  private schedule(pod: string, container: string, time: number): Timer {
    return this.timers.add(time, { pod, container });
  }
}
