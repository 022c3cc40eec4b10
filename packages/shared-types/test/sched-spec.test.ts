// The ranges of the group experiment spec: every number that could blow up a run or a derived
// quantity has a documented bound, and every rejection names its path, the bound and the value.
import { describe, expect, it } from 'vitest';
import {
  CGROUP_CPU_LIMITS,
  GroupSpecSchema,
  jsonSchemas,
  MAX_SCHED_DEPTH,
  MAX_SCHED_DURATION,
  MAX_SCHED_GROUPS,
  MAX_SCHED_TASKS,
  parseWithSchema,
  type SchemaIssue,
} from '@strata/shared-types';
import { validationFailure } from './failure.js';

const parse = (input: unknown) => parseWithSchema(GroupSpecSchema, input, 'group spec');
const issues = (input: unknown) => validationFailure(() => parse(input)).details['issues'] as SchemaIssue[];
const oneGroup = (cpu: object) => ({ duration: '1s', groups: [{ name: 'A', cpu, tasks: [{ name: 'a' }] }] });
const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `t${i}` }));

/** A chain of `depth` nested groups, the innermost holding one task. */
function chain(depth: number): object {
  let g: object = { name: `g${depth}`, tasks: [{ name: 't' }] };
  for (let d = depth - 1; d >= 1; d--) g = { name: `g${d}`, groups: [g] };
  return g;
}

