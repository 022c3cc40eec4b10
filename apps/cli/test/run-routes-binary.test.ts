// `strata run`'s two routes as a user runs them (the built binary, the real @strata/core-cluster): a
// batch-only scenario on the batch engine, the same jobs beside a container and metric sampling (or
// with --trace) on the datacenter, both giving the same jobs.csv to 10 µs per job on the
// cloudsim-small scenarios; and a bad scenario's problems, each on its own line. Needs `tsc -b` first.

import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '@strata/core-cluster';
import type { BatchJson } from '../src/batch-summary.js';
import { strataOutput, type BinaryOutput } from './strata-binary.js';

const SMALL = fileURLToPath(new URL('../../../examples/cloudsim-small/', import.meta.url));

function strata(cwd: string, ...args: string[]): BinaryOutput {
  return strataOutput(args, { cwd });
}

interface JobLine {
  readonly id: string;
  readonly vm: string;
  readonly host: string;
  readonly start: number;
  readonly finish: number;
}

/** jobs.csv rows (header checked). */
function jobsCsv(text: string): JobLine[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  expect(header).toBe('id,vm,host,start_s,finish_s');
  return lines.map((l) => {
    const [id = '', vm = '', host = '', start = '', finish = ''] = l.split(',');
    return { id, vm, host, start: Number(start), finish: Number(finish) };
  });
}

/** Every job at the same VM and host, start and finish within 10 µs. */
function expectSameJobs(a: readonly JobLine[], b: readonly JobLine[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => {
    const y = b[i]!;
    expect([x.id, x.vm, x.host]).toEqual([y.id, y.vm, y.host]);
    expect(Math.abs(x.start - y.start)).toBeLessThanOrEqual(10e-6);
    expect(Math.abs(x.finish - y.finish)).toBeLessThanOrEqual(10e-6);
  });
}


describe('strata run: batch engine and datacenter give the same jobs.csv (cloudsim-small, binary)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-routes-'));
  beforeAll(() => copyFileSync(join(SMALL, 'H10_V40_C400.csv'), join(dir, 'H10_V40_C400.csv')));

  it.each([['ts'], ['ss']])('H10_V40_C400-%s.yaml', (kind) => {
    const name = `H10_V40_C400-${kind}`;
    const text = readFileSync(join(SMALL, `${name}.yaml`), 'utf8');
    writeFileSync(join(dir, `${name}.yaml`), text);
    // The same hosts, VMs and jobs, plus a bare-metal host (last: first-fit fills h-0.. first) running
    // a container, and metric sampling: only the datacenter runs these.
    const mixed = text.replace('vms:', '  - { name: metal, cpus: 4, memory: 8Gi, hypervisor: none }\nvms:') + 'duration: 400s\nmetrics: { interval: 10s }\ncontainers:\n  - { name: idle, on: metal, image: idle }\n';
    writeFileSync(join(dir, `${name}-mixed.yaml`), mixed);

    const fast = strata(dir, 'run', `${name}.yaml`, '--json', '--results', `${name}-fast.csv`);
    expect(fast.stderr).toBe('');
    expect(fast.code).toBe(0);
    const fastJson = JSON.parse(fast.stdout) as BatchJson;
    expect(fastJson.guestScheduler).toBe(kind === 'ts' ? 'time-shared' : 'space-shared');
    expect(fastJson.jobs).toMatchObject({ count: 400, completed: 400 });

    const dc = strata(dir, 'run', `${name}-mixed.yaml`, '--json', '--results', `${name}-dc.csv`);
    expect(dc.stderr).toBe('');
    expect(dc.code).toBe(0);
    const dcJson = JSON.parse(dc.stdout) as RunReport;
    expect(dcJson.containers.count).toBe(1);
    expect(dcJson.simulatedUs).toBe(400_000_000);
    expect(dcJson.jobs).toMatchObject({ count: 400, completed: 400 });
    expect(Math.abs(dcJson.jobs!.makespan_s - fastJson.jobs.makespan_s)).toBeLessThanOrEqual(10e-6);

    // --trace sends the batch-only scenario to the datacenter, which keeps the trace.
    const traced = strata(dir, 'run', `${name}.yaml`, '--trace', `${name}.ndjson`, '--results', `${name}-traced.csv`);
    expect(traced.stderr).toBe('');
    expect(traced.code).toBe(0);
    const events = readFileSync(join(dir, `${name}.ndjson`), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; time: number });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e, i) => i === 0 || e.time >= events[i - 1]!.time)).toBe(true);

    const fastJobs = jobsCsv(readFileSync(join(dir, `${name}-fast.csv`), 'utf8'));
    expectSameJobs(jobsCsv(readFileSync(join(dir, `${name}-dc.csv`), 'utf8')), fastJobs);
    expectSameJobs(jobsCsv(readFileSync(join(dir, `${name}-traced.csv`), 'utf8')), fastJobs);
    // And both are the exact answers.
    expectSameJobs(fastJobs, jobsCsv(readFileSync(join(SMALL, `ideal_${name}.csv`), 'utf8')));
  });
});

describe('strata run: a bad scenario (binary)', () => {
  it('prints every located problem on its own line, file:line:col path: message, then exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-bad-'));
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\nhosts:\n  - name: h\n    cpus: two\n    memory: 4 gigs\nvms:\n  - { name: v, vcpus: 2, memory: 1Gi }\n');
    const run = strata(dir, 'run', 'bad.yaml', '--json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      'bad.yaml:4:11 hosts[0].cpus: expected number, got "two"',
      'bad.yaml:5:13 hosts[0].memory: expected a quantity like 64Gi, got "4 gigs"',
      'strata: bad.yaml is not valid: 2 problems (listed above)',
      '',
    ]);
  });
});
