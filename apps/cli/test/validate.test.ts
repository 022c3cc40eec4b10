// `strata validate` as a user runs it: `node dist/bin.js validate FILE` on scenario files in a temp
// folder: the summary, the located problems one per line, --json, includes, files outside the
// folder refused, exit codes. Needs `tsc -b` first (turbo builds before the tests).

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ValidateSummaryJson } from '../src/commands/validate-run.js';
import { strataOutput, type BinaryOutput } from './strata-binary.js';

const CLOUDSIM = fileURLToPath(new URL('../../../examples/cloudsim-small/', import.meta.url));

function strata(cwd: string, ...args: string[]): BinaryOutput {
  return strataOutput(args, { cwd, timeout: 30_000 });
}

/** A temp folder holding `files` (path → text); returns its path. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-validate-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const DATACENTER = `name: dc
seed: 7
duration: 60s
include: [common/hosts.yaml]
networks:
  - { name: app }
vms:
  - { name: vm, count: 4, vcpus: 2, memory: 4Gi }
containers:
  - { name: web, on: vm, count: 2, image: web, memory: 256Mi, networks: [app] }
workloads:
  - { kind: batch, file: data/jobs.csv }
actions:
  - { at: 20s, do: vm.migrate, vm: vm-0, to: h-1 }
  - { at: 30s, do: host.fail, host: h-0 }
`;
const HOSTS = 'hosts:\n  - { name: h, count: 2, cpus: 8, memory: 32Gi }\n';
const JOBS = 'id,length_mi,pes,vm,submit_time\n0,1000,1,0,0\n1,2000,1,1,0\n2,3000,2,2,0.5\n';

describe('strata validate (binary)', () => {
  it('prints a one-screen summary and exits 0', () => {
    const dir = folder({ 'dc.yaml': DATACENTER, 'common/hosts.yaml': HOSTS, 'data/jobs.csv': JOBS });
    const run = strata(dir, 'validate', 'dc.yaml');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'dc.yaml: valid — scenario "dc" (version 1, seed 7, fluid; 3 files read)',
      '  hosts       2 hosts from 1 template: 16 CPUs, 64Gi memory',
      '  VMs         4 VMs from 1 template: 8 vCPUs, 16Gi memory; placement first-fit',
      '  containers  8 containers from 1 template',
      '  networks    1',
      '  workloads   batch data/jobs.csv (3 jobs, time-shared)',
      '  actions     2 from 20s to 30s (vm.migrate 1, host.fail 1)',
      '  duration    1m',
      '',
    ]);
  });

  it('--json gives the counts', () => {
    const dir = folder({ 'dc.yaml': DATACENTER, 'common/hosts.yaml': HOSTS, 'data/jobs.csv': JOBS });
    const run = strata(dir, 'validate', 'dc.yaml', '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as ValidateSummaryJson;
    expect(json).toMatchObject({
      valid: true,
      name: 'dc',
      hosts: { templates: 1, instances: 2, cpus: 16, memoryBytes: 64 * 2 ** 30 },
      vms: { instances: 4, vcpus: 8 },
      containers: { templates: 1, instances: 8 },
      workloads: [{ kind: 'batch', file: 'data/jobs.csv', jobs: 3, guestScheduler: 'time-shared' }],
      actions: { count: 2, firstUs: 20_000_000, lastUs: 30_000_000 },
      durationUs: 60_000_000,
      files: ['dc.yaml', 'common/hosts.yaml', 'data/jobs.csv'],
    });
  });

  it('prints every problem at its file, line and column, one per line, and exits 2', () => {
    const dir = folder({
      'bad.yaml': 'name: bad\ninclude: [more.yaml]\nvms:\n  - name: v\n    vcpus: 2\n    memory: 4 gigs\n',
      'more.yaml': 'hosts:\n  - { name: h, cpus: 4, memory: 8Gi, colour: red }\n',
    });
    const run = strata(dir, 'validate', 'bad.yaml');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      'bad.yaml:6:13 vms[0].memory: expected a quantity like 4Gi, got "4 gigs"',
      'more.yaml:2:38 hosts[0].colour: unknown field; accepted fields: name, count, cpus, cpuMips, memory, overcommit, hypervisor, nic, disk, labels, power',
      'strata: bad.yaml is not valid: 2 problems (listed above)',
      '',
    ]);
    const json = strata(dir, 'validate', 'bad.yaml', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      valid: false,
      path: 'bad.yaml',
      issues: [
        { path: 'bad.yaml', line: 6, column: 13, at: 'vms[0].memory', message: 'expected a quantity like 4Gi, got "4 gigs"' },
        { path: 'more.yaml', line: 2, column: 38, at: 'hosts[0].colour', message: expect.stringMatching(/^unknown field;/) as unknown },
      ],
    });
  });

  it('refuses files outside the scenario folder, even when they exist', () => {
    const dir = folder({ 'sc/s.yaml': 'name: s\ninclude: [../secret.yaml]\nworkloads:\n  - { kind: batch, file: ../jobs.csv }\n', 'secret.yaml': 'hosts: []\n', 'jobs.csv': JOBS });
    const run = strata(dir, 'validate', 'sc/s.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`sc/s.yaml:2:11 include[0]: cannot include "../secret.yaml": the path leaves the scenario's folder`);
  });

  it('usage errors exit 2 on one line', () => {
    const dir = folder({});
    const missing = strata(dir, 'validate', 'nothere.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('strata: nothere.yaml: cannot read the file (no such file)\n');
    const noArg = strata(dir, 'validate');
    expect(noArg.code).toBe(2);
    expect(noArg.stderr).toMatch(/^strata: missing required argument 'scenario' \(see 'strata validate --help'\)\n$/);
  });

  it('validates the cloudsim-small scenarios as they are', () => {
    for (const file of ['H10_V40_C400-ts.yaml', 'H10_V40_C400-ss.yaml']) {
      const run = strata(CLOUDSIM, 'validate', file, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ version: 1, hosts: { instances: 10 }, vms: { instances: 40 }, workloads: [{ file: 'H10_V40_C400.csv', jobs: 400 }] });
    }
  });
});
