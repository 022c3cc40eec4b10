// The flow model's implementation: commands, validation, fluid byte accounting and exact-to-the-µs
// completions; weighted max-min rates are repaired incrementally by max-min-repair.ts.
import {
  ConflictError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
  type Bytes,
  type FlowCompletedEvent,
  type FlowDroppedEvent,
  type FlowStartedEvent,
  type Micros,
} from '@strata/shared-types';
import { RateLimiter } from '@strata/core-scheduler';
import {
  MAX_FLOW_CAPACITY,
  MAX_FLOW_NETWORK_SIZE,
  MAX_FLOW_PATH,
  MAX_FLOW_WEIGHT,
  MAX_FLOW_WINDOW,
  MAX_LINK_LATENCY_US,
  type FlowNetwork,
  type FlowNetworkOptions,
  type FlowNetworkStats,
  type FlowSpec,
  type FlowState,
  type LinkSpec,
  type LinkState,
  type VnicLimiterSpec,
} from './types.js';
import { MaxMinRepair, saturated } from './max-min-repair.js';
import { ACTIVE, type FlowRec, type LinkRec } from './records.js';

const US_PER_S = 1_000_000;

interface HeapEntry {
  readonly time: number;
  readonly seq: number;
  readonly flow: FlowRec;
  readonly version: number;
}

/** A new, empty flow network at `options.start` (default 0). Throws ValidationError for a bad option. */
export function createFlowNetwork(options: FlowNetworkOptions = {}): FlowNetwork {
  const start = options.start ?? 0;
  requireInt(start, 'start', 0, Number.MAX_SAFE_INTEGER);
  const maxLinks = options.maxLinks ?? 100_000;
  requireInt(maxLinks, 'maxLinks', 1, MAX_FLOW_NETWORK_SIZE);
  const maxFlows = options.maxFlows ?? 100_000;
  requireInt(maxFlows, 'maxFlows', 1, MAX_FLOW_NETWORK_SIZE);
  return new FlowNetworkModel(start, maxLinks, maxFlows);
}

/**
 * The earliest integer µs `anchor + d` at which `rate` bytes/s delivers `remaining` bytes, in float64:
 * the least d with rate·d ≥ remaining·10^6 (never early), or Infinity when the rate is 0 or the time
 * passes 2^53 µs. The ceil of the quotient is nudged by ±1 so the rule holds despite division rounding.
 */
export function flowCompletionTime(anchor: number, remaining: number, rate: number): number {
  if (remaining <= 0) return anchor;
  if (!(rate > 0)) return Infinity;
  const need = remaining * US_PER_S;
  let d = Math.ceil(need / rate);
  if (!(d < Number.MAX_SAFE_INTEGER)) return Infinity;
  while (d > 0 && rate * (d - 1) >= need) d--;
  while (rate * d < need) d++;
  const t = anchor + d;
  return Number.isSafeInteger(t) ? t : Infinity;
}

class FlowNetworkModel implements FlowNetwork {
  private time: number;
  private readonly links: LinkRec[] = [];
  private readonly linkById = new Map<string, LinkRec>();
  private readonly flows = new Map<string, FlowRec>();
  private heap: HeapEntry[] = [];
  private nextSeq = 0;
  private recomputations = 0;
  private flowsTouched = 0;
  private maxFlowsTouched = 0;
  private completed = 0;
  private readonly repair = new MaxMinRepair();

  constructor(
    start: number,
    private readonly maxLinks: number,
    private readonly maxFlows: number,
  ) {
    this.time = start;
  }

  now(): Micros {
    return this.time as Micros;
  }

  addLink(spec: LinkSpec): void {
    this.checkNewLinkId(spec?.id);
    requireInt(spec.capacity, 'capacity', 0, MAX_FLOW_CAPACITY);
    requireInt(spec.latency, 'latency', 0, MAX_LINK_LATENCY_US);
    this.pushLink(spec.id, 'link', spec.capacity, spec.latency);
  }

