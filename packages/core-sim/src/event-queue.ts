// The pending-event set: a 4-ary min-heap stored as parallel typed arrays (time, order,
// slot reference), with per-slot handlers and generations for cancellable numeric keys. Cancellation
// is lazy (the entry stays in the heap, marked dead) with compaction when dead entries
// outnumber live ones. Removal of the event being run is deferred, so a handler's first
// schedule replaces the root in one sift instead of a pop plus a push.
import { LimitExceededError } from '@strata/shared-types';

/** Lowest and highest accepted priority class. */
export const MIN_PRIORITY = -1000;
export const MAX_PRIORITY = 1000;

// Same-time order key: (priority + 1000) · 2^42 + insertion sequence, exact in a double
// because 2001 · 2^42 < 2^53. So one float comparison orders by (priority, sequence).
const SEQ_SPAN = 2 ** 42;
// Key = generation · 2^26 + slot. A slot's generation grows when it is reused; a slot whose
// generation would reach 2^27 is retired instead, so a stale key never names a later event
// (keys stay below 2^53). A heap entry refers to its slot as slot · 2 + (1 if it has meta),
// so running a plain event touches no per-slot array but the handler's.
const SLOT_BITS = 26;
const SLOT_SPAN = 2 ** SLOT_BITS;
const SLOT_MASK = SLOT_SPAN - 1;
const GEN_LIMIT = 2 ** 27;
const INITIAL_CAPACITY = 64;
const COMPACT_MIN_DEAD = 64;

/** Extra data of a labelled or periodic event (kept off the hot path, in a map). */
export interface EventMeta {
  readonly priority: number;
  readonly label: string | undefined;
  /** Repeat interval in µs for `every`, else undefined. */
  readonly interval: number | undefined;
}

function sequenceExhausted(): LimitExceededError {
  return new LimitExceededError('event limit reached: one simulation can schedule at most 2^42 events', { limit: SEQ_SPAN });
}

/** A cancellable pending-event set ordered by (time, priority, insertion sequence). */
export class EventQueue<H> {
  // Heap entries (index 0 is the root; children of i are 4i+1..4i+4).
  private hTime = new Float64Array(INITIAL_CAPACITY);
  private hOrd = new Float64Array(INITIAL_CAPACITY);
  private hRef = new Int32Array(INITIAL_CAPACITY);
  private size = 0;
  /** True while the root's event has been taken but not yet removed (it runs now). */
  private hole = false;

  // Slots: one per pending event, reused through a free list. Slot s keeps its handler (or
  // null) at cells[2s] and its generation at cells[2s + 1]: one cache line for both.
  private readonly cells: (H | number | null)[] = [];
  private free = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotCount = 0;
  private readonly meta = new Map<number, EventMeta>();

  private readonly genLimit: number;
  private seq = 0;
  private live = 0;
  private dead = 0;

  /** Slot and meta of the event last returned by `take` (meta undefined for plain events). */
  takenSlot = -1;
  takenMeta: EventMeta | undefined = undefined;

  /** `generationLimit` (default 2^27) is lowered only by tests of slot retirement. */
  constructor(generationLimit = GEN_LIMIT) {
    this.genLimit = Math.min(generationLimit, GEN_LIMIT);
  }

  /** Pending (scheduled, not run, not cancelled) events. */
  pending(): number {
    return this.live;
  }

  /** Add an event; `time` and `priority` are already validated. Returns its key. */
  push(time: number, priority: number, handler: H, meta: EventMeta | undefined): number {
    if (this.seq >= SEQ_SPAN) throw sequenceExhausted();
    let slot = -1;
    const cells = this.cells;
    while (this.freeCount > 0) {
      const s = this.free[--this.freeCount]!;
      const g = (cells[2 * s + 1] as number) + 1;
      if (g >= this.genLimit) continue; // retired: its keys are never reissued
      cells[2 * s + 1] = g;
      cells[2 * s] = handler;
      slot = s;
      break;
    }
    if (slot < 0) slot = this.newSlot(handler);
    if (meta === undefined) {
      this.insert(time, priority, slot << 1);
    } else {
      this.meta.set(slot, meta);
      this.insert(time, priority, (slot << 1) | 1);
    }
    return (cells[2 * slot + 1] as number) * SLOT_SPAN + slot;
  }

  /** Put a taken periodic event's slot back at `time` (its key stays valid). */
  reinsert(slot: number, time: number, priority: number): void {
    if (this.seq >= SEQ_SPAN) {
      this.release(slot, true);
      throw sequenceExhausted();
    }
    this.insert(time, priority, (slot << 1) | 1);
  }

  private insert(time: number, priority: number, ref: number): void {
    const seq = this.seq;
    this.seq = seq + 1;
    const ord = (priority - MIN_PRIORITY) * SEQ_SPAN + seq;
    this.live++;
    if (this.hole) {
      this.hole = false;
      this.siftDown(0, time, ord, ref);
      return;
    }
    const i = this.size;
    if (i === this.hTime.length) this.growHeap();
    this.size = i + 1;
    this.siftUp(i, time, ord, ref);
  }

  private newSlot(handler: H): number {
    const slot = this.slotCount;
    if (slot >= SLOT_SPAN) {
      throw new LimitExceededError(`pending-event limit reached: at most 2^${SLOT_BITS} events can be pending at once`, { limit: SLOT_SPAN });
    }
    if (slot === this.free.length) {
      const free = new Int32Array(slot * 2);
      free.set(this.free);
      this.free = free;
    }
    this.slotCount = slot + 1;
    this.cells.push(handler, 0);
    return slot;
  }

