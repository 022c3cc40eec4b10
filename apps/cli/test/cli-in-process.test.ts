import { InternalError, ValidationError } from '@strata/shared-types';
import type { ExerciseInput } from '@strata/core-scheduler';
import { describe, expect, it } from 'vitest';
import type { CliDeps } from '../src/cli-deps.js';
import type { GroupExperimentReport } from '../src/group-report.js';
import { run } from '../src/main.js';
import { memoryIo } from './memory-io.js';
import type { MemoryIo } from './memory-io.js';
import { FIFO_RESULT, MLFQ_RESULT } from './sample-results.js';

const GROUP_RESULT: GroupExperimentReport = {
  duration: 1_000_000,
  tasks: [
    { name: 'a1', group: '/A', cpuUsec: 666_667, fraction: 0.666667 },
    { name: 'b1', group: '/B', cpuUsec: 333_333, fraction: 0.333333 },
  ],
  groups: [
    { path: '/A', cpuUsec: 666_667, fraction: 0.666667, nrPeriods: 0, nrThrottled: 0, throttledUsec: 0 },
    { path: '/B', cpuUsec: 333_333, fraction: 0.333333, nrPeriods: 10, nrThrottled: 3, throttledUsec: 12_000 },
  ],
  warnings: ['task b1 has nice 5 but is alone in its group'],
};

/** Fake domain functions: canned results, recording what they were asked. */
function fakeDeps(overrides: Partial<CliDeps> = {}): CliDeps & { inputs: ExerciseInput[] } {
  const inputs: ExerciseInput[] = [];
  return {
    inputs,
    runExercise: (input) => {
      inputs.push(input);
      return input.policy === 'mlfq' ? MLFQ_RESULT : { ...FIFO_RESULT, policy: input.policy };
    },
    estimateExercise: () => ({ steps: 1, reason: 'one job', remedies: ['maxSteps'] }),
    runGroupSpec: (doc) => {
      if (typeof doc === 'object' && doc !== null && 'bad' in doc) throw new ValidationError('groups[0].cpu.quota: expected at least 1ms, got 500us', { path: 'groups[0].cpu.quota' });
      return GROUP_RESULT;
    },
    ...overrides,
  };
}

async function strata(args: string[], options: { files?: Record<string, string>; deps?: CliDeps } = {}): Promise<{ code: number; io: MemoryIo; out: string; err: string }> {
  const io = memoryIo(options.files);
  const code = await run(args, io, options.deps ?? fakeDeps());
  return { code, io, out: io.out(), err: io.err() };
}

function expectOneLine(err: string): void {
  expect(err.endsWith('\n')).toBe(true);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at /);
}

