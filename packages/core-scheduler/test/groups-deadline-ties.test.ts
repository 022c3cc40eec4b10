import { describe, expect, it } from 'vitest';
import { createGroupScheduler, type GroupFidelity } from '../src/index.ts';

/**
 * 3 CPUs: CPU 0 always at capacity 1, CPUs 1 and 2 in turn with it every 12 ms (a guest whose host
 * runs two of its three vCPUs at a time). Two busy tasks share a 70% quota group beside capped tasks
 * of 0.25 and 0.5 in the root. Returns each quota task's CPU share over 10 s.
 */
function quotaPair(fidelity: GroupFidelity): { a: number; b: number } {
  const s = createGroupScheduler({ cpus: 3, fidelity, cpuCapacity: [1, 0, 0] });
  s.addGroup('/q', { quota: 70_000, period: 100_000 });
  s.addTask('a', '/q');
  s.addTask('c', '/', { demand: 0.25 });
  s.addTask('b', '/q');
  s.addTask('d', '/', { demand: 0.5 });
  const slice = 12_000;
  for (let k = 1; k <= 10_000_000 / slice; k++) {
    s.advanceTo(k * slice);
    for (let c = 1; c < 3; c++) s.setCpuCapacity(c, k % 3 === c ? 1 : 0);
  }
  s.advanceTo(10_000_000);
  return { a: s.taskStats('a').cpuUsec / 10_000_000, b: s.taskStats('b').cpuUsec / 10_000_000 };
}

describe('exact: equal deadlines take turns', () => {
  it('two busy tasks of a 70 % quota group on CPUs that come and go get 0.35 each', () => {
    // The group runs ahead of its lag reference in its on phases (the reference has no quota), so
    // both lags reach the clamp and their deadlines tie; the task added first won every tie (0.365 /
    // 0.335). Ties now go to the least CPU time per unit of weight, as EEVDF's vruntime.
    const { a, b } = quotaPair('exact');
    expect(Math.abs(a - b)).toBeLessThan(0.001);
    expect(a).toBeCloseTo(0.35, 2);
    expect(b).toBeCloseTo(0.35, 2);
  });

  it('fluid splits the same group evenly (no ties to break)', () => {
    const { a, b } = quotaPair('fluid');
    expect(a).toBeGreaterThan(0.2);
    expect(Math.abs(a - b)).toBeLessThan(1e-6);
  });
});
