// The `strata kernel run FILE` format: the issue's example, each cross-check, each bound, and
// every rejection naming its path and what is accepted.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  WRITABLE_CGROUP_FILES,
  jsonSchemas,
  KernelExperimentSchema,
  ProgramSchema,
  MAX_KERNEL_CGROUP_DEPTH,
  MAX_KERNEL_CGROUPS,
  MAX_KERNEL_PROCESSES,
  parseCgroupPath,
  parseKernelExperiment,
  ValidationError,
  type SchemaIssue,
} from '@strata/shared-types';
import { validationFailure } from './failure.js';
import { conforms } from './json-schema-check.js';

const MiB = 2 ** 20;
const issues = (input: unknown) => validationFailure(() => parseKernelExperiment(input)).details['issues'] as SchemaIssue[];

/**
 * The example of issue 10, as a YAML parser hands it over:
 *   cpus: 2
 *   memory: 4Gi
 *   fidelity: exact
 *   duration: 10s
 *   cgroups:
 *     /A: { cpu.weight: "100", memory.max: "64M", pids.max: "5" }
 *     /B: { cpu.max: "30000 100000" }
 *   processes:
 *     - name: hog
 *       cgroup: /A
 *       program: [ { alloc: 128M } ]
 */
const example = {
  cpus: 2,
  memory: '4Gi',
  fidelity: 'exact',
  duration: '10s',
  cgroups: {
    '/A': { 'cpu.weight': '100', 'memory.max': '64M', 'pids.max': '5' },
    '/B': { 'cpu.max': '30000 100000' },
  },
  processes: [{ name: 'hog', cgroup: '/A', program: [{ alloc: '128M' }] }],
};
const withProcesses = (processes: unknown[], extra: object = {}) => ({ memory: '1G', duration: '1s', processes, ...extra });
const proc = (name: string, extra: object = {}) => ({ name, program: [{ cpu: '1ms' }], ...extra });

describe('the issue example', () => {
  it('parses to integer units with defaults applied', () => {
    expect(parseKernelExperiment(example)).toEqual({
      cpus: 2,
      memory: 4 * 2 ** 30,
      swap: 0,
      fidelity: 'exact',
      tick: 4000,
      duration: 10_000_000,
      seed: 0,
      devices: {},
      networks: {},
      cgroups: example.cgroups,
      programs: {},
      processes: [
        {
          name: 'hog',
          cgroup: '/A',
          program: { kind: 'inline', steps: [{ op: 'alloc', size: 128 * MiB, rate: null }] },
          start: 0,
          nice: 0,
          oom_score_adj: 0,
          user: { uid: 0, gid: 0 },
          namespaces: Object.fromEntries(['pid', 'net', 'mnt', 'uts', 'ipc', 'user', 'cgroup'].map((t) => [t, { mode: 'host' }])),
          networks: [],
        },
      ],
    });
  });

  it('keeps the cgroup files in the order written, values untouched (the kernel model parses them)', () => {
    const spec = parseKernelExperiment(example);
    expect(Object.keys(spec.cgroups['/A']!)).toEqual(['cpu.weight', 'memory.max', 'pids.max']);
    expect(spec.cgroups['/B']!['cpu.max']).toBe('30000 100000');
  });

  it('is the same from JSON text', () => {
    expect(parseKernelExperiment(JSON.parse(JSON.stringify(example)))).toEqual(parseKernelExperiment(example));
  });

  it('takes the known-answer pids program: a parent forking 10 sleepers, EAGAIN handled', () => {
    const spec = parseKernelExperiment({
      ...example,
      processes: [{ name: 'forker', cgroup: '/A', program: [{ fork: { count: 10, program: [{ sleep: '1s' }] }, 'on-error': { EAGAIN: 'ignore' } }, { wait: 'all' }] }],
    });
    expect(spec.processes[0]!.program).toMatchObject({ kind: 'inline', steps: [{ op: 'fork', count: 10, onError: { EAGAIN: [] } }, { op: 'wait', count: 'all' }] });
  });
});

