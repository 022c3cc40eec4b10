// The README's "Batch workloads" example, run as written (the block is read from the README).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as cluster from '../../src/index.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README "Batch workloads" example', () => {
  it('is in the README and gives the values its comments state', () => {
    const section = README.slice(README.indexOf('## Batch workloads'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(block).toContain("import { createBatchModel, parseBatchCsv } from '@strata/core-cluster';");
    // Run the block's statements with the package's exports in scope, returning the two commented values.
    const body = block.replace(/^import .*$/m, '').replace('model.finishUs(0);', 'const finish0 = model.finishUs(0);').replace('model.summary();', 'const summary = model.summary();');
    const run = new Function('createBatchModel', 'parseBatchCsv', `${body}\nreturn { finish0, summary };`) as (a: unknown, b: unknown) => { finish0: number; summary: unknown };
    const { finish0, summary } = run(cluster.createBatchModel, cluster.parseBatchCsv);
    expect(finish0).toBe(1_500_000);
    expect(summary).toEqual({ count: 3, completed: 3, makespan_s: 2.5, meanFinish_s: 2.1666666666666665 });
  });
});
