// The exact CPU simulator: N CPUs driven by one SchedPolicy, every slice, preemption, context
// switch, I/O wait and idle stretch simulated. External happenings (arrivals, wake-ups, policy
// timers) are core-sim events. By default slices run in a tight loop up to the next event
// ('tight-loop'); 'event-per-slice' makes every slice end a core-sim event instead. Both give
// identical results because both follow one same-instant order:
//   1. runs ending now are charged and requeued (slice expiry) or leave (block, finish), CPU by CPU;
//   2. policy timers, then arrivals (in task order), then wake-ups (in the order they were due);
//   3. idle CPUs pick; then, if step 2 happened, each busy CPU is asked whether to yield.
import { createSimulation } from '@strata/core-sim';
import type { EventKey, SimHandle, Simulation } from '@strata/core-sim';
import { InternalError, LimitExceededError } from '@strata/shared-types';
import type { SchedEntity } from '../entity.js';
import type { SchedPolicy } from '../policy.js';
import type { Segment } from './segment-log.js';
import { SegmentLog } from './segment-log.js';
import type { NormalizedTask, TaskSpec } from './task-spec.js';
import { DEMAND_BURSTS, DEMAND_LENGTH, DEMAND_PERIODIC, normalizeTasks } from './task-spec.js';
import { invalidValue } from '../value-checks.js';
import type { RunControl, RunProgress } from '../work-budget.js';
import { formatCount, resolveMaxSteps, resolveProgressEvery, workBudgetError } from '../work-budget.js';

/** Everything a policy factory may need: the CPU count and the simulation (for `rng`). */
export interface PolicyContext {
  readonly cpus: number;
  readonly sim: SimHandle;
}

/** Options of `simulateCpu`. */
export interface CpuSimOptions {
  /** The tasks; task i becomes entity id i. */
  readonly tasks: readonly TaskSpec[];
  /** The policy, built for `cpus` CPUs, or a factory called with the CPU count and the simulation. */
  readonly policy: SchedPolicy | ((ctx: PolicyContext) => SchedPolicy);
  /** Number of CPUs (default 1). */
  readonly cpus?: number;
  /** Cost of switching a CPU from one task to a different one, an integer ≥ 0 (default 0). */
  readonly contextSwitch?: number;
  /** The simulation to run on (default: a fresh one with seed 0, starting at 0). */
  readonly sim?: Simulation;
  /** Stop at this time even if tasks remain (default: when every task has finished). */
  readonly until?: number;
  /** Record the timeline (default true). Off, a run allocates nothing per slice. */
  readonly recordTimeline?: boolean;
  /** How slices are driven (default 'tight-loop'); 'event-per-slice' needs integer lengths and at most 512 CPUs. */
  readonly driver?: 'tight-loop' | 'event-per-slice';
  /**
   * Skip work whose outcome is known (default true): a lone runnable task is fast-forwarded over
   * whole slices (`SchedPolicy.runAlone`, tight-loop driver only) and idle CPUs are not asked to
   * pick while nothing waits. Results are identical either way; false is the reference for tests.
   */
  readonly shortcuts?: boolean;
  /** The work budget (steps: slices run plus events executed) and progress reports. */
  readonly control?: RunControl;
}

/** Per-task outcome. Times are absolute; `undefined` when the event did not happen before the end. */
export interface TaskResult {
  readonly id: number;
  readonly arrival: number;
  /** Total CPU demand. */
  readonly length: number;
  readonly firstRun: number | undefined;
  readonly completion: number | undefined;
  /** firstRun − arrival. */
  readonly response: number | undefined;
  /** completion − arrival. */
  readonly turnaround: number | undefined;
  /** Time runnable but not running (waiting in a queue, or while a context switch to it is made). */
  readonly wait: number;
  readonly cpuTime: number;
  /** Time spent blocked (I/O, sleep, waiting for the next period). */
  readonly blockedTime: number;
  /** Number of waits (I/Os) the task started. */
  readonly ioCount: number;
  /** Times the task was switched onto a CPU that last ran something else or nothing. */
  readonly contextSwitches: number;
  /** Times the task was taken off a CPU while still runnable and something else ran there next. */
  readonly preemptions: number;
  /** Jobs (bursts) that completed after their deadline. */
  readonly deadlineMisses: number;
}

