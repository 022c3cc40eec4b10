// Kernel experiments end to end: the file format of `strata kernel run` on known answers.
import { describe, expect, it } from 'vitest';
import { parseKernelExperiment } from '@strata/shared-types';
import { isStrataError } from '@strata/shared-types';
import { MAX_OUTPUT_LINES, MAX_REAPED_RECORDS, runKernelExperiment } from '../src/index.js';

describe('runKernelExperiment', () => {
  it('pids.max 5 and a parent forking 10 sleepers: the report carries the kernel counters', () => {
    const exp = parseKernelExperiment({
      cpus: 2,
      memory: '4Gi',
      duration: '3s',
      cgroups: { '/A': { 'pids.max': '5', 'cpu.weight': '100' } },
      processes: [{ name: 'parent', cgroup: '/A', program: [{ fork: { count: 10, program: [{ sleep: '1s' }] }, 'on-error': { EAGAIN: [] } }, { wait: 'all' }] }],
    });
    const r = runKernelExperiment(exp);
    expect(r.duration_us).toBe(3_000_000);
    expect(r.cgroups['/A']).toMatchObject({ 'pids.current': 0, 'pids.peak': 5, 'pids.events': { max: 6 } });
    expect(r.cgroups['/A']!['cpu.stat']).toMatchObject({ usage_usec: 0, nr_periods: 0 });
    const parent = r.processes.find((p) => p.pid === r.processes[0]!.pid)!;
    expect(parent).toMatchObject({ name: 'parent', cgroup: '/A', exit: { code: 0 }, forks: { ok: 4, failed: 6, errno: 'EAGAIN' } });
    expect(r.processes).toHaveLength(5);
    expect(r.events.filter((e) => e.type === 'pids.fork_failed')).toHaveLength(6);
    expect(r.events.filter((e) => e.type === 'process.exited')).toHaveLength(5);
  });

  it('cpu.max 30000 100000 beside an uncapped sibling: 0.3 and 0.7 of one CPU (both fidelities)', () => {
    for (const fidelity of ['exact', 'fluid'] as const) {
      const exp = parseKernelExperiment({
        cpus: 1,
        memory: '1Gi',
        fidelity,
        duration: '10s',
        cgroups: { '/A': { 'cpu.max': '30000 100000' }, '/B': {} },
        processes: [
          { name: 'a', cgroup: '/A', program: [{ cpu: '100s' }] },
          { name: 'b', cgroup: '/B', program: [{ cpu: '100s' }] },
        ],
      });
      const r = runKernelExperiment(exp);
      const usage = (p: string): number => (r.cgroups[p]!['cpu.stat'] as Record<string, number>)['usage_usec']!;
      expect(usage('/A') / 10e6).toBeCloseTo(0.3, 2);
      expect(usage('/B') / 10e6).toBeCloseTo(0.7, 2);
    }
  });

  it('reports progress and is deterministic', () => {
    const exp = parseKernelExperiment({ cpus: 2, memory: '1Gi', duration: '1s', processes: [{ name: 'x', program: [{ loop: { times: 50, do: [{ cpu: '7ms' }, { sleep: '3ms' }] } }] }] });
    const seen: number[] = [];
    const a = runKernelExperiment(exp, { onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThanOrEqual(50);
    expect(JSON.stringify(runKernelExperiment(exp))).toBe(JSON.stringify(a));
  });
});

describe('runKernelExperiment namespaces', () => {
  it('a pod: a private net/ipc/uts owner and a sidecar sharing them; a process in its own pid namespace', () => {
    const exp = parseKernelExperiment({
      cpus: 1,
      memory: '1Gi',
      duration: '1s',
      processes: [
        { name: 'pause', program: [{ sleep: '10s' }], namespaces: { net: 'private', ipc: 'private', uts: 'private' } },
        { name: 'app', program: [{ fork: { count: 2, program: [{ sleep: '100ms' }] } }, { wait: 'all' }], namespaces: { pid: 'private', net: 'process:pause' } },
      ],
    });
    const r = runKernelExperiment(exp);
    expect(r.processes.map((p) => p.name)).toEqual(['pause', 'app', 'app', 'app']);
    expect(r.processes.find((p) => p.name === 'app')!.exit).toEqual({ code: 0 });
  });

  it('refuses to share the namespace of a process that starts later, naming the field', () => {
    const exp = parseKernelExperiment({
      cpus: 1,
      memory: '1Gi',
      duration: '1s',
      processes: [
        { name: 'a', program: [{ sleep: '1s' }], namespaces: { net: 'process:b' } },
        { name: 'b', program: [{ sleep: '1s' }], start: '10ms' },
      ],
    });
    expect(() => runKernelExperiment(exp)).toThrow(/processes\[0\]\.namespaces\.net: "b" must start before "a"/);
  });
});

describe('runKernelExperiment bounds', () => {
  it('an endless fork-and-reap loop stops at the budget of the whole run, with bounded records', () => {
    const exp = parseKernelExperiment({ cpus: 1, memory: '1Gi', duration: '100h', processes: [{ name: 'bomb', program: [{ loop: { times: 1_000_000_000, do: [{ fork: { count: 1, program: [{ exit: 0 }] } }, { wait: 'all' }] } }] }] });
    let error: unknown;
    try {
      runKernelExperiment(exp, { maxSteps: 200_000 });
    } catch (e) {
      error = e;
    }
    expect(isStrataError(error) && error.code).toBe('E_LIMIT_EXCEEDED');
    expect((error as Error).message).toMatch(/200000 program steps/);
  });

  it('keeps at most MAX_REAPED_RECORDS forked records and MAX_OUTPUT_LINES lines per process', () => {
    const exp = parseKernelExperiment({
      cpus: 1,
      memory: '1Gi',
      duration: '1s',
      processes: [{ name: 'p', program: [{ loop: { times: 12_000, do: [{ print: 'x' }, { fork: { count: 1, program: [{ exit: 0 }] } }, { wait: 'all' }] } }] }],
    });
    const r = runKernelExperiment(exp);
    expect(r.processes.length).toBe(1 + MAX_REAPED_RECORDS);
    expect(r.processesNotKept).toBe(12_000 - MAX_REAPED_RECORDS);
    expect(r.processes[0]!.output).toHaveLength(MAX_OUTPUT_LINES);
    expect(r.processes[0]!.outputDropped).toBe(12_000 - MAX_OUTPUT_LINES);
  });

  it('a refused cgroup write names its entry in the file; network steps run without a network (send: ENETUNREACH)', () => {
    const bad = parseKernelExperiment({ cpus: 1, memory: '1Gi', duration: '1s', cgroups: { '/A': { 'cpu.max': 'abc' } }, processes: [{ name: 'p', program: [{ sleep: '1s' }] }] });
    expect(() => runKernelExperiment(bad)).toThrow(/^cgroups\["\/A"\]\["cpu\.max"\]: "abc" is invalid \(EINVAL\)/);
    const net = parseKernelExperiment({ cpus: 1, memory: '1Gi', duration: '1s', processes: [{ name: 'p', program: [{ listen: 8080 }, { send: { to: 'db:5432', bytes: '1M' }, 'on-error': { ENETUNREACH: [{ print: 'unreachable' }] } }] }] });
    const p = runKernelExperiment(net).processes[0]!;
    expect(p.output.map((l) => l.text)).toEqual(['unreachable']);
    expect(p.exit).toEqual({ code: 0 });
  });
});

describe('runKernelExperiment networks', () => {
  it('a sender and a listener on a user-defined network: 100 MiB over 100 MiB/s veths arrive after 1 s', () => {
    const exp = parseKernelExperiment({
      cpus: 1,
      memory: '1Gi',
      duration: '5s',
      networks: { back: {} },
      veth: { bandwidth: '100M/s' },
      processes: [
        { name: 'db', networks: ['back'], program: [{ listen: { port: 5432, bytes: '100M' } }, { print: 'got it all' }] },
        { name: 'web', networks: ['back'], start: '10ms', program: [{ send: { to: 'db:5432', bytes: '100M' } }, { print: 'sent' }] },
      ],
    });
    const r = runKernelExperiment(exp);
    const db = r.processes.find((p) => p.name === 'db')!;
    const web = r.processes.find((p) => p.name === 'web')!;
    expect(web.exit).toEqual({ code: 0 });
    expect(db.exit).toEqual({ code: 0 });
    expect(db.output[0]).toMatchObject({ text: 'got it all', time: 1_010_000 });
    expect(web.output[0]).toMatchObject({ text: 'sent', time: 1_010_000 });
  });

  it('a process on another network cannot even resolve the name of one on an internal network (EAI_NONAME, handled)', () => {
    const exp = parseKernelExperiment({
      cpus: 1,
      memory: '1Gi',
      duration: '1s',
      networks: { front: {}, vault: { internal: true } },
      processes: [
        { name: 'secret', networks: ['vault'], program: [{ listen: 80 }, { sleep: '1s' }] },
        { name: 'web', networks: ['front'], program: [{ send: { to: 'secret:80', bytes: '1K' }, 'on-error': { EAI_NONAME: [{ exit: 9 }] } }] },
      ],
    });
    const r = runKernelExperiment(exp);
    expect(r.processes.find((p) => p.name === 'web')!.exit).toEqual({ code: 9 });
  });

  it('pid "process:NAME" joins that process\'s pid namespace: the joiner dies with the namespace\'s init', () => {
    const exp = parseKernelExperiment({
      cpus: 1,
      memory: '1Gi',
      duration: '5s',
      processes: [
        { name: 'init', program: [{ sleep: '1s' }], namespaces: { pid: 'private' } },
        { name: 'joiner', program: [{ sleep: '4s' }], namespaces: { pid: 'process:init' } },
      ],
    });
    const r = runKernelExperiment(exp);
    expect(r.processes.find((p) => p.name === 'init')!.exit).toEqual({ code: 0 });
    expect(r.processes.find((p) => p.name === 'joiner')!.exit).toEqual({ signal: 'SIGKILL' });
  });

  it('id_maps: root inside a private user namespace is the mapped id outside; an unmapped user is refused by path', () => {
    const exp = parseKernelExperiment({
      cpus: 1,
      memory: '1Gi',
      duration: '1s',
      processes: [
        { name: 'c', program: [{ sleep: '10ms' }], namespaces: { user: 'private' }, id_maps: { uid: '0 100000 65536', gid: '0 100000 65536' } },
        { name: 'u', program: [{ sleep: '10ms' }], user: '1000:1000', namespaces: { user: 'private' }, id_maps: { uid: '0 100000 65536', gid: '0 100000 65536' } },
      ],
    });
    const r = runKernelExperiment(exp);
    expect(r.processes.map((p) => [p.name, p.uid, p.gid])).toEqual([
      ['c', 100000, 100000],
      ['u', 101000, 101000],
    ]);
    const unmapped = parseKernelExperiment({ cpus: 1, memory: '1Gi', duration: '1s', processes: [{ name: 'u', program: [{ sleep: '1ms' }], user: '1000', namespaces: { user: 'private' } }] });
    expect(() => runKernelExperiment(unmapped)).toThrow(/processes\[0\]\.user: a private user namespace without id_maps/);
    const hostMaps = parseKernelExperiment({ cpus: 1, memory: '1Gi', duration: '1s', processes: [{ name: 'u', program: [{ sleep: '1ms' }], id_maps: { uid: '0 1 1', gid: '0 1 1' } }] });
    expect(() => runKernelExperiment(hostMaps)).toThrow(/processes\[0\]\.id_maps: id maps belong to a new user namespace/);
  });
});
