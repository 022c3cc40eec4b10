// Multi-level feedback queue with OSTEP mlfq.py's exact semantics (levels numbered here with
// 0 = highest): per-level quanta and allotments (counted in quanta), priority boost, and the
// I/O options "stay" (-S) and "bump" (-I). See ostep-scheduler-semantics.md §2.
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { AloneRun, DepartReason, EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { wholeSlicesWithin } from './alone-run.js';
import { IdLists } from '../run-queue/id-lists.js';
import { invalidValue, isList } from '../value-checks.js';
import { nonNegativeInteger, positiveInteger } from './policy-options.js';
import { queueMisuse } from './queue-misuse.js';

/** Options of `createMlfqPolicy`; per-level lists are given highest priority first. */
export interface MlfqOptions {
  /** Quantum per level (positive integers); its length is the number of levels. */
  readonly quanta: readonly number[];
  /** Allotment per level in quanta (positive integers), same length as `quanta`. Default: 1 each. */
  readonly allotments?: readonly number[];
  /** Boost period: at every positive multiple, every job moves to the top level (0: never). */
  readonly boost?: number;
  /** OSTEP -S: issuing an I/O refills the job's slice and allotment at its level. */
  readonly stay?: boolean;
  /** OSTEP -I: a job back from I/O joins the front of its level instead of the back. */
  readonly ioBump?: boolean;
}

/**
 * MLFQ. A running job stays at the front of its level's queue, as in mlfq.py, so a job preempted
 * by a higher level (or by an -I return) keeps its place and its partly used slice. Slice expiry
 * requeues (or demotes) the job before a boost at the same instant, and the simulator applies a
 * boost before arrivals and wake-ups, matching mlfq.py's same-instant order.
 */
export function createMlfqPolicy(options: MlfqOptions): SchedPolicy {
  const quanta = options.quanta;
  if (!isList(quanta) || quanta.length === 0) throw invalidValue('quanta', quanta, 'a non-empty list of positive integers');
  quanta.forEach((q, i) => positiveInteger(`quanta[${i}]`, q, 1));
  const allotments = options.allotments ?? quanta.map(() => 1);
  if (!isList(allotments) || allotments.length !== quanta.length) {
    throw invalidValue('allotments', allotments, `a list of ${quanta.length} positive integers (one per level)`);
  }
  allotments.forEach((a, i) => positiveInteger(`allotments[${i}]`, a, 1));
  const boost = nonNegativeInteger('boost', options.boost, 0);
  return new MlfqPolicy([...quanta], [...allotments], boost, options.stay ?? false, options.ioBump ?? false);
}

class MlfqPolicy implements SchedPolicy {
  readonly name = 'mlfq';
  readonly queueing = 'global';
  readonly workConserving = true;
  readonly timerWalks = 'entities';
  private readonly lists: IdLists;
  private readonly ents: SchedEntity[] = [];
  private readonly level: number[] = [];
  private readonly sliceLeft: number[] = [];
  private readonly allotLeft: number[] = [];
  private readonly running: boolean[] = [];
  /** Jobs enqueued at least once and not finished: a boost resets all of them, blocked ones too. */
  private readonly live = new Set<number>();
  private readonly lowest: number;

  constructor(
    private readonly quanta: readonly number[],
    private readonly allotments: readonly number[],
    private readonly boost: number,
    private readonly stay: boolean,
    private readonly ioBump: boolean,
  ) {
    this.lists = new IdLists(quanta.length);
    this.lowest = quanta.length - 1;
  }

  enqueue(e: SchedEntity, _now: number, reason: EnqueueReason): void {
    const id = e.id;
    if (this.lists.listOf(id) >= 0 || this.running[id] === true) throw queueMisuse(this.name, id, 'queued', 'enqueue');
    if (!this.live.has(id)) {
      this.ents[id] = e;
      this.live.add(id);
      this.refill(id, 0);
    }
    if (reason === 'wakeup' && this.ioBump) this.lists.pushFront(this.level[id]!, id);
    else this.lists.pushBack(this.level[id]!, id);
  }

  dequeue(e: SchedEntity): void {
    if (this.running[e.id] === true || !this.lists.remove(e.id)) throw queueMisuse(this.name, e.id, 'not queued', 'dequeue');
  }

  pickNext(cpu: number): SchedEntity | undefined {
    for (let lv = 0; lv <= this.lowest; lv++) {
      for (let id = this.lists.head(lv); id >= 0; id = this.lists.after(id)) {
        if (this.running[id] !== true && canRunOn(this.ents[id]!, cpu)) {
          this.running[id] = true;
          return this.ents[id];
        }
      }
    }
    return undefined;
  }

  sliceLength(e: SchedEntity): number {
    return this.sliceLeft[e.id]!;
  }

  account(e: SchedEntity, _cpu: number, ran: number): void {
    this.sliceLeft[e.id]! -= ran;
  }

  shouldPreempt(cpu: number, e: SchedEntity): boolean {
    // mlfq.py runs the front of the highest non-empty queue: preempt when a waiting job that
    // may run here comes before `e` in (level, queue position) order.
    const mine = this.level[e.id]!;
    for (let lv = 0; lv <= mine; lv++) {
      for (let id = this.lists.head(lv); id >= 0; id = this.lists.after(id)) {
        if (id === e.id) return false;
        if (this.running[id] !== true && canRunOn(this.ents[id]!, cpu)) return true;
      }
    }
    return false;
  }

  putPrev(e: SchedEntity, _cpu: number, _now: number, reason: PutPrevReason): void {
    this.running[e.id] = false;
    // A preempted job keeps its place at the front of its level and its partly used slice.
    if (reason === 'preempted' && this.sliceLeft[e.id]! > 0) return;
    this.lists.remove(e.id);
    this.expire(e.id, false);
  }

  depart(e: SchedEntity, _cpu: number, _now: number, reason: DepartReason): void {
    const id = e.id;
    this.running[id] = false;
    this.lists.remove(id);
    if (reason === 'finished') {
      // A finishing job has neither its slice nor its allotment counted.
      this.live.delete(id);
      return;
    }
    const expired = this.sliceLeft[id]! <= 0; // tested before the -S reset
    if (this.stay) this.refill(id, this.level[id]!);
    if (expired) this.expire(id, true);
  }

  nextTimer(now: number): number {
    return this.boost > 0 ? (Math.floor(now / this.boost) + 1) * this.boost : Infinity;
  }

  onTimer(now: number): void {
    if (this.boost <= 0 || now <= 0 || now % this.boost !== 0) return;
    // mlfq.py moves the lowest level first, so the lowest jobs land ahead of the middle ones.
    for (let lv = this.lowest; lv >= 1; lv--) this.lists.appendAll(0, lv);
    for (const id of this.live) this.refill(id, 0);
  }

  levelOf(e: SchedEntity): number {
    return this.level[e.id]!;
  }

  runAlone(e: SchedEntity, _cpu: number, _now: number, window: number): AloneRun {
    // Each round is `expire`: one quantum of the allotment used, the job requeued (demoted when
    // the allotment is used up) and picked again. Rounds stop at a demotion, so one level labels them.
    const id = e.id;
    const lv = this.level[id]!;
    const quantum = this.quanta[lv]!;
    const allot = this.allotLeft[id]!;
    const run = wholeSlicesWithin(this.sliceLeft[id]!, quantum, window, lv < this.lowest ? allot : Infinity);
    const n = run.slices;
    if (n === 0) return run;
    if (lv < this.lowest && n === allot) {
      this.refill(id, lv + 1);
    } else {
      // At the lowest level a used-up allotment is refilled in place: allot, allot-1, ..., 1, A, A-1, ...
      const full = this.allotments[lv]!;
      this.allotLeft[id] = lv < this.lowest ? allot - n : ((((allot - 1 - n) % full) + full) % full) + 1;
      this.sliceLeft[id] = quantum;
    }
    this.lists.remove(id);
    this.lists.pushBack(this.level[id]!, id);
    this.running[id] = true;
    return run;
  }

  /** Step 7 of mlfq.py: count one used quantum; demote when the allotment is exactly used up. */
  private expire(id: number, inIo: boolean): void {
    const lv = this.level[id]!;
    this.allotLeft[id]! -= 1;
    if (this.allotLeft[id] === 0) this.refill(id, lv < this.lowest ? lv + 1 : lv);
    else this.sliceLeft[id] = this.quanta[lv]!;
    if (!inIo) this.lists.pushBack(this.level[id]!, id);
  }

  private refill(id: number, lv: number): void {
    this.level[id] = lv;
    this.sliceLeft[id] = this.quanta[lv]!;
    this.allotLeft[id] = this.allotments[lv]!;
  }
}
