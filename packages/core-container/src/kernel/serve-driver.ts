// Runs the `serve` steps of a kernel's processes: worker threads as scheduler tasks (counted in
// pids), Poisson arrivals from the kernel's timers, the backlog, per-request memory, and what a
// stop, freeze, move or exit does to a server. The kernel calls in; the driver calls back through
// ServeHost. The request-level state itself is request-server.ts.
import { createRandomStream } from '@strata/core-sim';
import type { Micros, ServeStep } from '@strata/shared-types';
import type { MemoryModel, MemoryProcessRef, OomOutcome } from '../memory/types.js';
import type { CgroupNode } from './cgroup-tree.js';
import type { DemandScheduler } from './cpu-demand.js';
import type { CpuGroups } from './cpu-groups.js';
import type { PidsAccounting } from './pids-accounting.js';
import { isHeld, type Proc } from './process.js';
import { LatencyRecord, RequestServer, type TaskRef, type Worker } from './request-server.js';
import type { TimerQueue } from './timer-queue.js';
import { cpuTimeFor } from './cpu-speed.js';
import type { KernelEvent } from './types.js';

/** What the driver needs of the kernel. */
export interface ServeHost {
  readonly sched: DemandScheduler;
  readonly pids: PidsAccounting;
  readonly cpuGroups: CpuGroups;
  readonly mem: MemoryModel;
  readonly timers: TimerQueue;
  readonly seed: number | string;
  /** Work per CPU-µs the CPUs deliver now. */
  readonly speed: number;
  now(): Micros;
  countStep(): void;
  emit(e: KernelEvent): void;
  oomKill(out: OomOutcome): void;
  /** `p`'s server ended: its main thread may go on. */
  serverEnded(p: Proc): void;
}

export class ServeDriver {
  private readonly serving = new Set<Proc>();
  /**
   * Every worker task's completion handler (its tag is the worker): the scheduler calls it when the
   * worker's request has had its CPU, never after `stop` removed the task.
   */
  private readonly workerDone = (_task: TaskRef, w: Worker<Proc>): void => this.requestServed(w.proc, w);

  constructor(private readonly host: ServeHost) {}

  /** Start `step` in `p`: the errno when its worker threads cannot all be created (pids.max). */
  start(p: Proc, step: ServeStep): 'EAGAIN' | null {
    const h = this.host;
    // Worker threads are tasks: each counts in pids.current, as threads do.
    for (let i = 0; i < step.workers; i++) {
      const limited = h.pids.overLimit(p.cgroup);
      if (limited !== null) {
        for (let j = 0; j < i; j++) h.pids.uncharge(p.cgroup);
        h.pids.recordFailure(limited);
        h.emit({ type: 'pids.fork_failed', time: h.now(), cgroup: limited.path, pid: p.pid });
        return 'EAGAIN';
      }
      h.pids.charge(p.cgroup);
    }
    p.latency ??= new LatencyRecord(() => createRandomStream(h.seed, `latency-sample/${p.pid}/${p.taskId}`));
    const server = new RequestServer<Proc>(step, p.latency, createRandomStream(h.seed, `arrivals/${p.taskId}/${p.servesStarted++}`), h.now());
    for (let i = 0; i < step.workers; i++) {
      const taskId = `${p.taskId}.w${p.servesStarted}.${i}`;
      // `task` is filled in once the task exists (it needs the worker as its tag first).
      // The worker is also its task's mirror in the demand scheduler (`addTaskInto`): one object per thread.
      const w: Worker<Proc> = { proc: p, taskId, task: null as unknown as TaskRef, busyWith: null, startUsec: 0, workLeft: 0, cpuAsked: 0, owed: null, dGroup: null, dRunnable: false, dDemand: 1, dInner: null, dDone: undefined, dTag: undefined, dCpu: -1 };
      h.sched.addTaskInto(taskId, h.cpuGroups.groupOf(p.cgroup), { nice: p.nice, runnable: false, onWorkDone: this.workerDone, tag: w }, w);
      w.task = h.sched.taskRef(taskId);
      server.addWorker(w);
    }
    p.server = server;
    this.serving.add(p);
    p.activity = { kind: 'serve' };
    this.scheduleArrival(p, server, server.nextGap());
    return null;
  }

  /** An arrival timer of `p` fired (`token`: which of its serve steps armed it). */
  arrival(p: Proc, token: number): void {
    const server = p.server;
    if (p.zombie || server === null || token !== p.servesStarted || !server.accepting) return;
    const now = this.host.now();
    // The next gap is drawn first, so that reaching the server's random stream overlaps the other
    // loads of this arrival; the stream is the server's own, so the draws are the same (a server
    // that ends during this arrival never draws again).
    const gap = server.nextGap();
    if (server.takeArrival()) {
      const w = isHeld(p) ? undefined : server.idleWorker();
      if (w !== undefined) this.assign(p, w, now);
      else server.enqueue(now);
    }
    if (p.server === server) this.scheduleArrival(p, server, gap);
  }

  /** CPU µs of `p`'s live worker threads. */
  workerCpu(p: Proc): number {
    let total = 0;
    if (p.server !== null) for (const w of p.server.workers) total += this.host.sched.slotCpuUsec(w, w.taskId);
    return total;
  }

  /** `p` moves cgroups: its threads' pids charges and scheduler places follow it. */
  move(p: Proc, from: CgroupNode, to: CgroupNode): void {
    for (const w of p.server?.workers ?? []) {
      this.host.pids.move(from, to);
      this.host.cpuGroups.placeTask(w.taskId, to);
    }
  }