describe('networks', () => {
  it('accepts user-defined networks, a veth profile and processes attached to them', () => {
    const spec = parseKernelExperiment(
      withProcesses([proc('web', { networks: ['front'] }), proc('db', { networks: ['front', 'back'] })], { networks: { front: {}, back: { internal: true } }, veth: { bandwidth: '100M/s', latency: '50us' } }),
    );
    expect(spec.networks).toEqual({ front: { internal: false, icc: true }, back: { internal: true, icc: true } });
    expect(spec.veth).toEqual({ bandwidth: 100 * 2 ** 20, latency: 50 }); // kernel sizes: 100M is 100 MiB
    expect(spec.processes[1]!.networks).toEqual(['front', 'back']);
  });

  it('names the bad field: an unknown or repeated network, a name that is no DNS label, a shared net namespace', () => {
    const bad = (processes: unknown[]) => () => parseKernelExperiment(withProcesses(processes, { networks: { front: {} } }));
    expect(bad([proc('web', { networks: ['nope'] })])).toThrow(/processes\[0\]\.networks\[0\]: no network is named "nope"; defined: front/);
    expect(bad([proc('web', { networks: ['front', 'front'] })])).toThrow(/processes\[0\]\.networks\[1\]: network "front" is listed twice/);
    expect(bad([proc('Web_1', { networks: ['front'] })])).toThrow(/processes\[0\]\.name: a process on a network is named as a container/);
    expect(bad([proc('a'), proc('b', { networks: ['front'], namespaces: { net: 'process:a' } })])).toThrow(/processes\[1\]\.networks: a process that shares another's net namespace/);
  });
});

describe('optional parts', () => {
  it('accepts named programs, devices, namespaces, users and the per-process knobs', () => {
    const spec = parseKernelExperiment({
      cpus: 4,
      memory: 8 * 2 ** 30,
      swap: '1G',
      fidelity: 'fluid',
      tick: '1ms',
      duration: '1m',
      seed: 'run-1',
      devices: { sda: { id: '8:0', rbps: '200M/s', wiops: 1000 } },
      cgroups: { '/pod': { 'cgroup.subtree_control': '+cpu +memory' }, '/pod/app': { 'io.max': '8:0 rbps=1048576' }, '/': { 'cgroup.subtree_control': '+cpu' } },
      programs: { server: [{ serve: { rate: 100, cpu: '2ms' } }], reader: [{ read: { device: 'sda', bytes: '1G' } }, { read: { device: '8:0', bytes: 1 } }] },
      processes: [
        { name: 'init', cgroup: '/pod/app', program: 'server', nice: -5, oom_score_adj: -1000, user: '1000:100', namespaces: { pid: 'private', net: 'private' } },
        { name: 'side', cgroup: '/pod', program: [{ fork: 'reader' }], start: '5s', user: 7, namespaces: { net: 'process:init', pid: 'process:init' } },
      ],
    });
    expect(spec.devices['sda']).toEqual({ id: '8:0', rbps: 200 * MiB, wiops: 1000 });
    expect(spec.processes[0]).toMatchObject({ nice: -5, oom_score_adj: -1000, user: { uid: 1000, gid: 100 }, program: { kind: 'named', name: 'server' } });
    expect(spec.processes[1]!.namespaces).toMatchObject({ net: { mode: 'shared', process: 'init' }, mnt: { mode: 'host' } });
    expect(spec.processes[1]).toMatchObject({ start: 5_000_000, user: { uid: 7, gid: 7 } });
    expect(spec.swap).toBe(2 ** 30);
  });
});

describe('a bad experiment is named by its path, with what is accepted', () => {
  it.each([
    ['a missing memory', { duration: '1s', processes: [proc('a')] }, 'memory', 'required'],
    ['a missing duration', { memory: '1G', processes: [proc('a')] }, 'duration', 'required'],
    ['no processes', withProcesses([]), 'processes', 'expected at least 1 items'],
    ['an unknown field', { ...example, cpu: 2 }, 'cpu', 'unknown field (did you mean "cpus"?)'],
    ['a bad fidelity', { ...example, fidelity: 'rough' }, 'fidelity', 'expected "exact" or "fluid", got "rough"'],
    ['too many CPUs', { ...example, cpus: 1025 }, 'cpus', 'expected at most 1024, got 1025'],
    ['memory below a page', { ...example, memory: 100 }, 'memory', 'expected at least 4K, got 100'],
    ['a memory in MB', { ...example, memory: '4GB' }, 'memory', 'write "4G" or "4Gi"'],
    ['an unknown cgroup file', { ...example, cgroups: { '/A': { 'cpu.shares': '1024' } } }, 'cgroups["/A"]["cpu.shares"]', `unknown field; accepted fields: ${WRITABLE_CGROUP_FILES.join(', ')}`],
    ['a misspelt cgroup file', { ...example, cgroups: { '/A': { 'memory.maxx': '1G' } } }, 'cgroups["/A"]["memory.maxx"]', 'did you mean "memory.max"?'],
    ['a number as a file value', { ...example, cgroups: { '/A': { 'cpu.weight': 100 } } }, 'cgroups["/A"]["cpu.weight"]', 'expected a string such as "100" (values are written to the kernel as text; quote numbers in YAML), got 100'],
    ['a long file value', { ...example, cgroups: { '/A': { 'io.max': 'x'.repeat(4097) } } }, 'cgroups["/A"]["io.max"]', 'expected at most 4096 characters'],
    ['a relative cgroup path', { ...example, cgroups: { A: {} } }, 'cgroups.A', 'expected an absolute, normalized cgroup path such as "/" or "/A/B"'],
    ['a trailing slash', { ...example, cgroups: { '/A/': {} } }, 'cgroups["/A/"]', 'expected an absolute, normalized cgroup path'],
    ['a dot-dot segment', { ...example, cgroups: { '/A/../B': {} } }, 'cgroups["/A/../B"]', 'expected an absolute, normalized cgroup path'],
    ['a name like a file', { ...example, cgroups: { '/memory.max': {} } }, 'cgroups["/memory.max"]', 'looks like an interface file'],
    ['a limit on the root', { ...example, cgroups: { '/': { 'memory.max': '1G' } } }, 'cgroups["/"]["memory.max"]', 'the root cgroup has no memory.max; it accepts only cgroup.subtree_control'],
    ['a process in a missing cgroup', { ...example, processes: [proc('a', { cgroup: '/C' })] }, 'processes[0].cgroup', 'no cgroup "/C"; expected "/" or a path under cgroups: /, /A, /B'],
    ['a duplicate process name', withProcesses([proc('a'), proc('b'), proc('a')]), 'processes[2].name', 'duplicate process name "a" (also processes[0])'],
    ['a bad process name', withProcesses([proc('-a')]), 'processes[0].name', 'expected 1-63 letters, digits'],
    ['a nice of 20', withProcesses([proc('a', { nice: 20 })]), 'processes[0].nice', 'expected at most 19, got 20'],
    ['an oom_score_adj of -1001', withProcesses([proc('a', { oom_score_adj: -1001 })]), 'processes[0].oom_score_adj', 'expected at least -1000, got -1001'],
    ['a bad user', withProcesses([proc('a', { user: 'root' })]), 'processes[0].user', 'expected "UID" or "UID:GID"'],
    ['a uid too large', withProcesses([proc('a', { user: '4294967295' })]), 'processes[0].user', 'expected ids of at most 4294967294'],
    ['a start after the end', withProcesses([proc('a', { start: '2s' })]), 'processes[0].start', 'expected a start before the end of the run (1s), got 2s'],
    ['an unknown namespace type', withProcesses([proc('a', { namespaces: { time: 'private' } })]), 'processes[0].namespaces.time', 'accepted fields: pid, net, mnt, uts, ipc, user, cgroup'],
    ['a bad namespace mode', withProcesses([proc('a', { namespaces: { pid: 'container:b' } })]), 'processes[0].namespaces.pid', 'expected "host", "private" or "process:NAME"'],
    ['sharing with nobody', withProcesses([proc('a', { namespaces: { net: 'process:b' } })]), 'processes[0].namespaces.net', 'no process is named "b"'],
    ['sharing with itself', withProcesses([proc('a', { namespaces: { net: 'process:a' } })]), 'processes[0].namespaces.net', 'shared in a circle (a → a)'],
    [
      'sharing in a circle',
      withProcesses([proc('a', { namespaces: { ipc: 'process:b' } }), proc('b', { namespaces: { ipc: 'process:c' } }), proc('c', { namespaces: { ipc: 'process:a' } })]),
      'processes[0].namespaces.ipc',
      'the ipc namespace is shared in a circle (a → b → c → a)',
    ],
    ['an undefined program', withProcesses([{ name: 'a', program: 'web' }]), 'processes[0].program', 'no program is named "web"; defined: none (add it under programs)'],
    ['a fork of an undefined program', withProcesses([{ name: 'a', program: [{ fork: 'web' }] }], { programs: { db: [] } }), 'processes[0].program[0].fork.program', 'no program is named "web"; defined: db'],
    ['an undefined device', withProcesses([{ name: 'a', program: 'r' }], { programs: { r: [{ read: { device: 'sdb', bytes: 1 } }] } }), 'programs.r[0].read.device', 'no device is named "sdb"; none are defined (add it under devices)'],
    ['a bad device id', withProcesses([proc('a')], { devices: { sda: { id: 'sda' } } }), 'devices.sda.id', 'expected "MAJ:MIN" such as "8:0"'],
    ['the path of a bad step', withProcesses([proc('a'), { name: 'b', program: [{ cpu: '1ms' }, { sleep: '1s' }, { print: 'x' }, { fork: { count: -1, program: [] } }] }]), 'processes[1].program[3].fork.count', 'expected at least 1, got -1'],
    ['a bad named program', withProcesses([proc('a')], { programs: { p: [{ exit: 'x' }] } }), 'programs.p[0].exit', 'expected number, got "x"'],
  ])('%s', (_name, input, path, message) => {
    const found = issues(input);
    expect(found.map((issue) => issue.path)).toContain(path);
    expect(found.find((issue) => issue.path === path)!.message).toContain(message);
  });

  it('reports in one error the message line of every bad field', () => {
    const error = validationFailure(() => parseKernelExperiment({ ...example, cpus: 0, fidelity: 'x' }));
    expect(error.message).toBe('invalid kernel experiment: cpus: expected at least 1, got 0; fidelity: expected "exact" or "fluid", got "x"');
  });
});

describe('bounds', () => {
  it('keeps cpus × duration below 2^53 µs', () => {
    expect(issues({ ...example, cpus: 3, duration: '876600h' })).toEqual([
      { path: 'duration', message: 'expected at most 3002399751s with 3 CPUs (cpus × duration must stay below 2^53 µs), got 876600h' },
    ]);
  });

  it(`allows ${MAX_KERNEL_PROCESSES} processes`, () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => proc(`p${i}`));
    expect(parseKernelExperiment(withProcesses(many(MAX_KERNEL_PROCESSES))).processes).toHaveLength(10_000);
    expect(issues(withProcesses(many(MAX_KERNEL_PROCESSES + 1)))).toEqual([{ path: 'processes', message: 'expected at most 10000 items, got an array' }]);
  });

  it(`allows ${MAX_KERNEL_CGROUPS} cgroups, counting implied ancestors`, () => {
    const flat = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`/g${i}`, {}]));
    expect(Object.keys(parseKernelExperiment(withProcesses([proc('a')], { cgroups: flat(MAX_KERNEL_CGROUPS) })).cgroups)).toHaveLength(10_000);
    const implied = { ...flat(MAX_KERNEL_CGROUPS - 1), '/x/y': {} };
    expect(issues(withProcesses([proc('a')], { cgroups: implied }))).toEqual([
      { path: 'cgroups["/x/y"]', message: 'expected at most 10000 cgroups, counting implied ancestors; this one passes the limit' },
    ]);
  });

  it(`allows cgroup paths ${MAX_KERNEL_CGROUP_DEPTH} deep, and a process in an implied ancestor`, () => {
    const deep = (n: number) => `/${Array.from({ length: n }, (_, i) => `d${i}`).join('/')}`;
    const spec = parseKernelExperiment(withProcesses([proc('a', { cgroup: deep(10) })], { cgroups: { [deep(64)]: {} } }));
    expect(spec.processes[0]!.cgroup).toBe(deep(10));
    expect(issues(withProcesses([proc('a')], { cgroups: { [deep(65)]: {} } }))[0]!.message).toBe('expected a cgroup path at most 64 deep, got 65');
    expect(parseCgroupPath('/')).toEqual([]);
    expect(parseCgroupPath('/a/b')).toEqual(['a', 'b']);
  });

  it('counts program steps over all processes and named programs, before parsing', () => {
    const list = Array.from({ length: 10_000 }, () => ({ print: 'x' }));
    const processes = Array.from({ length: 99 }, (_, i) => ({ name: `p${i}`, program: list }));
    const found = issues(withProcesses(processes, { programs: { a: list, b: list } }));
    expect(found).toEqual([{ path: 'programs.b', message: 'expected at most 1000000 steps in all, counting nested ones; this list passes the limit' }]);
  });

  it('bounds program depth inside an experiment too', () => {
    let program: unknown[] = [{ cpu: '1ms' }];
    for (let d = 1; d < 40; d++) program = [{ fork: program }];
    expect(issues(withProcesses([{ name: 'a', program }]))[0]!.message).toBe('expected programs nested at most 32 deep, got one at depth 33');
  });
});