describe('group spec ranges', () => {
  it('bound every time at 100 years (876600h): duration, start, stop, run and sleep', () => {
    expect(MAX_SCHED_DURATION).toBe(100 * 365.25 * 24 * 3600 * 1e6);
    expect(parse({ duration: '876600h', fidelity: 'fluid', tasks: [{ name: 't', start: '876600h' }] }).duration).toBe(MAX_SCHED_DURATION);
    const over = '876601h';
    const cases: [object, string][] = [
      [{ duration: over }, 'duration'],
      [{ duration: '1s', tasks: [{ name: 't', start: over }] }, 'tasks[0].start'],
      [{ duration: '1s', tasks: [{ name: 't', stop: over }] }, 'tasks[0].stop'],
      [{ duration: '1s', tasks: [{ name: 't', bursts: [{ run: over }] }] }, 'tasks[0].bursts[0].run'],
      [{ duration: '1s', tasks: [{ name: 't', bursts: [{ run: '1ms', sleep: over }] }] }, 'tasks[0].bursts[0].sleep'],
    ];
    for (const [input, path] of cases) expect(issues(input)).toEqual([{ path, message: 'expected at most 876600h, got 876601h' }]);
  });

  it("bound a task's burst cycle at 100 years, so that no sum of times leaves the safe integers", () => {
    const burst = { run: '600000h', sleep: '200000h' };
    expect(issues({ duration: '1s', tasks: [{ name: 't', bursts: [burst, burst] }] })).toEqual([
      { path: 'tasks[0].bursts', message: 'expected run and sleep times adding up to at most 876600h (100 years), got 1600000h' },
    ]);
    const huge = { run: '876600h', sleep: '876600h' };
    expect(issues({ duration: '1s', tasks: [{ name: 't', bursts: [huge, huge, huge] }] })[0]!.message).toBe(
      'expected run and sleep times adding up to at most 876600h (100 years), got more than 9007199254740991us',
    );
    expect(parse({ duration: '1s', tasks: [{ name: 't', bursts: [{ run: '876599h', sleep: '1h' }] }] }).tasks[0]!.bursts).toHaveLength(1);
  });

  it('keep cpus × duration, the CPU time a run hands out, below 2^53 µs', () => {
    expect(parse({ cpus: 2, duration: '876600h' }).duration).toBe(MAX_SCHED_DURATION);
    expect(issues({ cpus: 3, duration: '876600h' })).toEqual([
      {
        path: 'duration',
        message: 'expected at most 3002399751s with 3 CPUs (the CPU time the run hands out, cpus × duration, must stay below 2^53 µs), got 876600h',
      },
    ]);
    expect(issues({ cpus: 1024, duration: '8796094s' })[0]!.message).toMatch(/^expected at most 8796093s with 1024 CPUs/);
  });

  it('reject shares beyond the safe integers cleanly (the kernel clamps any other value into 2..262144)', () => {
    expect(parse(oneGroup({ shares: Number.MAX_SAFE_INTEGER })).groups[0]!.cpu.shares).toBe(Number.MAX_SAFE_INTEGER);
    expect(issues(oneGroup({ shares: 1e20 }))).toEqual([{ path: 'groups[0].cpu.shares', message: 'expected at most 9007199254740991, got 100000000000000000000' }]);
    expect(issues(oneGroup({ shares: 2 ** 53 }))).toEqual([{ path: 'groups[0].cpu.shares', message: 'expected at most 9007199254740991, got 9007199254740992' }]);
    expect(issues(oneGroup({ shares: Infinity }))[0]!.path).toBe('groups[0].cpu.shares');
  });

  it("bound quota by the kernel's max_cfs_runtime, 2^44 - 1 µs, in both the v1 and the v2 form", () => {
    expect(CGROUP_CPU_LIMITS.quotaMaxUsec).toBe(2 ** 44 - 1);
    expect(parse(oneGroup({ quota: 2 ** 44 - 1 })).groups[0]!.cpu.quota).toBe(2 ** 44 - 1);
    expect(issues(oneGroup({ quota: 2 ** 44 }))).toEqual([{ path: 'groups[0].cpu.quota', message: 'expected at most 17592186044415us, got 17592186044416us' }]);
    expect(issues(oneGroup({ max: `${2 ** 44} 100000` }))).toEqual([
      { path: 'groups[0].cpu.max', message: "expected a quota of at most 17592186044415us (2^44 - 1, the kernel's limit), got 17592186044416us" },
    ]);
    expect(issues(oneGroup({ max: '1e30 100000' }))[0]!.path).toBe('groups[0].cpu.max');
  });

  it('allow 10,000 tasks in all groups together, and name the first one too many', () => {
    expect(MAX_SCHED_TASKS).toBe(10_000);
    expect(parse({ duration: '1s', tasks: tasks(5_000), groups: [{ name: 'A', tasks: tasks(5_000) }] }).tasks).toHaveLength(5_000);
    expect(issues({ duration: '1s', tasks: tasks(6_000), groups: [{ name: 'A', tasks: tasks(4_000) }, { name: 'B', tasks: tasks(2_000) }] })).toEqual([
      { path: 'groups[1].tasks[0]', message: 'expected at most 10000 tasks in all groups together, got 12000' },
    ]);
  });

  it('allow 10,000 groups in the whole tree', () => {
    expect(MAX_SCHED_GROUPS).toBe(10_000);
    const wide = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}` }));
    expect(parse({ duration: '1s', groups: [{ name: 'A', groups: wide(9_999, 'a') }] }).groups[0]!.groups).toHaveLength(9_999);
    expect(issues({ duration: '1s', groups: [{ name: 'A', groups: wide(9_999, 'a') }, { name: 'B', groups: wide(5, 'b') }] })).toEqual([
      { path: 'groups[1]', message: 'expected at most 10000 groups in the whole tree, got 10006' },
    ]);
  });

  it('allow groups nested 64 deep, and reject any deeper nesting as a ValidationError, however deep', () => {
    expect(MAX_SCHED_DEPTH).toBe(64);
    expect(parse({ duration: '1s', groups: [chain(64)] }).groups).toHaveLength(1);
    const path = Array.from({ length: 65 }, () => 'groups[0]').join('.');
    expect(issues({ duration: '1s', groups: [chain(65)] })).toEqual([{ path, message: 'expected groups nested at most 64 deep, got a group at depth 65' }]);
    // Deep enough to overflow the stack of a recursive parser: rejected before parsing.
    expect(issues({ duration: '1s', groups: [chain(100_000)] })[0]!.message).toBe('expected groups nested at most 64 deep, got a group at depth 65');
  });

  it.each([1e9, 2 ** 32])('refuse cpus %s by its range, without sizing the cpuset checks by it', (cpus) => {
    expect(() => parse({ cpus, duration: '1s', groups: [{ name: 'a', cpus: '0-1', tasks: [{ name: 't' }] }] })).toThrow(/cpus: expected .*1024/);
  });

  it('publish the bounds in the JSON Schema', () => {
    const schema = JSON.stringify(jsonSchemas().GroupSpec);
    expect(schema).toContain(`"maximum":${MAX_SCHED_DURATION}`);
    expect(schema).toContain(`"maximum":${2 ** 44 - 1}`);
    expect(schema).toContain(`"maxItems":${MAX_SCHED_TASKS}`);
  });
});
