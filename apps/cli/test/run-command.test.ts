// `strata run` and `strata compare SCENARIO` in-process, against a fake datacenter (fake-datacenter.ts):
// flag ranges and their messages, what each output file holds, variants and their validation.

import { describe, expect, it } from 'vitest';
import type { RunReport } from '@strata/core-cluster';
import { run } from '../src/main.js';
import type { BatchJson } from '../src/batch-summary.js';
import type { ScenarioCompareJson } from '../src/commands/compare-scenario-run.js';
import { fakeCluster } from './fake-datacenter.js';
import type { FakeCluster } from './fake-datacenter.js';
import { memoryIo } from './memory-io.js';
import type { MemoryIo } from './memory-io.js';
import { FIFO_RESULT } from './sample-results.js';

const SCENARIO = `# a tiny datacenter
name: tiny
seed: 3
duration: 5s
hosts:
  - { name: h, count: 2, cpus: 8, memory: 32Gi }
  - { name: metal, cpus: 4, memory: 8Gi, hypervisor: none }
vms:
  - { name: vm, count: 3, vcpus: 2, memory: 4Gi }
`;

const BATCH = `name: batchy
duration: 10s
hosts:
  - { name: h, count: 2, cpus: 8, memory: 32Gi }
vms:
  - { name: vm, count: 3, vcpus: 2, memory: 4Gi }
workloads:
  - { kind: batch, file: jobs.csv }
`;

const WORKLOAD = JSON.stringify({ jobs: '5,10', policies: ['fifo', 'sjf'] });

interface Outcome {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly io: MemoryIo;
  readonly cluster: FakeCluster;
}

async function strata(args: string[], files: Record<string, string> = {}): Promise<Outcome> {
  const io = memoryIo({ 'dc/tiny.yaml': SCENARIO, 'dc/batch.yaml': BATCH, 'dc/jobs.csv': 'id,length_mi,pes,vm,submit_time\n0,1000,1,0,0\n', 'w.json': WORKLOAD, ...files });
  const cluster = fakeCluster();
  const code = await run(args, io, {
    runExercise: (input) => ({ ...FIFO_RESULT, policy: input.policy }),
    estimateExercise: () => ({ steps: 1, reason: 'one job', remedies: ['maxSteps'] }),
    runGroupSpec: () => {
      throw new Error('not used');
    },
    cluster,
  });
  return { code, out: io.out(), err: io.err(), io, cluster };
}

function expectUsageError(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.err).toMatch(pattern);
  expect(outcome.err.trimEnd().split('\n')).toHaveLength(1);
  expect(outcome.code).toBe(2);
  expect(outcome.out).toBe('');
}

