// `strata vm host FILE` as a user runs it: `node dist/bin.js` on examples/nested-steal.yaml (the
// known answer: 2 VMs x 2 busy vCPUs on 2 pCPUs, equal credit weights -> 0.500 CPU per guest task,
// 50% steal and 1000 steal ticks per vCPU over 20 s) in text, JSON and both fidelities, and on bad
// flags, bad files and a spent budget; then, in-process with a fake core, what the CLI itself adds
// (the flagged gaps, warnings, the progress bar, the budget message). Needs `tsc -b` first.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GROUP_MAX_STEPS, workBudgetError } from '@strata/core-scheduler';
import type { NestedExperimentOptions, NestedExperimentResult } from '@strata/core-vmm';
import { describe, expect, it } from 'vitest';
import type { CliDeps } from '../src/cli-deps.js';
import { VM_HOST_DEFAULT_MAX_STEPS } from '../src/commands/vm.js';
import { run } from '../src/main.js';
import type { VmHostBothJson } from '../src/vm-host-report.js';
import { memoryIo } from './memory-io.js';
import { FIFO_RESULT } from './sample-results.js';
import { ROOT, runStrata, type BinaryRun } from './strata-binary.js';

const EXAMPLE = 'examples/nested-steal.yaml';

type Run = BinaryRun;

function strata(...args: string[]): BinaryRun {
  // A kill timeout far above the ~0.5 s a run takes: a hang fails the test instead of stalling the suite.
  return runStrata(args, { timeout: 30_000 });
}

/** A failure as the CLI prints it: `code`, nothing on stdout, exactly one `strata: ` line on stderr matching `message`. */
function expectOneLineFailure(r: Run, code: number, message: RegExp): void {
  expect(r.signal).toBeNull();
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\bat .*\.js:\d+/);
}

const dir = mkdtempSync(join(tmpdir(), 'strata-vm-host-'));

