// The kubelet's restarts: restartPolicy per exit code, CrashLoopBackOff's exact start times and its reset,
// terminated reasons (Completed, Error, OOMKilled), restartCount and the pod phase (getPhase).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PodRestartPolicy } from '@strata/shared-types';
import { crashLoopDecision, CRASH_LOOP_BACKOFF_INITIAL_US, CRASH_LOOP_BACKOFF_MAX_US, type BackoffEntry } from '../../src/pods/crash-loop-backoff.js';
import { podPhase } from '../../src/pods/pod-phase.js';
import { container, pods, stateOf, S, MiB } from './pod-fixture.js';

const exitAfter = (seconds: number, code: number) => [{ sleep: `${seconds}s` }, { exit: code }];

describe('CrashLoopBackOff', () => {
  it('the built-in crasher (exits 1 after 1 s): first restart at once, then after 10, 20, 40, 80, 160, 300, 300 s', () => {
    const m = pods();
    m.createPod({ name: 'crashy', containers: [{ name: 'c', image: 'crasher' }] });
    const events = m.advanceTo(1250 * S);
    const starts = events.filter((e) => e.type === 'pod.container.started' && e.attributes['restartCount'] !== '0').map((e) => e.time / S);
    const exits = events.filter((e) => e.type === 'pod.container.terminated').map((e) => e.time / S);
    // Each run lasts 1 s; the wait after an exit is the backoff.
    expect(starts).toEqual([1, 12, 33, 74, 155, 316, 617, 918, 1219]);
    expect(exits.slice(0, 9)).toEqual([1, 2, 13, 34, 75, 156, 317, 618, 919]);
    const waits = starts.map((s, i) => s - exits[i]!);
    expect(waits).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
    expect(events.filter((e) => e.type === 'pod.container.backoff').map((e) => Number(e.attributes['backoff']) / S)).toEqual([10, 20, 40, 80, 160, 300, 300, 300, 300]);
  });

  it('shows waiting/CrashLoopBackOff during the delay with lastState terminated, restartCount counting restarts done', () => {
    const m = pods();
    m.createPod({ name: 'crashy', containers: [{ name: 'c', image: 'crasher' }] });
    m.advanceTo(1 * S);
    let c = container(m, 'crashy', 'c');
    expect(stateOf(c)).toBe('running');
    expect(c.restartCount).toBe(1);
    expect(c.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error', startedAt: 0, finishedAt: 1 * S });
    m.advanceTo(5 * S);
    c = container(m, 'crashy', 'c');
    expect(c.state).toEqual({ waiting: { reason: 'CrashLoopBackOff' } });
    expect(c.retryAt).toBe(12 * S);
    expect(c.restartCount).toBe(1);
    expect(c.pid).toBe(0);
    expect(m.pod('crashy').phase).toBe('Running');
    m.advanceTo(12 * S);
    c = container(m, 'crashy', 'c');
    expect(stateOf(c)).toBe('running');
    expect(c.restartCount).toBe(2);
    expect(m.nextEventTime()).toBeLessThanOrEqual(13 * S);
  });

  it('resets after a run of more than 10 minutes (flowcontrol hasExpired: finishedAt − lastUpdate > 600 s); 600 s exactly does not', () => {
    const run = (seconds: number) => {
      const m = pods();
      m.createPod({ name: 'p', containers: [{ name: 'c', image: 'idle', command: exitAfter(seconds, 1) }] });
      const events = m.advanceTo(4 * seconds * S);
      const starts = events.filter((e) => e.type === 'pod.container.started' && e.attributes['restartCount'] !== '0').map((e) => e.time / S);
      const exits = events.filter((e) => e.type === 'pod.container.terminated').map((e) => e.time / S);
      return starts.map((s, i) => s - exits[i]!).slice(0, 3);
    };
    expect(run(601)).toEqual([0, 0, 0]);
    expect(run(600)).toEqual([0, 10, 20]);
    expect(run(599)).toEqual([0, 10, 20]);
  });

  it('a reset starts the doubling over: crashes, one long run, then 10 s again', () => {
    // A program cannot see its attempt number, so runs of different lengths are driven through the rule itself.
    let entry: BackoffEntry | null = null;
    let now = 0;
    const waits: number[] = [];
    for (const runS of [1, 1, 1, 1, 700, 1, 1]) {
      const finishedAt = now + runS * S;
      let d = crashLoopDecision(entry, finishedAt, finishedAt);
      if (!d.restart) {
        waits.push((d.retryAt - finishedAt) / S);
        d = crashLoopDecision(entry, finishedAt, d.retryAt);
        now = finishedAt + waits[waits.length - 1]! * S;
      } else {
        waits.push(0);
        now = finishedAt;
      }
      if (!d.restart) throw new Error('no restart after the wait');
      entry = d.next;
    }
    expect(waits).toEqual([0, 10, 20, 40, 0, 10, 20]);
  });

  it('property: waits follow the model (first and after a > 600 s run: 0; else 10 s doubling to 300 s)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 30 }), (runs) => {
        let entry: BackoffEntry | null = null;
        let now = 0;
        let next: number | null = null;
        for (const runS of runs) {
          const finishedAt = now + runS * S;
          const expected: number = next === null || runS * S > 2 * CRASH_LOOP_BACKOFF_MAX_US ? 0 : next;
          next = expected === 0 ? CRASH_LOOP_BACKOFF_INITIAL_US : Math.min(2 * expected, CRASH_LOOP_BACKOFF_MAX_US);
          const first = crashLoopDecision(entry, finishedAt, finishedAt);
          const wait = first.restart ? 0 : first.retryAt - finishedAt;
          expect(wait).toBe(expected);
          const d: ReturnType<typeof crashLoopDecision> = first.restart ? first : crashLoopDecision(entry, finishedAt, first.retryAt);
          if (!d.restart) return false;
          // Asked again before the retry time it must still wait.
          if (!first.restart) expect(crashLoopDecision(entry, finishedAt, first.retryAt - 1).restart).toBe(false);
          entry = d.next;
          now = finishedAt + wait;
        }
        return true;
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });
});

