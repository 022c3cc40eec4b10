// The simulated migration over core-network: alone on its link it reproduces estimateMigration's
// rounds, total and downtime (to µs rounding) for the reference's three worked examples; sharing the
// link it slows to its max-min fair share; plus the round limit, auto-converge, the bandwidth cap,
// post-copy, cancel, validation and determinism.
import { createFlowNetwork } from '@strata/core-network';
import type { FlowNetwork } from '@strata/core-network';
import { describe, expect, it } from 'vitest';
import { createLiveMigration, estimateMigration, QEMU_MAX_BANDWIDTH, XEN_MAX_ROUNDS } from '../../src/index.ts';
import type { LiveMigration, LiveMigrationEvent, LiveMigrationSpec, MigrationEstimate } from '../../src/index.ts';

const MiB = 1024 * 1024;
const GBIT = 125_000_000;
const M = 4096 * MiB;
const W = 1024 * MiB;

function network(capacity: number): FlowNetwork {
  const net = createFlowNetwork();
  net.addLink({ id: 'src-dst', capacity, latency: 0 });
  return net;
}

/** Drive network and migration on one clock until the migration ends (or `until`); returns its events. */
function drive(net: FlowNetwork, migration: LiveMigration, until = Infinity): LiveMigrationEvent[] {
  const events = [...migration.start()];
  for (let steps = 0; steps < 1_000_000; steps++) {
    const t = Math.min(net.nextEventTime(), migration.nextEventTime());
    if (t === Infinity || t > until) break;
    net.advanceTo(t);
    events.push(...migration.advanceTo(t));
    if (migration.phase() === 'completed' || migration.phase() === 'failed') break;
  }
  return events;
}

type Spec = Omit<LiveMigrationSpec, 'network' | 'id' | 'vm' | 'path'>;
function migrate(capacity: number, spec: Spec, setup?: (net: FlowNetwork) => void): { migration: LiveMigration; events: LiveMigrationEvent[]; net: FlowNetwork } {
  const net = network(capacity);
  setup?.(net);
  const migration = createLiveMigration({ id: 'm1', vm: 'vm1', network: net, path: ['src-dst'], ...spec });
  return { migration, events: drive(net, migration), net };
}

/** Sim vs model: per round ≤ 2 µs apart (the flow completes at the next whole µs, and its dirty set follows), totals ≤ rounds + 2 µs. */
function expectAgreement(migration: LiveMigration, model: MigrationEstimate, dirtyBytesPerSecond: number): void {
  const report = migration.report();
  expect(report.rounds.length).toBe(model.rounds.length);
  report.rounds.forEach((round, i) => {
    const expected = model.rounds[i]!;
    expect(Math.abs(round.bytes - expected.bytes)).toBeLessThanOrEqual(Math.ceil(dirtyBytesPerSecond * 2e-6) + 1);
    expect(Math.abs(round.durationUs - expected.seconds * 1e6)).toBeLessThanOrEqual(2);
  });
  const slack = model.rounds.length + 2;
  expect(Math.abs(report.downtimeUs! - model.downtimeSeconds * 1e6)).toBeLessThanOrEqual(2);
  expect(Math.abs(report.totalUs! - model.totalSeconds * 1e6)).toBeLessThanOrEqual(slack);
  expect(Math.abs(report.bytesSent - model.bytesSent)).toBeLessThanOrEqual((model.rounds.length + 1) * (Math.ceil(dirtyBytesPerSecond * 2e-6) + 1));
  expect(report.converged).toBe(model.converged);
}