/** Outcome of `simulateCpu`. */
export interface CpuSimResult {
  readonly tasks: readonly TaskResult[];
  /** Segments ordered by start time then CPU (empty when `recordTimeline` is false). */
  readonly timeline: readonly Segment[];
  /** Time at which the run ended: the last completion, or `until`. */
  readonly endTime: number;
  /** Time at which the last task finished (equals endTime when every task finished). */
  readonly makespan: number;
  /** Task run time per CPU. */
  readonly busy: readonly number[];
  /** Context-switch time per CPU. */
  readonly switching: readonly number[];
  /** Slices run (a slice is one stretch from a pick until the task stops or its slice ends). */
  readonly slices: number;
  /** core-sim events executed (arrivals, wake-ups, timers). */
  readonly events: number;
  /** Steps charged to the work budget: slices actually simulated (a fast-forwarded stretch is one) plus events. */
  readonly steps: number;
}

/** The latest time the simulator represents exactly. */
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/**
 * Run `tasks` under `policy` on `cpus` CPUs until every task finishes (or `until`). Throws
 * ValidationError for bad options or tasks (before anything runs) and InternalError if the
 * policy strands runnable work with nothing left to happen.
 */
export function simulateCpu(options: CpuSimOptions): CpuSimResult {
  const cpus = options.cpus ?? 1;
  if (!Number.isSafeInteger(cpus) || cpus < 1) throw invalidValue('cpus', cpus, 'a positive integer');
  const cs = options.contextSwitch ?? 0;
  if (!Number.isSafeInteger(cs) || cs < 0) throw invalidValue('contextSwitch', cs, 'an integer ≥ 0');
  const until = options.until ?? Infinity;
  if (!(until >= 0)) throw invalidValue('until', until, 'a number ≥ 0');
  const tasks = normalizeTasks(options.tasks, cpus);
  if (until === Infinity && tasks.some((t) => t.total === Infinity)) throw invalidValue('until', until, 'a finite time when a task has infinite length');
  const driver = options.driver ?? 'tight-loop';
  if (driver !== 'tight-loop' && driver !== 'event-per-slice') throw invalidValue('driver', driver, "'tight-loop' or 'event-per-slice'");
  if (driver === 'event-per-slice') {
    if (cpus > MAX_EVENT_CPUS) throw invalidValue('cpus', cpus, `at most ${MAX_EVENT_CPUS} with driver 'event-per-slice'`);
    const i = tasks.findIndex((t) => t.form === DEMAND_LENGTH && t.total !== Infinity && !Number.isInteger(t.total));
    if (i >= 0) throw invalidValue(`tasks[${i}].length`, tasks[i]!.total, "an integer with driver 'event-per-slice'");
  }
  const sim = options.sim ?? createSimulation({ seed: 0 });
  const policy = typeof options.policy === 'function' ? options.policy({ cpus, sim }) : options.policy;
  const maxSteps = resolveMaxSteps(options.control, 'control.maxSteps');
  const progressEvery = resolveProgressEvery(options.control);
  const shortcuts = options.shortcuts ?? true;
  const run = new CpuRun(tasks, policy, cpus, cs, sim, until, options.recordTimeline ?? true, driver === 'event-per-slice', shortcuts, maxSteps);
  run.watch(options.control?.onProgress, progressEvery);
  return run.run();
}

/** The error for a run whose simulated time would pass 2^53 − 1, where integers stop being exact. */
function timeLimit(at: number): LimitExceededError {
  return new LimitExceededError(`simulated time would reach ${at}, past ${MAX_TIME} (2^53 - 1), the largest time represented exactly; use shorter jobs, waits or periods`, {
    time: at,
    limit: MAX_TIME,
  });
}

