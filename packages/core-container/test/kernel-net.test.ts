// Network I/O through the kernel: send/listen steps over a core-network model, bytes as fluid flows.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProgram, ValidationError, type PodInput } from '@strata/shared-types';
import { createNetworkModel, createPolicyEngine, type NetworkModel, type PolicyEngine } from '@strata/core-network';
import { CONNECT_TIMEOUT_US, NEIGHBOUR_TIMEOUT_US, createKernel } from '../src/index.js';
import { refusal } from '../src/kernel/net-errnos.js';
import type { Kernel, KernelEvent } from '../src/index.js';

const S = 1_000_000;
const MB = 1_000_000;

/** One host, a user-defined bridge network `lan` with srv, a and b on it; every veth `capacity` bytes/s, `latency` µs one way. */
function lan(capacity = 100 * MB, latency = 0, policy?: PolicyEngine): NetworkModel {
  const net = createNetworkModel({ veth: { capacity, latency }, ...(policy === undefined ? {} : { policy }) });
  net.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1_250_000_000, latency: 0 } });
  net.createNetwork({ name: 'lan', host: 'h1' });
  for (const name of ['srv', 'a', 'b']) {
    net.createNamespace({ name, host: 'h1', ...(policy === undefined ? {} : { pod: `x/${name}` }) });
    net.attach({ namespace: name, network: 'lan' });
  }
  return net;
}

function run(k: Kernel, name: string, ns: string, program: unknown[]): number {
  return k.spawn({ name, program: parseProgram(program), namespaces: { net: 'private' }, network: ns });
}

function exits(events: readonly KernelEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) if (e.type === 'process.exited') out[e.name] = e.time;
  return out;
}

const lines = (k: Kernel, pid: number): string[] => k.process(pid).output.map((l) => `${l.time} ${l.text}`);

