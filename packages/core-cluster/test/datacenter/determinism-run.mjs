// Run the determinism scenario on the built package and print the sha256 of its event stream
// (one JSON line per event) and the event count. Spawned by determinism.test.ts, twice.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ScenarioSchema } from '@strata/shared-types';
import { createDatacenter } from '@strata/core-cluster';

const input = JSON.parse(readFileSync(new URL('./determinism-scenario.json', import.meta.url), 'utf8'));
const hash = createHash('sha256');
let count = 0;
const dc = createDatacenter(ScenarioSchema.parse(input), {
  onEvent: (e) => {
    hash.update(`${JSON.stringify(e)}\n`);
    count++;
  },
});
dc.run();
process.stdout.write(`${hash.digest('hex')} ${count}\n`);
