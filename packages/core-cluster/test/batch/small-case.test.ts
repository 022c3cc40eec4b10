// The cloudsim-small case (10 hosts, 40 VMs, 400 cloudlets): every job's start and finish equal the
// exact answers in ideal_*.csv to 10 µs, both guest schedulers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBatchModel, parseBatchCsv } from '../../src/batch/index.ts';

const DIR = fileURLToPath(new URL('../../../../examples/cloudsim-small/', import.meta.url));

interface IdealRow {
  id: number;
  vm: number;
  host: string;
  start: number;
  finish: number;
}

function readIdeal(name: string): IdealRow[] {
  const lines = readFileSync(`${DIR}${name}`, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('id,vm,host,start_s,finish_s');
  return lines.slice(1).map((l) => {
    const [id, vm, host, start, finish] = l.split(',');
    return { id: Number(id), vm: Number(vm), host: host!, start: Number(start), finish: Number(finish) };
  });
}

describe('cloudsim-small against its exact answers', () => {
  for (const [scheduler, suffix] of [['time-shared', 'ts'], ['space-shared', 'ss']] as const) {
    it(`${scheduler}: every job within 10 µs, makespan and mean as the README states`, () => {
      const jobs = parseBatchCsv(readFileSync(`${DIR}H10_V40_C400.csv`, 'utf8'), 'H10_V40_C400.csv');
      expect(jobs.count).toBe(400);
      const vms = Array.from({ length: 40 }, () => ({ vcpus: 2, mips: 1000 }));
      const model = createBatchModel({ vms, jobs, scheduler });
      model.advanceTo(Number.MAX_SAFE_INTEGER);
      const ideal = readIdeal(`ideal_H10_V40_C400-${suffix}.csv`);
      expect(ideal).toHaveLength(400);
      const row = new Map<number, number>();
      for (let j = 0; j < jobs.count; j++) row.set(jobs.id[j]!, j);
      let worst = 0;
      for (const r of ideal) {
        const j = row.get(r.id)!;
        expect(jobs.vm[j]).toBe(r.vm);
        worst = Math.max(worst, Math.abs(model.finishUs(j) / 1e6 - r.finish), Math.abs(model.startUs(j) / 1e6 - r.start));
      }
      expect(worst).toBeLessThanOrEqual(10e-6);
      const s = model.summary();
      expect(s.count).toBe(400);
      expect(s.completed).toBe(400);
      const [makespan, mean] = scheduler === 'time-shared' ? [344.91, 202.3638] : [378.97, 160.4385];
      expect(s.makespan_s).toBeCloseTo(makespan, 3);
      expect(s.meanFinish_s).toBeCloseTo(mean, 4);
      expect(model.events()).toBe(800);
    });
  }
});
