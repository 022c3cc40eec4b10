// `strata kernel run` as a user runs it: `node dist/bin.js` on the repository's examples and on
// small files written for each case (bad fields, YAML syntax, a spent budget). Needs `tsc -b`
// first (turbo builds before the tests).

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EXPERIMENT_MAX_STEPS } from '@strata/core-container';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KERNEL_DEFAULT_MAX_STEPS } from '../src/commands/kernel.ts';
import { describeEvent, formatBytes, formatMicros, formatSeconds } from '../src/kernel-report.ts';
import { run } from '../src/main.ts';
import { memoryIo } from './memory-io.ts';
import { ROOT, strataOutput, type BinaryOutput } from './strata-binary.js';

const DIR = mkdtempSync(join(tmpdir(), 'strata-kernel-'));

function strata(...args: string[]): BinaryOutput {
  return strataOutput(args, { timeout: 30_000, maxBuffer: 1 << 26 });
}

/** Write `text` to a fresh file in the test directory and return its path. */
function file(name: string, text: string): string {
  const path = join(DIR, name);
  writeFileSync(path, text);
  return path;
}

interface ProcessJson {
  name: string;
  pid: number;
  cgroup: string;
  cpuUsec: number;
  exit: { code: number } | { signal: string } | null;
  forks: { ok: number; failed: number; errno: string | null };
  output: { stream: string; time: number; text: string }[];
}
interface KernelJson {
  duration_us: number;
  cgroups: Record<string, Record<string, number | Record<string, number>>>;
  processes: ProcessJson[];
  events: { type: string; time: number }[];
}

const MINIMAL = (program: string, cgroups = ''): string => `cpus: 1\nmemory: 1Gi\nduration: 2s\n${cgroups}processes:\n  - name: p\n    cgroup: ${cgroups === '' ? '/' : '/A'}\n    program:\n${program}`;