  addVnicLimiter(spec: VnicLimiterSpec): void {
    this.checkNewLinkId(spec?.id);
    const cfg = spec.bandwidth;
    if (cfg === undefined || cfg === null || typeof cfg !== 'object') {
      throw new ValidationError(`vNIC limiter '${spec.id}' needs a bandwidth bucket {size, refillTimeMs, oneTimeBurst?}, got ${String(cfg)}`, { path: 'bandwidth', value: cfg, accepted: '{ size >= 1, refillTimeMs >= 1 }' });
    }
    // Validation is core-scheduler's (the same checks Firecracker's API applies).
    const limiter = new RateLimiter({ bandwidth: cfg });
    const bucket = limiter.bandwidth;
    if (bucket === null) {
      throw new ValidationError(`vNIC limiter '${spec.id}': a bucket with size ${cfg.size} and refillTimeMs ${cfg.refillTimeMs} does not limit (Firecracker disables it); give both >= 1 or add no limiter`, { path: 'bandwidth', value: cfg, accepted: 'size >= 1 and refillTimeMs >= 1' });
    }
    // Fluid approximation of Firecracker's bucket: its long-run rate, size per refill time. The
    // bucket starts full (plus oneTimeBurst), so a real vNIC sends up to size + oneTimeBurst bytes at
    // line rate first, then is held to this rate in 100 ms refusal steps; a fluid flow sees only the
    // long-run rate, so it can finish later than the real one by at most (size + burst) / rate, and
    // it never bursts above the rate. A per-flow cap would be wrong: the bucket is per vNIC, shared.
    const capacity = (bucket.size * 1000) / bucket.refillTimeMs;
    if (capacity > MAX_FLOW_CAPACITY) {
      throw new ValidationError(`vNIC limiter '${spec.id}' rate ${capacity} B/s exceeds ${MAX_FLOW_CAPACITY} B/s; use a smaller size or a longer refillTimeMs`, { path: 'bandwidth', value: cfg, accepted: `size·1000/refillTimeMs <= ${MAX_FLOW_CAPACITY}` });
    }
    this.pushLink(spec.id, 'vnic-limiter', capacity, 0);
  }

  setCapacity(linkId: string, capacity: number): void {
    const link = this.getLink(linkId);
    requireInt(capacity, 'capacity', 0, MAX_FLOW_CAPACITY);
    link.capacity = capacity;
    // Links whose bound sums moved may have stopped (or started) coupling: their flows are seeds too.
    const seeds: LinkRec[] = [link];
    for (const f of link.flows) if (this.refreshBound(f)) seeds.push(...f.path);
    this.recompute(seeds, []);
  }

