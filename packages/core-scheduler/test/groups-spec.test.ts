import { describe, expect, it } from 'vitest';
import { ValidationError } from '@strata/shared-types';
import { parseGroupSpec, runGroupExperiment } from '../src/index.js';

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseGroupSpec(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details['issues'] as { path: string; message: string }[];
  }
  throw new Error('expected a ValidationError');
}

const A = (cpu: object) => ({ duration: '1s', groups: [{ name: 'A', cpu, tasks: [{ name: 'a' }] }] });

describe('parseGroupSpec', () => {
  it('fills defaults and reads durations, cpu.max and cpusets', () => {
    const { spec, warnings } = parseGroupSpec({
      cpus: 2,
      duration: '9s',
      groups: [{ name: 'A', cpu: { max: '50000 100000', cpus: '1' }, tasks: [{ name: 'a1' }, { name: 'a2', nice: 5 }] }],
    });
    expect(warnings).toEqual([]);
    expect(spec).toMatchObject({ cpus: 2, fidelity: 'exact', policy: 'cfs', tick: 4000, duration: 9_000_000 });
    expect(spec.groups[0]!.cpu).toEqual({ quota: 50_000, period: 100_000, cpus: [1] });
    expect(spec.groups[0]!.tasks[1]).toEqual({ name: 'a2', nice: 5, start: 0 });
    expect(parseGroupSpec(A({ max: 'max 200000' })).spec.groups[0]!.cpu).toEqual({ quota: null, period: 200_000 });
    expect(parseGroupSpec(A({ max: '20000' })).spec.groups[0]!.cpu).toEqual({ quota: 20_000, period: 100_000 });
    expect(parseGroupSpec(A({ quota: 30000 })).spec.groups[0]!.cpu).toEqual({ quota: 30_000, period: 100_000 });
  });

  it('names the bad field: quota below 1ms', () => {
    expect(() => parseGroupSpec(A({ quota: '500us' }))).toThrow('groups[0].cpu.quota: expected at least 1ms, got 500us');
    expect(issuesOf(A({ quota: 500 }))).toEqual([{ path: 'groups[0].cpu.quota', message: 'expected at least 1ms, got 500us' }]);
  });

  it('rejects periods outside 1ms..1s, in both v1 and v2 forms', () => {
    expect(issuesOf(A({ quota: '10ms', period: '2s' }))[0]).toEqual({ path: 'groups[0].cpu.period', message: 'expected at most 1s, got 2s' });
    expect(issuesOf(A({ period: '999us' }))[0]!.message).toBe('expected at least 1ms, got 999us');
    expect(issuesOf(A({ max: '50000 2000000' }))[0]!.path).toBe('groups[0].cpu.max');
    expect(issuesOf(A({ max: '500 100000' }))[0]!.message).toMatch(/quota of at least 1ms/);
    expect(issuesOf(A({ max: 'fifty' }))[0]!.message).toMatch(/"\$MAX \$PERIOD"/);
  });

  it('rejects v2 weights outside 1..10000 but clamps v1 shares silently, with a warning', () => {
    expect(issuesOf(A({ weight: 0 }))[0]!.path).toBe('groups[0].cpu.weight');
    expect(issuesOf(A({ weight: 10001 }))[0]!.path).toBe('groups[0].cpu.weight');
    expect(issuesOf(A({ shares: -1 }))[0]!.path).toBe('groups[0].cpu.shares');
    const { warnings } = parseGroupSpec({
      duration: '1s',
      groups: [
        { name: 'A', cpu: { shares: 0 } },
        { name: 'B', cpu: { shares: 1024 }, groups: [{ name: 'C', cpu: { shares: 300000 } }] },
      ],
    });
    expect(warnings).toEqual([
      'groups[0].cpu.shares: 0 is outside 2..262144; the kernel clamps it to 2',
      'groups[1].groups[0].cpu.shares: 300000 is outside 2..262144; the kernel clamps it to 262144',
    ]);
  });

  it('rejects both shares and weight, or max with quota', () => {
    expect(issuesOf(A({ shares: 1024, weight: 100 }))[0]!.message).toBe('give either shares (cgroup v1) or weight (cgroup v2), not both');
    expect(issuesOf(A({ max: 'max', quota: '10ms' }))[0]!.path).toBe('groups[0].cpu.max');
  });

  it('rejects unknown keys with a suggestion, and lists every bad field at once', () => {
    const issues = issuesOf({ duration: '1s', durration: '2s', groups: [{ name: 'A', cpu: { quota: '1us', sharez: 3 } }], fidelity: 'fast' });
    expect(issues.map((i) => i.path).sort()).toEqual(['durration', 'fidelity', 'groups[0].cpu.quota', 'groups[0].cpu.sharez'].sort());
    expect(issues.find((i) => i.path === 'durration')!.message).toMatch(/did you mean "duration"/);
    expect(issues.find((i) => i.path === 'fidelity')!.message).toBe('expected "exact" or "fluid", got "fast"');
  });

  it('checks cpusets against the machine and the parent, and names against their siblings', () => {
    expect(issuesOf({ cpus: 2, duration: '1s', groups: [{ name: 'A', cpu: { cpus: '0-3' } }] })[0]).toEqual({
      path: 'groups[0].cpu.cpus',
      message: 'CPU 2-3 does not exist: the machine has CPUs 0-1',
    });
    expect(
      issuesOf({ cpus: 2, duration: '1s', groups: [{ name: 'A', cpu: { cpus: '0' }, groups: [{ name: 'B', cpu: { cpus: '1' } }] }] })[0],
    ).toEqual({ path: 'groups[0].groups[0].cpu.cpus', message: "expected a subset of the parent's CPUs 0, got 1" });
    expect(issuesOf({ duration: '1s', groups: [{ name: 'A' }, { name: 'A' }] })[0]!.path).toBe('groups[1].name');
    expect(issuesOf({ duration: '1s', tasks: [{ name: 't' }, { name: 't' }] })[0]!.path).toBe('tasks[1].name');
    expect(issuesOf({ duration: '1s', groups: [{ name: 'a/b' }] })[0]!.path).toBe('groups[0].name');
  });

  it('checks task timing and burst fields', () => {
    expect(issuesOf({ duration: '1s', tasks: [{ name: 't', start: '2s', stop: '1s' }] })[0]).toEqual({
      path: 'tasks[0].stop',
      message: 'expected a time after start (2s), got 1s',
    });
    expect(issuesOf({ duration: '1s', tasks: [{ name: 't', repeat: false }] })[0]!.path).toBe('tasks[0].repeat');
    expect(issuesOf({ duration: '1s', tasks: [{ name: 't', bursts: [] }] })[0]!.path).toBe('tasks[0].bursts');
    expect(issuesOf({ duration: '1s', tasks: [{ name: 't', bursts: [{ run: 0 }] }] })[0]!.path).toBe('tasks[0].bursts[0].run');
    expect(issuesOf({ duration: '1s', tasks: [{ name: 't', nice: 20 }] })[0]!.path).toBe('tasks[0].nice');
  });

  it('requires a duration of at most 100 years; how long an exact run may take is up to its work budget', () => {
    expect(issuesOf({})[0]).toEqual({ path: 'duration', message: 'required' });
    expect(issuesOf({ duration: '876601h' })[0]).toEqual({ path: 'duration', message: 'expected at most 876600h, got 876601h' });
    expect(parseGroupSpec({ duration: '1000h', fidelity: 'fluid' }).spec.duration).toBe(3_600_000_000_000);
    expect(parseGroupSpec({ duration: '1000h' }).spec.duration).toBe(3_600_000_000_000);
  });
});

