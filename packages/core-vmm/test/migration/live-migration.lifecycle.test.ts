// The migration's phases under random command sequences (start, cancel, advancing, competing flows
// coming and going): only legal transitions happen, a refused command changes nothing, events come
// in time order with one terminal event, and the migration never holds more than one flow.
import { createFlowNetwork } from '@strata/core-network';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLiveMigration } from '../../src/index.ts';
import type { LiveMigrationEvent, LiveMigrationPhase } from '../../src/index.ts';

const MiB = 2 ** 20;
const LEGAL: Record<LiveMigrationPhase, readonly LiveMigrationPhase[]> = {
  ready: ['pre-copy', 'post-copy'],
  'pre-copy': ['pre-copy', 'stop-and-copy', 'post-copy', 'resuming', 'completed', 'failed'],
  'stop-and-copy': ['resuming', 'completed', 'failed'],
  'post-copy': ['resuming', 'completed'],
  resuming: ['completed'],
  completed: [],
  failed: [],
};

type Action = { kind: 'start' } | { kind: 'cancel' } | { kind: 'step' } | { kind: 'compete'; bytes: number } | { kind: 'stop-competing' };
const actions = fc.array(
  fc.oneof(
    fc.constant<Action>({ kind: 'start' }),
    fc.constant<Action>({ kind: 'cancel' }),
    fc.constant<Action>({ kind: 'step' }),
    fc.constant<Action>({ kind: 'step' }),
    fc.constant<Action>({ kind: 'step' }),
    fc.integer({ min: 1, max: 2 ** 32 }).map((bytes): Action => ({ kind: 'compete', bytes })),
    fc.constant<Action>({ kind: 'stop-competing' }),
  ),
  { maxLength: 60 },
);
const configs = fc.record({
  dirtyMiBps: fc.integer({ min: 0, max: 400 }),
  maxRounds: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  onMaxRounds: fc.constantFrom('stop-and-copy' as const, 'abort' as const),
  postCopyAfter: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  resumeUs: fc.integer({ min: 0, max: 50_000 }),
  autoConverge: fc.boolean(),
});

describe('live migration lifecycle (random command sequences)', () => {
  it('legal transitions only; refusals change nothing; ordered events, one terminal; at most one migration flow', () => {
    fc.assert(
      fc.property(configs, actions, (config, script) => {
        const net = createFlowNetwork();
        net.addLink({ id: 'l', capacity: 125_000_000, latency: 0 });
        const migration = createLiveMigration({
          id: 'm', vm: 'v', network: net, path: ['l'], memoryBytes: 512 * MiB, wssBytes: 256 * MiB, dirtyBytesPerSecond: config.dirtyMiBps * MiB,
          resumeUs: config.resumeUs, autoConverge: config.autoConverge, onMaxRounds: config.onMaxRounds,
          ...(config.maxRounds === undefined ? {} : { maxRounds: config.maxRounds }),
          ...(config.postCopyAfter === undefined ? {} : { postCopy: { afterRounds: config.postCopyAfter } }),
        });
        const events: LiveMigrationEvent[] = [];
        let competitor = 0;
        for (const action of script) {
          const before = migration.phase();
          const report = JSON.stringify(migration.report());
          try {
            switch (action.kind) {
              case 'start':
                events.push(...migration.start());
                break;
              case 'cancel':
                events.push(...migration.cancel());
                break;
              case 'step': {
                const t = Math.min(net.nextEventTime(), migration.nextEventTime());
                if (t === Infinity) break;
                net.advanceTo(t);
                events.push(...migration.advanceTo(t));
                break;
              }
              case 'compete':
                net.startFlow({ id: `c${competitor++}`, path: ['l'], bytes: action.bytes });
                break;
              case 'stop-competing': {
                const other = net.flowIds().find((id) => id.startsWith('c'));
                if (other !== undefined) net.cancelFlow(other);
                break;
              }
            }
          } catch (error) {
            expect((error as { code?: string }).code).toBe('E_INVALID_TRANSITION');
            expect(migration.phase()).toBe(before);
            expect(JSON.stringify(migration.report())).toBe(report);
          }
          const after = migration.phase();
          if (after !== before) expect(LEGAL[before]).toContain(after);
          expect(net.flowIds().filter((id) => id.startsWith('m/')).length).toBeLessThanOrEqual(1);
          if (after === 'completed' || after === 'failed' || after === 'ready') expect(net.flowIds().filter((id) => id.startsWith('m/'))).toEqual([]);
        }
        for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
        const terminal = events.filter((e) => e.type === 'migration.completed' || e.type === 'migration.failed');
        expect(terminal.length).toBe(['completed', 'failed'].includes(migration.phase()) ? 1 : 0);
        if (terminal.length === 1) expect(events.at(-1)).toBe(terminal[0]);
        expect(events.filter((e) => e.type === 'migration.started').length).toBe(migration.phase() === 'ready' ? 0 : 1);
        if (migration.phase() === 'completed' || migration.phase() === 'failed') expect(migration.report().throttlePercent).toBe(0);
      }),
      { seed: 31337, numRuns: 300, verbose: true },
    );
  });
});