describe('live migration alone on its link agrees with estimateMigration', () => {
  it('Ex. 1 — 1 Gbit/s, 50 MiB/s: 5 rounds, downtime 0.266 s, total 48.963 s', () => {
    const { migration, events } = migrate(GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 50 * MiB });
    const model = estimateMigration({ memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 50 * MiB, bandwidthBytesPerSecond: GBIT });
    expectAgreement(migration, model, 50 * MiB);
    expect(Math.round(migration.report().downtimeUs! / 1000)).toBe(266);
    expect(Math.round(migration.report().totalUs! / 1000)).toBe(48_963);
    expect(events.map((e) => e.type)).toEqual(['migration.started', ...Array<string>(5).fill('migration.round'), 'migration.completed']);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'migration.completed', migration: 'm1', vm: 'vm1', mode: 'pre-copy', converged: true, rounds: 5 });
  });

  it('Ex. 2 — 10 Gbit/s, 200 MiB/s: 2 rounds, downtime 0.097 s, total 4.109 s', () => {
    const { migration } = migrate(10 * GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB });
    const model = estimateMigration({ memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, bandwidthBytesPerSecond: 10 * GBIT });
    expectAgreement(migration, model, 200 * MiB);
    expect(Math.round(migration.report().totalUs! / 1000)).toBe(4_109);
  });

  it('Ex. 3 — 1 Gbit/s, 200 MiB/s, Xen’s 5 rounds then forced stop-and-copy: 68.72 s pre-copy, 8.59 s downtime, not converged', () => {
    const { migration, events } = migrate(GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, maxRounds: XEN_MAX_ROUNDS });
    const model = estimateMigration({ memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, bandwidthBytesPerSecond: GBIT, maxRounds: 5 });
    expectAgreement(migration, model, 200 * MiB);
    const r = migration.report();
    expect(Math.round((r.totalUs! - r.downtimeUs!) / 10_000) / 100).toBe(68.72);
    expect(Math.round(r.downtimeUs! / 10_000) / 100).toBe(8.59);
    expect(events.at(-1)).toMatchObject({ type: 'migration.completed', converged: false, rounds: 5 });
  });

  it('Ex. 3 without a round limit iterates as QEMU does: still pre-copying after 10 minutes', () => {
    const net = network(GBIT);
    const migration = createLiveMigration({ id: 'm1', vm: 'vm1', network: net, path: ['src-dst'], memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB });
    drive(net, migration, 600_000_000);
    expect(migration.phase()).toBe('pre-copy');
    expect(migration.report().rounds.length).toBeGreaterThan(60);
  });

  it('resumeUs adds to downtime and total as in the model', () => {
    const { migration } = migrate(10 * GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, resumeUs: 50_000 });
    const model = estimateMigration({ memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, bandwidthBytesPerSecond: 10 * GBIT, resumeSeconds: 0.05 });
    expectAgreement(migration, model, 200 * MiB);
  });
});

describe('live migration sharing its link', () => {
  it('a competing flow for the whole run halves the bandwidth: the rounds follow the model at B/2 and the migration takes longer', () => {
    const alone = migrate(10 * GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB });
    const shared = migrate(10 * GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB }, (net) => {
      net.startFlow({ id: 'backup', path: ['src-dst'], bytes: 2 ** 50 });
    });
    const model = estimateMigration({ memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, bandwidthBytesPerSecond: 5 * GBIT });
    expectAgreement(shared.migration, model, 200 * MiB);
    expect(shared.migration.report().totalUs!).toBeGreaterThan(alone.migration.report().totalUs!);
    for (const round of shared.migration.report().rounds) expect(round.bandwidthBytesPerSecond).toBeCloseTo(5 * GBIT, -3);
    expect(shared.net.flowIds()).toEqual(['backup']);
  });

  it('a competing flow that ends mid-round 0: round 0 runs at B/2 then B, and later rounds at B', () => {
    const { migration } = migrate(GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 50 * MiB }, (net) => {
      net.startFlow({ id: 'burst', path: ['src-dst'], bytes: 1_000_000_000 }); // 16 s at B/2 → 8 s of full link
    });
    const r = migration.report();
    // Round 0: 1e9 bytes each in 16 s at B/2, then the rest of M alone at B.
    const expected0 = 16 + (M - 1e9) / GBIT;
    expect(Math.abs(r.rounds[0]!.durationUs - expected0 * 1e6)).toBeLessThanOrEqual(2);
    expect(r.rounds[1]!.bandwidthBytesPerSecond).toBeCloseTo(GBIT, -2);
    expect(r.converged).toBe(true);
  });
});

