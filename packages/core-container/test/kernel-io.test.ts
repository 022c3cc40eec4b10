// Block I/O through the kernel: read/write steps as fluid streams over devices and io.max limiters.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseKernelExperiment, parseProgram } from '@strata/shared-types';
import { createKernel, runKernelExperiment } from '../src/index.js';
import type { KernelEvent, KernelOptions } from '../src/index.js';

const S = 1_000_000;
const MiB = 2 ** 20;
const MB = 1_000_000;

function kernel(extra: Partial<KernelOptions> = {}): ReturnType<typeof createKernel> {
  const k = createKernel({ cpus: 2, memory: 4 * 2 ** 30, devices: { sda: { id: '8:16', rbps: 100 * MB, wbps: 50 * MB } }, ...extra });
  k.write('/', 'cgroup.subtree_control', '+io +memory');
  k.mkdir('/A');
  k.mkdir('/B');
  return k;
}

function exitTimes(events: readonly KernelEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) if (e.type === 'process.exited') out[e.name] = e.time;
  return out;
}

const readOf = (bytes: string | number, more: Record<string, unknown> = {}) => parseProgram([{ read: { device: 'sda', bytes, direct: true, ...more } }]);

describe('block I/O in the kernel', () => {
  it('reads 100 MiB from a 100 MB/s device in 1.048576 s', () => {
    const k = kernel();
    k.spawn({ name: 'r', cgroup: '/A', program: readOf('100Mi') });
    expect(k.nextEventTime()).toBe(1_048_576);
    const t = exitTimes(k.advanceTo(5 * S));
    expect(Math.abs(t['r']! - 1_048_576)).toBeLessThanOrEqual(1);
  });

  it('writes at the device wbps, and the device may be named by its MAJ:MIN', () => {
    const k = kernel();
    k.spawn({ name: 'w', cgroup: '/A', program: parseProgram([{ write: { device: '8:16', bytes: 50 * MB, direct: true } }]) });
    expect(exitTimes(k.advanceTo(5 * S))['w']).toBe(S);
  });

  it('two cgroups reading at once share the device equally', () => {
    const k = kernel();
    k.spawn({ name: 'a', cgroup: '/A', program: readOf('100Mi') });
    k.spawn({ name: 'b', cgroup: '/B', program: readOf('50Mi') });
    const t = exitTimes(k.advanceTo(5 * S));
    // 50 MB/s each until b ends at 1.048576 s, then a alone at 100 MB/s for its last 50 MiB.
    expect(Math.abs(t['b']! - 1_048_576)).toBeLessThanOrEqual(1);
    expect(Math.abs(t['a']! - 1_572_864)).toBeLessThanOrEqual(1);
  });

  it('io.max rbps=10M holds one cgroup to 10 MB/s and the other gets the rest (max-min)', () => {
    const k = kernel();
    k.write('/A', 'io.max', '8:16 rbps=10000000');
    k.spawn({ name: 'a', cgroup: '/A', program: readOf(10 * MB) });
    k.spawn({ name: 'b', cgroup: '/B', program: readOf(90 * MB) });
    const t = exitTimes(k.advanceTo(5 * S));
    expect(t['a']).toBe(S);
    expect(t['b']).toBe(S);
  });

  it('an ancestor io.max limits the streams of its whole subtree together', () => {
    const k = kernel();
    k.write('/A', 'cgroup.subtree_control', '+io');
    k.mkdir('/A/x');
    k.mkdir('/A/y');
    k.write('/A', 'io.max', '8:16 rbps=20000000');
    k.spawn({ name: 'x', cgroup: '/A/x', program: readOf(10 * MB) });
    k.spawn({ name: 'y', cgroup: '/A/y', program: readOf(10 * MB) });
    const t = exitTimes(k.advanceTo(5 * S));
    expect(t).toEqual({ x: S, y: S });
  });

  it('io.weight 100:300 splits a contended device 1:3 (weights honoured as by BFQ)', () => {
    const k = kernel();
    k.write('/B', 'io.weight', '8:16 300');
    k.spawn({ name: 'a', cgroup: '/A', program: readOf(25 * MB) });
    k.spawn({ name: 'b', cgroup: '/B', program: readOf(75 * MB) });
    expect(exitTimes(k.advanceTo(5 * S))).toEqual({ a: S, b: S });
  });

  it('a cgroup weight is shared by its streams: two readers in A (100) against one in B (100) get 1/4 each', () => {
    const k = kernel();
    k.spawn({ name: 'a1', cgroup: '/A', program: readOf(25 * MB) });
    k.spawn({ name: 'a2', cgroup: '/A', program: readOf(25 * MB) });
    k.spawn({ name: 'b', cgroup: '/B', program: readOf(50 * MB) });
    expect(exitTimes(k.advanceTo(5 * S))).toEqual({ a1: S, a2: S, b: S });
  });

  it('streams of one cgroup share its queue equally; when one ends the other takes the whole rate', () => {
    const k = kernel();
    k.spawn({ name: 'short', cgroup: '/A', program: readOf(25 * MB) });
    k.spawn({ name: 'long', cgroup: '/A', program: readOf(75 * MB) });
    k.advanceTo(S / 4);
    k.spawn({ name: 'late', cgroup: '/A', program: readOf(10 * MB) });
    // 0..0.25 s: 12.5 MB each at 50 MB/s; then 33.3 MB/s each: late's 10 MB end at 0.55 s, short's
    // last 2.5 MB at 50 MB/s at 0.6 s, long's last 50 MB at 100 MB/s at 1.1 s (110 MB in all).
    const t = exitTimes(k.advanceTo(5 * S));
    expect(Math.abs(t['late']! - 550_000)).toBeLessThanOrEqual(1);
    expect(Math.abs(t['short']! - 600_000)).toBeLessThanOrEqual(1);
    expect(Math.abs(t['long']! - 1_100_000)).toBeLessThanOrEqual(1);
  });

  it('riops × block caps a stream, on the device and through io.max', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, devices: { hdd: { id: '8:0', riops: 100 } } });
    k.write('/', 'cgroup.subtree_control', '+io');
    k.mkdir('/A');
    k.spawn({ name: 'dev', program: parseProgram([{ read: { device: 'hdd', bytes: 100 * 65536, block: '64Ki', direct: true } }]) });
    expect(exitTimes(k.advanceTo(5 * S))).toEqual({ dev: S });
    k.write('/A', 'io.max', '8:0 riops=10');
    k.spawn({ name: 'lim', cgroup: '/A', program: parseProgram([{ read: { device: 'hdd', bytes: 10 * 4096, direct: true } }]) });
    expect(exitTimes(k.advanceTo(10 * S))).toEqual({ lim: 6 * S });
  });

  it('a device without rates serves the documented default of 1 GB/s', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, devices: { vda: { id: '253:0' } } });
    k.spawn({ name: 'r', program: parseProgram([{ read: { device: 'vda', bytes: 1000 * MB, direct: true } }]) });
    expect(exitTimes(k.advanceTo(5 * S))).toEqual({ r: S });
  });

  it('a cached read charges the page cache (memory.current, file) and a direct one does not', () => {
    const k = kernel();
    k.spawn({ name: 'cached', cgroup: '/A', program: parseProgram([{ read: { device: 'sda', bytes: '8Mi' } }]) });
    k.spawn({ name: 'direct', cgroup: '/B', program: readOf('8Mi') });
    expect(k.read('/A', 'memory.current')).toBe(`${8 * MiB}\n`);
    expect(k.read('/A', 'memory.stat')).toMatch(new RegExp(`^file ${8 * MiB}$`, 'm'));
    expect(k.read('/B', 'memory.current')).toBe('0\n');
    k.advanceTo(5 * S);
    // Page cache belongs to the cgroup and outlives the reader.
    expect(k.read('/A', 'memory.current')).toBe(`${8 * MiB}\n`);
  });

  it('a cached read through a small memory.max reclaims its own page cache instead of failing', () => {
    const k = kernel();
    k.write('/A', 'memory.max', '4M');
    const pid = k.spawn({ name: 'r', cgroup: '/A', program: readOf('16Mi', { direct: false }) });
    k.advanceTo(5 * S);
    expect(k.process(pid).exit).toEqual({ code: 0 });
    expect(k.read('/A', 'memory.events')).toContain('oom_kill 0\n');
    expect(Number(k.read('/A', 'memory.current'))).toBeLessThanOrEqual(4 * MiB);
  });

  it('page cache that cannot be had (anon fills memory.max, OOM killer finds the reader itself) kills as alloc does', () => {
    const k = kernel();
    k.write('/A', 'memory.max', '8M');
    const pid = k.spawn({ name: 'r', cgroup: '/A', program: parseProgram([{ alloc: { size: '8Mi' } }, { read: { device: 'sda', bytes: '1Mi' } }]) });
    const events = k.advanceTo(S);
    expect(k.process(pid).exit).toEqual({ signal: 'SIGKILL' });
    expect(events.some((e) => e.type === 'memory.oom_kill' && e.pid === pid)).toBe(true);
  });

  it('a cached read meets EIO when nobody can be killed for its page cache', () => {
    const k = kernel();
    k.write('/A', 'memory.max', '8M');
    const pid = k.spawn({ name: 'r', cgroup: '/A', oomScoreAdj: -1000, program: parseProgram([{ alloc: { size: '8Mi' } }, { read: { device: 'sda', bytes: '1Mi' }, 'on-error': { EIO: [{ print: 'EIO' }] } }]) });
    k.advanceTo(S);
    expect(k.process(pid).exit).toEqual({ code: 0 });
    expect(k.process(pid).output.map((l) => l.text)).toEqual(['EIO']);
  });

  it('an unknown device is ENOENT: handled by on-error, fatal without', () => {
    const k = kernel();
    const handled = k.spawn({ name: 'h', program: parseProgram([{ read: { device: 'nvme0', bytes: '1Mi' }, 'on-error': { ENOENT: [{ print: 'no device' }] } }]) });
    const fatal = k.spawn({ name: 'f', program: parseProgram([{ write: { device: '9:9', bytes: '1Mi' } }]) });
    expect(k.process(handled).output.map((l) => l.text)).toEqual(['no device']);
    expect(k.process(handled).exit).toEqual({ code: 0 });
    expect(k.process(fatal).exit).toEqual({ code: 1 });
    expect(k.process(fatal).output.map((l) => l.text)).toEqual(['ENOENT']);
  });

  it('io.max and io.weight accept the kernel devices only: an unknown one is ENODEV and changes nothing', () => {
    const k = kernel();
    k.write('/A', 'io.max', '8:16 wbps=1048576');
    expect(() => k.write('/A', 'io.max', '8:32 rbps=1000')).toThrow(/io\.max: .*ENODEV/);
    expect(() => k.write('/A', 'io.weight', '8:0 200')).toThrow(/ENODEV/);
    expect(k.read('/A', 'io.max')).toBe('8:16 rbps=max wbps=1048576 riops=max wiops=max\n');
    expect(k.read('/A', 'io.weight')).toBe('default 100\n');
  });

  it('an io.max write applies at once to a stream in flight, and clearing it lifts the limit', () => {
    const k = kernel();
    k.spawn({ name: 'a', cgroup: '/A', program: readOf(30 * MB) });
    k.advanceTo(S / 10); // 10 MB read at 100 MB/s
    k.write('/A', 'io.max', '8:16 rbps=10000000'); // newly limited: 10 MB at 10 MB/s
    k.advanceTo(S / 10 + S);
    k.write('/A', 'io.max', '8:16 rbps=max'); // the last 10 MB at 100 MB/s
    expect(exitTimes(k.advanceTo(5 * S))['a']).toBe(S / 10 + S + S / 10);
  });

  it('an io.weight write reweighs streams in flight', () => {
    const k = kernel();
    k.spawn({ name: 'a', cgroup: '/A', program: readOf(100 * MB) });
    k.spawn({ name: 'b', cgroup: '/B', program: readOf(100 * MB) });
    k.advanceTo(S); // 50 MB each
    k.write('/B', 'io.weight', 'default 300'); // b at 75 MB/s: its last 50 MB take 2/3 s
    const t = exitTimes(k.advanceTo(5 * S));
    expect(Math.abs(t['b']! - (S + 666_667))).toBeLessThanOrEqual(1);
  });

  it('a reader killed mid-stream frees its share at once', () => {
    const k = kernel();
    const a = k.spawn({ name: 'a', cgroup: '/A', program: readOf(100 * MB) });
    k.spawn({ name: 'b', cgroup: '/B', program: readOf(100 * MB) });
    k.advanceTo(S); // 50 MB each
    k.kill(a, 'SIGKILL');
    expect(exitTimes(k.advanceTo(5 * S))['b']).toBe(S + S / 2);
  });

  it('a signal handler runs while the I/O goes on; the read ends when both are done', () => {
    const k = kernel();
    const pid = k.spawn({ name: 'r', cgroup: '/A', program: parseProgram([{ signal: { SIGUSR1: [{ print: 'usr1' }] } }, { read: { device: 'sda', bytes: 100 * MB, direct: true } }, { print: 'read' }]) });
    k.advanceTo(S / 2);
    k.kill(pid, 'SIGUSR1');
    const t = exitTimes(k.advanceTo(5 * S));
    expect(k.process(pid).output.map((l) => `${l.text}@${l.time}`)).toEqual([`usr1@${S / 2}`, `read@${S}`]);
    expect(t['r']).toBe(S);
  });

  it('a frozen reader\'s I/O completes; the process goes on when thawed', () => {
    const k = kernel();
    const pid = k.spawn({ name: 'r', cgroup: '/A', program: parseProgram([{ read: { device: 'sda', bytes: 100 * MB, direct: true } }, { print: 'read' }]) });
    k.advanceTo(S / 2);
    k.write('/A', 'cgroup.freeze', '1');
    k.advanceTo(2 * S);
    expect(k.process(pid).output).toEqual([]);
    k.write('/A', 'cgroup.freeze', '0');
    expect(k.process(pid).output.map((l) => `${l.text}@${l.time}`)).toEqual([`read@${2 * S}`]);
  });

  it('a re-created cgroup does not inherit its predecessor\'s io.max', () => {
    const k = kernel();
    k.mkdir('/C');
    k.write('/C', 'io.max', '8:16 rbps=1000000');
    k.rmdir('/C');
    k.mkdir('/C');
    k.spawn({ name: 'c', cgroup: '/C', program: readOf(100 * MB) });
    expect(exitTimes(k.advanceTo(5 * S))).toEqual({ c: S });
    k.write('/C', 'io.max', '8:16 rbps=50000000');
    k.spawn({ name: 'c2', cgroup: '/C', program: readOf(50 * MB) });
    expect(exitTimes(k.advanceTo(10 * S))).toEqual({ c2: 6 * S });
  });

  it('io.stat counts bytes and requests per device, the subtree\'s included, and only devices that did I/O', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, devices: { sda: { id: '8:16' }, sdb: { id: '8:32' } } });
    k.write('/', 'cgroup.subtree_control', '+io');
    k.mkdir('/A');
    k.write('/A', 'cgroup.subtree_control', '+io');
    k.mkdir('/A/x');
    expect(k.read('/A', 'io.stat')).toBe('');
    k.spawn({ name: 'x', cgroup: '/A/x', program: parseProgram([{ read: { device: 'sda', bytes: 10_000, block: '4Ki', direct: true } }, { write: { device: 'sda', bytes: '1Mi', block: '64Ki', direct: true } }]) });
    k.advanceTo(S);
    const line = '8:16 rbytes=10000 wbytes=1048576 rios=3 wios=16 dbytes=0 dios=0\n';
    expect(k.read('/A/x', 'io.stat')).toBe(line);
    expect(k.read('/A', 'io.stat')).toBe(line);
    expect(k.read('/', 'io.stat')).toBe(line);
    expect(() => k.write('/A', 'io.stat', '0')).toThrow(/EACCES/);
  });

  it('refuses bad devices naming the field, and creates nothing', () => {
    expect(() => createKernel({ cpus: 1, memory: 2 ** 30, devices: { sda: { id: 'sda' } } })).toThrow(/devices\.sda\.id must be "MAJ:MIN"/);
    expect(() => createKernel({ cpus: 1, memory: 2 ** 30, devices: { sda: { id: '8:0' }, sdb: { id: '08:00' } } })).toThrow(/devices\.sdb\.id 8:0 is also the id of devices\.sda/);
    expect(() => createKernel({ cpus: 1, memory: 2 ** 30, devices: { sda: { id: '8:0', rbps: 0 } } })).toThrow(/devices\.sda\.rbps must be an integer in 1\.\./);
    expect(() => createKernel({ cpus: 1, memory: 2 ** 30, devices: { '8:16': { id: '8:0' } } })).toThrow(/devices\.8:16: a device name must be 1\.\.32 characters without ':'/);
    expect(() => createKernel({ cpus: 1, memory: 2 ** 30, devices: { sda: { id: '8:0', riops: 1.5 } } })).toThrow(/devices\.sda\.riops must be an integer/);
  });

  it('is deterministic: the same commands give the same events and files', () => {
    const run = (): string => {
      const k = kernel();
      k.write('/A', 'io.max', '8:16 rbps=30000000 riops=5000');
      k.write('/B', 'io.weight', 'default 250');
      for (let i = 0; i < 6; i++) k.spawn({ name: `p${i}`, cgroup: i % 2 === 0 ? '/A' : '/B', program: parseProgram([{ loop: { times: 3, do: [{ read: { device: 'sda', bytes: `${i + 1}Mi`, block: '16Ki' } }, { sleep: '10ms' }, { write: { device: 'sda', bytes: '1Mi', direct: true } }] } }]) });
      const events = k.advanceTo(10 * S);
      return JSON.stringify([events, k.read('/A', 'memory.current'), k.read('/B', 'memory.stat')]);
    };
    const first = run();
    expect(first).toContain('process.exited');
    expect(run()).toBe(first);
  });
});

