// `strata run` and `strata compare SCENARIO` as a user runs them: the built binary on the bundled
// datacenter (examples/datacenter.yaml) with the real @strata/core-cluster. Needs `tsc -b` first
// (turbo builds before the tests).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '@strata/core-cluster';
import type { ScenarioCompareJson } from '../src/commands/compare-scenario-run.js';
import { ROOT, strataOutput, type BinaryOutput } from './strata-binary.js';

const EXAMPLE = 'examples/datacenter.yaml';

function strata(...args: string[]): BinaryOutput {
  return strataOutput(args);
}

describe('strata run (binary)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-run-'));

  it('runs the bundled datacenter: the host fails, its VMs restart elsewhere; the same seed gives the same trace bytes in two processes', () => {
    const first = strata('run', EXAMPLE, '--json', '--trace', join(dir, 'a.ndjson'), '--report', join(dir, 'report.html'));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as RunReport;
    expect(report).toMatchObject({ name: 'small-datacenter', seed: 42, fidelity: 'fluid', simulatedUs: 120_000_000 });
    expect(report.hosts).toMatchObject({ count: 3, failures: 1 });
    expect(report.vms).toMatchObject({ count: 4, running: 4 });
    expect(report.vms.haRestarts).toBeGreaterThanOrEqual(1);
    expect(Object.keys(report.energy.perHostKWh).sort()).toEqual(['h-0', 'h-1', 'h-2']);

    const trace = readFileSync(join(dir, 'a.ndjson'), 'utf8');
    const events = trace.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; time: number; subject: string });
    expect(events.some((e) => e.type === 'host.failed' && e.subject === 'host:h-0' && e.time === 45_000_000)).toBe(true);
    expect(events.some((e) => e.type === 'vm.ha_restarted')).toBe(true);
    // Time never goes back.
    expect(events.every((e, i) => i === 0 || e.time >= events[i - 1]!.time)).toBe(true);

    const second = strata('run', EXAMPLE, '--trace', join(dir, 'b.ndjson'));
    expect(second.code).toBe(0);
    expect(readFileSync(join(dir, 'b.ndjson'), 'utf8')).toBe(trace);

    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('id="chart-host-cpu"');
  });

  it('prints the hosts and summary tables; --until stops the run early', () => {
    const run = strata('run', EXAMPLE, '--until', '50s');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^small-datacenter \(examples\/datacenter\.yaml\) · seed 42 · fluid · 50\.00 s simulated · [\d,]+ events · /);
    expect(run.stdout).toMatch(/^h-0\s+failed\s+8\s+0\s+0\s+0\.0%\s+0 W\s+[\d.]+ Wh$/m);
    expect(run.stdout).toMatch(/^hosts\s+count\s+3$/m);
    expect(run.stdout).toMatch(/^\s+failures\s+1$/m);
    expect(run.stdout).toMatch(/^energy\s+total\s+[\d.]+ Wh$/m);
  });

  it('refuses bad flags with exit 2 and one line, a bad scenario with each problem on its own line', () => {
    const until = strata('run', EXAMPLE, '--until', '2 minutes');
    expect(until).toMatchObject({ code: 2, stdout: '' });
    expect(until.stderr).toMatch(/^strata: --until: expected a duration from 1us to 1000h .*, got "2 minutes"\n$/);
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, readFileSync(join(ROOT, EXAMPLE), 'utf8').replace('memory: 8Gi', 'memory: 8 gigs'));
    const bad = strata('run', file);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    const lines = bad.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\S*bad\.yaml:\d+:\d+ vms\[1\]\.memory: expected a quantity like/);
    expect(lines[1]).toMatch(/^strata: \S*bad\.yaml is not valid: 1 problem \(listed above\)$/);
  });
});

describe('strata run on batch workloads (binary)', () => {
  // Three jobs on one VM of 2 vCPUs at 1000 MIPS: 1000 MI and 2000 MI at 0, 1000 MI at 0.5 s.
  // Time-shared, by hand: both run at full speed until 0.5 s; then three threads share two vCPUs
  // (2/3 each) until job 0's last 500 MI are done at 1.25 s; then jobs 2 and 1 run at full speed
  // and end at 1.75 s and 2.25 s. Space-shared: job 2 waits for job 0 (done at 1 s), ends at 2 s.
  const dir = mkdtempSync(join(tmpdir(), 'strata-batch-'));
  writeFileSync(join(dir, 'jobs.csv'), 'id,length_mi,pes,vm,submit_time\n0,1000,1,0,0\n1,2000,1,0,0\n2,1000,1,0,0.5\n');
  const scenario = (scheduler: string): string =>
    `name: tiny-batch\nhosts:\n  - { name: h, cpus: 4, memory: 8Gi }\nvms:\n  - { name: vm, vcpus: 2, vcpuMips: 1000, memory: 1Gi }\nworkloads:\n  - { kind: batch, file: jobs.csv, guestScheduler: ${scheduler} }\n`;

  it.each([
    ['time-shared', 'id,vm,host,start_s,finish_s\n0,0,h,0,1.25\n1,0,h,0,2.25\n2,0,h,0.5,1.75\n', { count: 3, completed: 3, makespan_s: 2.25, meanFinish_s: 1.75 }],
    ['space-shared', 'id,vm,host,start_s,finish_s\n0,0,h,0,1\n1,0,h,0,2\n2,0,h,1,2\n', { count: 3, completed: 3, makespan_s: 2, meanFinish_s: 5 / 3 }],
  ])('%s: --json has the jobs object and --results every job, as computed by hand', (scheduler, csv, jobs) => {
    writeFileSync(join(dir, `${scheduler}.yaml`), scenario(scheduler));
    const run = strata('run', join(dir, `${scheduler}.yaml`), '--json', '--results', join(dir, `${scheduler}.csv`));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { jobs: unknown; guestScheduler: string };
    expect(json.guestScheduler).toBe(scheduler);
    expect(json.jobs).toEqual(jobs);
    expect(readFileSync(join(dir, `${scheduler}.csv`), 'utf8')).toBe(csv);
  });
});

describe('strata compare (binary)', () => {
  it('compares scenario variants side by side', () => {
    const run = strata('compare', EXAMPLE, '--set', 'placement=first-fit,spread', '--set', 'duration=20s', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as ScenarioCompareJson;
    expect(json.variants.map((v) => v.label)).toEqual(['placement=first-fit duration=20s', 'placement=spread duration=20s']);
    expect(json.variants.every((v) => v.report.simulatedUs === 20_000_000)).toBe(true);
    const table = strata('compare', EXAMPLE, '--set', 'fidelity=fluid,exact', '--set', 'duration=5s');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^\s+metric\s+fidelity=fluid duration=5s\s+fidelity=exact duration=5s$/m);
  });

  it('still compares a scheduler workload, and names the field a bad --set value breaks', () => {
    const workload = strata('compare', 'examples/textbook-jobs.json');
    expect(workload.code).toBe(0);
    expect(workload.stdout).toMatch(/fifo/);
    const bad = strata('compare', EXAMPLE, '--set', 'placement=nearest');
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^strata: --set placement=nearest: examples\/datacenter\.yaml:\d+:\d+ placement: /);
  });
});
