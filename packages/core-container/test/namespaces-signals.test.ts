// Signals to a namespace's init (kernel/signal.c SIGNAL_UNKILLABLE): only what init handles gets in
// from inside; from an ancestor namespace (or the kernel) SIGKILL and SIGSTOP are forced too.
import { describe, expect, it } from 'vitest';
import { createNamespaceModel, initSignalDecision, type SignalDisposition, type SignalOrigin } from '../src/index.ts';

describe('signals to init', () => {
  const decide = (signal: 'SIGTERM' | 'SIGKILL' | 'SIGSTOP' | 'SIGINT' | 'SIGCONT', disposition: SignalDisposition, origin: SignalOrigin, globalInit = false) =>
    initSignalDecision({ signal, disposition, origin, globalInit }).deliver;

  it('a handler-less PID 1 ignores SIGTERM from inside and from the host (docker stop waits out its timeout)', () => {
    expect(decide('SIGTERM', 'default', 'same-namespace')).toBe(false);
    expect(decide('SIGTERM', 'default', 'ancestor-namespace')).toBe(false);
    expect(initSignalDecision({ signal: 'SIGTERM', disposition: 'default', origin: 'ancestor-namespace', globalInit: false }).reason).toBe(
      'init has no handler for SIGTERM: a signal from an ancestor namespace with the default action is dropped',
    );
  });

  it('SIGKILL and SIGSTOP from the host (or the kernel) are forced; from inside they are dropped', () => {
    expect(decide('SIGKILL', 'default', 'ancestor-namespace')).toBe(true);
    expect(decide('SIGSTOP', 'default', 'ancestor-namespace')).toBe(true);
    expect(decide('SIGKILL', 'default', 'kernel')).toBe(true);
    expect(decide('SIGKILL', 'default', 'same-namespace')).toBe(false);
    expect(decide('SIGSTOP', 'default', 'same-namespace')).toBe(false);
  });

  it('a signal init handles is delivered from anywhere; one it ignores from nowhere', () => {
    for (const origin of ['same-namespace', 'ancestor-namespace', 'kernel'] as const) {
      expect(decide('SIGTERM', 'handler', origin)).toBe(true);
      expect(decide('SIGINT', 'ignore', origin)).toBe(false);
    }
  });

  it('the initial namespace\'s init never gets SIGKILL or SIGSTOP', () => {
    expect(decide('SIGKILL', 'default', 'kernel', true)).toBe(false);
    expect(decide('SIGSTOP', 'default', 'ancestor-namespace', true)).toBe(false);
    expect(decide('SIGTERM', 'handler', 'same-namespace', true)).toBe(true);
  });

  it('SIGCONT resumes a stopped init even when dropped', () => {
    expect(initSignalDecision({ signal: 'SIGCONT', disposition: 'default', origin: 'same-namespace', globalInit: false })).toMatchObject({ deliver: false, resumes: true });
  });

  it('refuses a handler or SIG_IGN for SIGKILL', () => {
    expect(() => initSignalDecision({ signal: 'SIGKILL', disposition: 'handler', origin: 'kernel', globalInit: false })).toThrow(/cannot be caught or ignored/);
  });

  it('the model tells where a signal comes from and who is an init', () => {
    const ns = createNamespaceModel();
    ns.spawnInit();
    const c = ns.clone(1, { flags: ['CLONE_NEWPID'] });
    if (!c.ok) throw new Error(c.reason);
    const worker = ns.clone(c.value.pid);
    if (!worker.ok) throw new Error(worker.reason);
    expect(ns.isNamespaceInit(c.value.pid)).toBe(true);
    expect(ns.isNamespaceInit(1)).toBe(true);
    expect(ns.isNamespaceInit(worker.value.pid)).toBe(false);
    expect(ns.signalOrigin(worker.value.pid, c.value.pid)).toBe('same-namespace');
    expect(ns.signalOrigin(1, c.value.pid)).toBe('ancestor-namespace');
    // `docker stop` then `docker kill` against a handler-less container init:
    const origin = ns.signalOrigin(1, c.value.pid);
    expect(initSignalDecision({ signal: 'SIGTERM', disposition: 'default', origin, globalInit: false }).deliver).toBe(false);
    expect(initSignalDecision({ signal: 'SIGKILL', disposition: 'default', origin, globalInit: false }).deliver).toBe(true);
  });
});
