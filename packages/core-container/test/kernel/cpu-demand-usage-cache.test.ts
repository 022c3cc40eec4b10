// The demand mirror remembers a blocked task's CPU time (it cannot grow until the task wakes): under
// random wake-ups with work, blocks, moves, demand caps, quotas and capacity changes, every read
// through the mirror (by id or by slot) equals the inner scheduler's own answer, in both fidelities.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGroupScheduler } from '@strata/core-scheduler';
import { DemandScheduler, type TaskSlot } from '../../src/kernel/cpu-demand.js';

const TASKS = 5;
const GROUPS = ['/a', '/b'];

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('wake' as const), task: fc.nat(TASKS - 1), work: fc.option(fc.integer({ min: 1, max: 30_000 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('block' as const), task: fc.nat(TASKS - 1) }),
  fc.record({ kind: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 40_000 }) }),
  fc.record({ kind: fc.constant('move' as const), task: fc.nat(TASKS - 1), group: fc.constantFrom(...GROUPS) }),
  fc.record({ kind: fc.constant('demand' as const), task: fc.nat(TASKS - 1), demand: fc.constantFrom(0.25, 0.5, 1) }),
  fc.record({ kind: fc.constant('quota' as const), group: fc.constantFrom(...GROUPS), quota: fc.option(fc.integer({ min: 5_000, max: 150_000 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('capacity' as const), cpu: fc.nat(1), capacity: fc.constantFrom(0, 0.5, 1) }),
  fc.record({ kind: fc.constant('read' as const), task: fc.nat(TASKS - 1) }),
);

describe.each(['fluid', 'exact'] as const)('a blocked task\'s remembered CPU time (%s)', (fidelity) => {
  it('every read through the mirror equals the inner scheduler\'s', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const inner = createGroupScheduler({ cpus: 2, fidelity, tick: 4_000 });
        const mirror = new DemandScheduler(inner);
        for (const g of GROUPS) mirror.addGroup(g, {});
        const slots: TaskSlot[] = [];
        for (let i = 0; i < TASKS; i++) {
          const slot: TaskSlot = { dGroup: null, dRunnable: false, dDemand: 1, dInner: null, dDone: undefined, dTag: undefined, dCpu: -1 };
          mirror.addTaskInto(`t${i}`, GROUPS[i % 2]!, { runnable: false, onWorkDone: () => undefined }, slot);
          slots.push(slot);
        }
        const refs = slots.map((_, i) => mirror.taskRef(`t${i}`));
        const check = (): void => {
          for (let i = 0; i < TASKS; i++) {
            const expected = inner.taskCpuUsec(`t${i}`);
            expect(mirror.taskCpuUsec(`t${i}`)).toBe(expected);
            expect(mirror.slotCpuUsec(slots[i]!, `t${i}`)).toBe(expected);
            expect(mirror.slotOf(`t${i}`)).toBe(slots[i]);
          }
        };
        for (const op of ops) {
          switch (op.kind) {
            case 'wake':
              if (!slots[op.task]!.dRunnable) mirror.wakeRef(refs[op.task]!, op.work);
              break;
            case 'block':
              if (slots[op.task]!.dRunnable) mirror.blockRef(refs[op.task]!);
              break;
            case 'advance':
              mirror.advanceTo(mirror.now() + op.by);
              break;
            case 'move':
              mirror.moveTask(`t${op.task}`, op.group);
              break;
            case 'demand':
              mirror.setTaskDemand(`t${op.task}`, op.demand);
              break;
            case 'quota':
              mirror.setGroupLimits(op.group, op.quota === undefined ? { quota: null } : { quota: op.quota, period: 100_000 });
              break;
            case 'capacity':
              mirror.setCpuCapacity(op.cpu, op.capacity);
              break;
            case 'read':
              expect(mirror.taskCpuUsec(`t${op.task}`)).toBe(inner.taskCpuUsec(`t${op.task}`));
              break;
          }
          check();
        }
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });
});

describe('slotOf', () => {
  it('gives the mirror addTask made (the same object every time), and refuses an unknown task', () => {
    const mirror = new DemandScheduler(createGroupScheduler({ cpus: 1, fidelity: 'fluid' }));
    mirror.addTask('a', '/', { runnable: false });
    expect(mirror.slotOf('a')).toBe(mirror.slotOf('a'));
    expect(mirror.slotCpuUsec(mirror.slotOf('a'), 'a')).toBe(0);
    expect(() => mirror.slotOf('nope')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });
});
