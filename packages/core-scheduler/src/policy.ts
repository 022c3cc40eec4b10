// The one interface every CPU scheduling policy implements: pure decision logic over run-queue
// entities. A policy has no clock: whoever drives it (the exact simulator, core-vmm, core-container)
// owns time and passes `now` in; a policy asks for periodic work through `nextTimer`/`onTimer`.
import type { SchedEntity } from './entity.js';

/** Why an entity becomes runnable: its first arrival, or the end of a wait (I/O, sleep, period). */
export type EnqueueReason = 'arrival' | 'wakeup';
/** Why a running entity stops while still runnable: its slice ran out, or `shouldPreempt` said so. */
export type PutPrevReason = 'expired' | 'preempted';
/** Why a running entity stops and leaves the run queue: it waits (I/O, sleep) or it has finished. */
export type DepartReason = 'blocked' | 'finished';

/** What `SchedPolicy.runAlone` skipped: `slices` whole slices of total length `ran` (both 0 to decline). */
export interface AloneRun {
  readonly ran: number;
  readonly slices: number;
}

/**
 * A CPU scheduling policy. Lifecycle of an entity, driven by the caller:
 * `enqueue` → (`pickNext` → `account`* → `putPrev` | `depart`)* , with `dequeue` to withdraw a
 * queued (not running) entity. `account` is called for every stretch the running entity ran,
 * before `putPrev`/`depart`/`shouldPreempt` and at every instant where something else happens.
 * Entities are identified by `id`; a policy may keep a picked entity in its own structures (MLFQ
 * keeps it at the front of its level, as OSTEP does) as long as the contract holds.
 */
export interface SchedPolicy {
  /** Short policy name, such as 'cfs'. */
  readonly name: string;
  /** 'global': one queue shared by all CPUs; 'per-cpu': each entity waits on one CPU's queue. */
  readonly queueing: 'global' | 'per-cpu';
  /** False when the policy may leave a CPU idle while an entity is runnable (caps, parking). */
  readonly workConserving: boolean;
  /** `e` becomes runnable at `now`. */
  enqueue(e: SchedEntity, now: number, reason: EnqueueReason): void;
  /** Withdraw `e`, which is queued and not running, from the run queue. */
  dequeue(e: SchedEntity, now: number): void;
  /** Choose what idle `cpu` runs next (the entity becomes that CPU's current), or undefined to idle. */
  pickNext(cpu: number, now: number): SchedEntity | undefined;
  /** How much longer the current `e` may run on `cpu` from `now`: a positive integer or Infinity. */
  sliceLength(e: SchedEntity, cpu: number, now: number): number;
  /** Charge `ran` (> 0) time units just run by the current `e` on `cpu`, ending at `now`. */
  account(e: SchedEntity, cpu: number, ran: number, now: number): void;
  /** After entities were enqueued (`woken`, maybe none) or a timer fired: should current `e` on `cpu` yield now? */
  shouldPreempt(cpu: number, e: SchedEntity, woken: readonly SchedEntity[], now: number): boolean;
  /** The current `e` stops running on `cpu` but stays runnable. */
  putPrev(e: SchedEntity, cpu: number, now: number, reason: PutPrevReason): void;
  /** The current `e` stops running on `cpu` and leaves the run queue. */
  depart(e: SchedEntity, cpu: number, now: number, reason: DepartReason): void;
  /** Absolute time (> now) of the policy's next timer, or Infinity. */
  nextTimer(now: number): number;
  /** The timer announced by `nextTimer` fires at `now` (before arrivals and wake-ups at `now`). */
  onTimer(now: number): void;
  /**
   * What one `onTimer` call walks over, so that a work budget can charge it fairly: every
   * runnable entity (aging, a boost, credit accounting) or every CPU (a load balancer). Absent:
   * a constant amount of work.
   */
  readonly timerWalks?: 'entities' | 'cpus';
  /** A label for timeline segments, such as an MLFQ level (0 = highest priority); undefined for none. */
  levelOf?(e: SchedEntity): number | undefined;
  /**
   * Optional shortcut for a lone entity, so that a run need not slice it tick by tick. Called
   * right after `pickNext` returned `e` for `cpu` when no other entity is runnable anywhere and
   * nothing else will happen for `window` time units (no arrival, wake-up or timer, and `e`'s
   * burst lasts at least that long). Update the policy exactly as `n` rounds of
   * `sliceLength` → `account(slice)` → `putPrev('expired')` → `pickNext` (returning `e` again)
   * would, for the largest `n` whose slices end strictly within `window` and all run under one
   * `levelOf` label; return their total length and `n`. Return `{ ran: 0, slices: 0 }` to decline.
   * The caller then charges `ran` to `e` as one stretch and goes on as if `e` were picked at `now + ran`.
   */
  runAlone?(e: SchedEntity, cpu: number, now: number, window: number): AloneRun;
}