  startFlow(spec: FlowSpec): FlowStartedEvent {
    if (spec === null || typeof spec !== 'object') throw new ValidationError(`a flow spec must be an object, got ${String(spec)}`, { path: '', accepted: '{ id, path, bytes, weight?, window?, maxRate? }' });
    requireId(spec.id, 'id');
    if (this.flows.has(spec.id)) throw new ConflictError(`flow '${spec.id}' is already active; use another id or wait until it completes`, { path: 'id', value: spec.id });
    if (!Array.isArray(spec.path) || spec.path.length < 1 || spec.path.length > MAX_FLOW_PATH) {
      throw new ValidationError(`flow '${spec.id}': path must list 1..${MAX_FLOW_PATH} link ids, got ${Array.isArray(spec.path) ? `${spec.path.length} ids` : String(spec.path)}`, { path: 'path', value: spec.path, accepted: `array of 1..${MAX_FLOW_PATH} distinct link ids` });
    }
    const path: LinkRec[] = [];
    const seen = new Set<string>();
    spec.path.forEach((l: unknown, k) => {
      if (typeof l !== 'string' || seen.has(l)) {
        throw new ValidationError(`flow '${spec.id}': path[${k}] must be a link id not already in the path, got ${String(l)}`, { path: `path[${k}]`, value: l, accepted: 'distinct link ids' });
      }
      seen.add(l);
      path.push(this.getLink(l));
    });
    requireInt(spec.bytes, 'bytes', 1, Number.MAX_SAFE_INTEGER);
    const weight = spec.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > MAX_FLOW_WEIGHT) {
      throw new ValidationError(`flow '${spec.id}': weight must be a finite number in (0, ${MAX_FLOW_WEIGHT}], got ${String(weight)}`, { path: 'weight', value: weight, accepted: `0 < weight <= ${MAX_FLOW_WEIGHT}` });
    }
    let cap = Infinity;
    if (spec.maxRate !== undefined) cap = requireInt(spec.maxRate, 'maxRate', 1, MAX_FLOW_CAPACITY);
    if (spec.window !== undefined) {
      requireInt(spec.window, 'window', 1, MAX_FLOW_WINDOW);
      const rtt = 2 * path.reduce((s, l) => s + l.latency, 0);
      if (rtt > 0) cap = Math.min(cap, (spec.window * US_PER_S) / rtt);
    }
    if (this.flows.size >= this.maxFlows) {
      throw new LimitExceededError(`cannot start flow '${spec.id}': ${this.maxFlows} flows are active, the maxFlows limit; wait for completions or raise maxFlows (up to ${MAX_FLOW_NETWORK_SIZE})`, { limit: 'maxFlows', value: this.maxFlows });
    }
    // Validated: mutate.
    const f: FlowRec = {
      id: spec.id,
      seq: this.nextSeq++,
      path,
      bytes: spec.bytes,
      weight,
      cap,
      startedAt: this.time,
      bound: 0,
      rate: 0,
      anchor: this.time,
      remaining: spec.bytes,
      completesAt: Infinity,
      version: 0,
      alive: true,
      level: 0,
      bottleneck: null,
      sweep: 0,
      state: ACTIVE,
      next: 0,
      nextLevel: 0,
      nextBottleneck: null,
      hpos: -1,
    };
    this.flows.set(f.id, f);
    for (const l of path) l.flows.push(f);
    f.bound = boundOf(f);
    for (const l of path) l.boundSum += f.bound;
    this.recompute([], [f]);
    return { type: 'flow.started', time: this.time as Micros, flow: f.id, bytes: f.bytes as Bytes, path: path.map((l) => l.id) };
  }

  cancelFlow(id: string): FlowDroppedEvent {
    const f = this.getFlow(id);
    this.settle(f, this.time);
    const delivered = f.bytes - f.remaining;
    const seeds: LinkRec[] = [];
    this.remove(f, seeds);
    this.recompute(seeds, []);
    return { type: 'flow.dropped', time: this.time as Micros, flow: f.id, reason: 'cancelled', bytes: f.bytes as Bytes, bytesDelivered: Math.min(f.bytes, floorBytes(delivered)) as Bytes };
  }

  nextEventTime(): number {
    const top = this.peekValid();
    return top === undefined ? Infinity : top.time;
  }

  advanceTo(time: number): FlowCompletedEvent[] {
    requireInt(time, 'time', this.time, Number.MAX_SAFE_INTEGER);
    const out: FlowCompletedEvent[] = [];
    for (;;) {
      const top = this.peekValid();
      if (top === undefined || top.time > time) break;
      const tc = top.time;
      this.time = tc;
      const seeds: LinkRec[] = [];
      // Every flow completing at tc, in start order (the heap orders ties by seq).
      for (let e: HeapEntry | undefined = top; e !== undefined && e.time === tc; e = this.peekValid()) {
        heapPop(this.heap);
        const f = e.flow;
        for (const l of f.path) l.committed += f.remaining;
        f.remaining = 0;
        f.anchor = tc;
        this.remove(f, seeds);
        this.completed++;
        const duration = tc - f.startedAt;
        out.push({ type: 'flow.completed', time: tc as Micros, flow: f.id, bytes: f.bytes as Bytes, durationUs: duration as Micros, meanBytesPerSecond: duration > 0 ? (f.bytes * US_PER_S) / duration : Infinity });
      }
      this.recompute(seeds, []);
    }
    this.time = time;
    return out;
  }

  flow(id: string): FlowState {
    const f = this.getFlow(id);
    const delivered = f.bytes - (f.remaining - (f.rate * (this.time - f.anchor)) / US_PER_S);
    return {
      id: f.id,
      path: f.path.map((l) => l.id),
      bytes: f.bytes as Bytes,
      weight: f.weight,
      startedAt: f.startedAt as Micros,
      bytesDelivered: Math.max(0, Math.min(f.bytes, floorBytes(delivered))) as Bytes,
      rateBytesPerSecond: f.rate,
      capBytesPerSecond: f.cap,
      completesAt: f.completesAt,
    };
  }

  flowIds(): string[] {
    return [...this.flows.values()].sort((a, b) => a.seq - b.seq).map((f) => f.id);
  }

  link(id: string): LinkState {
    const l = this.getLink(id);
    let load = 0;
    let carried = l.committed;
    for (const f of l.flows) {
      load += f.rate;
      carried += (f.rate * (this.time - f.anchor)) / US_PER_S;
    }
    return { id: l.id, kind: l.kind, capacityBytesPerSecond: l.capacity, latency: l.latency as Micros, flows: l.flows.length, loadBytesPerSecond: load, bytesCarried: floorBytes(carried) as Bytes };
  }

  linkIds(): string[] {
    return this.links.map((l) => l.id);
  }

  stats(): FlowNetworkStats {
    return { recomputations: this.recomputations, flowsTouched: this.flowsTouched, maxFlowsTouched: this.maxFlowsTouched, activeFlows: this.flows.size, completedFlows: this.completed };
  }

  // --- internals ---

  private checkNewLinkId(id: unknown): asserts id is string {
    requireId(id, 'id');
    if (this.linkById.has(id)) throw new ConflictError(`link '${id}' already exists; link and limiter ids are unique`, { path: 'id', value: id });
    if (this.links.length >= this.maxLinks) {
      throw new LimitExceededError(`cannot add link '${id}': the network holds ${this.maxLinks} links and limiters, the maxLinks limit; raise maxLinks (up to ${MAX_FLOW_NETWORK_SIZE})`, { limit: 'maxLinks', value: this.maxLinks });
    }
  }

  private pushLink(id: string, kind: LinkRec['kind'], capacity: number, latency: number): void {
    const l: LinkRec = { id, index: this.links.length, kind, latency, capacity, flows: [], boundSum: 0, committed: 0, load: 0, riseSweep: 0, rise: 0, sweep: 0, used: 0, aw: 0, ac: 0, hpos: -1 };
    this.links.push(l);
    this.linkById.set(id, l);
  }

  private getLink(id: string): LinkRec {
    const l = typeof id === 'string' ? this.linkById.get(id) : undefined;
    if (l === undefined) throw new NotFoundError('link', String(id));
    return l;
  }

  private getFlow(id: string): FlowRec {
    const f = typeof id === 'string' ? this.flows.get(id) : undefined;
    if (f === undefined) throw new NotFoundError('flow', String(id), { hint: 'only active flows can be named; completed and cancelled flows are gone' });
    return f;
  }

  /** Recompute `f`'s rate bound after a capacity change; true when it moved. */
  private refreshBound(f: FlowRec): boolean {
    const b = boundOf(f);
    if (b === f.bound) return false;
    for (const l of f.path) l.boundSum += b - f.bound;
    f.bound = b;
    return true;
  }

  /** Bring `f`'s delivered bytes (and its links' counters) up to `t` at its current rate. */
  private settle(f: FlowRec, t: number): void {
    if (t === f.anchor) return;
    const d = Math.min(f.remaining, (f.rate * (t - f.anchor)) / US_PER_S);
    f.remaining -= d;
    for (const l of f.path) l.committed += d;
    f.anchor = t;
  }

  /** Take `f` off its links; its links that may have been a bottleneck go to `seeds` (the others were no flow's bottleneck and gain slack). */
  private remove(f: FlowRec, seeds: LinkRec[]): void {
    f.alive = false;
    this.flows.delete(f.id);
    for (const l of f.path) {
      if (saturated(l)) seeds.push(l);
      const k = l.flows.indexOf(f);
      if (k >= 0) l.flows.splice(k, 1);
      l.boundSum -= f.bound;
      l.load -= f.rate;
      if (l.flows.length === 0) {
        // Drop float residue.
        l.boundSum = 0;
        l.load = 0;
      }
    }
  }

  /**
   * Repair the rates after a change (see max-min-repair.ts): `seeds` are links that may have been
   * a bottleneck and whose flows, capacity or bound sum changed, `added` the flows just started. Flows whose rate changed are
   * settled at the old rate up to now and rescheduled.
   */
  private recompute(seeds: readonly LinkRec[], added: readonly FlowRec[]): void {
    const frozen = this.repair.run(seeds, added);
    if (frozen.length === 0) return;
    this.recomputations++;
    this.flowsTouched += frozen.length;
    if (frozen.length > this.maxFlowsTouched) this.maxFlowsTouched = frozen.length;
    for (let i = 0; i < frozen.length; i++) {
      const f = frozen[i]!;
      f.level = f.nextLevel;
      f.bottleneck = f.nextBottleneck;
      const r = f.next;
      if (r === f.rate && f.completesAt !== Infinity) continue;
      this.settle(f, this.time);
      for (const l of f.path) l.load += r - f.rate;
      f.rate = r;
      f.completesAt = flowCompletionTime(f.anchor, f.remaining, r);
      f.version++;
      if (f.completesAt !== Infinity) heapPush(this.heap, { time: f.completesAt, seq: f.seq, flow: f, version: f.version });
    }
    // Stale entries pile up as rates change; rebuild when they dominate.
    if (this.heap.length > 4 * this.flows.size + 64) {
      this.heap = this.heap.filter((e) => e.flow.alive && e.version === e.flow.version);
      heapify(this.heap);
    }
  }

  private peekValid(): HeapEntry | undefined {
    const h = this.heap;
    while (h.length > 0) {
      const e = h[0]!;
      if (e.flow.alive && e.version === e.flow.version) return e;
      heapPop(h);
    }
    return undefined;
  }
}

