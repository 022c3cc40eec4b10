// Task handles (taskRef, wakeRef, blockRef) and completion handlers (onWorkDone), in both models:
// driving a scheduler through them must give exactly what ids and work_done events give.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, NotFoundError, ValidationError } from '@strata/shared-types';
import { createGroupScheduler, type GroupFidelity, type GroupScheduler } from '../src/index.js';

const FIDELITIES = ['exact', 'fluid'] as const;
const MS = 1000;
const HORIZON = 2_000 * MS;

type TaskRef = ReturnType<GroupScheduler['taskRef']>;

/** A closed-loop workload: each task runs bursts of `work` µs, sleeps `sleep` µs between them, `bursts` times. */
interface LoopTask {
  readonly group: number;
  readonly nice: number;
  readonly work: readonly number[];
  readonly sleep: number;
}

interface LoopCase {
  readonly cpus: number;
  readonly groups: readonly { readonly weight: number; readonly quota: number | null }[];
  readonly tasks: readonly LoopTask[];
}

const caseArb: fc.Arbitrary<LoopCase> = fc.record({
  cpus: fc.integer({ min: 1, max: 4 }),
  groups: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 1000 }), quota: fc.option(fc.integer({ min: 1000, max: 200_000 }), { nil: null }) }), { minLength: 1, maxLength: 4 }),
  tasks: fc.array(
    fc.record({
      group: fc.nat(),
      nice: fc.integer({ min: -20, max: 19 }),
      work: fc.array(fc.integer({ min: 1, max: 30 * MS }), { minLength: 1, maxLength: 6 }),
      sleep: fc.integer({ min: 0, max: 20 * MS }),
    }),
    { minLength: 1, maxLength: 8 },
  ),
});

/**
 * Run `c` to its end. `viaHandlers`: completions come to onWorkDone and wakes go through handles;
 * otherwise through advanceTo's events and ids. A task with sleep 0 wakes again at once (in its
 * handler, or right after advanceTo returns); others are woken by the driver at completion + sleep.
 * The driver steps from event to event up to HORIZON; `oneCall` (handlers, no sleeps) runs there in
 * one advanceTo, the handlers waking their tasks as it goes. Returns a trace of every completion, the other events and the final statistics.
 */
function runLoop(fidelity: GroupFidelity, c: LoopCase, viaHandlers: boolean, oneCall = false): string[] {
  const s = createGroupScheduler({ cpus: c.cpus, fidelity, tick: 1000 });
  const paths = c.groups.map((g, i) => {
    const path = `/g${i}`;
    s.addGroup(path, { weight: g.weight, quota: g.quota, period: 100 * MS });
    return path;
  });
  const trace: string[] = [];
  /** Other events (throttling): in handler mode they come after the instant's completions. */
  const others: string[] = [];
  const burst = c.tasks.map(() => 0);
  const refs: TaskRef[] = [];
  /** Pending wake-ups: [time, task]. */
  const wakes: [number, number][] = [];
  const nextBurst = (i: number): number | undefined => c.tasks[i]!.work[++burst[i]!];
  const finished = (i: number): void => {
    trace.push(`${s.now()} done t${i}.${burst[i]}`);
    const work = nextBurst(i);
    if (work === undefined) return;
    if (c.tasks[i]!.sleep > 0) wakes.push([s.now() + c.tasks[i]!.sleep, i]);
    else if (viaHandlers) s.wakeRef(refs[i]!, work);
    else s.wake(`t${i}`, work);
  };
  c.tasks.forEach((t, i) => {
    const group = paths[t.group % paths.length]!;
    s.addTask(`t${i}`, group, { nice: t.nice, work: t.work[0]!, ...(viaHandlers ? { onWorkDone: (ref: TaskRef) => (expect(ref).toBe(refs[i]), finished(i)) } : {}) });
    refs.push(s.taskRef(`t${i}`));
  });
  for (let steps = 0; !oneCall && steps < 10_000; steps++) {
    const tw = wakes.reduce((m, [t]) => Math.min(m, t), Infinity);
    const t = Math.min(s.nextEventTime(), tw);
    if (t > HORIZON) break;
    for (const e of s.advanceTo(t)) {
      if (e.type === 'task.work_done') finished(Number(e.task.slice(1)));
      else others.push(`${e.time} ${e.type} ${e.group}`);
    }
    // Due wake-ups in the order they were queued.
    for (let k = 0; k < wakes.length; ) {
      if (wakes[k]![0] !== t) {
        k++;
        continue;
      }
      const i = wakes.splice(k, 1)[0]![1];
      const work = c.tasks[i]!.work[burst[i]!]!;
      if (viaHandlers) s.wakeRef(refs[i]!, work);
      else s.wake(`t${i}`, work);
    }
  }
  for (const e of s.advanceTo(HORIZON)) others.push(`${e.time} ${e.type} ${e.type === 'task.work_done' ? e.task : e.group}`);
  trace.push(...others);
  trace.push(JSON.stringify(s.listTasks().map((id) => s.taskStats(id))));
  trace.push(JSON.stringify(s.listGroups().map((p) => s.groupStats(p))));
  return trace;
}

