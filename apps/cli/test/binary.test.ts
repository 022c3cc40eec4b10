// Runs the built binary (`node dist/bin.js`) as a user would: exit codes, stdout, and a
// one-line stderr without a stack trace for every usage error. Needs `tsc -b` first (turbo
// runs the build before the tests).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SchedJson } from '../src/sched-report.js';
import { ROOT, strataOutput, type BinaryOutput } from './strata-binary.js';


type Run = BinaryOutput;

function strata(...args: string[]): Run {
  return strataOutput(args);
}

function schedJson(...args: string[]): SchedJson {
  const run = strata('sched', ...args, '--json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as SchedJson;
}

/** scheduler.py's RR (§1.5 of the OSTEP notes), written independently of the core as a cross-check. */
function referenceRr(lengths: readonly number[], quantum: number): { response: number[]; turnaround: number[] } {
  const remaining = [...lengths];
  const response: number[] = lengths.map(() => -1);
  const turnaround: number[] = lengths.map(() => 0);
  const queue = lengths.map((_, i) => i);
  let clock = 0;
  while (queue.length > 0) {
    const j = queue.shift()!;
    if (response[j] === -1) response[j] = clock;
    const run = Math.min(quantum, remaining[j]!);
    clock += run;
    remaining[j]! -= run;
    if (remaining[j]! > 0) queue.push(j);
    else turnaround[j] = clock;
  }
  return { response, turnaround };
}

describe('strata binary', () => {
  it('prints its version and help', () => {
    const version = strata('--version');
    expect(version).toEqual({ code: 0, stdout: `${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`, stderr: '' });
    const help = strata('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: strata \[options\] \[command\]/);
    expect(help.stdout).toMatch(/sched/);
    expect(help.stdout).toMatch(/compare/);
  });

  it('runs FIFO on 5,10,15 (scheduler.py -p FIFO -l 5,10,15)', () => {
    const json = schedJson('--policy', 'fifo', '--jobs', '5,10,15');
    expect(Object.keys(json)).toEqual(['policy', 'jobs', 'avg', 'timeline']);
    expect(json.policy).toBe('fifo');
    expect(json.jobs.map((j) => j.response)).toEqual([0, 5, 15]);
    expect(json.jobs.map((j) => j.turnaround)).toEqual([5, 15, 30]);
    expect(json.jobs.map((j) => j.wait)).toEqual([0, 5, 15]);
    expect(json.avg).toEqual({ response: 20 / 3, turnaround: 50 / 3, wait: 20 / 3 });
    expect(json.timeline).toEqual([
      { start: 0, end: 5, cpu: 0, job: 0 },
      { start: 5, end: 15, cpu: 0, job: 1 },
      { start: 15, end: 30, cpu: 0, job: 2 },
    ]);
  });

  it('prints the FIFO text report with 2-decimal averages and a Gantt row', () => {
    const run = strata('sched', '--policy', 'fifo', '--jobs', '5,10,15');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\naverage +6\.67 +16\.67 +6\.67\n/);
    expect(run.stdout).toContain('CPU 0 |000001111111111222222222222222|');
  });

  it('matches an independent RR reference on several job lists', () => {
    for (const [jobs, quantum] of [
      ['5,10,15', 1],
      ['10,7,3', 4],
      ['3,3,3', 3],
      ['1,20,2,8', 5],
    ] as const) {
      const json = schedJson('--policy', 'rr', '--quantum', String(quantum), '--jobs', jobs);
      const ref = referenceRr(jobs.split(',').map(Number), quantum);
      expect(json.jobs.map((j) => j.response)).toEqual(ref.response);
      expect(json.jobs.map((j) => j.turnaround)).toEqual(ref.turnaround);
      expect(json.jobs.map((j) => j.wait)).toEqual(json.jobs.map((j) => j.turnaround - j.length));
    }
  });

  it('reproduces the OSTEP mlfq.py worked example', () => {
    const json = schedJson('--policy', 'mlfq', '--queues', '2', '--quantum', '3', '--allotments', '2,2', '--io-time', '2', '--boost', '15', '--jobs', '0,12,4:2,6,0');
    expect(json.jobs.map((j) => [j.response, j.turnaround])).toEqual([
      [0, 20],
      [1, 8],
    ]);
    // J0 is demoted to level 1 (the lower of two) at tick 12 and boosted back at 15.
    expect(json.timeline.some((s) => s.job === 0 && s.level === 1 && s.start >= 12 && s.end <= 14)).toBe(true);
    expect(json.timeline.every((s) => s.level === 0 || s.level === 1)).toBe(true);
  });

  it('accepts decimal lengths for SJF, as scheduler.py does', () => {
    const json = schedJson('--policy', 'sjf', '--jobs', '10,2.5');
    expect(json.jobs.map((j) => j.turnaround)).toEqual([12.5, 2.5]);
  });

  it('writes an SVG with one rect per timeline segment', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'strata-cli-')), 'gantt.svg');
    const run = strata('sched', '--policy', 'rr', '--quantum', '2', '--jobs', '5,10,15', '--svg', file, '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as SchedJson;
    const svg = readFileSync(file, 'utf8');
    expect(svg.match(/<rect\b/g)).toHaveLength(json.timeline.length);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it.each([
    [['sched', '--policy', 'fcfs', '--jobs', '5'], /^strata: --policy: expected one of fifo, sjf, stcf, rr, priority, mlfq, cfs, credit, lottery, stride, edf, got "fcfs"$/],
    [['sched', '--policy', 'rr', '--quantum', '0', '--jobs', '5'], /^strata: --quantum: expected a positive integer, got "0"$/],
    [['sched', '--policy', 'rr', '--quantum', '-1', '--jobs', '5'], /^strata: --quantum: expected a positive integer, got "-1"$/],
    [['sched', '--policy', 'rr', '--quantum', 'abc', '--jobs', '5'], /^strata: --quantum: expected a positive integer, got "abc"$/],
    [['sched', '--policy', 'mlfq', '--allotments', '0,1,1', '--jobs', '0,5,0:'], /^strata: --allotments: .*"0" is not a positive integer\)$/],
    [['sched', '--policy', 'mlfq', '--queues', '2', '--allotments', '1,1,1', '--jobs', '0,5,0:'], /^strata: --allotments: expected 2 /],
    [['sched', '--jobs', '1,,2'], /^strata: --jobs: expected lengths like 5,10,15 or start,run,ioFreq jobs like 0,180,0:100,20,0, got "1,,2"/],
    [['sched', '--jobs', '0,0,0'], /^strata: --jobs: .*"0" is not a positive number/],
    [['sched', '--jobs', 'a,b'], /^strata: --jobs: .*"a" is not a positive number/],
    [['sched', '--jobs', '5,-3'], /^strata: --jobs: .*"-3" is not a positive number/],
    [['sched', '--jobs', '5,10:0,5,0'], /^strata: --jobs: .*job 0 "5,10" has 2 fields/],
    [['sched', '--policy', 'rr', '--bogus'], /^strata: unknown option '--bogus' \(see 'strata sched --help'\)$/],
    [['sched', '--quantum'], /^strata: option '--quantum <n>' argument missing/],
    [['compare'], /^strata: missing required argument 'file'/],
    [['sched', '--spec', 'x.yaml', '--policy', 'rr'], /^strata: --spec: cannot be combined with --policy;/],
  ])('exits 2 with one stderr line for %j', (args, message) => {
    const run = strata(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('runs the bundled group experiment', () => {
    const run = strata('sched', '--spec', 'examples/groups.yaml', '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const json = JSON.parse(run.stdout) as { groups: { path: string; fraction: number }[] };
    const share = (path: string): number => json.groups.find((g) => g.path === path)?.fraction ?? Number.NaN;
    expect(share('/backup')).toBeCloseTo(0.2, 2); // quota 20ms per 100ms period
    expect(share('/web') / share('/batch')).toBeCloseTo(2, 1); // shares 1024 : 512 split the rest
    const text = strata('sched', '--spec', 'examples/groups.yaml');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\n\/backup +█+░+ +20\.0%\n/);
  });

  it('compares the bundled example workload', () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'examples/textbook-jobs.json'), 'utf8')) as { policies: unknown[] };
    const run = strata('compare', 'examples/textbook-jobs.json');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/policy\s+avg response\s+avg turnaround\s+avg wait\s+p95 turnaround\s+fairness\s+CPU util/);
    for (const label of ['fifo', 'sjf', 'stcf', 'rr q=10', 'priority', 'mlfq 3x10 B=100', 'mlfq 2/10/40', 'cfs', 'lottery q=10', 'stride q=10']) {
      expect(run.stdout).toMatch(new RegExp(`\\n${label.replace(/[/]/g, '\\/')} +\\d`));
    }
    const json = strata('compare', 'examples/textbook-jobs.json', '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { results: { policy: string; avg: { response: number; turnaround: number; wait: number } }[] };
    expect(parsed.results).toHaveLength(example.policies.length);
    for (const r of parsed.results) {
      expect(Number.isFinite(r.avg.turnaround)).toBe(true);
      expect(r.avg.turnaround).toBeGreaterThanOrEqual(r.avg.wait);
    }
  });
});