describe('strata run', () => {
  it('prints the hosts and the summary', async () => {
    const { code, out, err } = await strata(['run', 'dc/tiny.yaml']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^tiny \(dc\/tiny\.yaml\) · seed 3 · fluid · 5\.00 s simulated · /);
    expect(out).toMatch(/^host\s+state\s+CPUs\s+VMs\s+vCPUs\s+CPU now\s+power now\s+energy$/m);
    expect(out).toMatch(/^h-0\s+up\s+8\s+1\s+2\s+50\.0%\s+175 W\s+10\.00 Wh$/m);
    expect(out).toMatch(/^metal\s+up/m);
    for (const section of ['hosts', 'VMs', 'containers', 'requests', 'energy']) expect(out).toMatch(new RegExp(`^${section}\\s`, 'm'));
    expect(out).toMatch(/^energy\s+total\s+37\.50 Wh$/m);
    expect(out).not.toMatch(/^jobs/m);
  });

  it('--json prints the report', async () => {
    const plain = await strata(['run', 'dc/tiny.yaml', '--json']);
    expect(plain.code).toBe(0);
    const report = JSON.parse(plain.out) as RunReport;
    expect(report.name).toBe('tiny');
    expect(report.hosts.count).toBe(3);
    expect(report.jobs).toBeUndefined();
  });

  it('runs batch-only scenarios on the batch engine: --json has issue 13\'s jobs object in the RunReport\'s shape', async () => {
    const batch = await strata(['run', 'dc/batch.yaml', '--json']);
    expect(batch.err).toBe('');
    expect(batch.code).toBe(0);
    const json = JSON.parse(batch.out) as BatchJson;
    expect(json).toEqual({
      name: 'batchy',
      seed: 0,
      fidelity: 'fluid',
      // The scenario's duration (10s) bounds the run, as it does on the datacenter.
      simulatedUs: 10_000_000,
      events: 6,
      hosts: { count: 2, oversubscribed: [] },
      vms: { count: 3 },
      jobs: { count: 3, completed: 3, makespan_s: 4.500007, meanFinish_s: 3.000007 },
      guestScheduler: 'time-shared',
    } satisfies BatchJson);
    // The RunReport's keys first, in its order; then what only the batch engine knows.
    expect(Object.keys(json)).toEqual(['name', 'seed', 'fidelity', 'simulatedUs', 'events', 'hosts', 'vms', 'jobs', 'guestScheduler']);
    // The CSV the scenario names was read through the confined reader.
    expect(batch.cluster.reads).toEqual(['jobs.csv']);
    const text = await strata(['run', 'dc/batch.yaml', '--until', '4s']);
    expect(text.out).toMatch(/^batchy \(dc\/batch\.yaml\) · seed 0 · fluid · time-shared batch · 4\.00 s simulated · /);
    expect(text.out).toMatch(/^jobs\s+completed\s+2 of 3$/m);
    expect(text.out).toMatch(/^\s+makespan\s+3\.00 s \(3\.000007 s\)$/m);
    expect(text.out).toMatch(/^\s+mean finish\s+2\.25 s \(2\.250007 s\)$/m);
    expect(text.out).toMatch(/^run\s+simulated\s+4\.00 s$/m);
  });

  it.each([
    ['containers', BATCH.replace('workloads:', 'containers:\n  - { name: web, on: vm-0, image: web }\nworkloads:')],
    ['actions', `${BATCH}actions:\n  - { at: 1s, do: host.fail, host: h-1 }\n`],
    ['metrics', `${BATCH}metrics: { interval: 1s }\n`],
    ['faults', `${BATCH}faults: { hosts: { mtbf: 1h, mttr: 1m } }\n`],
  ])('batch workloads beside %s run on the datacenter: its report, --results from its jobs', async (_part, text) => {
    const mixed = await strata(['run', 'dc/mixed.yaml', '--json', '--results', 'dc/jobs-out.csv'], { 'dc/mixed.yaml': text });
    expect(mixed.err).toBe('');
    expect(mixed.code).toBe(0);
    const report = JSON.parse(mixed.out) as RunReport;
    expect(report.containers).toBeDefined(); // the datacenter's report, not the batch engine's
    expect(mixed.io.files.get('dc/jobs-out.csv')).toBe('id,vm,host,start_s,finish_s\n0,0,h-0,0,3.000007\n1,1,h-0,0,4.500007\n2,2,h-0,0,1.500007\n');
  });

  it('--trace on a batch-only scenario runs it on the datacenter, which keeps the trace', async () => {
    const traced = await strata(['run', 'dc/batch.yaml', '--trace', 'dc/t.ndjson', '--json']);
    expect(traced.err).toBe('');
    expect(traced.code).toBe(0);
    expect((JSON.parse(traced.out) as RunReport).containers).toBeDefined();
    const lines = traced.io.files.get('dc/t.ndjson')!.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('type');
  });

  it('--seed and --until reach the datacenter', async () => {
    const { code, out, cluster } = await strata(['run', 'dc/tiny.yaml', '--seed', '42', '--until', '2s', '--json']);
    expect(code).toBe(0);
    expect(cluster.loaded[0]!.seed).toBe(42);
    expect((JSON.parse(out) as RunReport).simulatedUs).toBe(2_000_000);
  });

  it('--trace writes every event as one JSON line, the same bytes for the same seed', async () => {
    const a = await strata(['run', 'dc/tiny.yaml', '--trace', 'a.ndjson']);
    const b = await strata(['run', 'dc/tiny.yaml', '--trace', 'a.ndjson']);
    const c = await strata(['run', 'dc/tiny.yaml', '--trace', 'a.ndjson', '--seed', '4']);
    const lines = a.io.files.get('a.ndjson')!.trimEnd().split('\n');
    expect(lines.length).toBe(3 + 3 + 5);
    expect(JSON.parse(lines[0]!)).toEqual({ type: 'host.started', time: 0, subject: 'host:h-0' });
    expect(b.io.files.get('a.ndjson')).toBe(a.io.files.get('a.ndjson'));
    expect(c.io.files.get('a.ndjson')).not.toBe(a.io.files.get('a.ndjson'));
  });

  it('--results writes the batch engine\'s jobs.csv', async () => {
    const { code, io } = await strata(['run', 'dc/batch.yaml', '--results', 'jobs-out.csv']);
    expect(code).toBe(0);
    expect(io.files.get('jobs-out.csv')).toBe('id,vm,host,start_s,finish_s\n0,0,h-0,0,3.000007\n1,1,h-0,0,4.500007\n2,2,h-0,0,1.500007\n');
  });

  it('--report writes one self-contained page', async () => {
    const { code, io } = await strata(['run', 'dc/tiny.yaml', '--report', 'r.html']);
    expect(code).toBe(0);
    const html = io.files.get('r.html')!;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // The events' "</script><!--" stays inside the data; the page has exactly its three scripts.
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    // Nothing is fetched: no script, style or image comes from elsewhere.
    const markup = html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
    expect(/<(script|link|img|iframe)[^>]+(src|href)=/i.test(markup)).toBe(false);
    expect(markup.match(/<script/g)).toHaveLength(3);
    for (const id of ['host-cpu', 'vm-steal', 'container-memory', 'energy']) expect(html).toContain(`id="chart-${id}"`);
    expect(html).not.toContain('id="chart-job-cdf"');
    const batch = await strata(['run', 'dc/batch.yaml', '--report', 'b.html']);
    expect(batch.code).toBe(0);
    expect(batch.io.files.get('b.html')).toContain('id="chart-job-cdf"');
  });

  it.each([
    [['--until', '0s'], /^strata: --until: expected a duration from 1us to 1000h such as .*, got "0s"\n$/],
    [['--until', '1001h'], /^strata: --until: expected a duration from 1us to 1000h .*, got "1001h"\n$/],
    [['--until', 'soon'], /^strata: --until: expected a duration .*, got "soon"\n$/],
    [['--seed', '-1'], /^strata: --seed: expected a non-negative integer, got "-1"\n$/],
    [['--seed', '9007199254740993'], /^strata: --seed: expected a non-negative integer, got "9007199254740993" \(at most 9007199254740991/],
    [['--seed', '1.5'], /^strata: --seed: expected a non-negative integer, got "1\.5"\n$/],
    [['--trace', 'dc/tiny.yaml'], /^strata: --trace dc\/tiny\.yaml: is also the scenario file; give each output its own file\n$/],
    [['--trace', 'x.out', '--report', 'x.out'], /^strata: --report x\.out: is also --trace; give each output its own file\n$/],
    [['--results', 'j.csv'], /^strata: --results: dc\/tiny\.yaml has no batch workload to report jobs of/],
  ])('refuses %j with exit 2 and one line naming the flag', async (flags, pattern) => {
    expectUsageError(await strata(['run', 'dc/tiny.yaml', ...flags]), pattern);
  });

  it('refuses a bad scenario with its path, and a file outside the scenario folder', async () => {
    expectUsageError(await strata(['run', 'dc/bad.yaml'], { 'dc/bad.yaml': SCENARIO.replace('memory: 4Gi', 'memory: 4 gigs') }), /^strata: dc\/bad\.yaml: vms\[0\]\.memory: /);
    expectUsageError(
      await strata(['run', 'dc/escape.yaml'], { 'dc/escape.yaml': BATCH.replace('file: jobs.csv', 'file: ../w.json') }),
      /^strata: (dc\/escape\.yaml: )?("\.\.\/w\.json": a scenario may name only files inside its own folder|.*workloads\[0\]\.file)/,
    );
    expectUsageError(await strata(['run', 'dc/none.yaml']), /^strata: dc\/none\.yaml: cannot read the file \(no such file\)\n$/);
  });

  it('shows progress on a terminal and erases it at the end; nothing without one', async () => {
    const updates: [number, string][] = [];
    let stops = 0;
    const io = { ...memoryIo({ 'dc/tiny.yaml': SCENARIO }), progress: (label: string) => {
      expect(label).toBe('strata run');
      return { update: (fraction: number, detail: string) => void updates.push([fraction, detail]), stop: () => void (stops += 1) };
    } };
    const code = await run(['run', 'dc/tiny.yaml'], io, { runExercise: () => FIFO_RESULT, estimateExercise: () => ({ steps: 1, reason: '', remedies: [] }), runGroupSpec: () => { throw new Error(''); }, cluster: fakeCluster() });
    expect(code).toBe(0);
    expect(updates[0]).toEqual([0, '0 µs of 5.00 s simulated']);
    expect(updates.at(-1)).toEqual([1, '5.00 s of 5.00 s simulated']);
    expect(updates.every(([f], i) => i === 0 || f >= updates[i - 1]![0])).toBe(true);
    expect(stops).toBe(1);
    expect(io.err()).toBe('');
  });

  it('an output file that cannot be written is a runtime failure (exit 1)', async () => {
    const io = memoryIo({ 'dc/tiny.yaml': SCENARIO });
    const failing = { ...io, writeFile: () => { throw Object.assign(new Error('EACCES'), { code: 'EACCES' }); } };
    const code = await run(['run', 'dc/tiny.yaml', '--report', 'r.html'], failing, { runExercise: () => FIFO_RESULT, estimateExercise: () => ({ steps: 1, reason: '', remedies: [] }), runGroupSpec: () => { throw new Error(''); }, cluster: fakeCluster() });
    expect(code).toBe(1);
    expect(io.err()).toBe('strata: --report r.html: cannot write the file (permission denied)\n');
  });
});

describe('strata compare SCENARIO', () => {
  it('runs the cartesian product of --set values, one column per variant', async () => {
    const { code, out, err, cluster } = await strata(['compare', 'dc/tiny.yaml', '--set', 'placement=first-fit,best-fit', '--set', 'fidelity=exact,fluid']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(cluster.loaded.map((s) => `${JSON.stringify(s.placement)}/${s.fidelity}`)).toEqual(['"first-fit"/exact', '"first-fit"/fluid', '"best-fit"/exact', '"best-fit"/fluid']);
    const lines = out.split('\n');
    expect(lines[0]).toBe('tiny (dc/tiny.yaml) · 4 variants');
    expect(lines[2]).toMatch(/^\s+metric\s+placement=first-fit fidelity=exact\s+placement=first-fit fidelity=fluid\s+placement=best-fit fidelity=exact\s+placement=best-fit fidelity=fluid$/);
    expect(out).toMatch(/^VMs\s+count\s+3\s+3\s+3\s+3$/m);
    expect(out).toMatch(/^\s+migrations\s+0\s+0\s+1\s+1$/m);
  });

  it('--json lists every variant with its settings and report', async () => {
    const { code, out } = await strata(['compare', 'dc/tiny.yaml', '--set', 'seed=1,2', '--set', 'duration=2s', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out) as ScenarioCompareJson;
    expect(json.settings).toEqual({ seed: [1, 2], duration: ['2s'] });
    expect(json.variants.map((v) => [v.label, v.set, v.report.seed, v.report.simulatedUs])).toEqual([
      ['seed=1 duration=2s', { seed: 1, duration: '2s' }, 1, 2_000_000],
      ['seed=2 duration=2s', { seed: 2, duration: '2s' }, 2, 2_000_000],
    ]);
  });

  it('compares batch scenarios on the batch engine', async () => {
    const { code, out, err, cluster } = await strata(['compare', 'dc/batch.yaml', '--set', 'placement=first-fit,spread']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(cluster.loaded.map((s) => s.placement)).toEqual(['first-fit', 'spread']);
    expect(out).toMatch(/^\s+metric\s+placement=first-fit\s+placement=spread$/m);
    expect(out).toMatch(/^jobs\s+completed\s+3 of 3\s+3 of 3$/m);
    const json = JSON.parse((await strata(['compare', 'dc/batch.yaml', '--set', 'seed=1,2', '--json'])).out) as ScenarioCompareJson;
    expect(json.variants.map((v) => v.report.jobs)).toEqual([
      { count: 3, completed: 3, makespan_s: 4.500007, meanFinish_s: 3.000007 },
      { count: 3, completed: 3, makespan_s: 4.500007, meanFinish_s: 3.000007 },
    ]);
  });

  it('policy sets the hypervisor of every host template that has one', async () => {
    const { code, cluster } = await strata(['compare', 'dc/tiny.yaml', '--set', 'policy=cfs,rr']);
    expect(code).toBe(0);
    expect(cluster.loaded.map((s) => s.hosts.map((h) => h.hypervisor))).toEqual([
      ['cfs', 'none'],
      ['rr', 'none'],
    ]);
  });

  it.each([
    [['--set', 'placement=first-fit,nearest'], /^strata: --set placement=nearest: dc\/tiny\.yaml: placement: /],
    [['--set', 'fidelity=exact', '--set', 'colour=red'], /^strata: --set fidelity=exact colour=red: dc\/tiny\.yaml: .*colour/],
    [['--set', 'duration=5 minutes'], /^strata: --set duration=5 minutes: dc\/tiny\.yaml: duration: /],
    [['--set', 'policy=credit,fair'], /^strata: --set policy=fair: dc\/tiny\.yaml: hosts\[0\]\.hypervisor: /],
    [['--set', 'hosts=3'], /^strata: --set hosts=3: "hosts" is a list or section of the scenario, not a single value; expected KEY=VALUE/],
    [['--set', 'placement'], /^strata: --set placement: no "="; expected KEY=VALUE\[,VALUE\.\.\.\] with KEY one of placement, fidelity, seed, duration, policy/],
    [['--set', 'seed=1,,2'], /^strata: --set seed=1,,2: an empty value/],
    [['--set', 'seed=1,1'], /^strata: --set seed=1,1: a value is repeated/],
    [['--set', 'seed=1', '--set', 'seed=2'], /^strata: --set seed=2: "seed" is set twice/],
    [['--set', 'seed=1,2,3,4,5,6,7,8', '--set', 'duration=1s,2s,3s,4s,5s,6s,7s,8s,9s'], /^strata: --set: 8 × 9 = 72 variants, more than the 64 one comparison may run/],
    [['--set', 'seed=1', '--max-slices', '10'], /^strata: --max-slices: applies to scheduler workloads; dc\/tiny\.yaml is a datacenter scenario/],
  ])('refuses %j before running anything', async (flags, pattern) => {
    const outcome = await strata(['compare', 'dc/tiny.yaml', ...flags]);
    expectUsageError(outcome, pattern);
  });

  it('a scheduler workload still compares its policies, and refuses --set', async () => {
    const workload = await strata(['compare', 'w.json']);
    expect(workload.err).toBe('');
    expect(workload.code).toBe(0);
    expect(workload.out).toMatch(/fifo/);
    expect(workload.cluster.loaded).toEqual([]);
    expectUsageError(await strata(['compare', 'w.json', '--set', 'seed=1']), /^strata: --set: applies to datacenter scenarios \(files with hosts:\); w\.json is a scheduler workload/);
  });

  it('--help explains both forms', async () => {
    const { code, out } = await strata(['compare', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/scheduler workload .* or datacenter\s+scenario/s);
    expect(out).toMatch(/strata compare SCENARIO --set placement=first-fit,best-fit --set fidelity=exact,fluid/);
    expect(out).toMatch(/strata compare examples\/textbook-jobs\.json/);
  });
});
