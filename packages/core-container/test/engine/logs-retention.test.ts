// A container restarting for long holds no kernel memory per run: the engine keeps each exited
// init's log lines and exit, and the kernel forgets the record (Kernel.forget).
import { describe, expect, it } from 'vitest';
import { parseProgram } from '@strata/shared-types';
import { createKernel } from '../../src/index.js';
import { rig, S, thrown } from './engine-fixture.js';

describe('exited inits', () => {
  it('docker logs keeps every run\'s lines while the kernel keeps no record of the old inits', () => {
    const { engine } = rig();
    engine.run({ image: 'crasher', name: 'cl', restart: 'always' });
    const events = engine.advanceTo(3 * S);
    const starts = events.filter((e) => e.action === 'start').length;
    expect(starts).toBeGreaterThanOrEqual(4);
    // The crasher prints one line per run and exits at once: one line for every start.
    expect(engine.logs('cl').filter((l) => l.text === 'boom')).toHaveLength(starts);
    expect(engine.kernel.processes().filter((p) => p.exit !== null)).toEqual([]);
    expect(engine.kernel.processesNotKept()).toBe(starts);
  });
});

describe('Kernel.forget', () => {
  it('drops a reaped process; a live or unknown one is refused', () => {
    const k = createKernel({ cpus: 1, memory: 2 ** 30 });
    const a = k.spawn({ name: 'a', program: parseProgram([{ exit: 3 }]) });
    const b = k.spawn({ name: 'b', program: parseProgram([{ sleep: '10s' }]) });
    k.advanceTo(1);
    expect(k.process(a).exit).toEqual({ code: 3 });
    expect(thrown(() => k.forget(b)).code).toBe('E_NOT_FOUND');
    expect(k.process(b).exit).toBeNull();
    k.forget(a);
    expect(thrown(() => k.process(a)).code).toBe('E_NOT_FOUND');
    expect(k.processes().map((p) => p.name)).toEqual(['b']);
    expect(k.processesNotKept()).toBe(1);
    expect(thrown(() => k.forget(a)).code).toBe('E_NOT_FOUND');
    expect(thrown(() => k.forget(999)).code).toBe('E_NOT_FOUND');
  });
});