describe.each(FIDELITIES)('task handles and completion handlers (%s)', (fidelity) => {
  it('drive the model exactly as ids and work_done events do (property)', () => {
    let withCompletions = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const byEvents = runLoop(fidelity, c, false);
        if (byEvents.some((line) => line.includes(' done '))) withCompletions++;
        expect(runLoop(fidelity, c, true)).toEqual(byEvents);
      }),
      { numRuns: 60 },
    );
    // Not vacuous: most cases finish bursts (a tight quota may keep a few from finishing any).
    expect(withCompletions).toBeGreaterThan(30);
  });

  it('runs handlers at each instant inside one long advanceTo as stepping through the events does (property)', () => {
    fc.assert(
      fc.property(caseArb, (c0) => {
        const c = { ...c0, tasks: c0.tasks.map((t) => ({ ...t, sleep: 0 })) };
        expect(runLoop(fidelity, c, true, true)).toEqual(runLoop(fidelity, c, false));
      }),
      { numRuns: 60 },
    );
  });

  it('calls the handler at the finish time instead of reporting the event', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    const calls: [number, TaskRef][] = [];
    s.addTask('h', '/', { work: 3 * MS, onWorkDone: (ref) => calls.push([s.now(), ref]) });
    s.addTask('e', '/', { work: 5 * MS });
    expect(s.advanceTo(10 * MS)).toEqual([{ type: 'task.work_done', time: 5 * MS, task: 'e' }]);
    expect(calls).toEqual([[3 * MS, s.taskRef('h')]]);
    expect(s.taskStats('h')).toMatchObject({ state: 'blocked', cpuUsec: 3 * MS });
  });

  it('hands each task its tag, so one handler serves many tasks', () => {
    const s = createGroupScheduler({ cpus: 3, fidelity });
    const seen: [number, string, boolean][] = [];
    const handler = (ref: TaskRef, tag: { readonly name: string }): void => {
      seen.push([s.now(), tag.name, ref === s.taskRef(tag.name)]);
    };
    s.addTask('x', '/', { work: 2 * MS, onWorkDone: handler, tag: { name: 'x' } });
    s.addTask('y', '/', { work: 1 * MS, onWorkDone: handler, tag: { name: 'y' } });
    s.addTask('z', '/', { runnable: false, onWorkDone: (_ref, tag) => seen.push([s.now(), String(tag), false]) });
    s.wake('z', 3 * MS);
    expect(s.advanceTo(10 * MS)).toEqual([]);
    expect(seen).toEqual([
      [1 * MS, 'y', true],
      [2 * MS, 'x', true],
      [3 * MS, 'undefined', false],
    ]);
    // @ts-expect-error the tag's type is the handler's
    s.addTask('w', '/', { onWorkDone: handler, tag: 42 });
  });

  it('lets a handler issue commands at the finish instant', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    let left = 3;
    s.addTask('loop', '/', {
      work: 2 * MS,
      onWorkDone: (ref) => {
        if (--left > 0) s.wakeRef(ref, 2 * MS);
      },
    });
    expect(s.advanceTo(100 * MS)).toEqual([]);
    expect(left).toBe(0);
    expect(s.taskStats('loop')).toMatchObject({ state: 'blocked', cpuUsec: 6 * MS });
  });

  it('skips the handler of a task removed before its turn', () => {
    const s = createGroupScheduler({ cpus: 2, fidelity });
    const calls: string[] = [];
    s.addTask('a', '/', { work: 4 * MS, onWorkDone: () => (calls.push('a'), s.removeTask('b')) });
    s.addTask('b', '/', { work: 4 * MS, onWorkDone: () => calls.push('b') });
    s.advanceTo(10 * MS);
    expect(calls).toEqual(['a']);
    expect(s.listTasks()).toEqual(['a']);
  });

  it('wakeRef and blockRef keep the contract of wake and block', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    s.addGroup('/A');
    s.addTask('a', '/A', { runnable: false });
    const ref = s.taskRef('a');
    expect(s.taskRef('a')).toBe(ref);
    s.wakeRef(ref, 2 * MS);
    expect(() => s.wakeRef(ref)).toThrow(InvalidTransitionError);
    expect(s.taskStats('a').state).toBe('runnable');
    s.advanceTo(1 * MS);
    s.blockRef(ref);
    expect(() => s.blockRef(ref)).toThrow(InvalidTransitionError);
    expect(s.taskStats('a')).toMatchObject({ state: 'blocked', cpuUsec: 1 * MS });
    expect(() => s.wakeRef(ref, 0)).toThrow(ValidationError);
    expect(s.taskStats('a').state).toBe('blocked');
  });

  it('refuses a handle of a removed task (even after its id is reused) or of another scheduler', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    const other = createGroupScheduler({ cpus: 1, fidelity });
    s.addTask('a', '/', { runnable: false });
    other.addTask('a', '/', { runnable: false });
    const ref = s.taskRef('a');
    expect(() => other.wakeRef(ref)).toThrow(NotFoundError);
    s.removeTask('a');
    expect(() => s.wakeRef(ref)).toThrow(NotFoundError);
    s.addTask('a', '/', { runnable: false });
    expect(() => s.wakeRef(ref)).toThrow(NotFoundError);
    expect(() => s.blockRef(ref)).toThrow(NotFoundError);
    expect(() => s.taskRef('nope')).toThrow(NotFoundError);
    expect(() => s.wakeRef(null as unknown as TaskRef)).toThrow(NotFoundError);
    expect(s.taskStats('a').state).toBe('blocked');
  });

  it('rejects an onWorkDone that is not a function', () => {
    const s = createGroupScheduler({ cpus: 1, fidelity });
    expect(() => s.addTask('a', '/', { onWorkDone: 1 as unknown as () => void })).toThrow(ValidationError);
    expect(s.listTasks()).toEqual([]);
  });
});

describe('task handles', () => {
  it('are opaque: a string is not a handle', () => {
    const s = createGroupScheduler({ cpus: 1 });
    s.addTask('a', '/', { runnable: false });
    // @ts-expect-error a task id is not a TaskRef
    expect(() => s.wakeRef('a')).toThrow(NotFoundError);
  });
});
