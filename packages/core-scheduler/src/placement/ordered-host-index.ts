// Ordered index for best-fit, worst-fit, spread and pack: hosts kept sorted by a per-host key in a
// treap whose nodes also summarize the free (CPU, memory) below them, to skip hosts that cannot fit.
import { SKYLINE_CAP, mergeSkylines, skylineFits } from './skyline.js';

const STRIDE = 2 * SKYLINE_CAP;

/**
 * Hosts ordered by (key ascending, host index ascending) in a treap whose nodes carry their subtree's
 * max free CPU, max free memory and, when small enough, exact (CPU, memory) skyline (see
 * HostSegmentTree). `findFirst` returns the first host in that order that fits, pruning exactly by
 * skylines and conservatively by maxima, backtracking when needed (always exact; O(K log n) expected
 * while skylines are exact and `accept` rejects nothing, O(n) worst case). `update` re-keys a host in
 * O(K log n) expected. Treap priorities come from a fixed hash of the host index, so the shape — and
 * every result — is deterministic.
 */
export class OrderedHostIndex {
  private root = -1;
  private left: number[] = [];
  private right: number[] = [];
  private prio: number[] = [];
  private key: number[] = [];
  private cpu: number[] = [];
  private mem: number[] = [];
  private maxCpu: number[] = [];
  private maxMem: number[] = [];
  private sky = new Float64Array(16 * STRIDE);
  private skyLen = new Int8Array(16);
  private readonly self = new Float64Array(2);
  private readonly scratch = new Float64Array(STRIDE);

  /** Insert host `i` (not yet present) with sort `key` and free CPU/memory. */
  insert(i: number, key: number, freeCpu: number, freeMem: number): void {
    this.left[i] = -1;
    this.right[i] = -1;
    this.prio[i] = hashPriority(i);
    this.key[i] = key;
    this.cpu[i] = freeCpu;
    this.mem[i] = freeMem;
    this.maxCpu[i] = freeCpu;
    this.maxMem[i] = freeMem;
    this.ensureCapacity(i);
    this.sky[i * STRIDE] = freeCpu;
    this.sky[i * STRIDE + 1] = freeMem;
    this.skyLen[i] = 1;
    this.root = this.insertAt(this.root, i);
  }

  /** Re-key host `i` (present) and set its free CPU/memory. */
  update(i: number, key: number, freeCpu: number, freeMem: number): void {
    this.root = this.removeAt(this.root, i);
    this.insert(i, key, freeCpu, freeMem);
  }

  /** The first host in (key, index) order with free CPU ≥ `cpu`, free memory ≥ `mem` and `accept(i)` (if given); -1 if none. */
  findFirst(cpu: number, mem: number, accept?: (i: number) => boolean): number {
    return this.descend(this.root, cpu, mem, accept);
  }

  private descend(n: number, cpu: number, mem: number, accept?: (i: number) => boolean): number {
    if (n < 0 || this.maxCpu[n]! < cpu || this.maxMem[n]! < mem) return -1;
    const len = this.skyLen[n]!;
    if (len >= 0 && !skylineFits(this.sky, n * STRIDE, len, cpu, mem)) return -1;
    const l = this.descend(this.left[n]!, cpu, mem, accept);
    if (l >= 0) return l;
    if (this.cpu[n]! >= cpu && this.mem[n]! >= mem && (accept === undefined || accept(n))) return n;
    return this.descend(this.right[n]!, cpu, mem, accept);
  }

  private before(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private pull(n: number): void {
    let c = this.cpu[n]!;
    let m = this.mem[n]!;
    const l = this.left[n]!;
    const r = this.right[n]!;
    if (l >= 0) {
      c = Math.max(c, this.maxCpu[l]!);
      m = Math.max(m, this.maxMem[l]!);
    }
    if (r >= 0) {
      c = Math.max(c, this.maxCpu[r]!);
      m = Math.max(m, this.maxMem[r]!);
    }
    this.maxCpu[n] = c;
    this.maxMem[n] = m;
    // Skyline of left ∪ {this host} ∪ right, via a scratch buffer.
    this.self[0] = this.cpu[n]!;
    this.self[1] = this.mem[n]!;
    const ll = l >= 0 ? this.skyLen[l]! : 0;
    const lenA = mergeSkylines(this.scratch, 0, this.sky, Math.max(l, 0) * STRIDE, ll, this.self, 0, 1);
    const rl = r >= 0 ? this.skyLen[r]! : 0;
    this.skyLen[n] = mergeSkylines(this.sky, n * STRIDE, this.scratch, 0, lenA, this.sky, Math.max(r, 0) * STRIDE, rl);
  }

  private ensureCapacity(i: number): void {
    if (i < this.skyLen.length) return;
    let cap = this.skyLen.length;
    while (cap <= i) cap *= 2;
    const sky = new Float64Array(cap * STRIDE);
    sky.set(this.sky);
    const len = new Int8Array(cap);
    len.set(this.skyLen);
    this.sky = sky;
    this.skyLen = len;
  }

  private insertAt(t: number, i: number): number {
    if (t < 0) return i;
    if (this.prio[i]! > this.prio[t]!) {
      const [l, r] = this.split(t, i);
      this.left[i] = l;
      this.right[i] = r;
      this.pull(i);
      return i;
    }
    if (this.before(i, t)) this.left[t] = this.insertAt(this.left[t]!, i);
    else this.right[t] = this.insertAt(this.right[t]!, i);
    this.pull(t);
    return t;
  }

  /** Split subtree `t` into nodes ordered before `i` and after it. */
  private split(t: number, i: number): [number, number] {
    if (t < 0) return [-1, -1];
    if (this.before(t, i)) {
      const [l, r] = this.split(this.right[t]!, i);
      this.right[t] = l;
      this.pull(t);
      return [t, r];
    }
    const [l, r] = this.split(this.left[t]!, i);
    this.left[t] = r;
    this.pull(t);
    return [l, t];
  }

  private merge(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    if (this.prio[a]! > this.prio[b]!) {
      this.right[a] = this.merge(this.right[a]!, b);
      this.pull(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b]!);
    this.pull(b);
    return b;
  }

  private removeAt(t: number, i: number): number {
    if (t < 0) return -1;
    if (t === i) {
      return this.merge(this.left[t]!, this.right[t]!);
    }
    if (this.before(i, t)) this.left[t] = this.removeAt(this.left[t]!, i);
    else this.right[t] = this.removeAt(this.right[t]!, i);
    this.pull(t);
    return t;
  }
}

/** A fixed 32-bit mix of the host index (splitmix-style), as the treap priority. */
function hashPriority(i: number): number {
  let x = (i + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