describe('program', () => {
  it('prints the version from package.json', async () => {
    const { code, out } = await strata(['--version']);
    expect(code).toBe(0);
    expect(out).toBe('0.1.0\n');
  });

  it('prints help listing the commands and exit codes', async () => {
    const { code, out } = await strata(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: strata/);
    expect(out).toMatch(/sched/);
    expect(out).toMatch(/compare/);
    expect(out).toMatch(/Exit codes: 0 success, 1 runtime failure, 2 usage or validation error/);
    const sched = await strata(['sched', '--help']);
    expect(sched.code).toBe(0);
    expect(sched.out).toMatch(/--allotments <list>/);
    const viaHelp = await strata(['help', 'compare']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.out).toMatch(/Usage: strata compare/);
  });

  it('shows help on stderr and exits 2 without a command', async () => {
    const { code, out, err } = await strata([]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/Usage: strata/);
  });

  it.each([
    [['frobnicate'], /^strata: unknown command 'frobnicate' \(see 'strata --help'\)\n$/],
    [['sched', '--quantom', '3'], /^strata: unknown option '--quantom' \(Did you mean --quantum\?\) \(see 'strata sched --help'\)\n$/],
    [['sched', '--jobs'], /^strata: option '--jobs <list>' argument missing \(see 'strata sched --help'\)\n$/],
    [['compare'], /^strata: missing required argument 'file' \(see 'strata compare --help'\)\n$/],
    [['compare', 'a.json', 'b.json'], /^strata: too many arguments for 'compare'\. Expected 1 argument but got 2\. \(see 'strata compare --help'\)\n$/],
    [['sched', 'extra', '--jobs', '5'], /^strata: too many arguments for 'sched'/],
  ])('reports the usage error %j on one line with exit 2', async (args, message) => {
    const { code, out, err } = await strata(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expectOneLine(err);
  });
});

describe('error mapping', () => {
  it('maps a validation error to exit 2 and its message', async () => {
    const { code, out, err } = await strata(['sched', '--policy', 'rr', '--quantum', '0', '--jobs', '5']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe('strata: --quantum: expected a positive integer, got "0"\n');
  });

  it('maps other StrataErrors from the packages to exit 1 without a stack trace', async () => {
    const deps = fakeDeps({
      runExercise: () => {
        throw new InternalError('simulation did not converge');
      },
    });
    const { code, err } = await strata(['sched', '--jobs', '5'], { deps });
    expect(code).toBe(1);
    expect(err).toBe('strata: simulation did not converge\n');
  });

  it('maps a package ValidationError to exit 2', async () => {
    const deps = fakeDeps({
      runExercise: () => {
        throw new ValidationError('jobs[0].length: expected a positive integer, got 0');
      },
    });
    const { code, err } = await strata(['sched', '--jobs', '5'], { deps });
    expect(code).toBe(2);
    expect(err).toBe('strata: jobs[0].length: expected a positive integer, got 0\n');
  });

  it('reports a bug as an internal error (exit 1), with the stack trace only under --debug', async () => {
    const deps = fakeDeps({
      runExercise: () => {
        throw new TypeError('x is undefined');
      },
    });
    const plain = await strata(['sched', '--jobs', '5'], { deps });
    expect(plain.code).toBe(1);
    expect(plain.err).toBe('strata: internal error: x is undefined (this is a bug in strata; rerun with --debug for the stack trace)\n');
    const debug = await strata(['--debug', 'sched', '--jobs', '5'], { deps });
    expect(debug.code).toBe(1);
    expect(debug.err).toMatch(/^strata: internal error: x is undefined\nTypeError: x is undefined\n\s+at /);
  });
});

describe('sched', () => {
  it('prints one JSON object with --json', async () => {
    const deps = fakeDeps();
    const { code, out, err } = await strata(['sched', '--policy', 'fifo', '--jobs', '5,10,15', '--json'], { deps });
    expect(code).toBe(0);
    expect(err).toBe('');
    const json = JSON.parse(out) as { policy: string; jobs: { response: number }[] };
    expect(json.policy).toBe('fifo');
    expect(json.jobs.map((j) => j.response)).toEqual([0, 5, 15]);
    expect(deps.inputs[0]).toEqual({ policy: 'fifo', jobs: [{ arrival: 0, length: 5 }, { arrival: 0, length: 10 }, { arrival: 0, length: 15 }] });
  });

  it('passes the resolved MLFQ parameters to runExercise', async () => {
    const deps = fakeDeps();
    const args = ['sched', '--policy', 'mlfq', '--queues', '2', '--quantum', '3', '--allotments', '2,2', '--io-time', '2', '--boost', '15', '--jobs', '0,12,4:2,6,0', '-S', '-I'];
    expect((await strata(args, { deps })).code).toBe(0);
    expect(deps.inputs[0]?.mlfq).toEqual({ quanta: [3, 3], allotments: [2, 2], boost: 15, ioTime: 2, stay: true, ioBump: true });
  });

  it('writes the SVG chart with --svg', async () => {
    const { code, out, io } = await strata(['sched', '--policy', 'mlfq', '--jobs', '0,12,4:2,6,0', '--svg', 'out/g.svg']);
    expect(code).toBe(0);
    const svg = io.files.get('out/g.svg') ?? '';
    expect(svg.match(/<rect\b/g)).toHaveLength(MLFQ_RESULT.timeline.length);
    expect(out).toContain('SVG Gantt chart written to out/g.svg');
  });

  it('refuses an SVG of more segments than a chart can show (exit 2)', async () => {
    const timeline = Array.from({ length: 50_001 }, (_, t) => ({ start: t, end: t + 1, cpu: 0, job: t % 2 }));
    const deps = fakeDeps({ runExercise: () => ({ ...FIFO_RESULT, timeline }) });
    const { code, err, io } = await strata(['sched', '--jobs', '5', '--svg', 'g.svg'], { deps });
    expect(code).toBe(2);
    expect(err).toBe('strata: --svg: the timeline has 50001 segments, more than the 50000 an SVG chart can show; use a larger --quantum, fewer ticks, or --json\n');
    expect(io.files.has('g.svg')).toBe(false);
  });

  it('fails with exit 1 when the SVG cannot be written', async () => {
    const io = memoryIo();
    const failing = {
      ...io,
      writeFile: () => {
        throw new Error("EACCES: permission denied, open '/root/g.svg'");
      },
    };
    const code = await run(['sched', '--jobs', '5', '--svg', '/root/g.svg'], failing, fakeDeps());
    expect(code).toBe(1);
    expect(io.err()).toBe('strata: --svg: cannot write "/root/g.svg" (EACCES: permission denied, open \'/root/g.svg\')\n');
  });
});

describe('sched --spec', () => {
  const spec = { 'groups.yaml': 'groups:\n  - path: /A\n', 'bad.json': '{"bad": true}', 'broken.yaml': 'a: [1, 2\n', 'broken.json': '{"a": ' };

  it('prints duration, tasks and groups as JSON, warnings on stderr', async () => {
    const { code, out, err } = await strata(['sched', '--spec', 'groups.yaml', '--json'], { files: spec });
    expect(code).toBe(0);
    expect(Object.keys(JSON.parse(out) as object)).toEqual(['duration', 'tasks', 'groups']);
    expect(err).toBe('strata: warning: task b1 has nice 5 but is alone in its group\n');
  });

  it('prints a table and a bar per group', async () => {
    const { code, out } = await strata(['sched', '--spec', 'groups.yaml'], { files: spec });
    expect(code).toBe(0);
    expect(out).toContain(`/A  ${'█'.repeat(16)}${'░'.repeat(8)}   66.7%`);
    expect(out).toContain(`/B  ${'█'.repeat(8)}${'░'.repeat(16)}   33.3%`);
    expect(out).toMatch(/\/B\s+333\.3\s+33\.3%\s+10\s+3\s+12\.0/);
  });

  it.each([
    [['--spec', 'bad.json'], 'strata: bad.json: groups[0].cpu.quota: expected at least 1ms, got 500us\n'],
    [['--spec', 'missing.yaml'], 'strata: missing.yaml: cannot read the file (no such file)\n'],
    [['--spec', 'groups.yaml', '--policy', 'rr'], /^strata: --spec: cannot be combined with --policy; use either --spec FILE \(group experiment\) or --policy NAME --jobs LIST \(exercise\)\n$/],
    [['--spec', 'groups.yaml', '--jobs', '5', '--policy', 'rr'], /^strata: --spec: cannot be combined with --policy, --jobs;/],
    [['--spec', 'groups.yaml', '--svg', 'x.svg'], /^strata: --spec: cannot be combined with --svg;/],
    [['--spec', 'broken.yaml'], /^strata: broken\.yaml: not valid YAML: /],
    [['--spec', 'broken.json'], /^strata: broken\.json: not valid JSON: /],
  ])('rejects %j with exit 2 on one line', async (args, message) => {
    const { code, out, err } = await strata(['sched', ...args], { files: spec });
    expect(code).toBe(2);
    expect(out).toBe('');
    if (typeof message === 'string') expect(err).toBe(message);
    else expect(err).toMatch(message);
    expectOneLine(err);
  });
});

describe('compare', () => {
  const workload = JSON.stringify({
    name: 'tiny',
    jobs: [{ length: 5 }, { arrival: 2, length: 3, ioFreq: 1 }],
    policies: ['fifo', { policy: 'rr', quantum: 2 }, { policy: 'mlfq', queues: 2, boost: 10 }],
  });

  it('runs every listed policy and prints a table with units and best markers', async () => {
    const deps = fakeDeps();
    const { code, out } = await strata(['compare', 'w.json'], { files: { 'w.json': workload }, deps });
    expect(code).toBe(0);
    expect(deps.inputs.map((i) => i.policy)).toEqual(['fifo', 'rr', 'mlfq']);
    expect(deps.inputs[1]?.quantum).toBe(2);
    expect(deps.inputs[2]?.mlfq?.quanta).toEqual([10, 10]);
    expect(out).toMatch(/^tiny\n2 jobs \(1 doing I\/O; each I\/O takes 5 ticks\) on 1 CPU\n/);
    expect(out).toMatch(/policy\s+avg response\s+avg turnaround\s+avg wait\s+p95 turnaround\s+fairness\s+CPU util/);
    expect(out).toMatch(/\nmlfq 2x10 B=10 +0\.50 \* +14\.00 \* +3\.00 \* +20\.00 \* +0\.800 \* +90\.0% *\n/);
    expect(out).toMatch(/\nrr q=2 +6\.67 {3,}16\.67 {3,}6\.67 {3,}30\.00 {3,}0\.800 \* +100\.0% \*\n/);
    expect(out).toContain('times in ticks');
  });

  it('prints one JSON object with --json', async () => {
    const { code, out } = await strata(['compare', 'w.json', '--json'], { files: { 'w.json': workload } });
    expect(code).toBe(0);
    const json = JSON.parse(out) as { workload: { jobs: unknown[] }; results: { policy: string; label: string; avg: object; p95Turnaround: number }[] };
    expect(json.workload.jobs).toHaveLength(2);
    expect(json.results.map((r) => r.label)).toEqual(['fifo', 'rr q=2', 'mlfq 2x10 B=10']);
    expect(json.results[0]?.p95Turnaround).toBe(30);
  });

  it('names the file and the bad field', async () => {
    const bad = JSON.stringify({ jobs: [{ length: 5 }], policies: [{ policy: 'rr', quantum: 0 }] });
    const { code, err } = await strata(['compare', 'w.json'], { files: { 'w.json': bad } });
    expect(code).toBe(2);
    expect(err).toBe('strata: w.json: policies[0].quantum: expected a positive integer, got 0\n');
  });

  it('rejects a missing file with exit 2', async () => {
    const { code, err } = await strata(['compare', 'nope.json']);
    expect(code).toBe(2);
    expect(err).toBe('strata: nope.json: cannot read the file (no such file)\n');
  });
});

describe('help text', () => {
  it('lists exactly the policies core-scheduler accepts', async () => {
    const { EXERCISE_POLICIES } = await import('@strata/core-scheduler');
    const { SCHED_POLICY_NAMES } = await import('../src/commands/sched.js');
    expect([...SCHED_POLICY_NAMES]).toEqual([...EXERCISE_POLICIES]);
  });
});