/** Write `text` to a fresh file in the temp dir; returns its path. */
function specFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('strata vm host (binary)', () => {
  it('the example in fluid fidelity: 1.000 pCPU per VM, 50.0% steal and 1000 ticks per vCPU, 0.500 CPU per guest task', () => {
    const r = strata('vm', 'host', EXAMPLE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('examples/nested-steal.yaml: 2 pCPUs, credit policy, fluid fidelity, 20 s simulated');
    expect(lines.slice(2, 6)).toEqual([
      'VM  vCPUs  host CPU  steal per vCPU  steal ticks per vCPU',
      '--  -----  --------  --------------  --------------------',
      'a       2     1.000     50.0% 50.0%             1000 1000',
      'b       2     1.000     50.0% 50.0%             1000 1000',
    ]);
    expect(lines.slice(7, 13)).toEqual([
      'VM  group  task     CPU  CPU (s)',
      '--  -----  -----  -----  -------',
      'a   /      spin0  0.500   10.000',
      'a   /      spin1  0.500   10.000',
      'b   /      spin0  0.500   10.000',
      'b   /      spin1  0.500   10.000',
    ]);
    expect(r.stdout).toContain('steal = time a vCPU was runnable on the host but not running');
    // No trailing spaces anywhere.
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);
  });

  it('--json has the known numbers exactly in fluid fidelity', () => {
    const r = strata('vm', 'host', EXAMPLE, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as NestedExperimentResult;
    expect(json).toMatchObject({ duration: 20_000_000, cpus: 2, speed: 1, policy: 'credit', fidelity: 'fluid', warnings: [] });
    expect(json.vms.map((vm) => vm.name)).toEqual(['a', 'b']);
    for (const vm of json.vms) {
      expect(vm.hostFraction).toBe(1);
      expect(vm.vcpus).toHaveLength(2);
      for (const v of vm.vcpus) expect(v).toMatchObject({ hostCpuUsec: 10_000_000, stealUsec: 10_000_000, stealFraction: 0.5, stealTicks: 1000 });
      expect(vm.tasks.map((t) => [t.name, t.group, t.cpuUsec, t.fraction])).toEqual([
        ['spin0', '/', 10_000_000, 0.5],
        ['spin1', '/', 10_000_000, 0.5],
      ]);
    }
    expect(json.steps).toBeGreaterThan(0);
  });

  it('examples/nested-credit.yaml, in both fidelities: a cap of 50 is 0.5 CPU and 50% steal, 4 vCPUs with one busy task use 1 pCPU and no steal, an idle VM nothing, 2 ms every 10 ms 0.2', () => {
    for (const fidelity of ['exact', 'fluid']) {
      const r = strata('vm', 'host', 'examples/nested-credit.yaml', '--json', '--fidelity', fidelity);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as NestedExperimentResult;
      const vm = (name: string) => json.vms.find((v) => v.name === name)!;
      expect(vm('capped').tasks[0]!.fraction).toBeCloseTo(0.5, 2);
      expect(vm('capped').vcpus[0]!.stealFraction).toBeCloseTo(0.5, 2);
      expect(vm('wide').hostFraction).toBeCloseTo(1, 3);
      expect(vm('wide').stealUsec).toBe(0);
      expect(vm('idle').hostCpuUsec).toBe(0);
      expect(vm('web').tasks[0]!.fraction).toBeCloseTo(0.2, 2);
    }
  });

  it('--fidelity exact: the same answer within 0.01 (and 20 ticks), with the host slice in the header', () => {
    const r = strata('vm', 'host', EXAMPLE, '--fidelity', 'exact', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as NestedExperimentResult;
    expect(json).toMatchObject({ fidelity: 'exact', hostTick: 30_000 });
    for (const vm of json.vms) {
      expect(Math.abs(vm.hostFraction - 1)).toBeLessThan(0.01);
      for (const v of vm.vcpus) {
        expect(Math.abs(v.stealFraction - 0.5)).toBeLessThan(0.01);
        expect(Math.abs(v.stealTicks - 1000)).toBeLessThanOrEqual(20);
      }
      for (const t of vm.tasks) expect(Math.abs(t.fraction - 0.5)).toBeLessThan(0.01);
    }
    const text = strata('vm', 'host', EXAMPLE, '--fidelity', 'exact');
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('examples/nested-steal.yaml: 2 pCPUs, credit policy, exact fidelity, 20 s simulated, host slice 30 ms');
    expect(text.stdout).toMatch(/^a +2 +(0\.99\d|1\.00\d) +(49\.\d|50\.\d)% (49\.\d|50\.\d)% +(99\d|100\d) (99\d|100\d)$/m);
  });

  it('--fidelity both: both runs side by side, a gap per guest task (none flagged) and the largest gap last', () => {
    const r = strata('vm', 'host', EXAMPLE, '--fidelity', 'both');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('examples/nested-steal.yaml: 2 pCPUs, credit policy, 20 s simulated, exact (host slice 30 ms) and fluid fidelity side by side');
    expect(lines[2]).toBe('VM  vCPUs  host CPU exact  fluid  steal per vCPU exact        fluid  steal ticks exact      fluid');
    expect(lines[4]).toMatch(/^a +2 +(0\.99\d|1\.00\d) +1\.000 +(49\.\d|50\.\d)% (49\.\d|50\.\d)% +50\.0% 50\.0% +(99\d|100\d) (99\d|100\d) +1000 1000$/);
    expect(lines[7]).toBe('VM  group  task   CPU exact  fluid     gap');
    const taskRows = lines.slice(9, 13);
    expect(taskRows.map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['a / spin0', 'a / spin1', 'b / spin0', 'b / spin1']);
    for (const row of taskRows) {
      const [exact, fluid, gap] = row.split(/\s+/).slice(3).map(Number);
      expect(fluid).toBe(0.5);
      expect(Math.abs(exact! - 0.5)).toBeLessThan(0.01);
      expect(gap).toBeLessThan(0.01);
      expect(row).not.toContain('!');
    }
    expect(lines.at(-1)).toMatch(/^largest gap: 0\.00\d\d CPU \(VM [ab], group \/, task spin[01]\); no gap of 0\.01 CPU or more$/);
  });

  it('--fidelity both --json: {fidelity: "both", exact, fluid, gaps, largestGap}', () => {
    const r = strata('vm', 'host', EXAMPLE, '--fidelity', 'both', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as VmHostBothJson;
    expect(Object.keys(json)).toEqual(['fidelity', 'exact', 'fluid', 'gaps', 'largestGap']);
    expect(json.fidelity).toBe('both');
    expect(json.exact.fidelity).toBe('exact');
    expect(json.fluid.fidelity).toBe('fluid');
    expect(json.gaps.map((g) => [g.vm, g.group, g.task])).toEqual([
      ['a', '/', 'spin0'],
      ['a', '/', 'spin1'],
      ['b', '/', 'spin0'],
      ['b', '/', 'spin1'],
    ]);
    for (const g of json.gaps) {
      expect(g.fluid).toBe(0.5);
      expect(g.gap).toBeCloseTo(Math.abs(g.exact - g.fluid), 12);
      expect(g.gap).toBeLessThan(0.01);
      expect(g.flagged).toBe(false);
    }
    expect(json.largestGap?.gap).toBe(Math.max(...json.gaps.map((g) => g.gap)));
  });

  it('reads JSON spec files too', () => {
    const spec = { cpus: 1, duration: '1s', vms: [{ name: 'solo', vcpus: 1, guest: { tasks: [{ name: 'spin' }] } }] };
    const r = strata('vm', 'host', specFile('solo.json', JSON.stringify(spec)), '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as NestedExperimentResult;
    expect(json.vms[0]).toMatchObject({ name: 'solo', hostFraction: 1, stealUsec: 0, tasks: [{ name: 'spin', fraction: 1 }] });
  });

  it('a bad spec exits 2 naming the file and every bad field by path, prints nothing and leaves the file as it was', () => {
    const text = readFileSync(join(ROOT, EXAMPLE), 'utf8').replace('policy: credit', 'policy: cfs').replace('weight: 256', 'cap: 50').replace('weight: 256', 'pin: ["0", "5"]');
    const file = specFile('bad.yaml', text);
    const r = strata('vm', 'host', file);
    expectOneLineFailure(r, 2, /^strata: \S*bad\.yaml: invalid nested host spec: /);
    expect(r.stderr).toContain('vms[0].cap: is not a setting of the cfs policy');
    expect(r.stderr).toContain('vms[1].pin[1]: pCPU 5 does not exist: the host has pCPUs 0-1');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a missing file and a file that is not YAML exit 2 naming the file', () => {
    expectOneLineFailure(strata('vm', 'host', 'examples/no-such-host.yaml'), 2, /^strata: examples\/no-such-host\.yaml: cannot read the file \(no such file\)$/m);
    expectOneLineFailure(strata('vm', 'host', specFile('broken.yaml', 'cpus: [2\n')), 2, /^strata: \S*broken\.yaml: not valid YAML: .*\(line \d+, column \d+\)$/m);
  });

  it('an unknown --fidelity lists the accepted values; a bad --max-steps gives its range', () => {
    expectOneLineFailure(strata('vm', 'host', EXAMPLE, '--fidelity', 'precise'), 2, /^strata: --fidelity: expected one of exact, fluid, both, got "precise"$/m);
    expectOneLineFailure(strata('vm', 'host', EXAMPLE, '--max-steps', '0'), 2, /^strata: --max-steps: expected an integer from 1 to 1000000000000 \(1e12\), got "0"$/m);
    expectOneLineFailure(strata('vm', 'host', EXAMPLE, '--max-steps', 'lots'), 2, /^strata: --max-steps: expected an integer from 1 to 1000000000000/m);
    const missing = strata('vm', 'host');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'file'/);
  });

  it('--max-steps 1000 on the exact run stops it at once: exit 1, nothing printed, the remedies with --max-steps first', () => {
    const r = strata('vm', 'host', EXAMPLE, '--fidelity', 'exact', '--max-steps', '1000');
    expectOneLineFailure(
      r,
      1,
      /^strata: examples\/nested-steal\.yaml: this experiment used up its budget of 1,000 steps \(exact fidelity simulated \S+ of 20s of 2 VMs with 4 vCPUs on 2 pCPUs\) and was stopped; nothing was printed; raise the budget with --max-steps \(now 1000\), use --fidelity fluid, use a shorter duration in the file or use a larger tick in the file/m,
    );
    // Both fidelities: the exact run goes first and is named.
    expectOneLineFailure(strata('vm', 'host', EXAMPLE, '--fidelity', 'both', '--max-steps', '1000'), 1, /^strata: examples\/nested-steal\.yaml: the exact run used up its budget of 1,000 steps .*--max-steps \(now 1000\)/m);
    // The file says exact: the remedy names both ways to change the fidelity.
    const exactFile = specFile('exact.yaml', readFileSync(join(ROOT, EXAMPLE), 'utf8').replace('fidelity: fluid', 'fidelity: exact'));
    expectOneLineFailure(strata('vm', 'host', exactFile, '--max-steps', '1000'), 1, /use fluid fidelity \(--fidelity fluid, or fidelity: fluid in the file\)/);
  });

  it('--help explains steal and gives examples; `vm --help` lists both subcommands', () => {
    const help = strata('vm', 'host', '--help');
    expect(help.code).toBe(0);
    for (const flag of ['--fidelity <mode>', '--json', '--max-steps <n>']) expect(help.stdout).toContain(flag);
    expect(help.stdout).toContain('runnable on the');
    expect(help.stdout).toContain('strata vm host examples/nested-steal.yaml --fidelity both');
    const vm = strata('vm', '--help');
    expect(vm.stdout).toMatch(/migrate-estimate/);
    expect(vm.stdout).toMatch(/host \[options\] <file>/);
  });

  it('the help states the core default budget', () => {
    expect(VM_HOST_DEFAULT_MAX_STEPS).toBe(DEFAULT_GROUP_MAX_STEPS);
  });
});

// In-process, with a fake core: what the CLI adds on top of the core's numbers.

/** A canned result: one VM `v` with one task per entry of `fractions`, in `fidelity`. */
function fakeResult(fidelity: 'exact' | 'fluid', fractions: readonly number[], warnings: readonly string[] = []): NestedExperimentResult {
  const duration = 1_000_000;
  return {
    duration,
    cpus: 1,
    speed: 1,
    policy: 'credit',
    fidelity,
    hostTick: 30_000,
    vms: [
      {
        name: 'v',
        hostCpuUsec: duration,
        hostFraction: 1,
        stealUsec: 0,
        vcpus: [{ vcpu: 0, hostCpuUsec: duration, stealUsec: 0, stealFraction: 0, stealTicks: 0 }],
        tasks: fractions.map((f, i) => ({ name: `t${i}`, group: '/g', cpuUsec: Math.round(f * duration), fraction: f })),
      },
    ],
    warnings,
    steps: 10,
  };
}

function fakeDeps(runNestedHost: NonNullable<CliDeps['runNestedHost']>): CliDeps {
  return {
    runExercise: () => FIFO_RESULT,
    estimateExercise: () => ({ steps: 1, reason: '', remedies: [] }),
    runGroupSpec: () => {
      throw new Error('not used');
    },
    runNestedHost,
  };
}

describe('strata vm host (in-process, fake core)', () => {
  const files = { 'h.yaml': 'cpus: 1\n' };

  it('passes --fidelity and --max-steps to the core, flags gaps of 0.01 CPU or more and names the largest', async () => {
    const calls: NestedExperimentOptions[] = [];
    const io = memoryIo(files);
    const code = await run(['vm', 'host', 'h.yaml', '--fidelity', 'both', '--max-steps', '1234'], io, fakeDeps((doc, options = {}) => {
      expect(doc).toEqual({ cpus: 1 });
      calls.push(options);
      return options.fidelity === 'exact' ? fakeResult('exact', [0.5, 0.3, 0.2]) : fakeResult('fluid', [0.5, 0.32, 0.195]);
    }));
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(calls.map((c) => [c.fidelity, c.maxSteps])).toEqual([
      ['exact', 1234],
      ['fluid', 1234],
    ]);
    const lines = io.out().trimEnd().split('\n');
    expect(lines.slice(6, 11)).toEqual([
      'VM  group  task  CPU exact  fluid     gap',
      '--  -----  ----  ---------  -----  ------  -',
      'v   /g     t0        0.500  0.500  0.0000',
      'v   /g     t1        0.300  0.320  0.0200  !',
      'v   /g     t2        0.200  0.195  0.0050',
    ]);
    expect(lines.at(-1)).toBe('largest gap: 0.0200 CPU (VM v, group /g, task t1); 1 of 3 tasks flagged');
  });

  it('without --fidelity the file decides; warnings go to stderr as `strata: warning:` and the run still prints', async () => {
    const calls: NestedExperimentOptions[] = [];
    const io = memoryIo(files);
    const code = await run(['vm', 'host', 'h.yaml'], io, fakeDeps((_doc, options = {}) => {
      calls.push(options);
      return fakeResult('fluid', [1], ['vms[0].guest.groups[0].cpu.shares: 1 is outside 2..262144; the kernel clamps it to 2']);
    }));
    expect(code).toBe(0);
    expect(calls).toEqual([{}]);
    expect(io.err()).toBe('strata: warning: vms[0].guest.groups[0].cpu.shares: 1 is outside 2..262144; the kernel clamps it to 2\n');
    expect(io.out()).toMatch(/^h\.yaml: 1 pCPU, credit policy, fluid fidelity, 1 s simulated\n/);
  });

  it('shows progress in steps on a terminal and erases it, even when the budget runs out', async () => {
    const updates: [number, string][] = [];
    let stops = 0;
    const io = {
      ...memoryIo(files),
      progress: (label: string) => {
        expect(label).toBe('strata vm host');
        return { update: (fraction: number, detail: string) => void updates.push([fraction, detail]), stop: () => void (stops += 1) };
      },
    };
    const code = await run(['vm', 'host', 'h.yaml', '--max-steps', '5000'], io, fakeDeps((_doc, options = {}) => {
      options.onProgress?.({ steps: 2000, maxSteps: 5000, fraction: 0.25 });
      throw workBudgetError({ when: 'exhausted', steps: 5001, maxSteps: 5000, reason: 'fluid fidelity simulated 1s of 4s', remedies: ['duration', 'bursts', 'maxSteps'], at: 1_000_000 });
    }));
    expect(code).toBe(1);
    expect(updates).toEqual([[0.25, '2,000 steps']]);
    expect(stops).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(
      'strata: h.yaml: this experiment used up its budget of 5,000 steps (fluid fidelity simulated 1s of 4s) and was stopped; nothing was printed; ' +
        "raise the budget with --max-steps (now 5000), use a shorter duration in the file or use longer bursts in the guests' tasks\n",
    );
  });
});