describe('the kernel experiment and program as JSON Schema', () => {
  const schemas = jsonSchemas();

  it('accepts what zod accepts: the issue example and a program of every step', () => {
    expect(conforms(schemas.KernelExperiment, example)).toBe(true);
    const program = [
      { cpu: '1ms' }, { sleep: 0 }, { alloc: { size: 4096, name: 'a' } }, { free: 'a' }, { read: { device: 'sda', bytes: 1 } },
      { write: { device: 'sda', bytes: '1M', block: '4K' } }, { send: { to: 'x:1', bytes: 1 } }, { listen: 1 }, { fork: 'p' }, { wait: 'all' },
      { print: '' }, { loop: { times: 1, do: [] } }, { signal: { TERM: 'ignore' } }, { serve: { rate: 1, cpu: 1 } }, { exit: 0 },
      { exec: 'p', 'on-error': { ENOMEM: [] } },
    ];
    expect(ProgramSchema.safeParse(program).success).toBe(true);
    expect(conforms(schemas.Program, program)).toBe(true);
  });

  it.each([
    ['two kinds in one step', [{ cpu: '1ms', sleep: '1ms' }]],
    ['no kind', [{}]],
    ['only on-error', [{ 'on-error': {} }]],
    ['an unknown kind', [{ spin: '1s' }]],
    ['an exit code of 256', [{ exit: 256 }]],
  ])('rejects a program with %s, as zod does', (_what, program) => {
    expect(ProgramSchema.safeParse(program).success).toBe(false);
    expect(conforms(schemas.Program, program)).toBe(false);
  });

  it('rejects an unknown cgroup file and a number as a file value, as zod does', () => {
    for (const cgroups of [{ '/A': { 'cpu.shares': '1' } }, { '/A': { 'cpu.weight': 100 } }]) {
      expect(KernelExperimentSchema.safeParse({ ...example, cgroups }).success).toBe(false);
      expect(conforms(schemas.KernelExperiment, { ...example, cgroups })).toBe(false);
    }
  });
});

