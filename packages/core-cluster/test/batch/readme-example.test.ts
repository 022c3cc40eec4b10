// The README's "Batch workloads" example: the block in the README is exactly this code, and running
// it gives the values its comments state.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBatchModel, parseBatchCsv } from '../../src/index.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

const EXAMPLE = `import { createBatchModel, parseBatchCsv } from '@strata/core-cluster';

const jobs = parseBatchCsv('id,length_mi,pes,vm,submit_time\\n0,1000,1,0,0\\n1,2000,1,0,0\\n2,2000,1,0,0\\n', 'jobs.csv');
const model = createBatchModel({ vms: [{ vcpus: 2, mips: 1000 }], jobs, scheduler: 'time-shared' });
while (model.nextEventTime() < Infinity) model.advanceTo(model.nextEventTime());
model.finishUs(0); // 1_500_000: three threads share 2 vCPUs at 2/3 each until job 0 is done
model.summary(); // { count: 3, completed: 3, makespan_s: 2.5, meanFinish_s: 2.1666666666666665 }
`;

describe('README "Batch workloads" example', () => {
  it('is in the README as written here and gives the values its comments state', () => {
    const section = README.slice(README.indexOf('## Batch workloads'));
    expect(/```ts\n([\s\S]*?)```/.exec(section)?.[1]).toBe(EXAMPLE);
    const jobs = parseBatchCsv('id,length_mi,pes,vm,submit_time\n0,1000,1,0,0\n1,2000,1,0,0\n2,2000,1,0,0\n', 'jobs.csv');
    const model = createBatchModel({ vms: [{ vcpus: 2, mips: 1000 }], jobs, scheduler: 'time-shared' });
    while (model.nextEventTime() < Infinity) model.advanceTo(model.nextEventTime());
    expect(model.finishUs(0)).toBe(1_500_000);
    expect(model.summary()).toEqual({ count: 3, completed: 3, makespan_s: 2.5, meanFinish_s: 2.1666666666666665 });
  });
});
