// Properties of the simulated migration on random VMs and links: alone on its link it follows
// estimateMigration round by round (to µs rounding), the link carries exactly the bytes it reports,
// and a competing flow never makes it faster.
import { createFlowNetwork } from '@strata/core-network';
import type { FlowNetwork } from '@strata/core-network';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLiveMigration, estimateMigration } from '../../src/index.ts';
import type { LiveMigration } from '../../src/index.ts';

const MiB = 2 ** 20;

function run(net: FlowNetwork, migration: LiveMigration): void {
  migration.start();
  for (let steps = 0; steps < 100_000; steps++) {
    const t = Math.min(net.nextEventTime(), migration.nextEventTime());
    if (t === Infinity) break;
    net.advanceTo(t);
    migration.advanceTo(t);
    if (migration.phase() === 'completed' || migration.phase() === 'failed') break;
  }
}

const vms = fc.record({
  memoryMiB: fc.integer({ min: 64, max: 16_384 }),
  wssPercent: fc.integer({ min: 0, max: 100 }),
  dirtyMiBps: fc.integer({ min: 0, max: 2_000 }),
  bandwidth: fc.integer({ min: 10_000_000, max: 5_000_000_000 }),
  downtimeLimitMs: fc.integer({ min: 1, max: 2_000 }),
  maxRounds: fc.integer({ min: 1, max: 30 }),
});

describe('live migration properties', () => {
  it('alone on its link it agrees with estimateMigration (unless a dirty set lies within rounding of the threshold), and the link carried exactly bytesSent', () => {
    fc.assert(
      fc.property(vms, ({ memoryMiB, wssPercent, dirtyMiBps, bandwidth, downtimeLimitMs, maxRounds }) => {
        const memoryBytes = memoryMiB * MiB;
        const wssBytes = Math.floor((memoryBytes * wssPercent) / 100);
        const dirtyBytesPerSecond = dirtyMiBps * MiB;
        const model = estimateMigration({ memoryBytes, wssBytes, dirtyBytesPerSecond, bandwidthBytesPerSecond: bandwidth, downtimeLimitSeconds: downtimeLimitMs / 1000, maxRounds });
        const threshold = (bandwidth * downtimeLimitMs) / 1000;
        // The simulation decides at the measured bandwidth (V/⌈V/B⌉µs ≤ B) on dirty sets that may differ by D·(a few µs):
        // skip inputs whose dirty sets come that close to the threshold, and those the model copies without pre-copy.
        const margin = threshold * 1e-4 + dirtyBytesPerSecond * 1e-5 + 2;
        const volumes = [...model.rounds.map((r) => r.bytes), model.finalBytes];
        fc.pre(model.rounds.length > 0 && volumes.every((v) => Math.abs(v - threshold) > margin));
        const net = createFlowNetwork();
        net.addLink({ id: 'l', capacity: bandwidth, latency: 0 });
        const migration = createLiveMigration({ id: 'm', vm: 'v', network: net, path: ['l'], memoryBytes, wssBytes, dirtyBytesPerSecond, downtimeLimitUs: downtimeLimitMs * 1000, maxRounds });
        run(net, migration);
        const report = migration.report();
        expect(report.phase).toBe('completed');
        expect(report.rounds.length).toBe(model.rounds.length);
        expect(report.converged).toBe(model.converged);
        // Each flow ends at the next whole µs (≤ 1 µs late), and that µs of extra dirtying carries into the next round
        // scaled by r = D/B (clamping at W resets it): round i may be Σ_{k≤i} min(r, 1)^k µs off, plus float slack.
        const r = Math.min(1, dirtyBytesPerSecond / bandwidth);
        let bound = 0;
        let total = 0;
        report.rounds.forEach((round, i) => {
          bound = 1 + r * bound;
          total += bound + 0.01;
          expect(Math.abs(round.durationUs - model.rounds[i]!.seconds * 1e6)).toBeLessThanOrEqual(bound + 0.01);
        });
        total += 1 + r * bound + 0.01;
        expect(Math.abs(report.totalUs! - model.totalSeconds * 1e6)).toBeLessThanOrEqual(total);
        expect(net.link('l').bytesCarried).toBe(report.bytesSent);
        expect(report.bytesSent).toBe(report.rounds.reduce((sum, r) => sum + r.bytes, 0) + report.finalBytes);
      }),
      { seed: 4242, numRuns: 200, verbose: true },
    );
  });

  it('a competing flow never makes a migration faster', () => {
    fc.assert(
      fc.property(vms, fc.integer({ min: 1, max: 2 ** 36 }), ({ memoryMiB, wssPercent, dirtyMiBps, bandwidth, downtimeLimitMs, maxRounds }, competing) => {
        const memoryBytes = memoryMiB * MiB;
        const spec = { id: 'm', vm: 'v', path: ['l'], memoryBytes, wssBytes: Math.floor((memoryBytes * wssPercent) / 100), dirtyBytesPerSecond: dirtyMiBps * MiB, downtimeLimitUs: downtimeLimitMs * 1000, maxRounds };
        const totals = [false, true].map((shared) => {
          const net = createFlowNetwork();
          net.addLink({ id: 'l', capacity: bandwidth, latency: 0 });
          if (shared) net.startFlow({ id: 'other', path: ['l'], bytes: competing });
          const migration = createLiveMigration({ ...spec, network: net });
          run(net, migration);
          return migration.report();
        });
        const [alone, shared] = totals as [ReturnType<LiveMigration['report']>, ReturnType<LiveMigration['report']>];
        // Pre-copy time can only grow; the whole migration too, unless the competition shifted a convergence decision.
        if (alone.rounds.length === shared.rounds.length) expect(shared.totalUs!).toBeGreaterThanOrEqual(alone.totalUs!);
        expect(shared.rounds[0]!.durationUs).toBeGreaterThanOrEqual(alone.rounds[0]!.durationUs);
      }),
      { seed: 777, numRuns: 100, verbose: true },
    );
  });
});