describe('random damage to a valid experiment', () => {
  const rich = {
    cpus: 2,
    memory: '4Gi',
    duration: '10s',
    devices: { sda: { id: '8:0', rbps: '100M/s' } },
    cgroups: { '/A': { 'memory.max': '64M' }, '/A/B': { 'pids.max': '5' } },
    programs: { w: [{ read: { device: 'sda', bytes: '1M' } }, { fork: { count: 2, program: 'w' }, 'on-error': { EAGAIN: 'ignore' } }] },
    processes: [
      { name: 'a', cgroup: '/A/B', program: 'w', namespaces: { pid: 'private' }, user: '1:1' },
      { name: 'b', program: [{ loop: { times: 'forever', do: [{ cpu: '1ms' }] } }], namespaces: { pid: 'process:a' }, start: '1s' },
    ],
  };
  type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
  const paths = (value: Json, prefix: (string | number)[] = []): (string | number)[][] => {
    const out = [prefix];
    if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
    return out;
  };
  const replaced = (value: Json, path: readonly (string | number)[], by: Json): Json => {
    if (path.length === 0) return by;
    if (value === null || typeof value !== 'object') return value; // the first damage removed this path
    const [head, ...rest] = path;
    if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, by) : v));
    return Object.fromEntries(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, k === head ? replaced(v, rest, by) : v]));
  };

  it('is accepted, or rejected as a ValidationError with paths (cross-checks never see unparsed values)', () => {
    expect(parseKernelExperiment(rich).processes).toHaveLength(2);
    const all = paths(rich as unknown as Json);
    const junk = fc.constantFrom<Json>(null, true, 0, -1, 1.5, '', 'x', '/', '/A', 'process:b', 'host', 'w', [], {}, [{}], { '/': {} });
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), junk, junk, (first, second, a, b) => {
        const damaged = replaced(replaced(rich as unknown as Json, all[first % all.length]!, a), all[second % all.length]!, b);
        try {
          parseKernelExperiment(damaged);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          rejected++;
          const found = error.details['issues'] as SchemaIssue[];
          expect(found.length).toBeGreaterThan(0);
          for (const issue of found) {
            expect(typeof issue.path === 'string' && issue.message.length > 0).toBe(true);
            // A message about a value that was never parsed (a check run on raw input) would show these.
            expect(issue.message).not.toMatch(/undefined|NaN|\[object /);
          }
        }
      }),
      { numRuns: 1000 },
    );
    expect(rejected).toBeGreaterThan(500);
  });
});
