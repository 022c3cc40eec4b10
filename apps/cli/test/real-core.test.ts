// In-process runs against the real core-scheduler (no build needed): the CLI's own
// computations cross-checked against the core's, and outputs that depend on real results.

import { runExercise } from '@strata/core-scheduler';
import { describe, expect, it } from 'vitest';
import { percentile } from '../src/compare-report.js';
import { parseSchedFlags } from '../src/sched-flags.js';
import { renderSchedText } from '../src/sched-report.js';
import { run } from '../src/main.js';
import { memoryIo } from './memory-io.js';

describe('with the real core', () => {
  it('computes the same nearest-rank p95 turnaround as the core', () => {
    for (const [policy, jobs] of [
      ['fifo', '5,10,15'],
      ['rr', '3,1,4,1,5,9,2,6,5,3,5,8,9,7,9,3,2,3,8,4'],
      ['mlfq', '0,40,3:5,20,0:10,7,2:'],
      ['sjf', '10,2.5,7'],
    ] as const) {
      const result = runExercise(parseSchedFlags({ policy, jobs }));
      const ours = percentile(
        result.jobs.map((j) => j.turnaround),
        95,
      );
      expect(result.percentiles?.turnaround.p95).toBe(ours);
    }
  });

  it('averages in text equal the JSON averages rounded half-even', async () => {
    // 8 jobs whose mean turnaround ends in .125 or .625: the one case where %.2f and toFixed differ.
    const io = memoryIo();
    expect(await run(['sched', '--policy', 'fifo', '--jobs', '1,1,1,1,1,1,1,2', '--json'], io)).toBe(0);
    const json = JSON.parse(io.out()) as { avg: { turnaround: number } };
    expect(json.avg.turnaround).toBe(37 / 8); // 1+2+...+7 + 9 = 37 → 4.625
    const text = memoryIo();
    expect(await run(['sched', '--policy', 'fifo', '--jobs', '1,1,1,1,1,1,1,2'], text)).toBe(0);
    expect(text.out()).toMatch(/\naverage +\d+\.\d\d +4\.62 +/);
  });

  it('shows deadlines and misses for edf', () => {
    const input = parseSchedFlags({ policy: 'edf', jobs: '4,4,4', deadlines: '4,8,9' });
    const text = renderSchedText(input, runExercise(input));
    expect(text).toMatch(/deadline\s+missed/);
    expect(text).toContain('(1 of 3 deadlines missed)');
  });

  it('is deterministic for seeded policies', async () => {
    const args = ['sched', '--policy', 'lottery', '--tickets', '100,50,25', '--seed', '42', '--jobs', '20,20,20', '--json'];
    const a = memoryIo();
    const b = memoryIo();
    await run(args, a);
    await run(args, b);
    expect(a.out()).not.toBe('');
    expect(a.out()).toBe(b.out());
  });
});

describe('group experiments with the real core', () => {
  const spec = [
    'cpus: 1',
    'duration: 2s',
    'groups:',
    '  - name: A',
    '    cpu: { shares: 1024 }',
    '    tasks: [{ name: a1 }]',
    '  - name: B',
    '    cpu: { shares: 512 }',
    '    tasks: [{ name: b1 }, { name: b2 }]',
  ].join('\n');

  it('splits one CPU 2/3 : 1/3 by shares, per group not per task (JSON)', async () => {
    const io = memoryIo({ 'g.yaml': spec });
    expect(await run(['sched', '--spec', 'g.yaml', '--json'], io)).toBe(0);
    expect(io.err()).toBe('');
    const json = JSON.parse(io.out()) as { duration: number; groups: { path: string; fraction: number }[]; tasks: { name: string; fraction: number }[] };
    expect(Object.keys(json)).toEqual(['duration', 'tasks', 'groups']);
    expect(json.duration).toBe(2_000_000);
    const [a, b] = json.groups;
    expect(a?.path).toBe('/A');
    expect(a?.fraction).toBeCloseTo(2 / 3, 2);
    expect(b?.fraction).toBeCloseTo(1 / 3, 2);
    expect(json.tasks.find((t) => t.name === 'b1')?.fraction).toBeCloseTo(1 / 6, 2);
  });

  it('prints a bar per group', async () => {
    const io = memoryIo({ 'g.yaml': spec });
    expect(await run(['sched', '--spec', 'g.yaml'], io)).toBe(0);
    expect(io.out()).toMatch(/^g\.yaml: 2 s simulated, 1 CPU, exact fidelity\n/);
    expect(io.out()).toMatch(/\n\/A {2}█{16}░{8} {3}66\.\d%\n/);
    expect(io.out()).toMatch(/\n\/B {2}█{8}░{16} {3}33\.\d%\n/);
  });

  it('prints clamp warnings on stderr and still succeeds', async () => {
    const io = memoryIo({ 'w.json': JSON.stringify({ duration: '100ms', groups: [{ name: 'A', cpu: { shares: 1 }, tasks: [{ name: 'a' }] }] }) });
    expect(await run(['sched', '--spec', 'w.json', '--json'], io)).toBe(0);
    expect(io.err()).toBe('strata: warning: groups[0].cpu.shares: 1 is outside 2..262144; the kernel clamps it to 2\n');
  });

  it('names the file and the bad field of an invalid spec (exit 2, one line)', async () => {
    const io = memoryIo({ 'bad.yaml': 'duration: 1s\ngroups:\n  - name: A\n    cpu: { quota: 500us }\n' });
    expect(await run(['sched', '--spec', 'bad.yaml'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^strata: bad\.yaml: .*groups\[0\]\.cpu\.quota: expected at least 1ms, got 500us\n$/);
  });
});