describe('send and listen', () => {
  it('100 MB over a 100 MB/s veth arrive in 1 s and wake the listener waiting for them', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    const srv = run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: 100 * MB } }, { print: 'got' }]);
    const a = run(k, 'a', 'a', [{ send: { to: 'srv:80', bytes: 100 * MB } }, { print: 'sent' }]);
    expect(k.process(srv).state).toBe('sleeping');
    // a's veth out and srv's veth in, both 10^8 B/s: 10^8 B / 10^8 B/s = 1 s.
    expect(k.nextEventTime()).toBe(S);
    const t = exits(k.advanceTo(5 * S));
    expect(t).toEqual({ srv: S, a: S });
    expect(lines(k, srv)).toEqual([`${S} got`]);
    expect(lines(k, a)).toEqual([`${S} sent`]);
  });

  it('the last byte arrives one path latency after the flow has carried it', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan(100 * MB, 150) });
    run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: 10 * MB } }]);
    run(k, 'a', 'a', [{ send: { to: 'srv:80', bytes: 10 * MB } }]);
    // 0.1 s on the links, then 2 × 150 µs (veth out, veth in).
    expect(exits(k.advanceTo(S))).toEqual({ srv: 100_300, a: 100_300 });
  });

  it('two senders share the listener veth max-min: 50 MB/s each, then the rest at 100 MB/s', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: 150 * MB } }]);
    run(k, 'a', 'a', [{ send: { to: 'srv:80', bytes: 50 * MB } }]);
    run(k, 'b', 'b', [{ send: { to: 'srv:80', bytes: 100 * MB } }]);
    // Both at 50 MB/s until a is done at 1 s (b has 50 MB left), then b alone at 100 MB/s: 0.5 s more.
    expect(exits(k.advanceTo(5 * S))).toEqual({ a: S, b: 1_500_000, srv: 1_500_000 });
  });

  it('bytes that arrive before a listen waits for them are kept; a listen with bytes:null returns at once', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    const srv = run(k, 'srv', 'srv', [{ listen: 80 }, { print: 'listening' }, { sleep: '2s' }, { listen: { port: 80, bytes: 10 * MB } }, { print: 'got' }]);
    run(k, 'a', 'a', [{ sleep: '1ms' }, { send: { to: 'srv:80', bytes: 10 * MB } }]);
    k.advanceTo(3 * S);
    expect(lines(k, srv)).toEqual(['0 listening', `${2 * S} got`]);
  });

  it('across hosts on an overlay the slower uplink sets the rate; to localhost the namespace loopback carries it', () => {
    const net = createNetworkModel({ veth: { capacity: 100 * MB, latency: 0 } });
    net.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 50 * MB, latency: 250 } });
    net.addHost({ name: 'h2', address: '10.1.0.2', uplink: { capacity: 80 * MB, latency: 250 } });
    net.createNetwork({ name: 'ov', driver: 'overlay' });
    for (const [name, host] of [['srv', 'h2'], ['a', 'h1']] as const) {
      net.createNamespace({ name, host });
      net.attach({ namespace: name, network: 'ov' });
    }
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: net });
    run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: 100 * MB } }]);
    run(k, 'a', 'a', [{ send: { to: 'srv:80', bytes: 100 * MB } }]);
    // 100 MB at h1's uplink 50 MB/s: 2 s, then 2 × 250 µs over the two uplinks.
    expect(exits(k.advanceTo(5 * S))).toEqual({ a: 2 * S + 500, srv: 2 * S + 500 });
    const parent = run(k, 'parent', 'a', [{ fork: { program: [{ listen: { port: 9000, bytes: 10 * MB } }, { print: 'child got it' }] } }, { sleep: '1ms' }, { send: { to: 'localhost:9000', bytes: 10 * MB } }, { wait: 'all' }]);
    const t = exits(k.advanceTo(10 * S));
    // The loopback link has the veth profile: 10 MB at 100 MB/s.
    expect(t['parent']).toBe(5 * S + 1000 + 100_000);
    expect(k.processes().filter((p) => p.ppid === parent).map((p) => p.output.map((l) => l.text))).toEqual([['child got it']]);
  });

  it('a name that does not resolve meets EAI_NONAME, visible to on-error', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    const a = run(k, 'a', 'a', [{ send: { to: 'nosuch:80', bytes: 1000 }, 'on-error': { EAI_NONAME: [{ print: 'no such name' }] } }]);
    expect(lines(k, a)).toEqual(['0 no such name']);
    expect(k.process(a).exit).toEqual({ code: 0 });
    const b = run(k, 'b', 'b', [{ send: { to: 'nosuch:80', bytes: 1000 } }]);
    expect(k.process(b).exit).toEqual({ code: 1 });
    expect(lines(k, b)).toEqual(['0 EAI_NONAME']);
  });

  it('no socket on the port: ECONNREFUSED after one round trip', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan(100 * MB, 100) });
    run(k, 'srv', 'srv', [{ sleep: '1s' }]);
    const a = run(k, 'a', 'a', [{ send: { to: 'srv:81', bytes: 1000 }, 'on-error': { ECONNREFUSED: [{ print: 'refused' }] } }]);
    k.advanceTo(S);
    // SYN over two veths of 100 µs, RST back: 400 µs.
    expect(lines(k, a)).toEqual(['400 refused']);
  });

  it('isolation between bridge networks drops the SYN: ETIMEDOUT after the connect timeout; an internal network has no route: ENETUNREACH', () => {
    const net = lan();
    net.createNetwork({ name: 'other', host: 'h1' });
    net.createNetwork({ name: 'sealed', host: 'h1', internal: true });
    net.createNamespace({ name: 'c', host: 'h1' });
    net.attach({ namespace: 'c', network: 'other' });
    net.createNamespace({ name: 'i', host: 'h1' });
    net.attach({ namespace: 'i', network: 'sealed' });
    const srvIp = net.namespace('srv').interfaces.find((f) => f.network === 'lan')!.address;
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: net });
    run(k, 'srv', 'srv', [{ listen: 80 }, { sleep: '200s' }]);
    const onError = { ETIMEDOUT: [{ print: 'timed out' }], ENETUNREACH: [{ print: 'unreachable' }] };
    const c = run(k, 'c', 'c', [{ send: { to: `${srvIp}:80`, bytes: 1000 }, 'on-error': onError }]);
    const i = run(k, 'i', 'i', [{ send: { to: `${srvIp}:80`, bytes: 1000 }, 'on-error': onError }]);
    const byName = run(k, 'c2', 'c', [{ send: { to: 'srv:80', bytes: 1000 }, 'on-error': { EAI_NONAME: [{ print: 'not on my networks' }] } }]);
    k.advanceTo(200 * S);
    expect(lines(k, c)).toEqual([`${CONNECT_TIMEOUT_US} timed out`]);
    expect(lines(k, i)).toEqual(['0 unreachable']);
    expect(lines(k, byName)).toEqual(['0 not on my networks']);
  });

  it('a NetworkPolicy deny drops the SYN: ETIMEDOUT, while the pod it admits gets through', () => {
    const pod = (name: string): PodInput => ({ metadata: { name, namespace: 'x', labels: { app: name } }, spec: { containers: [{ name: 'main', ports: [{ containerPort: 80 }] }] } });
    const onlyA = { apiVersion: 'networking.k8s.io/v1' as const, kind: 'NetworkPolicy' as const, metadata: { name: 'srv-from-a', namespace: 'x' }, spec: { podSelector: { matchLabels: { app: 'srv' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] } };
    const policy = createPolicyEngine({ namespaces: [{ metadata: { name: 'x' } }], pods: ['srv', 'a', 'b'].map(pod), policies: [onlyA] });
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan(100 * MB, 0, policy) });
    run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: MB } }, { print: 'got' }]);
    const a = run(k, 'a', 'a', [{ send: { to: 'srv:80', bytes: MB } }, { print: 'sent' }]);
    const b = run(k, 'b', 'b', [{ send: { to: 'srv:80', bytes: MB }, 'on-error': { ETIMEDOUT: [{ print: 'timed out' }] } }]);
    k.advanceTo(200 * S);
    expect(lines(k, a)).toEqual(['10000 sent']);
    expect(lines(k, b)).toEqual([`${CONNECT_TIMEOUT_US} timed out`]);
  });

  it('an outcome that comes while the process is stopped is met when it continues', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    const srv = run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: MB } }, { print: 'got' }]);
    const a = run(k, 'a', 'a', [{ send: { to: 'srv:81', bytes: MB }, 'on-error': { EHOSTUNREACH: [], ECONNREFUSED: [{ print: 'refused' }] } }, { send: { to: 'srv:80', bytes: MB } }]);
    expect(lines(k, a)).toEqual(['0 refused']);
    const c = run(k, 'c', 'b', [{ send: { to: '172.31.9.9:80', bytes: 1 }, 'on-error': { EHOSTUNREACH: [{ print: 'no host' }] } }]);
    k.kill(srv, 'SIGSTOP');
    k.kill(c, 'SIGSTOP');
    expect(exits(k.advanceTo(5 * S))).toEqual({ a: 10_000 }); // srv got a's bytes at 10 ms, stopped
    expect(k.process(srv).state).toBe('stopped');
    k.kill(srv, 'SIGCONT');
    k.kill(c, 'SIGCONT');
    expect(lines(k, srv)).toEqual([`${5 * S} got`]);
    expect(lines(k, c)).toEqual([`${5 * S} no host`]);
  });

  it('maps the reasons of reach to errnos: no route ENETUNREACH, nobody on the segment EHOSTUNREACH, any other drop ETIMEDOUT', () => {
    const net = lan();
    net.createNetwork({ name: 'sealed', host: 'h1', internal: true });
    net.createNamespace({ name: 'i', host: 'h1' });
    net.attach({ namespace: 'i', network: 'sealed' });
    expect(refusal(net.reach('i', 'srv', 80).reasons)).toBe('ENETUNREACH');
    expect(refusal(['route \'172.18.0.0/16 dev eth0\' of a is the longest prefix matching 172.18.0.9', 'no endpoint of network lan has 172.18.0.9: ...'])).toBe('EHOSTUNREACH');
    expect(refusal(['172.18.0.3 on network lan is b, not srv'])).toBe('EHOSTUNREACH');
    expect(refusal(['DOCKER-ISOLATION drops traffic from network a to network b'])).toBe('ETIMEDOUT');
  });

  it('icc off drops container-to-container traffic: ETIMEDOUT', () => {
    const net = createNetworkModel({ veth: { capacity: 100 * MB, latency: 0 } });
    net.addHost({ name: 'h1', address: '10.1.0.1', uplink: { capacity: 1_250_000_000, latency: 0 } });
    net.createNetwork({ name: 'quiet', host: 'h1', icc: false });
    for (const name of ['srv', 'a']) {
      net.createNamespace({ name, host: 'h1' });
      net.attach({ namespace: name, network: 'quiet' });
    }
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: net });
    run(k, 'srv', 'srv', [{ listen: 80 }, { sleep: '200s' }]);
    const a = run(k, 'a', 'a', [{ send: { to: 'srv:80', bytes: 1000 }, 'on-error': { ETIMEDOUT: [{ print: 'timed out' }] } }]);
    k.advanceTo(CONNECT_TIMEOUT_US - 1);
    expect(k.process(a).state).toBe('sleeping');
    k.advanceTo(CONNECT_TIMEOUT_US);
    expect(lines(k, a)).toEqual([`${CONNECT_TIMEOUT_US} timed out`]);
  });

  it('an address nobody holds: EHOSTUNREACH after the neighbour timeout', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    const a = run(k, 'a', 'a', [{ send: { to: '172.31.9.9:80', bytes: 1000 }, 'on-error': { EHOSTUNREACH: [{ print: 'no host' }] } }]);
    k.advanceTo(10 * S);
    expect(lines(k, a)).toEqual([`${NEIGHBOUR_TIMEOUT_US} no host`]);
  });

  it('a second socket on a port is EADDRINUSE; once its listener exits the port refuses, then may be listened on again', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    run(k, 'first', 'srv', [{ listen: 80 }, { sleep: '1s' }]);
    const second = run(k, 'second', 'srv', [{ listen: 80, 'on-error': { EADDRINUSE: [{ print: 'in use' }] } }]);
    expect(lines(k, second)).toEqual(['0 in use']);
    const a = run(k, 'a', 'a', [{ sleep: '2s' }, { send: { to: 'srv:80', bytes: 1000 }, 'on-error': { ECONNREFUSED: [{ print: 'refused' }] } }]);
    const third = run(k, 'third', 'srv', [{ sleep: '3s' }, { listen: { port: 80, bytes: 1000 } }, { print: 'got' }]);
    run(k, 'b', 'b', [{ sleep: '4s' }, { send: { to: 'srv:80', bytes: 1000 } }]);
    k.advanceTo(5 * S);
    expect(lines(k, a)).toEqual([`${2 * S} refused`]);
    expect(lines(k, third)).toEqual([`${4 * S + 10} got`]); // 1000 B at 10^8 B/s: 10 µs
  });

  it('a listener that exits mid-transfer resets the connection: ECONNRESET at the sender', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    const srv = run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: 100 * MB } }]);
    const a = run(k, 'a', 'a', [{ send: { to: 'srv:80', bytes: 100 * MB }, 'on-error': { ECONNRESET: [{ print: 'reset' }] } }]);
    k.advanceTo(S / 2);
    k.kill(srv, 'SIGKILL');
    k.advanceTo(S / 2);
    expect(lines(k, a)).toEqual([`${S / 2} reset`]);
  });

  it('a stopped sender keeps sending and goes on when continued; a handler runs while the transfer goes on', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: 200 * MB } }]);
    const a = run(k, 'a', 'a', [{ send: { to: 'srv:80', bytes: 100 * MB } }, { print: 'a done' }]);
    const b = run(k, 'b', 'b', [{ signal: { SIGUSR1: [{ print: 'usr1' }] } }, { send: { to: 'srv:80', bytes: 100 * MB } }, { print: 'b done' }]);
    k.kill(a, 'SIGSTOP');
    k.advanceTo(S);
    k.kill(b, 'SIGUSR1');
    const t = exits(k.advanceTo(3 * S));
    expect(t['srv']).toBe(2 * S); // both transfers ran at 50 MB/s, stopped or not
    expect(lines(k, b)).toEqual([`${S} usr1`, `${2 * S} b done`]);
    expect(k.process(a).state).toBe('stopped');
    k.kill(a, 'SIGCONT');
    expect(lines(k, a)).toEqual([`${3 * S} a done`]);
  });

  it('without a link to the network model: a send is ENETUNREACH, a listen goes on (nobody can reach it)', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const p = k.spawn({ name: 'p', program: parseProgram([{ listen: 80 }, { send: { to: 'srv:80', bytes: 1 }, 'on-error': { ENETUNREACH: [{ print: 'unreachable' }] } }]) });
    expect(lines(k, p)).toEqual(['0 unreachable']);
  });

  it('refuses a network that is not a namespace of the model, naming the field and creating nothing', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan() });
    const bad = () => run(k, 'x', 'nope', [{ sleep: '1s' }]);
    expect(bad).toThrow(ValidationError);
    expect(bad).toThrow(/network "nope"/);
    expect(k.processes()).toHaveLength(0);
    const noModel = createKernel({ cpus: 1, memory: 2 ** 30 });
    expect(() => run(noModel, 'x', 'srv', [])).toThrow(/no network model/);
  });

  it('is deterministic: the same programs give the same events and outputs', () => {
    const once = (): string => {
      const k = createKernel({ cpus: 2, memory: 2 ** 30, network: lan(80 * MB, 30) });
      run(k, 'srv', 'srv', [{ loop: { times: 5, do: [{ listen: { port: 80, bytes: 3 * MB } }, { print: 'chunk' }] } }]);
      run(k, 'a', 'a', [{ loop: { times: 5, do: [{ cpu: '3ms' }, { send: { to: 'srv:80', bytes: 2 * MB } }] } }]);
      run(k, 'b', 'b', [{ loop: { times: 5, do: [{ sleep: '1ms' }, { send: { to: 'srv:80', bytes: MB } }, { send: { to: 'srv:81', bytes: 1 }, 'on-error': { any: [] } }] } }]);
      const events = k.advanceTo(10 * S);
      return JSON.stringify({ events, processes: k.processes() });
    };
    const first = once();
    expect(first).toContain('chunk');
    expect(once()).toBe(first);
  });

  it('property: senders sharing a link are work-conserving and none beats the link; the listener wakes with the last byte', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 * MB }), { minLength: 1, maxLength: 6 }), fc.integer({ min: MB, max: 200 * MB }), (sizes, capacity) => {
        const k = createKernel({ cpus: 1, memory: 2 ** 30, network: lan(capacity) });
        const total = sizes.reduce((a, b) => a + b, 0);
        run(k, 'srv', 'srv', [{ listen: { port: 80, bytes: total } }]);
        sizes.forEach((bytes, i) => run(k, `s${i}`, i % 2 === 0 ? 'a' : 'b', [{ send: { to: 'srv:80', bytes } }]));
        const t = exits(k.advanceTo(1000 * S));
        const ideal = (total * S) / capacity;
        expect(t['srv']).toBeGreaterThanOrEqual(Math.ceil(ideal - 1e-6));
        // Each completion happens at a whole µs ("never early"), and the sender keeps its share of the
        // link until then: every earlier sender's end can leave up to 1 µs of the link unused, so the
        // last byte is at most one µs per sender past the ideal (a seed found 2 µs with 6 senders).
        expect(t['srv']).toBeLessThanOrEqual(Math.ceil(ideal) + sizes.length);
        sizes.forEach((bytes, i) => expect(t[`s${i}`]).toBeGreaterThanOrEqual(Math.floor((bytes * S) / capacity)));
        expect(Math.max(...sizes.map((_, i) => t[`s${i}`]!))).toBe(t['srv']);
      }),
      { numRuns: 60 },
    );
  });
});