  private growHeap(): void {
    const cap = this.hTime.length * 2;
    const t = new Float64Array(cap);
    t.set(this.hTime);
    this.hTime = t;
    const o = new Float64Array(cap);
    o.set(this.hOrd);
    this.hOrd = o;
    const r = new Int32Array(cap);
    r.set(this.hRef);
    this.hRef = r;
  }

  /** Free a slot; its keys die now (null handler) and for good once it is reused (new generation). */
  private release(slot: number, hasMeta: boolean): void {
    this.cells[2 * slot] = null;
    if (hasMeta) this.meta.delete(slot);
    this.free[this.freeCount++] = slot;
  }

  private liveSlotOf(key: number): number {
    if (!(key >= 0) || !Number.isSafeInteger(key)) return -1;
    const slot = key & SLOT_MASK;
    if (slot >= this.slotCount || this.cells[2 * slot + 1] !== Math.floor(key / SLOT_SPAN) || this.cells[2 * slot] === null) return -1;
    return slot;
  }

  /** Whether `key` names a pending event (a periodic series counts while it repeats). */
  isPending(key: number): boolean {
    return this.liveSlotOf(key) >= 0;
  }

  /** Cancel the event named `key`. True if it was pending. */
  cancel(key: number): boolean {
    const slot = this.liveSlotOf(key);
    if (slot < 0) return false;
    this.cells[2 * slot] = null; // the heap entry stays, dead, until it surfaces or a compaction
    this.live--;
    this.dead++;
    if (this.dead > COMPACT_MIN_DEAD && this.dead > this.live) this.compact();
    return true;
  }

  /** Make the root the earliest live event. False when nothing is pending. */
  settle(): boolean {
    if (this.hole) {
      this.hole = false;
      this.removeRoot();
    }
    while (this.size > 0) {
      const ref = this.hRef[0]!;
      if (this.cells[ref & ~1] !== null) return true;
      this.removeRoot();
      this.release(ref >> 1, (ref & 1) !== 0);
      this.dead--;
    }
    return false;
  }

  /** Time of the root; call only after `settle()` returned true. */
  rootTime(): number {
    return this.hTime[0]!;
  }

  /** Time of the earliest pending event, or Infinity. */
  peekTime(): number {
    return this.settle() ? this.hTime[0]! : Infinity;
  }

  /**
   * Take the root event to run it (after `settle()` returned true): returns its handler and
   * sets `takenSlot` and `takenMeta`. A one-shot event's slot is freed (its key is
   * spent); a periodic event keeps its slot for `reinsert` or `retire`.
   */
  take(): H {
    const ref = this.hRef[0]!;
    const slot = ref >> 1;
    const handler = this.cells[ref & ~1] as H;
    this.hole = true;
    this.live--;
    this.takenSlot = slot;
    if ((ref & 1) === 0) {
      this.takenMeta = undefined;
      this.cells[ref & ~1] = null;
      this.free[this.freeCount++] = slot;
      return handler;
    }
    const meta = this.meta.get(slot)!;
    this.takenMeta = meta;
    if (meta.interval === undefined) this.release(slot, true);
    return handler;
  }

  /** End a taken periodic event's series (its slot is freed). */
  retire(slot: number): void {
    this.release(slot, true);
  }

  private removeRoot(): void {
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.hTime[last]!, this.hOrd[last]!, this.hRef[last]!);
  }

  private siftUp(i: number, time: number, ord: number, ref: number): void {
    const T = this.hTime;
    const O = this.hOrd;
    const S = this.hRef;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = T[p]!;
      if (time > pt || (time === pt && ord > O[p]!)) break;
      T[i] = pt;
      O[i] = O[p]!;
      S[i] = S[p]!;
      i = p;
    }
    T[i] = time;
    O[i] = ord;
    S[i] = ref;
  }

  private siftDown(i: number, time: number, ord: number, ref: number): void {
    const T = this.hTime;
    const O = this.hOrd;
    const S = this.hRef;
    const n = this.size;
    for (;;) {
      const c = 4 * i + 1;
      if (c >= n) break;
      let m = c;
      let mt = T[c]!;
      let mo = O[c]!;
      const end = c + 4 < n ? c + 4 : n;
      for (let j = c + 1; j < end; j++) {
        const jt = T[j]!;
        if (jt < mt || (jt === mt && O[j]! < mo)) {
          m = j;
          mt = jt;
          mo = O[j]!;
        }
      }
      if (time < mt || (time === mt && ord < mo)) break;
      T[i] = mt;
      O[i] = mo;
      S[i] = S[m]!;
      i = m;
    }
    T[i] = time;
    O[i] = ord;
    S[i] = ref;
  }

  /** Drop dead entries and rebuild the heap (Floyd's O(n) heapify). */
  private compact(): void {
    if (this.hole) {
      this.hole = false;
      this.removeRoot();
    }
    const T = this.hTime;
    const O = this.hOrd;
    const S = this.hRef;
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      const ref = S[i]!;
      if (this.cells[ref & ~1] === null) {
        this.release(ref >> 1, (ref & 1) !== 0);
        continue;
      }
      T[n] = T[i]!;
      O[n] = O[i]!;
      S[n] = ref;
      n++;
    }
    this.size = n;
    this.dead = 0;
    for (let i = (n - 2) >> 2; i >= 0; i--) this.siftDown(i, T[i]!, O[i]!, S[i]!);
  }
}