/** Same-instant classes: slice ends (CPU order) < policy timers < arrivals and wake-ups < settling. */
const MAX_EVENT_CPUS = 512;
const SLICE_END_PRIORITY = -900;
const TIMER_PRIORITY = -1;
const TASK_PRIORITY = 0;
const SETTLE_PRIORITY = 1000;

class CpuRun {
  private readonly n: number;
  private readonly ents: SchedEntity[];
  // per task
  private readonly remBurst: Float64Array;
  private readonly remTotal: Float64Array;
  private readonly burstIdx: Int32Array;
  private readonly firstRun: Float64Array;
  private readonly completion: Float64Array;
  private readonly cpuTime: Float64Array;
  private readonly waitTime: Float64Array;
  private readonly readySince: Float64Array;
  private readonly blockedTime: Float64Array;
  private readonly blockedSince: Float64Array;
  private readonly releaseTime: Float64Array;
  private readonly ioCount: Int32Array;
  private readonly ctxSwitches: Int32Array;
  private readonly preemptions: Int32Array;
  private readonly misses: Int32Array;
  // per CPU
  private readonly cur: Int32Array;
  private readonly from: Float64Array;
  private readonly plan: Float64Array;
  private readonly end: Float64Array;
  private readonly last: Int32Array;
  private readonly lastRunnable: Uint8Array;
  private readonly picked: Float64Array;
  private readonly busy: Float64Array;
  private readonly switching: Float64Array;

  private readonly log: SegmentLog | undefined;
  private readonly woken: SchedEntity[] = [];
  private readonly wakeHandlers: (() => void)[] = [];
  private done = 0;
  private slices = 0;
  private instant = 0;
  // work budget and shortcuts
  private steps = 0;
  private nextProgress = Infinity;
  private progressEvery = Infinity;
  private onProgress: ((p: RunProgress) => void) | undefined;
  private workTotal = 0;
  /** Runnable tasks not running (queued or put back); idle CPUs need not pick while it is 0. */
  private queued = 0;
  /** CPUs freed since the last dispatch round: those that find nothing must forget their last task. */
  private readonly freed: Int32Array;
  private freedCount = 0;
  /** Whether the lone-task shortcut may run (shortcuts on, the policy has `runAlone`, tight loop). */
  private readonly skipAlone: boolean;
  // event-per-slice driver
  private readonly endKeys: (EventKey | undefined)[] = [];
  private readonly endHandlers: ((h: SimHandle) => void)[] = [];
  private instantTime = NaN;
  private settleTime = NaN;
  private externalTime = NaN;

  constructor(
    private readonly tasks: readonly NormalizedTask[],
    private readonly policy: SchedPolicy,
    private readonly cpus: number,
    private readonly cs: number,
    private readonly sim: Simulation,
    private readonly until: number,
    record: boolean,
    private readonly eventDriven: boolean,
    private readonly shortcuts: boolean,
    private readonly maxSteps: number,
  ) {
    const n = (this.n = tasks.length);
    this.ents = tasks.map((t) => t.entity);
    this.remBurst = new Float64Array(n);
    this.remTotal = new Float64Array(n);
    this.burstIdx = new Int32Array(n);
    this.firstRun = new Float64Array(n).fill(NaN);
    this.completion = new Float64Array(n).fill(NaN);
    this.cpuTime = new Float64Array(n);
    this.waitTime = new Float64Array(n);
    this.readySince = new Float64Array(n);
    this.blockedTime = new Float64Array(n);
    this.blockedSince = new Float64Array(n);
    this.releaseTime = new Float64Array(n);
    this.ioCount = new Int32Array(n);
    this.ctxSwitches = new Int32Array(n);
    this.preemptions = new Int32Array(n);
    this.misses = new Int32Array(n);
    this.cur = new Int32Array(cpus).fill(-1);
    this.from = new Float64Array(cpus);
    this.plan = new Float64Array(cpus);
    this.end = new Float64Array(cpus).fill(Infinity);
    this.last = new Int32Array(cpus).fill(-1);
    this.lastRunnable = new Uint8Array(cpus);
    this.picked = new Float64Array(cpus).fill(-1);
    this.busy = new Float64Array(cpus);
    this.switching = new Float64Array(cpus);
    this.log = record ? new SegmentLog() : undefined;
    this.freed = new Int32Array(cpus); // endRun frees each CPU at most once per dispatch round
    this.skipAlone = shortcuts && policy.runAlone !== undefined && !eventDriven;
    for (let c = 0; c < cpus; c++) {
      this.endKeys.push(undefined);
      this.endHandlers.push((h) => {
        const t = h.now();
        this.endKeys[c] = undefined;
        this.beginInstant(t);
        this.endRun(c, t);
        this.ensureSettle(t);
      });
    }
  }

