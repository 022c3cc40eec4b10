// CFS-style weighted fair scheduling (Linux before EEVDF): per-CPU run queues ordered by
// vruntime, Linux's nice→weight table, sched_latency / min_granularity / wakeup_granularity
// scaled by 1 + ilog2(min(ncpus, 8)), START_DEBIT for new tasks and GENTLE_FAIR_SLEEPERS
// placement for waking ones, wake-up preemption, idle CPUs pulling work and a periodic balancer.
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import { NICE_0_WEIGHT } from '../nice-weights.js';
import type { AloneRun, DepartReason, EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { NOT_ALONE, sumsExactly, wholeSlicesWithin } from './alone-run.js';
import { IndexedHeap } from '../run-queue/indexed-heap.js';
import { positiveInteger, positiveNumber } from './policy-options.js';
import { queueMisuse } from './queue-misuse.js';

/** CFS tunables in the caller's time unit. */
export interface CfsTunables {
  /** sched_latency: the period in which every runnable task should run once. */
  readonly latency: number;
  /** sched_min_granularity: the shortest slice. */
  readonly minGranularity: number;
  /** sched_wakeup_granularity: how far ahead a waking task must be to preempt. */
  readonly wakeupGranularity: number;
}

/** Options of `createCfsPolicy`. Tunables default to `cfsTunables(cpus, 1000)` (time unit µs). */
export interface CfsOptions extends Partial<CfsTunables> {
  /** Number of CPUs (default 1). */
  readonly cpus?: number;
  /** START_DEBIT: a new task starts one virtual slice after min_vruntime (default true). */
  readonly startDebit?: boolean;
  /** GENTLE_FAIR_SLEEPERS: a waking task is placed at most latency/2 (else latency) before min_vruntime (default true). */
  readonly gentleSleepers?: boolean;
  /** Period of the load balancer on more than one CPU (default 16000 = 16 ms in µs). */
  readonly balanceInterval?: number;
}

/**
 * Linux's default tunables (6 ms, 0.75 ms, 1 ms) scaled by 1 + ilog2(min(cpus, 8)), expressed
 * in a time unit with `unitsPerMs` units per millisecond (1000 for µs, 1 for 1 tick = 1 ms).
 */
export function cfsTunables(cpus: number, unitsPerMs = 1000): CfsTunables {
  const n = Math.min(positiveInteger('cpus', cpus, 1), 8);
  const factor = 1 + Math.floor(Math.log2(n));
  const u = positiveNumber('unitsPerMs', unitsPerMs, 1000);
  return { latency: 6 * factor * u, minGranularity: 0.75 * factor * u, wakeupGranularity: 1 * factor * u };
}

/**
 * CFS. A task's slice is period·w/Σw of its CPU's queue (period = max(latency, nr·minGranularity),
 * at least minGranularity, rounded up to a whole time unit); it accrues vruntime += ran·1024/w.
 * A new task goes to an idle allowed CPU, else the least loaded one; a waking task prefers its
 * previous CPU when idle. An idle CPU pulls a waiting task; every `balanceInterval` a queue with
 * at least two more runnable tasks than another gives one waiting task away. vruntime is re-based
 * on min_vruntime when a task changes queue. Like Linux, fairness is per CPU: three hogs on two
 * CPUs get 1/2, 1/2 and 1 of a CPU, not 2/3 each.
 */
export function createCfsPolicy(options: CfsOptions = {}): SchedPolicy {
  const cpus = positiveInteger('cpus', options.cpus, 1);
  const d = cfsTunables(cpus);
  return new CfsPolicy(
    cpus,
    positiveNumber('latency', options.latency, d.latency),
    positiveNumber('minGranularity', options.minGranularity, d.minGranularity),
    positiveNumber('wakeupGranularity', options.wakeupGranularity, d.wakeupGranularity),
    options.startDebit ?? true,
    options.gentleSleepers ?? true,
    positiveInteger('balanceInterval', options.balanceInterval, 16000),
  );
}

interface CfsRq {
  readonly heap: IndexedHeap;
  /** The running entity, or -1. */
  curr: number;
  /** An entity put back but not yet reinserted: pickNext usually takes it or swaps it for the top in one sift. */
  pending: number;
  /** Runnable entities on this queue, current included. */
  nr: number;
  /** Sum of their load weights. */
  load: number;
  minVruntime: number;
}

class CfsPolicy implements SchedPolicy {
  readonly name = 'cfs';
  readonly queueing = 'per-cpu';
  readonly workConserving = true;
  readonly timerWalks = 'cpus';
  private readonly vruntime: number[] = [];
  private readonly sumExec: number[] = [];
  private readonly sliceStart: number[] = [];
  /** CPU whose queue holds the entity (-1 when not runnable). */
  private readonly rqOf: number[] = [];
  /** CPU the entity last ran or waited on (-1 when never placed). */
  private readonly lastCpu: number[] = [];
  private readonly ents: SchedEntity[] = [];
  private readonly rqs: CfsRq[] = [];
  private readonly nrLatency: number;

  constructor(
    private readonly cpus: number,
    private readonly latency: number,
    private readonly minGranularity: number,
    private readonly wakeupGranularity: number,
    private readonly startDebit: boolean,
    private readonly gentleSleepers: boolean,
    private readonly balanceInterval: number,
  ) {
    for (let c = 0; c < cpus; c++) {
      this.rqs.push({ heap: new IndexedHeap(this.vruntime), curr: -1, pending: -1, nr: 0, load: 0, minVruntime: 0 });
    }
    this.nrLatency = latency / minGranularity;
  }

  enqueue(e: SchedEntity, _now: number, reason: EnqueueReason): void {
    const id = e.id;
    if ((this.rqOf[id] ?? -1) >= 0) throw queueMisuse(this.name, id, 'queued', 'enqueue');
    const initial = this.lastCpu[id] === undefined;
    if (initial) {
      this.ents[id] = e;
      this.sumExec[id] = 0;
      this.lastCpu[id] = -1;
      this.vruntime[id] = 0;
    }
    const prev = this.lastCpu[id]!;
    const target = this.selectCpu(e, prev);
    const rq = this.rqs[target]!;
    this.flush(rq);
    if (reason === 'arrival' && initial) {
      // START_DEBIT: the newcomer pays one virtual slice, computed as if already queued.
      const debit = this.startDebit ? (this.period(rq.nr + 1) * NICE_0_WEIGHT) / (rq.load + e.loadWeight) : 0;
      this.vruntime[id] = rq.minVruntime + debit;
    } else {
      if (prev >= 0 && prev !== target) this.vruntime[id] = this.vruntime[id]! - this.rqs[prev]!.minVruntime + rq.minVruntime;
      const thresh = this.gentleSleepers ? this.latency / 2 : this.latency;
      this.vruntime[id] = Math.max(this.vruntime[id]!, rq.minVruntime - thresh);
    }
    rq.heap.push(id);
    rq.nr++;
    rq.load += e.loadWeight;
    this.rqOf[id] = target;
    this.lastCpu[id] = target;
  }

  dequeue(e: SchedEntity): void {
    const cpu = this.rqOf[e.id] ?? -1;
    if (cpu < 0 || this.rqs[cpu]!.curr === e.id) throw queueMisuse(this.name, e.id, 'not queued', 'dequeue');
    const rq = this.rqs[cpu]!;
    this.flush(rq);
    rq.heap.remove(e.id);
    rq.nr--;
    rq.load -= e.loadWeight;
    this.rqOf[e.id] = -1;
    this.updateMin(rq);
  }

  pickNext(cpu: number): SchedEntity | undefined {
    const rq = this.rqs[cpu]!;
    let id: number;
    const p = rq.pending;
    if (p >= 0) {
      rq.pending = -1;
      id = rq.heap.size === 0 || rq.heap.less(p, rq.heap.peek()) ? p : rq.heap.replaceTop(p);
    } else if (rq.heap.size > 0) {
      id = rq.heap.pop();
    } else {
      id = this.pull(cpu);
      if (id < 0) return undefined;
    }
    rq.curr = id;
    this.sliceStart[id] = this.sumExec[id]!;
    return this.ents[id];
  }

  sliceLength(e: SchedEntity, cpu: number): number {
    const used = this.sumExec[e.id]! - this.sliceStart[e.id]!;
    return Math.max(1, Math.ceil(this.idealSlice(e, this.rqs[cpu]!) - used));
  }

  account(e: SchedEntity, cpu: number, ran: number): void {
    const id = e.id;
    this.sumExec[id]! += ran;
    this.vruntime[id]! += (ran * NICE_0_WEIGHT) / e.loadWeight;
    this.updateMin(this.rqs[cpu]!);
  }

  runAlone(e: SchedEntity, cpu: number, _now: number, window: number): AloneRun {
    // Each round: the slice is charged (sum_exec, vruntime, min_vruntime), the task is put back as
    // pending and picked again with a fresh slice of the same length (it is alone on its queue).
    const id = e.id;
    const rq = this.rqs[cpu]!;
    if (rq.nr !== 1 || rq.heap.size !== 0 || rq.pending >= 0) return NOT_ALONE;
    const first = this.sliceLength(e, cpu);
    const slice = Math.max(1, Math.ceil(this.idealSlice(e, rq)));
    const run = wholeSlicesWithin(first, slice, window);
    if (run.slices === 0) return run;
    // vruntime grows by ran·1024/w per slice in float: skip only when every addition is exact.
    const perSlice = (slice * NICE_0_WEIGHT) / e.loadWeight;
    const firstDelta = (first * NICE_0_WEIGHT) / e.loadWeight;
    const v = this.vruntime[id]!;
    if (!sumsExactly(v, firstDelta, 1) || !sumsExactly(v + firstDelta, perSlice, run.slices - 1) || !sumsExactly(this.sumExec[id]!, 1, run.ran)) return NOT_ALONE;
    this.vruntime[id] = v + firstDelta + (run.slices - 1) * perSlice;
    this.sumExec[id]! += run.ran;
    this.sliceStart[id] = this.sumExec[id]!;
    this.updateMin(rq);
    return run;
  }

  shouldPreempt(cpu: number, e: SchedEntity, woken: readonly SchedEntity[]): boolean {
    const rq = this.rqs[cpu]!;
    if (rq.heap.size === 0) return false;
    // check_preempt_tick: the slice is used up.
    if (this.sumExec[e.id]! - this.sliceStart[e.id]! >= this.idealSlice(e, rq)) return true;
    // check_preempt_wakeup: a waking task on this queue is more than wakeup_gran (in its own virtual time) behind.
    const vr = this.vruntime[e.id]!;
    for (const w of woken) {
      if (this.rqOf[w.id] !== cpu || rq.curr === w.id) continue;
      if (vr - this.vruntime[w.id]! > (this.wakeupGranularity * NICE_0_WEIGHT) / w.loadWeight) return true;
    }
    return false;
  }

  putPrev(e: SchedEntity, cpu: number, _now: number, _reason: PutPrevReason): void {
    const rq = this.rqs[cpu]!;
    rq.curr = -1;
    this.flush(rq);
    rq.pending = e.id;
  }

  depart(e: SchedEntity, cpu: number, _now: number, _reason: DepartReason): void {
    const rq = this.rqs[cpu]!;
    rq.curr = -1;
    rq.nr--;
    rq.load -= e.loadWeight;
    this.rqOf[e.id] = -1;
    this.updateMin(rq);
  }

  nextTimer(now: number): number {
    if (this.cpus === 1) return Infinity;
    return (Math.floor(now / this.balanceInterval) + 1) * this.balanceInterval;
  }

  onTimer(): void {
    // Move one waiting task from the queue with the most runnable tasks to the one with the fewest.
    let most = 0;
    let least = 0;
    for (let c = 1; c < this.cpus; c++) {
      if (this.rqs[c]!.nr > this.rqs[most]!.nr) most = c;
      if (this.rqs[c]!.nr < this.rqs[least]!.nr) least = c;
    }
    const from = this.rqs[most]!;
    if (from.nr - this.rqs[least]!.nr < 2) return;
    this.flush(from);
    const id = from.heap.popBest((i) => canRunOn(this.ents[i]!, least));
    if (id >= 0) this.migrate(id, from, least);
  }

  private period(nr: number): number {
    return nr > this.nrLatency ? nr * this.minGranularity : this.latency;
  }

  private idealSlice(e: SchedEntity, rq: CfsRq): number {
    return Math.max(this.minGranularity, (this.period(rq.nr) * e.loadWeight) / rq.load);
  }

  /** update_min_vruntime: min_vruntime only moves forward, towards min(curr, leftmost). */
  private updateMin(rq: CfsRq): void {
    let v = Infinity;
    if (rq.curr >= 0) v = this.vruntime[rq.curr]!;
    if (rq.heap.size > 0) v = Math.min(v, this.vruntime[rq.heap.peek()]!);
    if (rq.pending >= 0) v = Math.min(v, this.vruntime[rq.pending]!);
    if (v !== Infinity && v > rq.minVruntime) rq.minVruntime = v;
  }

  private flush(rq: CfsRq): void {
    if (rq.pending >= 0) {
      rq.heap.push(rq.pending);
      rq.pending = -1;
    }
  }

  private isIdle(cpu: number): boolean {
    const rq = this.rqs[cpu]!;
    return rq.curr < 0 && rq.nr === 0;
  }

  /** select_task_rq: the previous CPU if idle, else the first idle allowed CPU, else the least loaded (previous wins ties). */
  private selectCpu(e: SchedEntity, prev: number): number {
    if (prev >= 0 && canRunOn(e, prev) && this.isIdle(prev)) return prev;
    let best = -1;
    for (let c = 0; c < this.cpus; c++) {
      if (!canRunOn(e, c)) continue;
      if (this.isIdle(c)) return c;
      if (best < 0 || this.rqs[c]!.load < this.rqs[best]!.load || (c === prev && this.rqs[c]!.load === this.rqs[best]!.load)) best = c;
    }
    if (best < 0) throw queueMisuse(this.name, e.id, `affinity ${JSON.stringify(e.affinity)} outside 0..${this.cpus - 1}`, 'enqueue');
    return best;
  }

  /**
   * Idle balance: from the queue with the most waiting tasks (lower CPU first on ties) that holds
   * one allowed here, take the leftmost such task.
   */
  private pull(cpu: number): number {
    const tried: boolean[] = [];
    for (;;) {
      let src = -1;
      let most = 0;
      for (let c = 0; c < this.cpus; c++) {
        if (c === cpu || tried[c] === true) continue;
        const rq = this.rqs[c]!;
        const waiting = rq.heap.size + (rq.pending >= 0 ? 1 : 0);
        if (waiting > most) {
          most = waiting;
          src = c;
        }
      }
      if (src < 0) return -1;
      tried[src] = true;
      const from = this.rqs[src]!;
      this.flush(from);
      const id = from.heap.popBest((i) => canRunOn(this.ents[i]!, cpu));
      if (id < 0) continue;
      this.migrate(id, from, cpu);
      this.rqs[cpu]!.heap.remove(id); // it runs at once
      return id;
    }
  }

  /** Move waiting task `id`, already out of `from`'s heap, onto `cpu`'s queue. */
  private migrate(id: number, from: CfsRq, cpu: number): void {
    const e = this.ents[id]!;
    const to = this.rqs[cpu]!;
    const relative = this.vruntime[id]! - from.minVruntime;
    from.nr--;
    from.load -= e.loadWeight;
    this.updateMin(from);
    this.flush(to);
    this.vruntime[id] = relative + to.minVruntime;
    to.heap.push(id);
    to.nr++;
    to.load += e.loadWeight;
    this.rqOf[id] = cpu;
    this.lastCpu[id] = cpu;
  }
}