describe('strata kernel run (binary)', () => {
  it('pids.max 5 and 10 forks: 4 succeed, 6 fail with EAGAIN, pids.events max 6, pids.current 0 after exit (--json)', () => {
    const run = strata('kernel', 'run', 'examples/kernel-pids.yaml', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as KernelJson;
    expect(Object.keys(json)).toEqual(['duration_us', 'cgroups', 'processes', 'events']);
    expect(json.duration_us).toBe(3_000_000);
    const a = json.cgroups['/A']!;
    expect(a['pids.events']).toEqual({ max: 6 });
    expect(a['pids.current']).toBe(0);
    expect(a['pids.peak']).toBe(5);
    const [parent, ...children] = json.processes;
    expect(Object.keys(parent!).slice(0, 6)).toEqual(['name', 'pid', 'cgroup', 'cpuUsec', 'exit', 'forks']);
    expect(Object.keys(parent!).at(-1)).toBe('output');
    expect(parent).toMatchObject({ name: 'parent', cgroup: '/A', exit: { code: 0 }, forks: { ok: 4, failed: 6, errno: 'EAGAIN' } });
    expect(parent!.output.map((o) => o.text)).toEqual(['forked; waiting for the children', 'all children reaped']);
    expect(children).toHaveLength(4);
    for (const child of children) expect(child).toMatchObject({ cgroup: '/A', exit: { code: 0 }, forks: { ok: 0, failed: 0, errno: null } });
    expect(json.events.filter((e) => e.type === 'pids.fork_failed')).toHaveLength(6);
    expect(json.events.filter((e) => e.type === 'process.exited')).toHaveLength(5);
    // Indented as JSON.stringify(value, null, 2) would print it.
    expect(run.stdout).toBe(`${JSON.stringify(json, null, 2)}\n`);
  });

  it('prints the counter table, process table, event log and output as aligned text', () => {
    const run = strata('kernel', 'run', 'examples/kernel-pids.yaml');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('examples/kernel-pids.yaml: 3 s simulated, 1 CPU, 1 GiB memory, exact fidelity, 5 processes');
    const section = (title: string): string[] => {
      const start = lines.indexOf(title);
      expect(start, `section ${title}`).toBeGreaterThan(0);
      const end = lines.indexOf('', start);
      return lines.slice(start + 1, end);
    };
    expect(section('cgroup /A  (pids.max 5)')).toEqual([
      '  counter              value',
      '  -------------------  -----',
      '  cpu.stat usage_usec      0',
      '  pids.current             0',
      '  pids.peak                5',
      '  pids.events max          6',
    ]);
    const processes = section('processes');
    expect(processes[0]).toMatch(/^ +pid +name +cgroup +CPU \(ms\) +exit +forks ok +failed$/);
    expect(processes[2]).toMatch(/^ +2 +parent +\/A +0\.0 +code 0 +4 +6 EAGAIN$/);
    expect(processes).toHaveLength(2 + 5);
    // Columns line up: every row is as wide as the rule under the header.
    for (const row of processes.slice(2)) expect(row.length).toBe(processes[1]!.length);
    const events = section('events');
    expect(events[0]).toMatch(/^ +time \(s\) +event +details$/);
    expect(events[2]).toBe('  0.000000  pids.fork_failed  parent[2] in /A: fork failed with EAGAIN (pids.max reached) ×6');
    expect(events.slice(3)).toHaveLength(5);
    for (const row of events.slice(3)) expect(row).toMatch(/^ {2}1\.000000 {2}process\.exited {4}parent\[\d\] in \/A exited with code 0$/);
    expect(section('output')).toEqual([
      '  time (s)  process    line',
      '  --------  ---------  --------------------------------',
      '  0.000000  parent[2]  forked; waiting for the children',
      '  1.000000  parent[2]  all children reaped',
    ]);
    expect(lines.at(-1)).toBe('');
  });

  it('runs the CPU example: weights share what the cpu.max cap leaves, the capped group is throttled every period', () => {
    const run = strata('kernel', 'run', 'examples/kernel-cpu.yaml', '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as KernelJson;
    const usage = (path: string): number => (json.cgroups[path]!['cpu.stat'] as Record<string, number>)['usage_usec']!;
    expect(usage('/capped')).toBe(200_000); // 10 ms per 100 ms period, 2 s
    // Weights 100 and 300 share the remaining 1.8 s 1:3 (450 ms, 1.35 s), to a 4 ms tick.
    expect(Math.abs(usage('/batch') - 450_000)).toBeLessThanOrEqual(4_000);
    expect(Math.abs(usage('/web') - 1_350_000)).toBeLessThanOrEqual(4_000);
    expect(usage('/batch') + usage('/web') + usage('/capped')).toBe(2_000_000);
    const capped = json.cgroups['/capped']!['cpu.stat'] as Record<string, number>;
    expect(capped['nr_throttled']).toBe(20);
    expect(capped['throttled_usec']).toBeGreaterThan(20 * 30_000); // throttled for a good part of every period
    expect(json.events.filter((e) => e.type === 'cgroup.throttled')).toHaveLength(20);
    expect(json.processes.find((p) => p.name === 'backup')!.output).toHaveLength(2);
  });

  it('shows in text every counter file the kernel reports, memory ones included', () => {
    const path = file('memory.yaml', MINIMAL('      - alloc: 128M\n      - sleep: 1s\n', 'cgroups:\n  /A: { memory.max: "64M", pids.max: "10" }\n'));
    const json = JSON.parse(strata('kernel', 'run', path, '--json').stdout) as KernelJson;
    const text = strata('kernel', 'run', path).stdout;
    const reported = json.cgroups['/A']!;
    expect(Object.keys(reported)).toEqual(expect.arrayContaining(['cpu.stat', 'memory.current', 'memory.peak', 'memory.events', 'pids.current']));
    for (const [name, value] of Object.entries(reported)) {
      if (typeof value === 'number') expect(text).toMatch(new RegExp(`\\n  ${name.replace('.', '\\.')} +${value}(  |\\n)`));
      else if (name !== 'cpu.stat' && name !== 'memory.stat') for (const [field, n] of Object.entries(value)) expect(text).toMatch(new RegExp(`\\n  ${name.replace('.', '\\.')} ${field} +${n}(  |\\n)`));
    }
  });

  it('memory.max 64M and 128 MiB touched: SIGKILL by the memcg OOM killer, oom_kill 1, memory.peak 64 MiB; with 200M it survives', () => {
    const hog = (max: string): string => file(`hog-${max}.yaml`, MINIMAL('      - alloc: 128M\n      - sleep: 1s\n', `cgroups:\n  /A: { memory.max: "${max}" }\n`));
    const killed = strata('kernel', 'run', hog('64M'), '--json');
    expect(killed.code).toBe(0);
    const json = JSON.parse(killed.stdout) as KernelJson;
    expect(json.processes[0]!.exit).toEqual({ signal: 'SIGKILL' });
    expect(json.cgroups['/A']!['memory.events']).toMatchObject({ oom: 1, oom_kill: 1 });
    expect(json.cgroups['/A']!['memory.peak']).toBe(64 * 2 ** 20);
    expect(json.events.map((e) => e.type)).toEqual(['memory.oom_kill', 'process.exited']);
    const text = strata('kernel', 'run', hog('64M')).stdout;
    expect(text).toMatch(/\n {2}memory\.peak +67108864 {2}64 MiB\n/);
    expect(text).toMatch(/\n {4}2 {2}p +\/A +0\.0 {2}SIGKILL /);
    expect(text).toMatch(/ memory\.oom_kill {2}p\[2\] killed by the OOM killer of \/A \(badness \d+\)\n/);
    const survived = JSON.parse(strata('kernel', 'run', hog('200M'), '--json').stdout) as KernelJson;
    expect(survived.processes[0]!.exit).toEqual({ code: 0 });
    expect(survived.cgroups['/A']!['memory.events']).toMatchObject({ oom_kill: 0 });
    const peak = survived.cgroups['/A']!['memory.peak'] as number;
    expect(peak).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(peak).toBeLessThan(129 * 2 ** 20);
  });

  it('runs every examples/kernel-*.yaml to its end, as its comments say', () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((name) => /^kernel-.*\.yaml$/.test(name));
    expect(examples).toEqual(expect.arrayContaining(['kernel-pids.yaml', 'kernel-cpu.yaml', 'kernel-memory.yaml']));
    for (const name of examples) {
      const run = strata('kernel', 'run', `examples/${name}`);
      expect(run.stderr, name).toBe('');
      expect(run.code, name).toBe(0);
    }
    const memory = JSON.parse(strata('kernel', 'run', 'examples/kernel-memory.yaml', '--json').stdout) as KernelJson;
    expect(memory.processes.map((p) => [p.name, p.exit])).toEqual([
      ['hog', { signal: 'SIGKILL' }],
      ['fits', { code: 0 }],
    ]);
    expect(memory.cgroups['/small']!['memory.peak']).toBe(64 * 2 ** 20);
    expect(memory.cgroups['/large']!['memory.peak']).toBe(128 * 2 ** 20);
  });

  it('reports a request server: its counts and latencies in JSON (serve) and in a text table', () => {
    const path = file('serve.yaml', 'cpus: 1\nmemory: 1Gi\nduration: 10s\nseed: 7\nprocesses:\n  - name: api\n    program:\n      - serve: { rate: 200/s, cpu: 2ms, memory: 1M, duration: 8s, workers: 2 }\n');
    const json = JSON.parse(strata('kernel', 'run', path, '--json').stdout) as { processes: { serve: { arrived: number; completed: number; dropped: number; latencyUs: Record<string, number> } }[] };
    const serve = json.processes[0]!.serve;
    expect(serve.arrived).toBeGreaterThan(1400); // Poisson, 200/s for 8 s: 1,600 expected
    expect(serve.arrived).toBeLessThan(1800);
    expect(serve.completed).toBe(serve.arrived);
    expect(serve.latencyUs['p50']).toBeGreaterThanOrEqual(2000); // at least its 2 ms of CPU
    const text = strata('kernel', 'run', path).stdout;
    const ms = (us: number): string => (us / 1000).toFixed(3);
    const l = serve.latencyUs;
    expect(text).toContain('\nrequest servers (latency in ms: arrival to completion)\n');
    expect(text).toMatch(new RegExp(`\\n {4}2 {2}api +${serve.arrived} +${serve.completed} +0 +${[l['mean']!, l['p50']!, l['p90']!, l['p99']!, l['max']!].map(ms).join(' +').replace(/\./g, '\\.')}\\n`));
  });

  it('exits 2 naming the file and the path of a bad field', () => {
    const path = file('bad-count.yaml', MINIMAL('      - cpu: 1ms\n      - fork: { count: 0, program: [ { sleep: 1s } ] }\n'));
    expect(strata('kernel', 'run', path)).toEqual({
      code: 2,
      stdout: '',
      stderr: `strata: ${path}: invalid kernel experiment: processes[0].program[1].fork.count: expected at least 1, got 0\n`,
    });
  });

  it('exits 2 naming the cgroups entry of a value the kernel refuses to write', () => {
    const path = file('bad-cpu-max.yaml', MINIMAL('      - cpu: 1ms\n', 'cgroups:\n  /A: { cpu.max: "abc" }\n'));
    const run = strata('kernel', 'run', path);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^strata: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cgroups\\["/A"\\]\\["cpu\\.max"\\]: "abc" is invalid \\(EINVAL\\): [^\\n]+\\n$`));
  });

  it('exits 2 naming the line of a YAML syntax error', () => {
    const path = file('broken.yaml', 'cpus: 1\nmemory: 1Gi\nduration: 1s\nprocesses: [ { name: a\n');
    const run = strata('kernel', 'run', path);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^strata: [^\n]*broken\.yaml: not valid YAML: [^\n]* \(line 5, column 1\)\n$/);
  });

  it('exits 2 for a bad --max-steps or a missing file, and 1 with the remedy when the budget is spent', () => {
    expect(strata('kernel', 'run', 'examples/kernel-pids.yaml', '--max-steps', '0')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'strata: --max-steps: expected an integer from 1 to 1000000000000 (1e12), got "0"\n',
    });
    expect(strata('kernel', 'run', 'missing.yaml')).toEqual({ code: 2, stdout: '', stderr: 'strata: missing.yaml: cannot read the file (no such file)\n' });
    const path = file('spin.yaml', MINIMAL('      - loop: { times: forever, do: [ { print: tick }, { sleep: 1us } ] }\n'));
    const run = strata('kernel', 'run', path, '--max-steps', '1000');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^strata: [^\n]*spin\.yaml: this experiment took more than 1,000 steps \(program steps and CPU scheduling work: the budget of the whole run\) and was stopped after [^;]* of 2 s; nothing was printed; raise the budget with --max-steps \(now 1000\), [^\n]*\n$/);
  });

  it('a long exact-mode run with no program step (hours of ticks) stops at the default budget, quickly', () => {
    const path = file('long.yaml', 'cpus: 1\nmemory: 1Gi\nfidelity: exact\nduration: 2000h\nprocesses:\n  - name: spin\n    program: [{ loop: { times: forever, do: [{ cpu: 60s }] } }]\n');
    const run = strata('kernel', 'run', path);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/this experiment took more than 10,000,000 steps \(program steps and CPU scheduling work/);
  });

  it('documents the command and its budget in --help', () => {
    expect(KERNEL_DEFAULT_MAX_STEPS).toBe(DEFAULT_EXPERIMENT_MAX_STEPS);
    const top = strata('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/\n {2}kernel +the container kernel model/);
    const kernel = strata('kernel', '--help');
    expect(kernel.code).toBe(0);
    expect(kernel.stdout).toMatch(/\n {2}run \[options\] <file> /);
    const help = strata('kernel', 'run', '--help');
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage: strata kernel run \[options\] <file>\n/);
    expect(help.stdout).toMatch(/--json/);
    expect(help.stdout).toMatch(/--max-steps <n> +work budget[^]*default 10000000/);
    expect(help.stdout).toMatch(/strata kernel run examples\/kernel-pids\.yaml\n/);
  });
});

describe('strata kernel run (in-process): any experiment gets a result or one clean error line', () => {
  // Mostly valid experiments (so that most of them run on the kernel), with a few values the
  // kernel refuses: each must end in a result (exit 0), a spent budget (1) or one clean error (2).
  const duration = fc.constantFrom('1ms', '50ms', '1s', '2s');
  const timed = fc.oneof(duration.map((d) => ({ cpu: d })), fc.constantFrom('1us', '10ms', '1s').map((d) => ({ sleep: d })));
  const leaf = fc.oneof(
    timed,
    fc.constantFrom('4K', '1M', '64M', '128M', '2Gi').map((z) => ({ alloc: z })),
    fc.constant({ free: 'all' }),
    fc.constantFrom('hello', 'a longer line of output').map((text) => ({ print: text })),
    fc.integer({ min: 0, max: 255 }).map((code) => ({ exit: code })),
    fc.constant({ wait: 'all' }),
  );
  const step: fc.Arbitrary<unknown> = fc.letrec<{ step: unknown }>((tie) => ({
    step: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ fork: fc.record({ count: fc.integer({ min: 1, max: 12 }), program: fc.array(tie('step'), { maxLength: 3 }) }), 'on-error': fc.constantFrom({ EAGAIN: [] }, { any: 'ignore' }) }),
      fc.record({ loop: fc.record({ times: fc.integer({ min: 1, max: 20 }), do: fc.array(tie('step'), { minLength: 1, maxLength: 3 }) }) }),
      fc.tuple(timed, fc.array(tie('step'), { maxLength: 2 })).map(([first, rest]) => ({ loop: { times: 'forever', do: [first, ...rest] } })),
    ),
  })).step;
  const values: Record<string, readonly string[]> = {
    'pids.max': ['max', '1', '5', '100'],
    'cpu.max': ['max', '20000 100000', '50000'],
    'cpu.weight': ['1', '100', '10000'],
    'memory.max': ['max', '64M', '200M', '4K'],
    'memory.high': ['max', '32M'],
    'cgroup.freeze': ['0', '1'],
  };
  const files = fc
    .subarray(Object.keys(values), { maxLength: 3 })
    .chain((names) => fc.tuple(...names.map((name) => fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...values[name]!) }, { weight: 1, arbitrary: fc.constantFrom('abc', '-1', '') }).map((v) => [name, v] as const))))
    .map((entries) => Object.fromEntries(entries));
  const experiment = fc.record({
    cpus: fc.integer({ min: 1, max: 4 }),
    memory: fc.constantFrom('1Gi', '256M'),
    fidelity: fc.constantFrom('exact', 'fluid'),
    duration,
    cgroups: fc.record({ '/A': files, '/B': files, '/A/C': files }),
    processes: fc.array(fc.record({ cgroup: fc.constantFrom('/', '/B', '/A/C'), program: fc.array(step, { maxLength: 4 }) }), { minLength: 1, maxLength: 3 }).map((ps) => ps.map((p, i) => ({ name: `p${i}`, ...p }))),
  });

  it('exits 0 with output, or 1 or 2 with exactly one strata: line and nothing on stdout', async () => {
    const codes = [0, 0, 0];
    await fc.assert(
      fc.asyncProperty(experiment, fc.boolean(), async (doc, json) => {
        const io = memoryIo({ 'x.json': JSON.stringify(doc) });
        const code = await run(['kernel', 'run', 'x.json', '--max-steps', '5000', ...(json ? ['--json'] : [])], io);
        codes[code] = (codes[code] ?? 0) + 1;
        if (code === 0) {
          expect(io.err()).toBe('');
          expect(io.out()).not.toBe('');
          if (json) expect(Object.keys(JSON.parse(io.out()) as object)).toEqual(['duration_us', 'cgroups', 'processes', 'events']);
          return;
        }
        expect([1, 2]).toContain(code);
        expect(io.out()).toBe('');
        expect(io.err().trimEnd().split('\n')).toHaveLength(1);
        expect(io.err()).toMatch(/^strata: x\.json: /);
        expect(io.err()).not.toMatch(/internal error/);
      }),
      { numRuns: 150 },
    );
    // The generator must reach the kernel, not only the validator: about 2 in 3 experiments run to their end.
    expect(codes[0]).toBeGreaterThan(50);
  });
});

describe('kernel report formatting', () => {
  it('prints µs exactly as seconds, and durations and sizes for people', () => {
    expect([0, 1, 1500, 1_000_000, 9_007_199_254_740_991].map(formatSeconds)).toEqual(['0.000000', '0.000001', '0.001500', '1.000000', '9007199254.740991']);
    expect([0, 750, 1500, 400_000, 2_000_001, 300_000_000, 360_000_000_000].map(formatMicros)).toEqual(['0 s', '750 µs', '1.5 ms', '400 ms', '2.000001 s', '5 min', '100 h']);
    expect([0, 1023, 1024, 67_108_864, 1.5 * 2 ** 30, 2 ** 60].map(formatBytes)).toEqual(['0 B', '1023 B', '1 KiB', '64 MiB', '1.5 GiB', '1024 PiB']);
  });

  it('describes the kernel events in words and any other event by its fields', () => {
    const names = new Map([[7, 'hog']]);
    expect(describeEvent({ type: 'memory.oom_kill', time: 0, cgroup: '/A', pid: 7, name: 'hog', points: 16384, group: false } as never, names)).toBe('hog[7] killed by the OOM killer of /A (badness 16384)');
    expect(describeEvent({ type: 'process.exited', time: 5, pid: 7, name: 'hog', cgroup: '/A', exit: { signal: 'SIGKILL' } } as never, names)).toBe('hog[7] in /A was killed by SIGKILL');
    expect(describeEvent({ type: 'memory.high_exceeded', time: 0, cgroup: '/A', pid: 7, delayUs: 2500 } as never, names)).toBe('hog[7] took /A over memory.high; throttled for 2.5 ms');
    expect(describeEvent({ type: 'io.throttled', time: 0, cgroup: '/B', device: '8:0', bytes: 4096 } as never, names)).toBe('cgroup=/B device=8:0 bytes=4096');
  });
});