  /** Every thread of `p` stops: busy workers keep what their request still needs; arrivals keep queueing. */
  hold(p: Proc): void {
    const server = p.server;
    if (server === null) return;
    for (const w of server.workers) {
      if (w.busyWith === null) continue;
      const stats = this.host.sched.taskStats(w.taskId);
      w.owed = Math.max(0, w.workLeft - (stats.cpuUsec - w.startUsec) * this.host.speed);
      if (stats.state === 'runnable') this.host.sched.blockRef(w.task);
    }
  }

  /** `p` runs again: workers finish what they owe, idle ones take queued requests. */
  release(p: Proc): void {
    const server = p.server;
    if (server === null) return;
    for (const w of server.workers) {
      if (w.owed === null) continue;
      const owed = w.owed;
      w.owed = null;
      if (owed > 0) this.runRequest(w, owed);
      else this.requestServed(p, w);
    }
    for (let w = server.idleWorker(); w !== undefined && server.queued > 0 && p.server === server; w = server.idleWorker()) this.assign(p, w, server.dequeue()!);
  }

  /** End the serving threads: fold their CPU time into the process, drop their tasks and pids charges. */
  stop(p: Proc): void {
    const server = p.server;
    if (server === null) return;
    server.flushArrivals();
    const h = this.host;
    for (const w of server.workers) {
      p.workerCpu += h.sched.taskCpuUsec(w.taskId);
      h.sched.removeTask(w.taskId);
      h.pids.uncharge(p.cgroup);
    }
    p.server = null;
    this.serving.delete(p);
  }

  /** The CPUs' speed changes from `from` to `to`: every request on a CPU keeps its work done and asks anew. */
  replan(from: number, to: number): void {
    const sched = this.host.sched;
    for (const p of this.serving) {
      for (const w of p.server?.workers ?? []) {
        if (w.busyWith === null || w.owed !== null) continue;
        const stats = sched.taskStats(w.taskId);
        const left = Math.max(0, w.workLeft - (stats.cpuUsec - w.startUsec) * from);
        if (stats.state === 'runnable') sched.blockRef(w.task);
        w.startUsec = stats.cpuUsec;
        w.workLeft = left;
        w.cpuAsked = cpuTimeFor(left, to);
        sched.wakeRef(w.task, w.cpuAsked);
      }
    }
  }

  /** Put `work` of a request on worker `w`'s CPU, from its CPU time now. */
  private runRequest(w: Worker<Proc>, work: number): void {
    const sched = this.host.sched;
    w.startUsec = sched.taskCpuUsec(w.taskId);
    w.workLeft = work;
    w.cpuAsked = cpuTimeFor(work, this.host.speed);
    sched.wakeRef(w.task, w.cpuAsked);
  }

  /** Arm the next arrival `gap` µs from now, or stop accepting when the duration or request count is reached. */
  private scheduleArrival(p: Proc, server: RequestServer<Proc>, gap: number): void {
    const t = this.host.now() + gap;
    if (!server.moreArrivals || (server.endsAt !== null && t >= server.endsAt) || !Number.isSafeInteger(t)) {
      server.accepting = false;
      if (server.finished) this.finished(p);
      return;
    }
    this.host.timers.push(t, p.pid, p.servesStarted, 'arrival', p);
  }

  private assign(p: Proc, w: Worker<Proc>, arrival: number): void {
    this.host.countStep();
    const step = p.server!.step;
    const memory = p.server!.requestBytes;
    if (memory > 0 && !this.chargeRequest(p, memory)) {
      if (p.server !== null) p.server.record.drop();
      return;
    }
    w.busyWith = arrival;
    if (step.cpu > 0) this.wakeForRequest(w, step.cpu);
    else this.requestServed(p, w);
  }

  private requestServed(p: Proc, w: Worker<Proc>): void {
    const server = p.server;
    if (server === null || w.busyWith === null) return;
    server.record.add(this.host.now() - w.busyWith);
    w.busyWith = null;
    // The task used exactly the CPU time asked (a whole burst): the next request starts from there.
    w.startUsec += w.cpuAsked;
    w.cpuAsked = 0;
    if (server.requestBytes > 0) this.host.mem.unchargeRef(this.memRef(p), 'anon', server.requestBytes);
    const next = isHeld(p) ? undefined : server.dequeue();
    if (next !== undefined) this.assign(p, w, next);
    else if (server.finished) this.finished(p);
  }

  /** A new request on `w`: its task's CPU time is known from the last one, so no lookup is needed. */
  private wakeForRequest(w: Worker<Proc>, work: number): void {
    w.workLeft = work;
    w.cpuAsked = cpuTimeFor(work, this.host.speed);
    this.host.sched.wakeRef(w.task, w.cpuAsked);
  }

  /** `p`'s record in the memory model, resolved at its first request. */
  private memRef(p: Proc): MemoryProcessRef {
    return (p.memRef ??= this.host.mem.processRef(p.pid));
  }

  /** Charge a request's memory; false when it cannot be had (the request is dropped) or the server died for it. */
  private chargeRequest(p: Proc, bytes: number): boolean {
    if (this.host.mem.tryChargeRef(this.memRef(p), 'anon', bytes)) return true;
    for (let tries = 0; tries < 2; tries++) {
      const out = this.host.mem.charge(p.pid, 'anon', bytes);
      if (out.kind === 'charged') return true;
      if (out.kind !== 'oom' || out.victims.length === 0) return false;
      this.host.oomKill(out);
      if (p.zombie) return false;
    }
    return false;
  }

  private finished(p: Proc): void {
    this.stop(p);
    this.host.serverEnded(p);
  }
}
