// First-fit index: a segment tree over hosts in index order. Each node summarizes its hosts' free
// (CPU, memory) by a small Pareto skyline, so the lowest-index fitting host is found without a scan.
import { SKYLINE_CAP, mergeSkylines, skylineFits } from './skyline.js';

const STRIDE = 2 * SKYLINE_CAP;

/**
 * Segment tree over host indices. Every node holds the max free CPU, the max free memory, and — when
 * it has at most SKYLINE_CAP non-dominated (CPU, memory) points — the exact skyline of its hosts.
 * `findFirst` descends left to right and skips a subtree that cannot hold a fitting host: exactly, by
 * the skyline, where the node has one; conservatively, by the two maxima (which may come from different
 * hosts), where it does not — then the descent may backtrack. Results are always exact. Cost per query:
 * O(K log n) (K = SKYLINE_CAP) while the visited nodes have skylines and `accept` rejects nothing;
 * O(n) in the worst case (many distinct free shapes, or `accept` rejecting many fitting hosts).
 * `set` is O(K log n).
 */
export class HostSegmentTree {
  private size = 1;
  private count = 0;
  private maxCpu = new Float64Array(2).fill(-Infinity);
  private maxMem = new Float64Array(2).fill(-Infinity);
  private sky = new Float64Array(2 * STRIDE);
  private skyLen = new Int8Array(2);

  /** Number of hosts indexed. */
  get length(): number {
    return this.count;
  }

  /** Append host `length` with the given free CPU and memory (indices are dense, in insertion order). */
  push(freeCpu: number, freeMem: number): void {
    if (this.count === this.size) this.grow();
    const i = this.count++;
    this.set(i, freeCpu, freeMem);
  }

  /** Update host `i`'s free CPU and memory. */
  set(i: number, freeCpu: number, freeMem: number): void {
    let k = i + this.size;
    this.setLeaf(k, freeCpu, freeMem);
    for (k >>= 1; k >= 1; k >>= 1) this.pull(k);
  }

  /**
   * The lowest host index ≥ `from` whose free CPU ≥ `cpu` and free memory ≥ `mem` and for which
   * `accept(i)` holds (if given), or -1.
   */
  findFirst(cpu: number, mem: number, from = 0, accept?: (i: number) => boolean): number {
    if (from >= this.count) return -1;
    return this.descend(1, 0, this.size, cpu, mem, from, accept);
  }

  private descend(node: number, lo: number, hi: number, cpu: number, mem: number, from: number, accept?: (i: number) => boolean): number {
    if (hi <= from || lo >= this.count || this.maxCpu[node]! < cpu || this.maxMem[node]! < mem) return -1;
    const len = this.skyLen[node]!;
    if (len >= 0 && !skylineFits(this.sky, node * STRIDE, len, cpu, mem)) return -1;
    if (hi - lo === 1) return accept === undefined || accept(lo) ? lo : -1;
    const mid = (lo + hi) >> 1;
    const left = this.descend(2 * node, lo, mid, cpu, mem, from, accept);
    return left >= 0 ? left : this.descend(2 * node + 1, mid, hi, cpu, mem, from, accept);
  }

  private setLeaf(k: number, freeCpu: number, freeMem: number): void {
    this.maxCpu[k] = freeCpu;
    this.maxMem[k] = freeMem;
    this.sky[k * STRIDE] = freeCpu;
    this.sky[k * STRIDE + 1] = freeMem;
    this.skyLen[k] = 1;
  }

  private pull(k: number): void {
    const l = 2 * k;
    const r = l + 1;
    this.maxCpu[k] = Math.max(this.maxCpu[l]!, this.maxCpu[r]!);
    this.maxMem[k] = Math.max(this.maxMem[l]!, this.maxMem[r]!);
    this.skyLen[k] = mergeSkylines(this.sky, k * STRIDE, this.sky, l * STRIDE, this.skyLen[l]!, this.sky, r * STRIDE, this.skyLen[r]!);
  }

  private grow(): void {
    const oldSize = this.size;
    const old = { cpu: this.maxCpu, mem: this.maxMem };
    this.size *= 2;
    this.maxCpu = new Float64Array(2 * this.size).fill(-Infinity);
    this.maxMem = new Float64Array(2 * this.size).fill(-Infinity);
    this.sky = new Float64Array(2 * this.size * STRIDE);
    this.skyLen = new Int8Array(2 * this.size); // unused leaves: empty skylines
    for (let i = 0; i < this.count; i++) this.setLeaf(this.size + i, old.cpu[oldSize + i]!, old.mem[oldSize + i]!);
    for (let k = this.size - 1; k >= 1; k--) this.pull(k);
  }
}
