// Batch workloads inside the datacenter: issue 13's model plugged into the VMs' vCPUs, checked
// against that model's own runner (runBatchScenario) on a generated workload.
import { ScenarioSchema } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { createDatacenter, generateCloudletWorkload, runBatchScenario } from '../../src/index.js';

describe('batch workloads', () => {
  it.each([['time-shared'], ['space-shared']] as const)('%s: the datacenter finishes every job as runBatchScenario does (same summary)', (guestScheduler) => {
    const g = generateCloudletWorkload({ hosts: 4, vms: 16, cloudlets: 200, seed: 42 });
    const input = { ...g.scenario, workloads: [{ kind: 'batch', file: g.file, guestScheduler }] };
    const scenario = ScenarioSchema.parse(input);
    const files = new Map([[g.file, g.csv]]);
    const reference = runBatchScenario(scenario, files);
    const dc = createDatacenter(scenario, { files });
    const report = dc.run();
    expect(report.jobs).toBeDefined();
    expect(report.jobs!.count).toBe(200);
    expect(report.jobs!.completed).toBe(200);
    expect(report.jobs!.makespan_s).toBeCloseTo(reference.summary.makespan_s, 5);
    expect(report.jobs!.meanFinish_s).toBeCloseTo(reference.summary.meanFinish_s, 5);
    expect(dc.vms().map((v) => v.host)).toEqual(reference.vmHost);
  });

  it('a VM running batch jobs takes no containers; a missing CSV is a ValidationError naming the file', () => {
    const g = generateCloudletWorkload({ hosts: 1, vms: 2, cloudlets: 4, seed: 1 });
    const scenario = ScenarioSchema.parse({ ...g.scenario, workloads: [{ kind: 'batch', file: g.file }] });
    expect(() => createDatacenter(scenario)).toThrow(new RegExp(g.file.replace('.', '\\.')));
    const dc = createDatacenter(scenario, { files: new Map([[g.file, g.csv]]) });
    const vm = dc.vms()[0]!.name;
    expect(() => dc.execute({ do: 'container.create', container: { name: 'x', on: vm, image: 'idle' } })).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
  });
});
