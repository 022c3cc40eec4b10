// Lottery scheduling (Waldspurger & Weihl): at every decision a ticket is drawn from a seeded
// stream among the waiting entities; like OSTEP's lottery.py the winner is found by walking ids
// in increasing order and accumulating tickets. Quantum-based, never preempts on wake-up.
import type { RandomStream } from '@strata/core-sim';
import type { SchedEntity } from '../entity.js';
import { canRunOn } from '../entity.js';
import type { AloneRun, EnqueueReason, PutPrevReason, SchedPolicy } from '../policy.js';
import { wholeSlicesWithin } from './alone-run.js';
import { TicketTree } from '../run-queue/ticket-tree.js';
import { invalidValue } from '../value-checks.js';
import { positiveInteger } from './policy-options.js';
import { QuantumBudget } from './quantum-budget.js';
import { queueMisuse } from './queue-misuse.js';

/** Options of `createLotteryPolicy`. */
export interface LotteryOptions {
  /** Seeded source of draws, such as `sim.rng('lottery')` (only `int` is used). */
  readonly random: Pick<RandomStream, 'int'>;
  /** Time slice between draws (default 1). */
  readonly quantum?: number;
}

/** Lottery over `SchedEntity.tickets`: the same stream state gives the same sequence of winners. */
export function createLotteryPolicy(options: LotteryOptions): SchedPolicy {
  if (typeof options.random?.int !== 'function') throw invalidValue('random', typeof options.random, 'a seeded random stream with int(min, max)');
  return new LotteryPolicy(options.random, positiveInteger('quantum', options.quantum, 1));
}

class LotteryPolicy implements SchedPolicy {
  readonly name = 'lottery';
  readonly queueing = 'global';
  readonly workConserving = true;
  private readonly tickets = new TicketTree();
  private readonly ents: SchedEntity[] = [];
  private readonly slices: QuantumBudget;

  constructor(
    private readonly random: Pick<RandomStream, 'int'>,
    quantum: number,
  ) {
    this.slices = new QuantumBudget(quantum);
  }

  enqueue(e: SchedEntity, _now: number, _reason: EnqueueReason): void {
    if (this.tickets.get(e.id) > 0) throw queueMisuse(this.name, e.id, 'queued', 'enqueue');
    this.ents[e.id] = e;
    this.slices.refill(e.id);
    this.tickets.set(e.id, e.tickets);
  }

  dequeue(e: SchedEntity): void {
    if (this.tickets.get(e.id) === 0) throw queueMisuse(this.name, e.id, 'not queued', 'dequeue');
    this.tickets.set(e.id, 0);
  }

  pickNext(cpu: number): SchedEntity | undefined {
    const total = this.tickets.total;
    if (total === 0) return undefined;
    // A draw with a single ticket holder has one outcome: no random number is spent on it.
    let id = this.tickets.find(this.tickets.holders === 1 ? 0 : this.random.int(0, total - 1));
    if (!canRunOn(this.ents[id]!, cpu)) {
      id = this.drawAllowed(cpu);
      if (id < 0) return undefined;
    }
    this.tickets.set(id, 0);
    return this.ents[id];
  }

  sliceLength(e: SchedEntity): number {
    return this.slices.remaining(e.id);
  }

  account(e: SchedEntity, _cpu: number, ran: number): void {
    this.slices.spend(e.id, ran);
  }

  shouldPreempt(): boolean {
    return false;
  }

  putPrev(e: SchedEntity, _cpu: number, _now: number, _reason: PutPrevReason): void {
    this.slices.refillIfSpent(e.id);
    this.tickets.set(e.id, e.tickets);
  }

  depart(): void {}

  nextTimer(): number {
    return Infinity;
  }

  onTimer(): void {}

  runAlone(e: SchedEntity, _cpu: number, _now: number, window: number): AloneRun {
    // Each round: the quantum runs out, the tickets go back in, and the lone holder wins without a draw.
    const run = wholeSlicesWithin(this.slices.remaining(e.id), this.slices.quantum, window);
    if (run.slices > 0) this.slices.refill(e.id);
    return run;
  }

  /** A draw restricted to the waiting entities allowed on `cpu` (affinity), in id order. O(n). */
  private drawAllowed(cpu: number): number {
    let total = 0;
    for (let id = 0; id < this.ents.length; id++) {
      const e = this.ents[id];
      if (e !== undefined && this.tickets.get(id) > 0 && canRunOn(e, cpu)) total += this.tickets.get(id);
    }
    if (total === 0) return -1;
    let winner = this.random.int(0, total - 1);
    for (let id = 0; id < this.ents.length; id++) {
      const e = this.ents[id];
      if (e === undefined || this.tickets.get(id) === 0 || !canRunOn(e, cpu)) continue;
      winner -= this.tickets.get(id);
      if (winner < 0) return id;
    }
    return -1;
  }
}