describe('runGroupExperiment', () => {
  it('reports tasks and groups in spec order with fractions of one CPU', () => {
    const r = runGroupExperiment({
      duration: '1s',
      fidelity: 'fluid',
      tasks: [{ name: 'r' }],
      groups: [{ name: 'A', tasks: [{ name: 'a' }], groups: [{ name: 'B', cpu: { shares: 0 }, tasks: [{ name: 'b' }] }] }],
    });
    expect(Object.keys(r).sort()).toEqual(['cpus', 'duration', 'fidelity', 'groups', 'steps', 'tasks', 'warnings']);
    expect(r.duration).toBe(1_000_000);
    expect(r.tasks.map((t) => [t.name, t.group])).toEqual([
      ['r', '/'],
      ['a', '/A'],
      ['b', '/A/B'],
    ]);
    expect(r.groups.map((g) => g.path)).toEqual(['/A', '/A/B']);
    for (const t of r.tasks) expect(t.fraction).toBe(t.cpuUsec / r.duration);
    expect(Object.keys(r.groups[0]!).sort()).toEqual(['cpuUsec', 'fraction', 'nrPeriods', 'nrThrottled', 'path', 'throttledUsec']);
    expect(r.warnings).toHaveLength(1);
  });

  it.each(['exact', 'fluid'])('runs bursts: 10 ms of CPU then 30 ms asleep is a quarter of a CPU (%s)', (fidelity) => {
    const r = runGroupExperiment({ duration: '4s', fidelity, tasks: [{ name: 't', bursts: [{ run: '10ms', sleep: '30ms' }] }] });
    expect(r.tasks[0]!.cpuUsec).toBe(1_000_000);
  });

  it.each(['exact', 'fluid'])('plays a burst list once when repeat is false, and honours start and stop (%s)', (fidelity) => {
    const r = runGroupExperiment({
      duration: '4s',
      fidelity,
      tasks: [
        { name: 'once', bursts: [{ run: '100ms', sleep: '50ms' }, { run: '20ms' }], repeat: false },
        { name: 'window', start: '1s', stop: '3s' },
        { name: 'never', start: '5s' },
      ],
    });
    const f = Object.fromEntries(r.tasks.map((t) => [t.name, t.cpuUsec]));
    expect(f['once']).toBe(120_000);
    expect(f['never']).toBe(0);
    // 'once' shares the CPU with 'window' only before 1 s, so 'window' has it alone for 2 s.
    expect(f['window']).toBe(2_000_000);
  });

  it('stops a bursty task at its stop time, asleep or running', () => {
    const r = runGroupExperiment({ duration: '2s', tasks: [{ name: 't', stop: '1005ms', bursts: [{ run: '10ms', sleep: '10ms' }] }] });
    expect(r.tasks[0]!.cpuUsec).toBe(505_000);
  });

  it('accepts its own parsed spec and gives the same answer (parsing is idempotent)', () => {
    const input = {
      duration: '3s',
      cpus: 2,
      groups: [
        { name: 'A', cpu: { max: '30000 50000', cpus: '0' }, tasks: [{ name: 'a', bursts: [{ run: '3ms', sleep: '1ms' }] }] },
        { name: 'B', cpu: { weight: 300 }, tasks: [{ name: 'b1', nice: -3 }, { name: 'b2' }] },
      ],
    };
    const { spec } = parseGroupSpec(input);
    expect(runGroupExperiment(spec)).toEqual(runGroupExperiment(input));
  });

  it('is deterministic: the same spec gives byte-identical results', () => {
    const input = {
      duration: '5s',
      cpus: 3,
      groups: [
        { name: 'A', cpu: { quota: '70ms' }, tasks: [{ name: 'a1', bursts: [{ run: '7ms', sleep: '3ms' }, { run: '1ms', sleep: '11ms' }] }, { name: 'a2' }] },
        { name: 'B', cpu: { shares: 3000 }, tasks: [{ name: 'b1', nice: 7 }, { name: 'b2', start: '1s' }], groups: [{ name: 'C', tasks: [{ name: 'c' }] }] },
      ],
    };
    expect(JSON.stringify(runGroupExperiment(input))).toBe(JSON.stringify(runGroupExperiment(input)));
  });

  it('throws the ValidationError of an invalid spec', () => {
    expect(() => runGroupExperiment(A({ quota: '500us' }))).toThrow(ValidationError);
  });
});
