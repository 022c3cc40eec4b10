// Same seed and same calls give a byte-identical trace: twice in this process, and in a
// fresh process (run through tsx on source, as the bench does).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arrayTraceSink, createSimulation, traceHash } from '@strata/core-sim';
import type { SimHandle } from '@strata/core-sim';
import { runWorkload } from './determinism-workload.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('determinism', () => {
  it('the randomized workload hashes the same twice, and differently under another seed', () => {
    const a = runWorkload(42);
    const b = runWorkload(42);
    expect(a.records).toBeGreaterThan(1000);
    expect(b).toEqual(a);
    expect(runWorkload(43).hash).not.toBe(a.hash);
    expect(runWorkload('42').hash).not.toBe(a.hash);
  });

  it('matches the recorded hash (a change here means traces of existing scenarios change: say so in the changeset)', () => {
    expect(runWorkload(42)).toEqual({ hash: 'efc2c06a7aca9b4f', records: 13128, events: 8927, now: 2_000_000 });
  });

  it('a fresh process produces the same trace hash', () => {
    const here = runWorkload(42);
    const out = execFileSync('npx', ['tsx', '--conditions=strata-source', 'test/determinism-main.ts', '42'], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(here);
  }, 90_000);

  it('any command sequence replays to the same trace', () => {
    const steps = fc.array(fc.record({ delay: fc.nat(100), prio: fc.integer({ min: -3, max: 3 }), draws: fc.nat(3), spawn: fc.boolean() }), { maxLength: 60 });
    fc.assert(
      fc.property(fc.integer(), steps, (seed, plan) => {
        const replay = (): string => {
          const sink = arrayTraceSink();
          const sim = createSimulation({ seed, trace: sink });
          plan.forEach((p, i) => {
            const fire = (h: SimHandle): void => {
              const xs = Array.from({ length: p.draws }, () => h.rng(`c${i % 3}`).float());
              h.trace('fired', { i, xs });
              if (p.spawn && h.now() < 1000) h.after(p.delay + 1, fire, { priority: p.prio });
            };
            sim.after(p.delay, fire, { priority: p.prio, label: `e${i}` });
          });
          sim.run();
          return traceHash(sink.records);
        };
        expect(replay()).toBe(replay());
      }),
      { numRuns: 100 },
    );
  });
});