  run(): CpuSimResult {
    const { sim, n, cpus } = this;
    const start: number = sim.now();
    for (let i = 0; i < n; i++) {
      const t = this.tasks[i]!;
      this.remTotal[i] = t.total;
      this.workTotal += t.total;
      this.wakeHandlers.push(() => this.wake(i));
      // Arrivals are scheduled first and in task order, so at one instant they precede wake-ups.
      sim.at(Math.max(start, t.arrival), () => this.arrive(i), { priority: TASK_PRIORITY });
    }
    this.armTimer(start);
    const eventsBefore = sim.eventsExecuted();
    if (this.eventDriven) return this.result(this.runEvents(start), sim.eventsExecuted() - eventsBefore);
    let now: number = start;
    const cur = this.cur;
    const end = this.end;
    for (;;) {
      if (this.done === n) break;
      if (this.steps >= this.nextProgress) this.checkBudget(now);
      let tCpu = Infinity;
      for (let c = 0; c < cpus; c++) if (end[c]! < tCpu) tCpu = end[c]!;
      const tEv = sim.peek();
      const t = tCpu < tEv ? tCpu : tEv;
      if (t > this.until) {
        now = this.until;
        for (let c = 0; c < cpus; c++) if (cur[c]! >= 0) this.accountTo(c, now);
        break;
      }
      if (t === Infinity) throw new InternalError('the CPU simulation stalled: tasks remain but nothing is running or pending', { policy: this.policy.name, unfinished: n - this.done });
      now = t;
      this.instant++;
      if (tCpu === t) {
        for (let c = 0; c < cpus; c++) if (end[c] === t) this.endRun(c, t);
        if (this.done === n) break;
      }
      if (sim.peek() === t) {
        for (let c = 0; c < cpus; c++) if (cur[c]! >= 0) this.accountTo(c, t);
        this.woken.length = 0;
        while (sim.peek() === t) {
          sim.step();
          this.steps++;
        }
        this.dispatchIdle(t);
        this.checkPreemption(t);
      } else {
        this.dispatchIdle(t);
      }
    }
    return this.result(now, sim.eventsExecuted() - eventsBefore);
  }

  /** The 'event-per-slice' driver: core-sim runs everything; the settle event closes each instant. */
  private runEvents(start: number): number {
    const sim = this.sim;
    let now = start;
    for (;;) {
      if (this.done === this.n) return now;
      const t = sim.peek();
      if (t > this.until) {
        now = this.until;
        for (let c = 0; c < this.cpus; c++) if (this.cur[c]! >= 0) this.accountTo(c, now);
        return now;
      }
      if (t === Infinity) throw new InternalError('the CPU simulation stalled: tasks remain but nothing is running or pending', { policy: this.policy.name, unfinished: this.n - this.done });
      now = t;
      if (this.steps >= this.nextProgress) this.checkBudget(now);
      sim.step();
      this.steps++;
    }
  }