describe('live migration policies', () => {
  it('raw QEMU’s 128 MiB/s cap on a 10 Gbit/s link: Ex. 2 then has D > B and needs a round limit', () => {
    const { migration } = migrate(10 * GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, maxBandwidth: QEMU_MAX_BANDWIDTH, maxRounds: 3 });
    const r = migration.report();
    for (const round of r.rounds) expect(round.bandwidthBytesPerSecond).toBeCloseTo(QEMU_MAX_BANDWIDTH, -2);
    expect(r.converged).toBe(false);
    expect(Math.round(r.downtimeUs! / 1000)).toBe(8000); // W at 128 MiB/s
  });

  it('maxRounds with abort: migration.failed, the VM stays on the source, nothing left on the link', () => {
    const { migration, events, net } = migrate(GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, maxRounds: 5, onMaxRounds: 'abort' });
    expect(migration.phase()).toBe('failed');
    expect(events.at(-1)).toMatchObject({ type: 'migration.failed', reason: 'max-rounds', rounds: 5 });
    expect(net.flowIds()).toEqual([]);
  });

  it('auto-converge converges Ex. 3, reporting each throttle to the host (20, 30, …) and 0 at the end, as the model does', () => {
    const throttles: number[] = [];
    const { migration } = migrate(GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, autoConverge: true, onThrottle: (p) => throttles.push(p) });
    const model = estimateMigration({ memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, bandwidthBytesPerSecond: GBIT, autoConverge: true });
    expect(migration.report().converged).toBe(true);
    expect(migration.report().rounds.map((r) => r.throttlePercent)).toEqual(model.rounds.map((r) => r.throttlePercent));
    expect(throttles).toEqual([20, 30, 40, 50, 60, 70, 80, 0]);
    expectAgreement(migration, model, 200 * MiB);
  });

  it('post-copy after 2 rounds of Ex. 3: W crosses once, downtime is only the resume, remote faults estimated', () => {
    const { migration, events } = migrate(GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, postCopy: { afterRounds: 2 }, resumeUs: 1_000 });
    const r = migration.report();
    expect(r.mode).toBe('post-copy');
    expect(r.rounds.length).toBe(2);
    expect(r.downtimeUs).toBe(1_000);
    expect(r.bytesSent).toBe(M + W + W);
    // 8.59 s of stream; the guest touches min(W, 200 MiB/s × 8.59 s) = W; half of W is remote on average: W/2 / 4 KiB.
    expect(r.remoteFaults).toBe(W / 2 / 4096);
    expect(events.at(-1)).toMatchObject({ type: 'migration.completed', mode: 'post-copy', converged: false, downtimeUs: 1_000 });
  });

  it('post-copy from the start sends every page once', () => {
    const { migration } = migrate(GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 50 * MiB, postCopy: { afterRounds: 0 } });
    expect(migration.report().bytesSent).toBe(M);
    expect(migration.report().rounds).toEqual([]);
    expect(migration.report().downtimeUs).toBe(0);
  });

  it('cancel during pre-copy: migration.failed (cancelled), the flow leaves the link; a second cancel is an invalid transition', () => {
    const net = network(GBIT);
    const migration = createLiveMigration({ id: 'm1', vm: 'vm1', network: net, path: ['src-dst'], memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 50 * MiB });
    drive(net, migration, 40_000_000);
    expect(migration.phase()).toBe('pre-copy');
    const events = migration.cancel();
    expect(events).toMatchObject([{ type: 'migration.failed', reason: 'cancelled', rounds: 1 }]);
    expect(net.flowIds()).toEqual([]);
    expect(() => migration.cancel()).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }) as Error);
    expect(() => migration.start()).toThrow(expect.objectContaining({ code: 'E_INVALID_TRANSITION' }) as Error);
  });

  it('advancing before the network is advanced is refused', () => {
    const net = network(GBIT);
    const migration = createLiveMigration({ id: 'm1', vm: 'vm1', network: net, path: ['src-dst'], memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 50 * MiB });
    migration.start();
    expect(() => migration.advanceTo(5)).toThrow(/advance the network first/);
  });

  it.each([
    [{ memoryBytes: 0 }, /memoryBytes/],
    [{ wssBytes: M + 1 }, /wssBytes/],
    [{ path: ['nowhere'] }, /nowhere/],
    [{ maxRounds: 0 }, /maxRounds must be an integer from 1/],
    [{ maxBandwidth: 0 }, /maxBandwidth/],
    [{ downtimeLimitUs: -1 }, /downtimeLimitUs/],
    [{ postCopy: { afterRounds: 1, pageBytes: 5000 } }, /postCopy.pageBytes/],
    [{ speed: 1 }, /speed must be absent/],
  ])('%o is refused before anything starts', (patch, message) => {
    const net = network(GBIT);
    const spec = { id: 'm1', vm: 'vm1', network: net, path: ['src-dst'], memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 50 * MiB, ...patch } as LiveMigrationSpec;
    expect(() => createLiveMigration(spec)).toThrow(message);
    expect(net.flowIds()).toEqual([]);
  });

  it('is deterministic: the same run gives the same events', () => {
    const run = (): string => JSON.stringify(migrate(GBIT, { memoryBytes: M, wssBytes: W, dirtyBytesPerSecond: 200 * MiB, autoConverge: true }).events);
    expect(run()).toBe(run());
  });
});
