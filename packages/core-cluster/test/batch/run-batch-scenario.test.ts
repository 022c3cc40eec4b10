// runBatchScenario: the cloudsim-small scenario files through loadScenario (placement 16 VMs per
// host, jobs.csv equal to the exact answers), the generator's shape, and an oversubscribed host
// run by core-vmm's nested scheduling against hand-computed finishes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScenarioSchema } from '@strata/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/index.ts';
import { formatJobsCsv, formatJobsCsvBytes, formatSecondsText, generateCloudletWorkload, parseBatchCsv, runBatchScenario, type BatchJobs, type BatchModel } from '../../src/batch/index.ts';
import { referenceSchedule } from './reference-calculator.ts';

const DIR = fileURLToPath(new URL('../../../../examples/cloudsim-small/', import.meta.url));

describe('cloudsim-small scenario files', () => {
  for (const suffix of ['ts', 'ss'] as const) {
    it(`H10_V40_C400-${suffix}.yaml: jobs.csv rows equal ideal_H10_V40_C400-${suffix}.csv (vm, host, start and finish within 10 µs)`, () => {
      const path = `H10_V40_C400-${suffix}.yaml`;
      const { scenario, files } = loadScenario(readFileSync(`${DIR}${path}`, 'utf8'), { path, readFile: (p) => readFileSync(`${DIR}${p}`, 'utf8') });
      const run = runBatchScenario(scenario, files);
      expect(run.scheduler).toBe(suffix === 'ts' ? 'time-shared' : 'space-shared');
      expect(run.vmHost.filter((h) => h === 'h-0')).toHaveLength(16);
      expect(run.vmHost[16]).toBe('h-1');
      expect(run.vmHost[39]).toBe('h-2');
      expect(run.oversubscribedHosts).toEqual([]);
      expect(Buffer.from(run.csvBytes()).toString('latin1')).toBe(run.csv());
      const ours = run.csv().trim().split('\n');
      const ideal = readFileSync(`${DIR}ideal_H10_V40_C400-${suffix}.csv`, 'utf8').trim().split('\n');
      expect(ours[0]).toBe(ideal[0]);
      expect(ours).toHaveLength(ideal.length);
      for (let i = 1; i < ideal.length; i++) {
        const a = ours[i]!.split(',');
        const b = ideal[i]!.split(',');
        expect(a.slice(0, 3)).toEqual(b.slice(0, 3));
        expect(Math.abs(Number(a[3]) - Number(b[3]))).toBeLessThanOrEqual(10e-6);
        expect(Math.abs(Number(a[4]) - Number(b[4]))).toBeLessThanOrEqual(10e-6);
      }
      expect(run.summary).toEqual({ count: 400, completed: 400, makespan_s: suffix === 'ts' ? 344.91 : 378.97, meanFinish_s: expect.closeTo(suffix === 'ts' ? 202.3638 : 160.4385, 4) as number });
      expect(run.events).toBe(800);
    });
  }
});

describe('generateCloudletWorkload', () => {
  it('has the issue shape, is seeded, and its scenario validates; the run matches the exact calculator', () => {
    const g = generateCloudletWorkload({ hosts: 4, vms: 16, cloudlets: 200, seed: 42 });
    expect(generateCloudletWorkload({ hosts: 4, vms: 16, cloudlets: 200, seed: 42 }).csv).toBe(g.csv);
    expect(generateCloudletWorkload({ hosts: 4, vms: 16, cloudlets: 200, seed: 43 }).csv).not.toBe(g.csv);
    const jobs = parseBatchCsv(g.csv, g.file);
    expect(jobs.count).toBe(200);
    for (let i = 0; i < jobs.count; i++) {
      expect(jobs.id[i]).toBe(i);
      expect(jobs.vm[i]).toBe(i % 16);
      expect(jobs.pes[i]).toBe(1);
      expect(jobs.submitUs[i]).toBe(0);
      expect(jobs.lengthMi[i]).toBeGreaterThanOrEqual(10_000);
      expect(jobs.lengthMi[i]).toBeLessThanOrEqual(99_999);
    }
    const scenario = ScenarioSchema.parse(g.scenario);
    for (const scheduler of ['time-shared', 'space-shared'] as const) {
      const run = runBatchScenario({ ...scenario, workloads: [{ kind: 'batch', file: g.file, guestScheduler: scheduler }] }, new Map([[g.file, g.csv]]));
      const ref = referenceSchedule(jobs, Array<number>(16).fill(2), Array<number>(16).fill(1000), scheduler);
      for (let j = 0; j < jobs.count; j++) expect(Math.abs(run.model.finishUs(j) / 1e6 - ref.finish_s[j]!)).toBeLessThanOrEqual(10e-6);
      expect(run.summary.completed).toBe(200);
    }
  });

  it('refuses bad sizes', () => {
    expect(() => generateCloudletWorkload({ hosts: 0, vms: 1, cloudlets: 1, seed: 1 })).toThrow(/hosts must be an integer 1\.\./);
  });
});