  /** Report progress to `onProgress` every `every` steps (budget checks happen at the same points). */
  watch(onProgress: ((p: RunProgress) => void) | undefined, every: number): void {
    this.onProgress = onProgress;
    this.progressEvery = onProgress === undefined ? Infinity : every;
    this.nextProgress = Math.min(this.progressEvery, this.maxSteps + 1);
  }

  /** Called when `steps` reaches `nextProgress`: stop when the budget is spent, else report progress. */
  private checkBudget(now: number): void {
    if (this.steps > this.maxSteps) {
      throw workBudgetError({
        when: 'exhausted',
        steps: this.steps,
        maxSteps: this.maxSteps,
        reason: `${formatCount(now)} time units simulated, ${this.n - this.done} of ${this.n} tasks unfinished`,
        remedies: ['maxSteps'],
        at: now,
        unfinished: this.n - this.done,
        total: this.n,
      });
    }
    if (this.onProgress !== undefined) {
      const fraction = this.workTotal === Infinity || this.workTotal <= 0 ? (this.until === Infinity ? 0 : Math.min(1, now / this.until)) : this.cpuTime.reduce((a, b) => a + b, 0) / this.workTotal;
      this.onProgress({ steps: this.steps, maxSteps: this.maxSteps, fraction: Math.min(1, Math.max(0, fraction)) });
    }
    this.nextProgress = Math.min(this.steps + this.progressEvery, this.maxSteps + 1);
  }

  private beginInstant(t: number): void {
    if (t !== this.instantTime) {
      this.instantTime = t;
      this.instant++;
    }
  }

  /** First arrival, wake-up or timer of an instant (event driver): charge the running CPUs up to it. */
  private beginExternal(t: number): void {
    if (!this.eventDriven) return;
    this.beginInstant(t);
    if (t !== this.externalTime) {
      this.externalTime = t;
      for (let c = 0; c < this.cpus; c++) if (this.cur[c]! >= 0) this.accountTo(c, t);
      this.woken.length = 0;
    }
    this.ensureSettle(t);
  }

  private ensureSettle(t: number): void {
    if (t === this.settleTime) return;
    this.settleTime = t;
    this.sim.at(t, () => this.settle(t), { priority: SETTLE_PRIORITY });
  }

  /** Step 3 of an instant under the event driver. */
  private settle(t: number): void {
    this.dispatchIdle(t);
    if (this.externalTime === t) this.checkPreemption(t);
  }

  /** Ask each busy CPU that did not just pick whether to yield; a preempted task may then go to an idle CPU. */
  private checkPreemption(t: number): void {
    let preempted = false;
    for (let c = 0; c < this.cpus; c++) {
      if (this.cur[c]! < 0 || this.picked[c] === this.instant) continue;
      const e = this.ents[this.cur[c]!]!;
      if (this.policy.shouldPreempt(c, e, this.woken, t)) {
        this.preempt(c, t);
        preempted = true;
      } else {
        this.replan(c, t > this.from[c]! ? t : this.from[c]!);
      }
    }
    if (preempted) this.dispatchIdle(t);
  }

  private armTimer(now: number): void {
    const at = this.policy.nextTimer(now);
    if (at === Infinity) return;
    if (!(at > now)) throw new InternalError(`policy ${this.policy.name} asked for a timer at ${at}, not after ${now}`);
    this.sim.at(at, (h) => {
      const t = h.now();
      this.beginExternal(t);
      this.policy.onTimer(t);
      // A timer that walks every runnable task (aging, a boost, credit accounting) or every CPU
      // (a balancer) is charged one more step per 64 of them, so that a timer every tick over
      // thousands of jobs cannot run for hours on a budget sized for slices.
      const walks = this.policy.timerWalks;
      if (walks !== undefined) this.steps += (walks === 'cpus' ? this.cpus : this.queued + this.busyCpus()) >> 6;
      this.armTimer(t);
    }, { priority: TIMER_PRIORITY });
  }