describe('block I/O properties', () => {
  it('random readers, weights and io.max: no reader beats its tightest limit, and an unlimited device is work-conserving', () => {
    const reader = fc.record({ group: fc.integer({ min: 0, max: 3 }), bytes: fc.integer({ min: 1, max: 50 * MB }), direct: fc.boolean() });
    const scenario = fc.record({
      weights: fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 4, maxLength: 4 }),
      limits: fc.array(fc.option(fc.integer({ min: 1 * MB, max: 200 * MB }), { nil: null }), { minLength: 4, maxLength: 4 }),
      readers: fc.array(reader, { minLength: 1, maxLength: 8 }),
    });
    fc.assert(
      fc.property(scenario, (sc) => {
        const k = createKernel({ cpus: 1, memory: 2 ** 30, devices: { sda: { id: '8:16', rbps: 100 * MB } } });
        k.write('/', 'cgroup.subtree_control', '+io');
        for (let g = 0; g < 4; g++) {
          k.mkdir(`/g${g}`);
          k.write(`/g${g}`, 'io.weight', String(sc.weights[g]));
          if (sc.limits[g] !== null) k.write(`/g${g}`, 'io.max', `8:16 rbps=${sc.limits[g]}`);
        }
        sc.readers.forEach((r, i) => k.spawn({ name: `r${i}`, cgroup: `/g${r.group}`, program: readOf(r.bytes, { direct: r.direct }) }));
        const t = exitTimes(k.advanceTo(3600 * S));
        sc.readers.forEach((r, i) => {
          const rate = Math.min(100 * MB, sc.limits[r.group] ?? Infinity);
          expect(t[`r${i}`]).toBeGreaterThanOrEqual(Math.ceil((r.bytes * S) / rate));
        });
        const total = sc.readers.reduce((sum, r) => sum + r.bytes, 0);
        const makespan = Math.max(...Object.values(t));
        expect(makespan).toBeGreaterThanOrEqual(Math.ceil((total * S) / (100 * MB)));
        // With no io.max anywhere the device never idles while a stream is in flight (a µs of rounding per stream).
        if (sc.limits.every((l) => l === null)) expect(makespan).toBeLessThanOrEqual(Math.ceil((total * S) / (100 * MB)) + sc.readers.length);
        const read = Object.values(sc.readers.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.group]: (acc[r.group] ?? 0) + r.bytes }), {}));
        const stats = [0, 1, 2, 3].map((g) => /rbytes=(\d+)/.exec(k.read(`/g${g}`, 'io.stat'))?.[1]).filter((x) => x !== undefined).map(Number);
        expect(stats.sort((a, b) => a - b)).toEqual(read.sort((a, b) => a - b));
      }),
      { numRuns: 60 },
    );
  });
});

