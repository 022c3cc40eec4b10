// Hand-computed max-min rates (dumbbell, parking lot, weights, TCP window, vNIC limiter), the
// µs completion rule, and typed errors that leave the model unchanged.
import { describe, expect, it } from 'vitest';
import { isStrataError } from '@strata/shared-types';
import { createFlowNetwork, flowCompletionTime, type FlowNetwork } from '../src/flows/index.js';

const M = 1_000_000; // 1 MB/s

function rates(net: FlowNetwork): Record<string, number> {
  return Object.fromEntries(net.flowIds().map((id) => [id, net.flow(id).rateBytesPerSecond]));
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isStrataError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('max-min by hand', () => {
  it('dumbbell: two flows over a shared 150 MB/s bottleneck, one also sharing an access link', () => {
    // Access A1, A2 = 100 MB/s, bottleneck B = 150, egress C1, C2 = 100. f1: A1 B C1; f2: A2 B C2; f3: A1.
    // Filling: A1 saturates first at 100/2 = 50 (f1, f3 frozen at 50); B has 150 − 50 = 100 for f2,
    // A2 also allows 100 → f2 = 100. Check: A1 50+50 = 100, B 50+100 = 150.
    const net = createFlowNetwork();
    for (const [id, c] of [['A1', 100], ['A2', 100], ['B', 150], ['C1', 100], ['C2', 100]] as const) net.addLink({ id, capacity: c * M, latency: 10 });
    net.startFlow({ id: 'f1', path: ['A1', 'B', 'C1'], bytes: 1e9 });
    net.startFlow({ id: 'f2', path: ['A2', 'B', 'C2'], bytes: 1e9 });
    expect(rates(net)).toEqual({ f1: 75 * M, f2: 75 * M }); // B alone: 150 / 2
    net.startFlow({ id: 'f3', path: ['A1'], bytes: 1e9 });
    expect(rates(net)).toEqual({ f1: 50 * M, f2: 100 * M, f3: 50 * M });
    expect(net.link('B').loadBytesPerSecond).toBe(150 * M);
  });

  it('parking lot: the reference example L1 = 10, L2 = 4, L3 = 7', () => {
    // f0 over L1 L2 L3; f1, f4 over L1; f2 over L2; f3 over L3 (capacities in units of 100 MB/s).
    // Step 1: L2 saturates at 4/2 = 2 → f0 = f2 = 2. Step 2: L1 (10 − 2)/2 = 4 → f1 = f4 = 4.
    // Step 3: L3 7 − 2 = 5 → f3 = 5. Check: L1 2+4+4 = 10, L2 2+2 = 4, L3 2+5 = 7.
    const U = 100 * M;
    const net = createFlowNetwork();
    net.addLink({ id: 'L1', capacity: 10 * U, latency: 0 });
    net.addLink({ id: 'L2', capacity: 4 * U, latency: 0 });
    net.addLink({ id: 'L3', capacity: 7 * U, latency: 0 });
    net.startFlow({ id: 'f0', path: ['L1', 'L2', 'L3'], bytes: 1e12 });
    net.startFlow({ id: 'f1', path: ['L1'], bytes: 1e12 });
    net.startFlow({ id: 'f2', path: ['L2'], bytes: 1e12 });
    net.startFlow({ id: 'f3', path: ['L3'], bytes: 1e12 });
    net.startFlow({ id: 'f4', path: ['L1'], bytes: 1e12 });
    expect(rates(net)).toEqual({ f0: 2 * U, f1: 4 * U, f2: 2 * U, f3: 5 * U, f4: 4 * U });
  });

  it('weights split a link in proportion: 1 : 2 of 90 MB/s = 30 and 60', () => {
    const net = createFlowNetwork();
    net.addLink({ id: 'L', capacity: 90 * M, latency: 0 });
    net.startFlow({ id: 'a', path: ['L'], bytes: 1e9, weight: 1 });
    net.startFlow({ id: 'b', path: ['L'], bytes: 1e9, weight: 2 });
    expect(rates(net)).toEqual({ a: 30 * M, b: 60 * M });
  });

  it('TCP window bound: 64 KiB over RTT 2 × (500 + 500) µs = 2 ms → 32,768,000 B/s, finishing exactly', () => {
    const net = createFlowNetwork();
    net.addLink({ id: 'x', capacity: 1000 * M, latency: 500 });
    net.addLink({ id: 'y', capacity: 1000 * M, latency: 500 });
    net.startFlow({ id: 'w', path: ['x', 'y'], bytes: 3_276_800, window: 65_536 });
    net.startFlow({ id: 'free', path: ['x'], bytes: 1e12 });
    // w is capped at 65536 / 0.002 = 32,768,000; free takes the rest of x: 1e9 − 32,768,000.
    expect(rates(net)).toEqual({ w: 32_768_000, free: 1000 * M - 32_768_000 });
    // 3,276,800 B / 32,768,000 B/s = 0.1 s.
    expect(net.nextEventTime()).toBe(100_000);
    const [done] = net.advanceTo(100_000);
    expect(done).toMatchObject({ type: 'flow.completed', flow: 'w', bytes: 3_276_800, durationUs: 100_000, meanBytesPerSecond: 32_768_000 });
  });

  it('a vNIC limiter (Firecracker bucket size 1000 B per 10 ms = 100,000 B/s) is shared by its flows', () => {
    const net = createFlowNetwork();
    net.addLink({ id: 'wire', capacity: 1000 * M, latency: 5 });
    net.addVnicLimiter({ id: 'vm1.tx', bandwidth: { size: 1000, refillTimeMs: 10 } });
    net.startFlow({ id: 'a', path: ['vm1.tx', 'wire'], bytes: 1e6 });
    net.startFlow({ id: 'b', path: ['vm1.tx', 'wire'], bytes: 1e6 });
    net.startFlow({ id: 'c', path: ['wire'], bytes: 1e9 });
    expect(rates(net)).toEqual({ a: 50_000, b: 50_000, c: 1000 * M - 100_000 });
    expect(net.link('vm1.tx')).toMatchObject({ kind: 'vnic-limiter', capacityBytesPerSecond: 100_000, latency: 0 });
  });
});

describe('completion times', () => {
  it('rounds up to the µs: 10 B at 3 B/s finish at ⌈10/3 s⌉ = 3,333,334 µs, not a µs before', () => {
    const net = createFlowNetwork();
    net.addLink({ id: 'slow', capacity: 3, latency: 0 });
    net.startFlow({ id: 'f', path: ['slow'], bytes: 10 });
    expect(net.nextEventTime()).toBe(3_333_334);
    expect(net.advanceTo(3_333_333)).toEqual([]);
    expect(net.flow('f').bytesDelivered).toBe(9); // 9.999999 B, rounded down
    expect(net.advanceTo(3_333_334).map((e) => e.flow)).toEqual(['f']);
    expect(net.link('slow').bytesCarried).toBe(10);
  });

  it('a rate change re-anchors only the flows it changes: 100 and 300 B on 100 B/s end at 2 s and 4 s', () => {
    // Both at 50 B/s: a's 100 B take 2 s; b then has 300 − 100 = 200 B alone at 100 B/s: 2 s more.
    const net = createFlowNetwork();
    net.addLink({ id: 'L', capacity: 100, latency: 0 });
    net.startFlow({ id: 'a', path: ['L'], bytes: 100 });
    net.startFlow({ id: 'b', path: ['L'], bytes: 300 });
    const events = net.advanceTo(10_000_000);
    expect(events.map((e) => [e.flow, e.time, e.durationUs, e.meanBytesPerSecond])).toEqual([
      ['a', 2_000_000, 2_000_000, 50],
      ['b', 4_000_000, 4_000_000, 75],
    ]);
    expect(net.now()).toBe(10_000_000);
    expect(net.nextEventTime()).toBe(Infinity);
    expect(net.link('L').bytesCarried).toBe(400);
    expect(net.stats()).toMatchObject({ recomputations: 3, flowsTouched: 1 + 2 + 1, completedFlows: 2, activeFlows: 0 });
  });

  it('flowCompletionTime is the least µs whose delivery covers the bytes', () => {
    for (const [rem, rate] of [[10, 3], [1, 1e12], [123_456_789, 7.3], [5, 0.1], [1e15, 1e13]] as const) {
      const t = flowCompletionTime(1000, rem, rate);
      const d = t - 1000;
      expect(rate * d).toBeGreaterThanOrEqual(rem * 1e6);
      expect(rate * (d - 1)).toBeLessThan(rem * 1e6);
    }
    expect(flowCompletionTime(5, 10, 0)).toBe(Infinity);
    expect(flowCompletionTime(5, 0, 0)).toBe(5);
  });

  it('cancelFlow reports the bytes delivered, and setCapacity at now() re-shares', () => {
    const net = createFlowNetwork();
    net.addLink({ id: 'L', capacity: 1000, latency: 0 });
    net.startFlow({ id: 'a', path: ['L'], bytes: 10_000 });
    net.startFlow({ id: 'b', path: ['L'], bytes: 10_000 });
    net.advanceTo(2_000_000); // 500 B/s each: 1000 B each
    expect(net.cancelFlow('a')).toEqual({ type: 'flow.dropped', time: 2_000_000, flow: 'a', reason: 'cancelled', bytes: 10_000, bytesDelivered: 1000 });
    expect(net.flow('b').rateBytesPerSecond).toBe(1000);
    net.setCapacity('L', 3000); // b: 9000 B left at 3000 B/s → 3 s
    expect(net.nextEventTime()).toBe(5_000_000);
    net.setCapacity('L', 0);
    expect(net.nextEventTime()).toBe(Infinity);
    expect(net.flow('b').rateBytesPerSecond).toBe(0);
  });
});

describe('errors', () => {
  it('every failed command throws a typed error and changes nothing', () => {
    const net = createFlowNetwork({ maxFlows: 1, maxLinks: 2 });
    net.addLink({ id: 'L', capacity: 100, latency: 0 });
    expect(codeOf(() => net.addLink({ id: 'L', capacity: 100, latency: 0 }))).toBe('E_CONFLICT');
    expect(codeOf(() => net.addLink({ id: 'M', capacity: 1.5, latency: 0 }))).toBe('E_VALIDATION');
    expect(codeOf(() => net.addLink({ id: 'M', capacity: 1, latency: -1 }))).toBe('E_VALIDATION');
    expect(codeOf(() => net.addVnicLimiter({ id: 'v', bandwidth: { size: 0, refillTimeMs: 10 } }))).toBe('E_VALIDATION');
    expect(codeOf(() => net.startFlow({ id: 'f', path: ['L', 'nope'], bytes: 10 }))).toBe('E_NOT_FOUND');
    expect(codeOf(() => net.startFlow({ id: 'f', path: ['L', 'L'], bytes: 10 }))).toBe('E_VALIDATION');
    expect(codeOf(() => net.startFlow({ id: 'f', path: [], bytes: 10 }))).toBe('E_VALIDATION');
    expect(codeOf(() => net.startFlow({ id: 'f', path: ['L'], bytes: 0 }))).toBe('E_VALIDATION');
    expect(codeOf(() => net.startFlow({ id: 'f', path: ['L'], bytes: 10, weight: 0 }))).toBe('E_VALIDATION');
    expect(net.flowIds()).toEqual([]);
    net.startFlow({ id: 'f', path: ['L'], bytes: 1000 });
    expect(codeOf(() => net.startFlow({ id: 'f', path: ['L'], bytes: 10 }))).toBe('E_CONFLICT');
    expect(codeOf(() => net.startFlow({ id: 'g', path: ['L'], bytes: 10 }))).toBe('E_LIMIT_EXCEEDED');
    expect(codeOf(() => net.setCapacity('L', -5))).toBe('E_VALIDATION');
    expect(codeOf(() => net.cancelFlow('g'))).toBe('E_NOT_FOUND');
    net.advanceTo(1_000_000);
    expect(codeOf(() => net.advanceTo(999_999))).toBe('E_VALIDATION');
    net.addLink({ id: 'M', capacity: 1, latency: 0 });
    expect(codeOf(() => net.addLink({ id: 'N', capacity: 1, latency: 0 }))).toBe('E_LIMIT_EXCEEDED');
    expect(net.flowIds()).toEqual(['f']);
    expect(net.linkIds()).toEqual(['L', 'M']);
    expect(net.flow('f')).toMatchObject({ rateBytesPerSecond: 100, bytesDelivered: 100 });
  });

  it('messages name what was wrong, what is accepted and what was given', () => {
    const net = createFlowNetwork();
    net.addLink({ id: 'L', capacity: 100, latency: 0 });
    expect(() => net.startFlow({ id: 'f', path: ['L'], bytes: 10, weight: -2 })).toThrow(/weight must be a finite number in \(0, 1000000\], got -2/);
    expect(() => net.setCapacity('L', 2.5)).toThrow(/capacity must be an integer in 0\.\.10000000000000, got 2\.5/);
  });
});