  private arrive(i: number): void {
    const t = this.sim.now();
    this.beginExternal(t);
    this.startBurst(i);
    this.readySince[i] = t;
    const e = this.ents[i]!;
    this.policy.enqueue(e, t, 'arrival');
    this.queued++;
    this.woken.push(e);
  }

  private wake(i: number): void {
    const t = this.sim.now();
    this.beginExternal(t);
    this.blockedTime[i] = this.blockedTime[i]! + (t - this.blockedSince[i]!);
    this.startBurst(i);
    this.readySince[i] = t;
    const e = this.ents[i]!;
    this.policy.enqueue(e, t, 'wakeup');
    this.queued++;
    this.woken.push(e);
  }

  /** Set up burst `burstIdx[i]`: its demand and, for a periodic task, its deadline. */
  private startBurst(i: number): void {
    const task = this.tasks[i]!;
    const k = this.burstIdx[i]!;
    switch (task.form) {
      case DEMAND_LENGTH:
        this.remBurst[i] = task.ioFreq > 0 ? Math.min(task.ioFreq, this.remTotal[i]!) : this.remTotal[i]!;
        break;
      case DEMAND_BURSTS:
        this.remBurst[i] = task.bursts[k]!;
        break;
      case DEMAND_PERIODIC: {
        this.remBurst[i] = task.bursts[k]!;
        const release = task.arrival + k * task.period;
        this.releaseTime[i] = release;
        this.ents[i]!.deadline = release + task.relativeDeadline;
        break;
      }
      default: {
        const never: never = task.form;
        throw new InternalError(`unknown demand form ${String(never)}`);
      }
    }
  }

  /** Charge CPU `c`'s current task for the time up to `t`. At its planned end it is charged exactly the planned amount. */
  private accountTo(c: number, t: number): void {
    const f = this.from[c]!;
    if (t <= f) return;
    const id = this.cur[c]!;
    const ran = t === this.end[c] ? this.plan[c]! : t - f;
    const e = this.ents[id]!;
    const log = this.log;
    const level = log !== undefined && this.policy.levelOf !== undefined ? (this.policy.levelOf(e) ?? NaN) : NaN;
    this.charge(c, e, ran);
    this.policy.account(e, c, ran, t);
    if (log !== undefined) log.append(f, t, c, id, level);
    this.from[c] = t;
  }

  /** CPUs running a task (a scan: asked only when nothing waits, or by a timer). */
  private busyCpus(): number {
    let busy = 0;
    for (let c = 0; c < this.cpus; c++) if (this.cur[c]! >= 0) busy++;
    return busy;
  }

  /** Charge `ran` of CPU time run by `e` on CPU `c`: its burst, its total, its CPU time, the CPU's busy time. The policy is charged by the caller. */
  private charge(c: number, e: SchedEntity, ran: number): void {
    const id = e.id;
    this.remBurst[id] = this.remBurst[id]! - ran;
    const left = this.remTotal[id]! - ran;
    this.remTotal[id] = left;
    e.remaining = left;
    this.cpuTime[id] = this.cpuTime[id]! + ran;
    this.busy[c] = this.busy[c]! + ran;
  }

  /** CPU `c`'s planned run ends at `t`: the burst is done (block or finish) or the slice expired. */
  private endRun(c: number, t: number): void {
    this.accountTo(c, t);
    const id = this.cur[c]!;
    const e = this.ents[id]!;
    this.slices++;
    this.steps++;
    this.freed[this.freedCount++] = c;
    this.cur[c] = -1;
    this.end[c] = Infinity;
    this.last[c] = id;
    if (this.remBurst[id] !== 0) {
      this.policy.putPrev(e, c, t, 'expired');
      this.queued++;
      this.readySince[id] = t;
      this.lastRunnable[c] = 1;
      return;
    }
    this.lastRunnable[c] = 0;
    if (t > e.deadline) this.misses[id] = this.misses[id]! + 1;
    const task = this.tasks[id]!;
    const k = this.burstIdx[id]! + 1;
    this.burstIdx[id] = k;
    const finished = task.form === DEMAND_LENGTH ? this.remTotal[id] === 0 : k >= task.bursts.length;
    if (finished) {
      this.completion[id] = t;
      this.done++;
      this.policy.depart(e, c, t, 'finished');
      return;
    }
    this.ioCount[id] = this.ioCount[id]! + 1;
    this.blockedSince[id] = t;
    this.policy.depart(e, c, t, 'blocked');
    let at: number;
    if (task.form === DEMAND_LENGTH) at = t + task.ioTime;
    else if (task.form === DEMAND_BURSTS) at = t + task.waits[k - 1]!;
    else at = Math.max(t, task.arrival + k * task.period);
    if (at > MAX_TIME) throw timeLimit(at);
    this.sim.at(at, this.wakeHandlers[id]!, { priority: TASK_PRIORITY });
  }