describe('block I/O in a kernel experiment', () => {
  it('runs devices, io.max and read steps from the experiment file', () => {
    const exp = parseKernelExperiment({
      cpus: 1,
      memory: '1Gi',
      duration: '3s',
      devices: { sda: { id: '8:16', rbps: '100000000/s' } },
      cgroups: { '/A': { 'io.max': '8:16 rbps=10000000' }, '/B': {} },
      processes: [
        { name: 'a', cgroup: '/A', program: [{ read: { device: 'sda', bytes: 10_000_000, direct: true } }] },
        { name: 'b', cgroup: '/B', program: [{ read: { device: 'sda', bytes: 90_000_000, direct: true } }] },
      ],
    });
    const r = runKernelExperiment(exp);
    const exits = Object.fromEntries(r.events.filter((e) => e.type === 'process.exited').map((e) => [e.name, e.time]));
    expect(exp.devices['sda']!.rbps).toBe(100 * MB);
    expect(exits).toEqual({ a: S, b: S });
    expect(r.cgroups['/A']!['io.stat']).toEqual({ '8:16 rbytes': 10 * MB, '8:16 wbytes': 0, '8:16 rios': Math.ceil((10 * MB) / 4096), '8:16 wios': 0, '8:16 dbytes': 0, '8:16 dios': 0 });
    expect(r.processes.map((p) => p.exit)).toEqual([{ code: 0 }, { code: 0 }]);
  });
});