describe('restartPolicy × exit code', () => {
  const table: [PodRestartPolicy, number, { restarts: number; phase: string; state: string; reason?: string }][] = [
    ['Always', 0, { restarts: 1, phase: 'Running', state: 'running' }],
    ['Always', 1, { restarts: 1, phase: 'Running', state: 'running' }],
    ['OnFailure', 0, { restarts: 0, phase: 'Succeeded', state: 'terminated', reason: 'Completed' }],
    ['OnFailure', 1, { restarts: 1, phase: 'Running', state: 'running' }],
    ['Never', 0, { restarts: 0, phase: 'Succeeded', state: 'terminated', reason: 'Completed' }],
    ['Never', 1, { restarts: 0, phase: 'Failed', state: 'terminated', reason: 'Error' }],
  ];
  for (const [policy, code, want] of table) {
    it(`${policy}, exit ${code} → ${want.restarts > 0 ? 'restarted' : `terminated ${want.reason}`}, phase ${want.phase}`, () => {
      const m = pods();
      m.createPod({ name: 'job', restartPolicy: policy, containers: [{ name: 'c', image: 'batch', command: exitAfter(2, code) }] });
      m.advanceTo(3 * S);
      const c = container(m, 'job', 'c');
      expect(c.restartCount).toBe(want.restarts);
      expect(stateOf(c)).toBe(want.state);
      if (want.reason !== undefined && 'terminated' in c.state) expect(c.state.terminated).toMatchObject({ exitCode: code, reason: want.reason, startedAt: 0, finishedAt: 2 * S });
      if (want.restarts > 0) expect(c.lastState?.terminated.exitCode).toBe(code);
      expect(m.pod('job').phase).toBe(want.phase);
      // Nothing more happens to a finished pod.
      if (want.restarts === 0) {
        m.advanceTo(1000 * S);
        expect(container(m, 'job', 'c').restartCount).toBe(0);
      }
    });
  }

  it('OnFailure: a pod of one succeeded and one restarting container is Running until the failing one succeeds', () => {
    expect(podPhase('OnFailure', [{ state: 'terminated', exitCode: 0, hasLastTermination: false }, { state: 'waiting', hasLastTermination: true }])).toBe('Running');
    expect(podPhase('Never', [{ state: 'terminated', exitCode: 0, hasLastTermination: false }, { state: 'terminated', exitCode: 2, hasLastTermination: false }])).toBe('Failed');
    expect(podPhase('Always', [{ state: 'waiting', hasLastTermination: false }])).toBe('Pending');
    expect(podPhase('Always', [{ state: 'terminated', exitCode: 0, hasLastTermination: false }])).toBe('Running');
  });
});

describe('OOMKilled', () => {
  it('a container past its memory limit ends terminated OOMKilled with 137; Never → phase Failed', () => {
    const m = pods();
    m.createPod({ name: 'hog', restartPolicy: 'Never', containers: [{ name: 'm', image: 'memhog', resources: { limits: { memory: '64Mi' } } }] });
    m.advanceTo(5 * S);
    const c = container(m, 'hog', 'm');
    expect(c.state).toMatchObject({ terminated: { exitCode: 137, reason: 'OOMKilled' } });
    expect(m.pod('hog').phase).toBe('Failed');
  });

  it('with Always it is restarted and lastState says OOMKilled', () => {
    const m = pods();
    m.createPod({ name: 'hog', containers: [{ name: 'm', image: 'memhog', resources: { limits: { memory: `${64 * MiB}` } } }] });
    m.advanceTo(5 * S);
    const c = container(m, 'hog', 'm');
    expect(c.restartCount).toBeGreaterThanOrEqual(1);
    expect(c.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });
});
