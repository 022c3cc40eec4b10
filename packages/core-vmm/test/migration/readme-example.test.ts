// The README's live-migration example, run as written, with its printed numbers checked.
import { createFlowNetwork } from '@strata/core-network';
import { expect, it } from 'vitest';
import { createLiveMigration, estimateMigration } from '../../src/index.ts';

it('README example: the model prints 5 0.266 48.963 and the simulation 5 265846 48963384', () => {
  const MiB = 2 ** 20;
  const vm = { memoryBytes: 4096 * MiB, wssBytes: 1024 * MiB, dirtyBytesPerSecond: 50 * MiB };
  const model = estimateMigration({ ...vm, bandwidthBytesPerSecond: 125_000_000 });
  expect([model.rounds.length, model.downtimeSeconds.toFixed(3), model.totalSeconds.toFixed(3)].join(' ')).toBe('5 0.266 48.963');

  const network = createFlowNetwork();
  network.addLink({ id: 'h1-h2', capacity: 125_000_000, latency: 0 });
  const migration = createLiveMigration({ id: 'm1', vm: 'web', network, path: ['h1-h2'], ...vm });
  migration.start();
  for (let t = migration.nextEventTime(); t !== Infinity; t = Math.min(network.nextEventTime(), migration.nextEventTime())) {
    network.advanceTo(t);
    migration.advanceTo(t);
  }
  const report = migration.report();
  expect([report.rounds.length, report.downtimeUs, report.totalUs].join(' ')).toBe('5 265846 48963384');
});