  private dispatchIdle(t: number): void {
    if (!this.shortcuts) {
      for (let c = 0; c < this.cpus; c++) if (this.cur[c]! < 0) this.dispatch(c, t);
    } else {
      // With nothing waiting every pick would come back empty: only the forgetting is left to do.
      for (let c = 0; c < this.cpus && this.queued > 0; c++) if (this.cur[c]! < 0) this.dispatch(c, t);
      for (let k = 0; k < this.freedCount; k++) {
        const c = this.freed[k]!;
        if (this.cur[c]! < 0) {
          this.last[c] = -1;
          this.lastRunnable[c] = 0;
        }
      }
    }
    this.freedCount = 0;
  }

  private dispatch(c: number, t: number): void {
    const e = this.policy.pickNext(c, t);
    if (e === undefined) {
      this.last[c] = -1;
      this.lastRunnable[c] = 0;
      return;
    }
    const id = e.id;
    const prev = this.last[c]!;
    let start = t;
    if (id !== prev) {
      this.ctxSwitches[id] = this.ctxSwitches[id]! + 1;
      if (prev >= 0) {
        if (this.lastRunnable[c] === 1) this.preemptions[prev] = this.preemptions[prev]! + 1;
        start = t + this.cs;
        this.switching[c] = this.switching[c]! + this.cs;
      }
    }
    this.cur[c] = id;
    this.last[c] = id;
    this.lastRunnable[c] = 0;
    this.picked[c] = this.instant;
    this.queued--;
    if (Number.isNaN(this.firstRun[id])) this.firstRun[id] = start;
    this.waitTime[id] = this.waitTime[id]! + (start - this.readySince[id]!);
    if (this.skipAlone && this.queued === 0 && this.busyCpus() === 1) {
      start = this.runAlone(c, e, start);
    }
    this.from[c] = start;
    this.replan(c, start);
  }

  /**
   * The lone-task shortcut: `e`, just picked on `c` at `start`, is the only runnable task. Let the
   * policy skip the whole slices that end before anything else can happen (the next event, `until`,
   * the end of the burst), charge them as one stretch per timeline label, and return where it stopped.
   */
  private runAlone(c: number, e: SchedEntity, start: number): number {
    const id = e.id;
    const policy = this.policy;
    // Only on integer times: with a fractional burst the per-slice path rounds at every slice.
    if (!Number.isInteger(start) || !Number.isInteger(this.remBurst[id])) return start;
    for (;;) {
      const window = Math.min(this.sim.peek(), this.until, start + this.remBurst[id]!) - start;
      if (!(window > 0)) return start;
      const level = this.log !== undefined && policy.levelOf !== undefined ? (policy.levelOf(e) ?? NaN) : NaN;
      const skipped = policy.runAlone!(e, c, start, window);
      if (skipped.slices === 0) return start;
      if (!(skipped.ran > 0 && skipped.ran < window)) throw new InternalError(`policy ${policy.name} skipped ${skipped.ran} of a lone window of ${window}`);
      const ran = skipped.ran;
      this.charge(c, e, ran);
      this.log?.append(start, start + ran, c, id, level);
      this.slices += skipped.slices;
      this.steps++;
      start += ran;
    }
  }

