// Timers of the kernel model (sleep ends, request arrivals), in time order; ties in the order they
// were armed, so runs are deterministic. Cancelled timers are skipped lazily by the caller's token
// check. Parallel typed arrays: a million armed timers cost no garbage.

/** What a timer is for. */
export type TimerKind = 'sleep' | 'arrival';

export class TimerQueue {
  private time = new Float64Array(256);
  private seq = new Float64Array(256);
  private pid = new Float64Array(256);
  private token = new Float64Array(256);
  private kind = new Uint8Array(256);
  /** The object a timer is about (its process), so firing it needs no lookup by id. */
  private refs: unknown[] = new Array<unknown>(256).fill(undefined);
  private n = 0;
  private nextSeq = 0;

  get size(): number {
    return this.n;
  }

  push(time: number, pid: number, token: number, kind: TimerKind = 'sleep', ref: unknown = undefined): void {
    if (this.n === this.time.length) this.grow();
    let k = this.n++;
    const seq = this.nextSeq++;
    // Sift up with a hole: move parents down until the new entry fits.
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!(time < this.time[p]! || (time === this.time[p]! && seq < this.seq[p]!))) break;
      this.copy(p, k);
      k = p;
    }
    this.set(k, time, seq, pid, token, kind === 'sleep' ? 0 : 1, ref);
  }

  /** Time of the earliest timer, or Infinity. */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.time[0]!;
  }

  /** The last popped timer's fields (no object per pop: a million arrivals make no garbage). */
  poppedPid = 0;
  poppedToken = 0;
  poppedKind: TimerKind = 'sleep';
  poppedRef: unknown = undefined;

  /** Take the earliest timer (the queue must not be empty); its fields are then in `popped*`. */
  pop(): void {
    this.poppedPid = this.pid[0]!;
    this.poppedToken = this.token[0]!;
    this.poppedKind = this.kind[0] === 0 ? 'sleep' : 'arrival';
    this.poppedRef = this.refs[0];
    const last = --this.n;
    if (last > 0) {
      const time = this.time[last]!;
      const seq = this.seq[last]!;
      const pid = this.pid[last]!;
      const token = this.token[last]!;
      const kind = this.kind[last]!;
      const ref = this.refs[last];
      this.refs[last] = undefined;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= last) break;
        const r = l + 1;
        const m = r < last && this.before(r, l) ? r : l;
        if (!(this.time[m]! < time || (this.time[m]! === time && this.seq[m]! < seq))) break;
        this.copy(m, k);
        k = m;
      }
      this.set(k, time, seq, pid, token, kind, ref);
    } else this.refs[0] = undefined;
  }

  private before(a: number, b: number): boolean {
    return this.time[a]! < this.time[b]! || (this.time[a]! === this.time[b]! && this.seq[a]! < this.seq[b]!);
  }

  private copy(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.seq[to] = this.seq[from]!;
    this.pid[to] = this.pid[from]!;
    this.token[to] = this.token[from]!;
    this.kind[to] = this.kind[from]!;
    this.refs[to] = this.refs[from];
  }

  private set(k: number, time: number, seq: number, pid: number, token: number, kind: number, ref: unknown): void {
    this.time[k] = time;
    this.seq[k] = seq;
    this.pid[k] = pid;
    this.token[k] = token;
    this.kind[k] = kind;
    this.refs[k] = ref;
  }

  private grow(): void {
    const size = this.time.length * 2;
    const grow64 = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.time = grow64(this.time);
    this.seq = grow64(this.seq);
    this.pid = grow64(this.pid);
    this.token = grow64(this.token);
    const kind = new Uint8Array(size);
    kind.set(this.kind);
    this.kind = kind;
    while (this.refs.length < size) this.refs.push(undefined);
  }
}