describe('oversubscribed host (nested scheduling decides)', () => {
  it('2 CPUs carrying 2 VMs × 2 vCPUs, all busy: each vCPU gets half a CPU until VM a is done (hand-computed)', () => {
    // a: two 500 MI jobs, b: two 1000 MI jobs, vCPUs at 1000 MIPS, host credit fluid. Four busy vCPUs
    // on 2 CPUs: 500 MIPS each → a's jobs finish at 1 s; b has 500 MI left and runs alone at full
    // speed → 1.5 s.
    const scenario = ScenarioSchema.parse({
      name: 'oversub',
      hosts: [{ name: 'h', cpus: 2, cpuMips: 1000, memory: '8Gi' }],
      vms: [{ name: 'a', vcpus: 2, memory: '1Gi' }, { name: 'b', vcpus: 2, memory: '1Gi' }],
      workloads: [{ kind: 'batch', file: 'jobs.csv', guestScheduler: 'time-shared' }],
    });
    const csv = 'id,length_mi,pes,vm,submit_time\n0,500,1,0,0\n1,500,1,0,0\n2,1000,1,1,0\n3,1000,1,1,0\n';
    const run = runBatchScenario(scenario, new Map([['jobs.csv', csv]]));
    expect(run.oversubscribedHosts).toEqual(['h']);
    expect(run.simulatedUs).toBe(1_500_000);
    const early = runBatchScenario(scenario, new Map([['jobs.csv', csv]]), { until: 1_200_000 });
    expect([early.simulatedUs, early.summary.completed, early.summary.makespan_s]).toEqual([1_200_000, 2, 1]);
    expect(run.rows().map((r) => [r.host, r.finish_s])).toEqual([
      ['h', 1],
      ['h', 1],
      ['h', 1.5],
      ['h', 1.5],
    ]);
  });

  it('a vCPU rated below the host CPU uses only its share: 500 MIPS vCPUs on 1000 MIPS CPUs', () => {
    // 4 vCPUs at 500 MIPS on 2 CPUs of 1000 MIPS: each can use half a CPU, so all run at full 500 MIPS
    // (not oversubscribed in work): 1000 MI → 2 s.
    const scenario = ScenarioSchema.parse({
      name: 'slow-vcpus',
      hosts: [{ name: 'h', cpus: 2, cpuMips: 1000, memory: '8Gi' }],
      vms: [{ name: 'vm', count: 2, vcpus: 2, vcpuMips: 500, memory: '1Gi' }],
      workloads: [{ kind: 'batch', file: 'jobs.csv', guestScheduler: 'space-shared' }],
    });
    const csv = 'cloudlet_id,length_mi,pes,vm_id,submit_time\n0,1000,2,0,0\n1,1000,1,1,0\n2,1000,1,1,0\n';
    const run = runBatchScenario(scenario, new Map([['jobs.csv', csv]]));
    expect(run.oversubscribedHosts).toEqual(['h']);
    expect(run.rows().map((r) => r.finish_s)).toEqual([2, 2, 2]);
  });
});

describe('runBatchScenario refusals', () => {
  const base = { name: 'x', hosts: [{ name: 'h', cpus: 2, memory: '4Gi' }], vms: [{ name: 'vm', vcpus: 2, memory: '1Gi' }] };
  it('a missing file, no batch workload, a VM that fits no host, a job on a VM that does not exist', () => {
    const withFile = ScenarioSchema.parse({ ...base, workloads: [{ kind: 'batch', file: 'j.csv' }] });
    expect(() => runBatchScenario(withFile, new Map())).toThrow(/j\.csv was not provided/);
    expect(() => runBatchScenario(ScenarioSchema.parse(base), new Map())).toThrow(/no batch workload/);
    const big = ScenarioSchema.parse({ ...base, vms: [{ name: 'vm', vcpus: 2, memory: '8Gi' }], workloads: [{ kind: 'batch', file: 'j.csv' }] });
    expect(() => runBatchScenario(big, new Map([['j.csv', 'id,length_mi,pes,vm,submit_time\n']]))).toThrow(/vm vm \(2 vCPUs, 8589934592 B\) fits no host/);
    expect(() => runBatchScenario(withFile, new Map([['j.csv', 'id,length_mi,pes,vm,submit_time\n0,10,1,3,0\n']]))).toThrow(/vm 3 does not exist; VM indices are 0\.\.0/);
  });
});

describe('formatSecondsText', () => {
  it('prints µs as the shortest decimal seconds, equal to round(us) / 1e6', () => {
    expect([0, 1, 10, 23_770_000, 114_191_500, 1_000_000, 5.4, 999_999.6].map(formatSecondsText)).toEqual(['0', '0.000001', '0.00001', '23.77', '114.1915', '1', '0.000005', '1']);
    expect(formatSecondsText(NaN)).toBe('');
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (us) => Number(formatSecondsText(us)) === us / 1e6));
  });
});

describe('formatJobsCsvBytes', () => {
  it('gives the bytes of formatJobsCsv for any ids, VMs, hosts and times (NaN included)', () => {
    const rowArb = fc.record({ id: fc.integer({ min: 0, max: 2 ** 53 - 1 }), vm: fc.integer({ min: 0, max: 3 }), start: fc.oneof(fc.constant(NaN), fc.double({ min: 0, max: 1e13, noNaN: true })), finish: fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 2 ** 40 })) });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), (rows) => {
        const jobs: BatchJobs = { count: rows.length, id: Float64Array.from(rows, (r) => r.id), lengthMi: new Float64Array(rows.length), pes: new Int32Array(rows.length), vm: Int32Array.from(rows, (r) => r.vm), submitUs: new Float64Array(rows.length) };
        const model = { startUs: (i: number) => rows[i]!.start, finishUs: (i: number) => rows[i]!.finish } as unknown as BatchModel;
        const hosts = ['h-0', 'h-1', 'rack.a_2', 'x'];
        expect(Buffer.from(formatJobsCsvBytes(jobs, model, hosts)).toString('latin1')).toBe(formatJobsCsv(jobs, model, hosts));
      }),
    );
  });
});