/** Whole bytes in a fluid amount, rounded down; a relative 1e-12 tolerance keeps a float sum of integers (999.9999999999) at its integer. */
function floorBytes(x: number): number {
  return Math.floor(x + Math.abs(x) * 1e-12 + 1e-9);
}

function boundOf(f: FlowRec): number {
  let b = f.cap;
  for (const l of f.path) if (l.capacity < b) b = l.capacity;
  return b;
}

function requireId(id: unknown, path: string): asserts id is string {
  if (typeof id !== 'string' || id.length < 1 || id.length > 128) {
    throw new ValidationError(`${path} must be a string of 1..128 characters, got ${typeof id === 'string' ? `'${id}' (${id.length} characters)` : String(id)}`, { path, value: id, accepted: 'string of 1..128 characters' });
  }
}

function requireInt(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${path} must be an integer in ${min}..${max}, got ${String(value)}`, { path, value, accepted: `integer ${min}..${max}` });
  }
  return value;
}

function less(a: HeapEntry, b: HeapEntry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

function heapPush(h: HeapEntry[], e: HeapEntry): void {
  h.push(e);
  let k = h.length - 1;
  while (k > 0) {
    const p = (k - 1) >> 1;
    if (!less(h[k]!, h[p]!)) break;
    [h[k], h[p]] = [h[p]!, h[k]!];
    k = p;
  }
}

function siftDown(h: HeapEntry[], k0: number): void {
  let k = k0;
  for (;;) {
    const l = 2 * k + 1;
    const r = l + 1;
    let m = k;
    if (l < h.length && less(h[l]!, h[m]!)) m = l;
    if (r < h.length && less(h[r]!, h[m]!)) m = r;
    if (m === k) return;
    [h[k], h[m]] = [h[m]!, h[k]!];
    k = m;
  }
}

function heapPop(h: HeapEntry[]): void {
  const last = h.pop();
  if (h.length > 0 && last !== undefined) {
    h[0] = last;
    siftDown(h, 0);
  }
}

function heapify(h: HeapEntry[]): void {
  for (let k = (h.length >> 1) - 1; k >= 0; k--) siftDown(h, k);
}
