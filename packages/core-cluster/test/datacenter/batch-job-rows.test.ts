// The datacenter's per-job queries (jobRows, jobsCsvBytes): the rows and jobs.csv the batch engine's
// own runner (runBatchScenario) gives, to 10 µs per job, for both guest schedulers.
import { ScenarioSchema } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { createDatacenter, generateCloudletWorkload, runBatchScenario } from '../../src/index.js';

/** jobs.csv lines split into fields (header first). */
const fields = (bytes: Uint8Array): string[][] =>
  new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(','));

describe('datacenter batch job queries', () => {
  it.each([['time-shared'], ['space-shared']] as const)('%s: jobRows and jobsCsvBytes match runBatchScenario per job (host, start, finish to 10 µs)', (guestScheduler) => {
    const g = generateCloudletWorkload({ hosts: 3, vms: 10, cloudlets: 120, seed: 7 });
    const scenario = ScenarioSchema.parse({ ...g.scenario, workloads: [{ kind: 'batch', file: g.file, guestScheduler }] });
    const files = new Map([[g.file, g.csv]]);
    const reference = runBatchScenario(scenario, files);
    const dc = createDatacenter(scenario, { files });
    expect(dc.jobRows().every((r) => Number.isNaN(r.finish_s))).toBe(true);
    dc.run();
    const rows = dc.jobRows();
    const expected = reference.rows();
    expect(rows).toHaveLength(120);
    rows.forEach((r, i) => {
      const e = expected[i]!;
      expect([r.id, r.vm, r.host]).toEqual([e.id, e.vm, e.host]);
      expect(Math.abs(r.start_s - e.start_s)).toBeLessThanOrEqual(10e-6);
      expect(Math.abs(r.finish_s - e.finish_s)).toBeLessThanOrEqual(10e-6);
    });
    const csv = fields(dc.jobsCsvBytes());
    const want = fields(reference.csvBytes());
    expect(csv[0]).toEqual(['id', 'vm', 'host', 'start_s', 'finish_s']);
    expect(csv).toHaveLength(want.length);
    csv.slice(1).forEach((f, i) => {
      const w = want[i + 1]!;
      expect(f.slice(0, 3)).toEqual(w.slice(0, 3));
      expect(Math.abs(Number(f[4]) - Number(w[4]))).toBeLessThanOrEqual(10e-6);
    });
  });

  it('emits job.started and job.finished for every job, in time order, atUs the jobs.csv time', () => {
    const g = generateCloudletWorkload({ hosts: 2, vms: 6, cloudlets: 40, seed: 3 });
    const scenario = ScenarioSchema.parse({ ...g.scenario, workloads: [{ kind: 'batch', file: g.file, guestScheduler: 'time-shared' }] });
    const events: { type: string; time: number; subject: string; atUs?: unknown; vm?: unknown; host?: unknown }[] = [];
    const dc = createDatacenter(scenario, { files: new Map([[g.file, g.csv]]), onEvent: (e) => void events.push(e) });
    dc.run();
    const jobs = events.filter((e) => e.type.startsWith('job.'));
    expect(jobs.filter((e) => e.type === 'job.started')).toHaveLength(40);
    expect(jobs.filter((e) => e.type === 'job.finished')).toHaveLength(40);
    expect(events.every((e, i) => i === 0 || e.time >= events[i - 1]!.time)).toBe(true);
    for (const row of dc.jobRows()) {
      const finished = jobs.find((e) => e.type === 'job.finished' && e.subject === `job:${row.id}`)!;
      expect(finished.atUs).toBe(Math.round(row.finish_s * 1e6));
      expect(finished.time).toBeGreaterThanOrEqual(finished.atUs as number);
      expect(finished.host).toBe(row.host);
    }
  });

  it('without batch workloads: no rows and a header-only jobs.csv', () => {
    const scenario = ScenarioSchema.parse({ name: 'plain', hosts: [{ name: 'h', cpus: 2, memory: '4Gi' }], vms: [{ name: 'v', vcpus: 1, memory: '1Gi' }] });
    const dc = createDatacenter(scenario);
    expect(dc.jobRows()).toEqual([]);
    expect(new TextDecoder().decode(dc.jobsCsvBytes())).toBe('id,vm,host,start_s,finish_s\n');
  });
});