  /** Plan CPU `c`'s current run from `origin`: until its slice or its burst ends, whichever is first. */
  private replan(c: number, origin: number): void {
    const id = this.cur[c]!;
    const s = this.policy.sliceLength(this.ents[id]!, c, origin);
    if (!(s > 0)) throw new InternalError(`policy ${this.policy.name} returned slice ${s} for task ${id}; slices must be > 0`);
    const b = this.remBurst[id]!;
    const p = s < b ? s : b;
    if (origin + p > MAX_TIME && origin + p !== Infinity) throw timeLimit(origin + p);
    this.from[c] = origin;
    this.plan[c] = p;
    this.end[c] = origin + p;
    if (this.eventDriven) {
      this.cancelEnd(c);
      if (origin + p !== Infinity) this.endKeys[c] = this.sim.at(origin + p, this.endHandlers[c]!, { priority: SLICE_END_PRIORITY + c });
    }
  }

  private cancelEnd(c: number): void {
    const key = this.endKeys[c];
    if (key !== undefined) {
      this.sim.cancel(key);
      this.endKeys[c] = undefined;
    }
  }

  private preempt(c: number, t: number): void {
    const id = this.cur[c]!;
    if (this.from[c]! > t) {
      // Preempted before the switch to it completed: that part was neither waiting nor switching.
      this.waitTime[id] = this.waitTime[id]! - (this.from[c]! - t);
      this.switching[c] = this.switching[c]! - (this.from[c]! - t);
    }
    if (this.eventDriven) this.cancelEnd(c);
    this.policy.putPrev(this.ents[id]!, c, t, 'preempted');
    this.queued++;
    this.readySince[id] = t;
    this.cur[c] = -1;
    this.end[c] = Infinity;
    this.last[c] = id;
    this.lastRunnable[c] = 1;
    this.slices++;
    this.steps++;
    // Not added to `freed`: dispatch below either fills this CPU or, finding nothing, forgets `id`.
    this.dispatch(c, t);
  }

  private result(endTime: number, events: number): CpuSimResult {
    const tasks: TaskResult[] = [];
    let makespan = 0;
    for (let i = 0; i < this.n; i++) {
      const arrival = this.tasks[i]!.arrival;
      const fr = this.firstRun[i]!;
      const co = this.completion[i]!;
      if (!Number.isNaN(co) && co > makespan) makespan = co;
      tasks.push({
        id: i,
        arrival,
        length: this.tasks[i]!.total,
        firstRun: Number.isNaN(fr) ? undefined : fr,
        completion: Number.isNaN(co) ? undefined : co,
        response: Number.isNaN(fr) ? undefined : fr - arrival,
        turnaround: Number.isNaN(co) ? undefined : co - arrival,
        wait: this.waitTime[i]! + (Number.isNaN(co) && this.isWaiting(i) ? endTime - this.readySince[i]! : 0),
        cpuTime: this.cpuTime[i]!,
        blockedTime: this.blockedTime[i]!,
        ioCount: this.ioCount[i]!,
        contextSwitches: this.ctxSwitches[i]!,
        preemptions: this.preemptions[i]!,
        deadlineMisses: this.misses[i]!,
      });
    }
    return {
      tasks,
      timeline: this.log?.toSegments() ?? [],
      endTime,
      makespan: this.done === this.n ? makespan : endTime,
      busy: [...this.busy],
      switching: [...this.switching],
      slices: this.slices,
      events,
      steps: this.steps,
    };
  }

  /** At the end of a cut-short run: is unfinished task `i` waiting in a queue (not running, not blocked, arrived)? */
  private isWaiting(i: number): boolean {
    if (this.cur.includes(i)) return false;
    const arrived = this.tasks[i]!.arrival <= this.sim.now();
    return arrived && this.blockedSince[i]! <= this.readySince[i]!;
  }
}
