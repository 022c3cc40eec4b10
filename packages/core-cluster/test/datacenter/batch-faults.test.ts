// A host failure in the middle of a batch run: the jobs running or waiting on its VM are lost with the
// VM (job.failed, never completed), the VM restarts elsewhere empty (HA), and the jobs submitted after
// the restart run on it there.
import { describe, expect, it } from 'vitest';
import { createDatacenter } from '../../src/index.js';
import { scenario } from './fixtures.js';

const csv = ['id,length_mi,pes,vm,submit_time', '0,100000,1,0,0', '1,100000,2,0,5', '2,20000,1,0,50', '3,30000,1,1,0', '4,10000,1,0,12'].join('\n') + '\n';

function build(guestScheduler: 'time-shared' | 'space-shared', fail: boolean) {
  return createDatacenter(
    scenario({
      name: 'batch-ha',
      seed: 3,
      duration: '200s',
      hosts: [{ name: 'h', count: 2, cpus: 4, memory: '16Gi', cpuMips: 1000 }],
      // a goes on h-0 (the first of template h with room), b on h-1.
      vms: [
        { name: 'a', vcpus: 2, memory: '2Gi', host: 'h' },
        { name: 'b', vcpus: 2, memory: '2Gi', host: 'h-1' },
      ],
      workloads: [{ kind: 'batch', file: 'jobs.csv', guestScheduler }],
      actions: fail ? [{ at: '10s', do: 'host.fail', host: 'h-0' }] : [],
    }),
    { files: new Map([['jobs.csv', csv]]) },
  );
}

describe('batch jobs and host failures', () => {
  it.each([['time-shared'], ['space-shared']] as const)('%s: without a failure every job completes (the known answers)', (guestScheduler) => {
    const report = build(guestScheduler, false).run();
    // Job 0 (100 s) and job 1 (2 PEs, 100 s from 5 s) share a's 2 vCPUs; job 3 runs alone on b for 30 s.
    expect(report.jobs).toMatchObject({ count: 5, completed: 5 });
  });

  it.each([['time-shared'], ['space-shared']] as const)('%s: the jobs on a VM whose host fails are lost; the VM restarts empty and runs the jobs submitted after', (guestScheduler) => {
    const dc = build(guestScheduler, true);
    expect(dc.vm('a').host).toBe('h-0');
    expect(dc.vm('b').host).toBe('h-1');
    const events: { type: string; time: number; subject: string; [k: string]: unknown }[] = [];
    events.push(...dc.step(100_000_000));
    const report = dc.run();
    events.push(...dc.takeEvents());
    const failed = events.filter((e) => e.type === 'job.failed');
    // Jobs 0 and 1 were on a at 10 s (running, or waiting under space-shared): both lost then.
    expect(failed.map((e) => [e.subject, e.time, e['vm'], e['reason']])).toEqual([
      ['job:0', 10_000_000, 'a', 'host-failure'],
      ['job:1', 10_000_000, 'a', 'host-failure'],
    ]);
    expect(events.find((e) => e.type === 'vm.ha_restarted')).toMatchObject({ subject: 'vm:a', from: 'h-0', to: 'h-1', time: 10_000_000 });
    // Job 4 (submitted at 12 s, while a boots on h-1 until 15 s) waits for the boot, then runs 10 s;
    // job 2 (50 s) runs 20 s on a's free vCPU; job 3 on b never noticed.
    expect(report.jobs!.count).toBe(5);
    expect(report.jobs!.completed).toBe(3);
    expect(report.jobs!.completed).toBeLessThan(report.jobs!.count);
    expect(report.jobs!.makespan_s).toBeCloseTo(70, 6);
    expect(report.jobs!.meanFinish_s).toBeCloseTo((30 + 25 + 70) / 3, 6);
    expect(dc.vm('a')).toMatchObject({ host: 'h-1', state: 'running' });
  });
});

describe('BatchModel.failVm', () => {
  it('loses the running and waiting jobs at the given time; later arrivals wait for capacity; bad input is refused', async () => {
    const { createBatchModel, parseBatchCsv } = await import('../../src/index.js');
    const jobs = parseBatchCsv('id,length_mi,pes,vm,submit_time\n0,1000,1,0,0\n1,1000,1,0,0\n2,1000,1,0,0\n3,500,1,0,3\n4,100,1,1,0\n', 'jobs.csv');
    const model = createBatchModel({ vms: [{ vcpus: 1, mips: 1000 }, { vcpus: 1, mips: 1000 }], jobs, scheduler: 'space-shared' });
    model.advanceTo(500_000);
    expect(() => model.failVm(2, 500_000)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    expect(() => model.failVm(0, 400_000)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    // Job 0 runs, 1 and 2 wait: all three are lost at 0.5 s; VM 1's job is not touched.
    expect(model.failVm(0, 500_000)).toEqual([0, 1, 2]);
    expect([0, 1, 2].map((j) => model.failedUs(j))).toEqual([500_000, 500_000, 500_000]);
    expect(Number.isNaN(model.failedUs(3))).toBe(true);
    model.advanceTo(10_000_000);
    // Job 3 arrived at 3 s on a VM without capacity: it waits.
    expect(model.completed()).toBe(1);
    expect(Number.isNaN(model.finishUs(3))).toBe(true);
    model.setVmCapacity(0, 1);
    while (model.nextEventTime() < Infinity) model.advanceTo(model.nextEventTime());
    expect(model.finishUs(3)).toBe(10_500_000);
    expect(model.summary()).toMatchObject({ count: 5, completed: 2 });
  });
});
