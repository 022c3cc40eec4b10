// Same scenario and seed, same event stream: in one process, across processes (the built package run
// by `node`), and however the run is cut into steps.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScenarioSchema } from '@strata/shared-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import type { ClusterEvent } from '../../src/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** What each spawned process runs (an ES module given to `node -e`, resolved from the package folder). */
const PROCESS_SCRIPT = `
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ScenarioSchema } from '@strata/shared-types';
import { createDatacenter } from '@strata/core-cluster';
const input = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const hash = createHash('sha256');
let count = 0;
const dc = createDatacenter(ScenarioSchema.parse(input), { onEvent: (e) => { hash.update(JSON.stringify(e) + '\\n'); count++; } });
dc.run();
process.stdout.write(hash.digest('hex') + ' ' + count + '\\n');
`;
const input: unknown = JSON.parse(readFileSync(`${here}determinism-scenario.json`, 'utf8'));
const scenario = (file = 'determinism-scenario.json') => ScenarioSchema.parse(file === 'determinism-scenario.json' ? input : JSON.parse(readFileSync(`${here}${file}`, 'utf8')));

function runHash(seed?: number, file?: string): { hash: string; count: number; events: ClusterEvent[] } {
  const events: ClusterEvent[] = [];
  const s = scenario(file);
  createDatacenter(seed === undefined ? s : { ...s, seed }, { onEvent: (e) => events.push(e) }).run();
  const hash = createHash('sha256');
  for (const e of events) hash.update(`${JSON.stringify(e)}\n`);
  return { hash: hash.digest('hex'), count: events.length, events };
}

describe('determinism', () => {
  it('the same scenario and seed give the same events; another seed gives others; events come in time order', () => {
    const a = runHash();
    const b = runHash();
    expect(a.count).toBeGreaterThan(50);
    expect(b.hash).toBe(a.hash);
    expect(runHash(43).hash).not.toBe(a.hash);
    for (let i = 1; i < a.events.length; i++) expect(a.events[i]!.time).toBeGreaterThanOrEqual(a.events[i - 1]!.time);
    const types = new Set(a.events.map((e) => e.type));
    for (const t of ['migration.completed', 'host.failed', 'vm.ha_restarted', 'host.repaired', 'container.crashed', 'container.die']) expect(types).toContain(t);
  });

  it('step(a) then step(b) is step(a + b): the same events and the same report', () => {
    const whole = createDatacenter(scenario());
    const parts = createDatacenter(scenario());
    const w = whole.step(17_000_000);
    const p = [...parts.step(4_321_000), ...parts.step(9_000_001), ...parts.step(3_678_999)];
    expect(JSON.stringify(p)).toBe(JSON.stringify(w));
    expect(JSON.stringify(parts.summary())).toBe(JSON.stringify(whole.summary()));
    expect(JSON.stringify(parts.metrics())).toBe(JSON.stringify(whole.metrics()));
  });

  describe('across processes (the built package under node)', () => {
    beforeAll(() => {
      execFileSync('pnpm', ['exec', 'tsc', '-b', 'tsconfig.build.json'], { cwd: `${here}../..`, stdio: 'pipe' });
    }, 600_000);

    it('two node processes print the hash this process computes', () => {
      const args = ['--input-type=module', '-e', PROCESS_SCRIPT, `${here}determinism-scenario.json`];
      const outputs = [0, 1].map(() => execFileSync('node', args, { cwd: `${here}../..`, encoding: 'utf8' }).trim());
      const mine = runHash();
      expect(outputs[0]).toBe(`${mine.hash} ${mine.count}`);
      expect(outputs[1]).toBe(outputs[0]);
    }, 120_000);

    it('the end-to-end scenario (nested scheduling, a flow, a migration, a host failure): two processes, one trace', () => {
      const args = ['--input-type=module', '-e', PROCESS_SCRIPT, `${here}end-to-end-scenario.json`];
      const outputs = [0, 1].map(() => execFileSync('node', args, { cwd: `${here}../..`, encoding: 'utf8' }).trim());
      const mine = runHash(undefined, 'end-to-end-scenario.json');
      const types = new Set(mine.events.map((e) => e.type));
      for (const t of ['migration.completed', 'host.failed', 'vm.ha_restarted', 'container.die']) expect(types).toContain(t);
      expect(outputs[0]).toBe(`${mine.hash} ${mine.count}`);
      expect(outputs[1]).toBe(outputs[0]);
    }, 120_000);
  });
});
