// Timers of the kernel model (sleep ends, request arrivals), in time order; ties in the order they
// were armed, so runs are deterministic. Cancelled timers are skipped lazily by the caller's token
// check. Typed arrays: a million armed timers cost no garbage.
//
// A 4-ary heap of (time, sequence) keys, the two side by side, so that a level of a sift reads one
// cache line (four children's keys) instead of one per array; a timer's payload (pid, token, kind,
// ref) stays in its slot and only the slot's index moves with the key.
//
// A pop leaves a hole at the root instead of sifting the last entry down at once: when the next
// operation is a push (a request server re-arming its next arrival, the common case) the new entry
// fills the hole and sifts down from there, one sift instead of two. Any other operation fills the
// hole with the last entry first. The order of timers out is the same: keys are unique (time, seq).

/** What a timer is for. */
export type TimerKind = 'sleep' | 'arrival';

const ARITY = 4;
/** Timers a new queue has room for. */
const INITIAL_CAPACITY = 8;

export class TimerQueue {
  // Small at first (a kernel of a few containers has a few timers; thousands of kernels each hold
  // two queues), doubled as needed.
  /** Heap order: time and sequence of entry i at 2i and 2i + 1. */
  private keys = new Float64Array(2 * INITIAL_CAPACITY);
  /** Heap order: the payload slot of entry i. */
  private slots = new Int32Array(INITIAL_CAPACITY);
  // Payload by slot.
  /** Per slot: pid, token and kind (0 sleep, 1 arrival) side by side, one cache line for a pop. */
  private payload = new Float64Array(3 * INITIAL_CAPACITY);
  /** The object a timer is about (its process), so firing it needs no lookup by id. */
  private refs: unknown[] = new Array<unknown>(INITIAL_CAPACITY).fill(undefined);
  /** Free payload slots: `free[0..freeCount)`. */
  private free = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  /** Slots ever handed out (the next fresh one). */
  private used = 0;
  /** Entries in the heap, a hole at the root included. */
  private n = 0;
  private nextSeq = 0;
  /** The root was popped and not yet refilled. */
  private hole = false;

  get size(): number {
    return this.hole ? this.n - 1 : this.n;
  }

  push(time: number, pid: number, token: number, kind: TimerKind = 'sleep', ref: unknown = undefined): void {
    if (this.n === this.slots.length && !this.hole) this.grow();
    const slot = this.freeCount > 0 ? this.free[--this.freeCount]! : this.used++;
    const payload = this.payload;
    payload[3 * slot] = pid;
    payload[3 * slot + 1] = token;
    payload[3 * slot + 2] = kind === 'sleep' ? 0 : 1;
    this.refs[slot] = ref;
    const seq = this.nextSeq++;
    if (this.hole) {
      // The new entry takes the popped root's place and sinks to where it belongs.
      this.hole = false;
      this.siftDown(time, seq, slot, this.n);
      return;
    }
    const keys = this.keys;
    const slots = this.slots;
    let k = this.n++;
    // Sift up with a hole: move parents down until the new entry fits.
    while (k > 0) {
      const p = ((k - 1) / ARITY) | 0;
      const pt = keys[2 * p]!;
      if (!(time < pt || (time === pt && seq < keys[2 * p + 1]!))) break;
      keys[2 * k] = pt;
      keys[2 * k + 1] = keys[2 * p + 1]!;
      slots[k] = slots[p]!;
      k = p;
    }
    keys[2 * k] = time;
    keys[2 * k + 1] = seq;
    slots[k] = slot;
  }

  /** Time of the earliest timer, or Infinity. */
  peekTime(): number {
    if (this.hole) this.fillHole();
    return this.n === 0 ? Infinity : this.keys[0]!;
  }

  /** The last popped timer's fields (no object per pop: a million arrivals make no garbage). */
  poppedPid = 0;
  poppedToken = 0;
  poppedKind: TimerKind = 'sleep';
  poppedRef: unknown = undefined;

  /** Take the earliest timer (the queue must not be empty); its fields are then in `popped*`. */
  pop(): void {
    if (this.hole) this.fillHole();
    const top = this.slots[0]!;
    const payload = this.payload;
    this.poppedPid = payload[3 * top]!;
    this.poppedToken = payload[3 * top + 1]!;
    this.poppedKind = payload[3 * top + 2] === 0 ? 'sleep' : 'arrival';
    this.poppedRef = this.refs[top];
    this.refs[top] = undefined;
    this.free[this.freeCount++] = top;
    this.hole = true;
  }

  /** Move the last entry into the hole at the root and sift it down. */
  private fillHole(): void {
    this.hole = false;
    const last = --this.n;
    if (last === 0) return;
    const keys = this.keys;
    this.siftDown(keys[2 * last]!, keys[2 * last + 1]!, this.slots[last]!, last);
  }

  /** Place (time, seq, slot) at the root, a hole, and sift it down among the first `count` entries. */
  private siftDown(time: number, seq: number, slot: number, count: number): void {
    const keys = this.keys;
    const slots = this.slots;
    let k = 0;
    for (;;) {
      const first = ARITY * k + 1;
      if (first >= count) break;
      const end = Math.min(first + ARITY, count);
      let m = first;
      let mt = keys[2 * first]!;
      let ms = keys[2 * first + 1]!;
      for (let c = first + 1; c < end; c++) {
        const ct = keys[2 * c]!;
        if (ct < mt || (ct === mt && keys[2 * c + 1]! < ms)) {
          m = c;
          mt = ct;
          ms = keys[2 * c + 1]!;
        }
      }
      if (!(mt < time || (mt === time && ms < seq))) break;
      keys[2 * k] = mt;
      keys[2 * k + 1] = ms;
      slots[k] = slots[m]!;
      k = m;
    }
    keys[2 * k] = time;
    keys[2 * k + 1] = seq;
    slots[k] = slot;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    const keys = new Float64Array(2 * size);
    keys.set(this.keys);
    this.keys = keys;
    const slots = new Int32Array(size);
    slots.set(this.slots);
    this.slots = slots;
    const free = new Int32Array(size);
    free.set(this.free);
    this.free = free;
    const payload = new Float64Array(3 * size);
    payload.set(this.payload);
    this.payload = payload;
    while (this.refs.length < size) this.refs.push(undefined);
  }
}
