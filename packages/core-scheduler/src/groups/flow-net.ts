// A maximum-flow network on integer nodes with float capacities (Dinic's algorithm), for the small
// graphs of scheduling questions: which tasks a set of CPUs can serve under affinity
// (`affinity-rates.ts`), how much of a priority level pinned vCPUs can get (core-vmm).

/** Residual capacities below this count as none (flows, reachability). */
export const FLOW_EPS = 1e-12;

/** A flow network on integer nodes with float capacities (Dinic). */
export class FlowNet {
  readonly head: number[];
  readonly to: number[] = [];
  readonly cap: number[] = [];
  readonly next: number[] = [];
  private level: Int32Array;
  private iter: Int32Array;

  constructor(readonly n: number) {
    this.head = new Array<number>(n).fill(-1);
    this.level = new Int32Array(n);
    this.iter = new Int32Array(n);
  }

  /** An edge u → v of capacity c (and its residual twin); returns the forward edge's index. */
  add(u: number, v: number, c: number): number {
    const e = this.to.length;
    this.to.push(v, u);
    this.cap.push(c, 0);
    this.next.push(this.head[u]!, this.head[v]!);
    this.head[u] = e;
    this.head[v] = e + 1;
    return e;
  }

  private bfs(s: number, t: number): boolean {
    this.level.fill(-1);
    const queue = [s];
    this.level[s] = 0;
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!;
      for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
        const v = this.to[e]!;
        if (this.cap[e]! > FLOW_EPS && this.level[v]! < 0) {
          this.level[v] = this.level[u]! + 1;
          queue.push(v);
        }
      }
    }
    return this.level[t]! >= 0;
  }

  private dfs(u: number, t: number, f: number): number {
    if (u === t) return f;
    for (; this.iter[u]! >= 0; this.iter[u] = this.next[this.iter[u]!]!) {
      const e = this.iter[u]!;
      const v = this.to[e]!;
      if (this.cap[e]! > FLOW_EPS && this.level[v] === this.level[u]! + 1) {
        const d = this.dfs(v, t, Math.min(f, this.cap[e]!));
        if (d > 0) {
          this.cap[e] = this.cap[e]! - d;
          this.cap[e ^ 1] = this.cap[e ^ 1]! + d;
          return d;
        }
      }
    }
    return 0;
  }

  maxFlow(s: number, t: number): number {
    let flow = 0;
    while (this.bfs(s, t)) {
      for (let u = 0; u < this.n; u++) this.iter[u] = this.head[u]!;
      for (let f = this.dfs(s, t, Infinity); f > 0; f = this.dfs(s, t, Infinity)) flow += f;
    }
    return flow;
  }

  /** Nodes reachable from `s` through edges with residual capacity. */
  reachFrom(s: number): Uint8Array {
    return this.reach(s, false);
  }

  /** Nodes from which `t` is reachable through edges with residual capacity. */
  reachTo(t: number): Uint8Array {
    return this.reach(t, true);
  }

  /** A walk over edges with residual capacity from `start`, along them or (`backwards`) against them. */
  private reach(start: number, backwards: boolean): Uint8Array {
    const seen = new Uint8Array(this.n);
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const u = stack.pop()!;
      // Backwards, the edges w → u are the twins of u's own edges u → w.
      for (let e = this.head[u]!; e >= 0; e = this.next[e]!) {
        const w = this.to[e]!;
        if (this.cap[backwards ? e ^ 1 : e]! > FLOW_EPS && seen[w] === 0) {
          seen[w] = 1;
          stack.push(w);
        }
      }
    }
    return seen;
  }
}
