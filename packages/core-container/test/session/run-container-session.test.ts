// runContainerSession end to end: Docker's behaviours reached through the session file (restart
// backoff, OOM kill, stop timeout, pause/exec/stats), refusals recorded with Docker's texts while
// the session goes on, `docker wait` timing, the budget, progress and determinism.
import { parseContainerSession, type ContainerSessionInput } from '@strata/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUTPUT_ROW_COST_STEPS, START_COST_STEPS, runContainerSession, type ContainerCommandOutcome, type ContainerSessionResult } from '../../src/index.js';

const S = 1_000_000;
const MS = 1_000;

function run(doc: Omit<ContainerSessionInput, 'duration'> & { duration: string }, control = {}): ContainerSessionResult {
  return runContainerSession(parseContainerSession(doc), control);
}

const events = (r: ContainerSessionResult, name: string, ...actions: string[]) => r.events.filter((e) => e.attributes['name'] === name && (actions.length === 0 || actions.includes(e.action)));
const ok = (o: ContainerCommandOutcome | undefined) => {
  if (o?.status !== 'ok') throw new Error(`expected an ok outcome, got ${JSON.stringify(o)}`);
  return o.output;
};
const inspectOf = (r: ContainerSessionResult, name: string) => r.inspect.find((i) => i.Name === `/${name}`)!;

describe('runContainerSession: Docker behaviours', () => {
  it('restarts a crasher with on-failure:3 after 100, 200 and 400 ms, then leaves it exited (1) with RestartCount 3', () => {
    const r = run({ duration: '20s', commands: [{ at: '0s', run: { image: 'crasher', name: 'c1', restart: 'on-failure:3' } }] });
    const dies = events(r, 'c1', 'die').map((e) => e.time);
    const starts = events(r, 'c1', 'start').map((e) => e.time);
    expect(dies).toHaveLength(4);
    expect(starts).toHaveLength(4);
    expect(starts.slice(1).map((t, i) => t - dies[i]!)).toEqual([100 * MS, 200 * MS, 400 * MS]);
    for (const e of events(r, 'c1', 'die')) expect(e.attributes['exitCode']).toBe('1');
    expect(inspectOf(r, 'c1')).toMatchObject({ RestartCount: 3, State: { Status: 'exited', ExitCode: 1, Running: false } });
    expect(r.ps[0]).toMatchObject({ name: 'c1', status: 'exited', statusText: `Exited (1) ${Math.trunc((20 * S - dies[3]!) / S)} seconds ago` });
  });

  it('OOM-kills memhog at its 64m limit: oom then die exitCode=137, OOMKilled true; docker wait returns 137 at the death', () => {
    const r = run({ duration: '5s', commands: [{ at: '0s', run: { image: 'memhog', name: 'hog', memory: '64m' } }, { at: '0s', wait: 'hog' }] });
    const [oom, die] = events(r, 'hog', 'oom', 'die');
    expect(oom?.action).toBe('oom');
    expect(die).toMatchObject({ action: 'die', attributes: { exitCode: '137' } });
    expect(die!.time).toBe(oom!.time);
    expect(inspectOf(r, 'hog').State).toMatchObject({ Status: 'exited', OOMKilled: true, ExitCode: 137, FinishedAt: die!.time });
    expect(ok(r.outcomes[1])).toEqual({ type: 'wait', condition: 'not-running', statusCode: 137, at: die!.time });
  });

  it('stop of a handler-less PID 1 takes the full timeout: SIGTERM, then SIGKILL 10 s later (137); -t 2 takes 2 s', () => {
    const r = run({
      duration: '20s',
      commands: [
        { at: '0s', run: { image: 'idle', name: 'i1' } },
        { at: '0s', run: { image: 'idle', name: 'i2' } },
        { at: '1s', stop: 'i1' },
        { at: '1s', stop: { container: 'i2', time: 2 } },
      ],
    });
    const seq = (name: string) => events(r, name, 'kill', 'die', 'stop').map((e) => [e.time, e.action, e.attributes['signal'] ?? e.attributes['exitCode'] ?? '']);
    expect(seq('i1')).toEqual([[1 * S, 'kill', '15'], [11 * S, 'kill', '9'], [11 * S, 'die', '137'], [11 * S, 'stop', '']]);
    expect(seq('i2')).toEqual([[1 * S, 'kill', '15'], [3 * S, 'kill', '9'], [3 * S, 'die', '137'], [3 * S, 'stop', '']]);
    expect(ok(r.outcomes[2])).toEqual({ type: 'ack', container: 'i1' });
  });

  it('pause freezes, exec on a paused container is refused, unpause resumes; exec, stats and top report', () => {
    const r = run({
      duration: '6s',
      commands: [
        { at: '0s', run: { image: 'batch', name: 'b1', command: 'long' } },
        { at: '1s', pause: 'b1' },
        { at: '1s', exec: { container: 'b1', command: [{ print: 'hi' }] } },
        { at: '2s', stats: 'b1' },
        { at: '3s', unpause: 'b1' },
        { at: '3s', exec: { container: 'b1', command: [{ sleep: '1s' }, { exit: 3 }] } },
        { at: '3s', top: 'b1' },
        { at: '5s', stats: 'b1' },
      ],
    });
    expect(events(r, 'b1', 'pause', 'unpause').map((e) => [e.time, e.action])).toEqual([[1 * S, 'pause'], [3 * S, 'unpause']]);
    const refused = r.outcomes[2]!;
    expect(refused.status === 'error' && refused.error).toEqual({ message: `Error response from daemon: Container ${inspectOf(r, 'b1').Id} is paused, unpause the container before exec`, code: 'E_INVALID_TRANSITION', httpStatus: 409 });
    // Frozen from 1 s to 2 s: 1 s of CPU over the 2 s since the start: 50% of one CPU.
    const paused = ok(r.outcomes[3]);
    expect(paused.type === 'stats' && paused.stats.cpuPercent).toBeCloseTo(50, 5);
    const exec = ok(r.outcomes[5]);
    expect(exec).toMatchObject({ type: 'exec', pid: expect.any(Number) as number });
    const execId = exec.type === 'exec' ? exec.execId : '';
    expect(events(r, 'b1', 'exec_die')).toEqual([expect.objectContaining({ time: 4 * S, attributes: expect.objectContaining({ execID: execId, exitCode: '3' }) as object })]);
    const top = ok(r.outcomes[6]);
    expect(top.type === 'top' && top.processes.map((p) => [p.uid, p.stat])).toEqual([[0, 'R'], [0, 'S']]);
    // From the last sample at 2 s to 5 s: frozen until 3 s, then 2 s of CPU: 2 s over 3 s, 66.67%.
    const busy = ok(r.outcomes[7]);
    expect(busy.type === 'stats' && busy.stats.cpuPercent).toBeCloseTo(200 / 3, 5);
  });
});

describe('runContainerSession: refusals are outcomes and the session goes on', () => {
  it('records Docker\'s errors with their codes and runs the commands after them', () => {
    const r = run({
      duration: '5s',
      commands: [
        { at: '0s', stop: 'nosuch' },
        { at: '0s', run: { image: 'nosuch', name: 'x1' } },
        { at: '0s', run: { image: 'idle', name: 'i1' } },
        { at: '1s', rm: 'i1' },
        { at: '1s', run: { image: 'idle', name: 'i1' } },
        { at: '1s', start: 'i1' },
        { at: '2s', rm: { container: 'i1', force: true } },
        { at: '2s', logs: 'i1' },
      ],
    });
    const id = r.events.find((e) => e.action === 'create')!.id;
    const errors = r.outcomes.map((o) => (o.status === 'error' ? [o.command, o.error.message, o.error.code, o.error.httpStatus] : [o.command, o.output.type]));
    expect(errors).toEqual([
      ['stop', 'Error response from daemon: No such container: nosuch', 'E_NOT_FOUND', 404],
      ['run', "Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", 'E_NOT_FOUND', 404],
      ['run', 'id'],
      ['rm', 'Error response from daemon: cannot remove container "i1": container is running: stop the container before removing or force remove', 'E_INVALID_TRANSITION', 409],
      ['run', `Error response from daemon: Conflict. The container name "/i1" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`, 'E_CONFLICT', 409],
      ['start', 'ack'],
      ['rm', 'ack'],
      ['logs', 'Error response from daemon: No such container: i1', 'E_NOT_FOUND', 404],
    ]);
    // 304: the docker CLI reports success.
    expect(ok(r.outcomes[5])).toEqual({ type: 'ack', container: 'i1', notModified: 'container is already running' });
    // The refused rm changed nothing: i1 ran until the forced rm.
    expect(events(r, 'i1').map((e) => [e.time, e.action])).toEqual([[0, 'create'], [0, 'start'], [2 * S, 'kill'], [2 * S, 'die'], [2 * S, 'destroy']]);
    expect(r.ps).toEqual([]);
    expect(r.inspect).toEqual([]);
  });

  it('runs the session\'s own images over the built-ins, and their named programs', () => {
    const r = run({
      duration: '3s',
      images: [{ name: 'myapp', tag: 'v1', cmd: [{ print: 'v1 up' }, { sleep: '1s' }, { exit: 4 }], programs: { hello: [{ print: 'hello' }] }, layers: ['5M'] }],
      commands: [
        { at: '0s', run: { image: 'myapp:v1', name: 'a1' } },
        { at: '0s', run: { image: 'myapp', name: 'b1' } },
        { at: '0s', run: { image: 'myapp:v1', name: 'c1', command: 'hello' } },
        { at: '2s', logs: 'a1' },
      ],
    });
    expect(r.outcomes[1]!.status).toBe('error');
    expect(inspectOf(r, 'a1').State).toMatchObject({ ExitCode: 4, FinishedAt: 1 * S });
    const logs = ok(r.outcomes[3]);
    expect(logs.type === 'logs' && logs.lines.map((l) => l.text)).toEqual(['v1 up']);
    expect(inspectOf(r, 'c1').State.ExitCode).toBe(0);
  });

  it('docker wait: next-exit waits for the coming exit, removed for the rm, and one never met stays null', () => {
    const r = run({
      duration: '15s',
      commands: [
        { at: '0s', run: { image: 'idle', name: 'i1' } },
        { at: '0s', run: { image: 'idle', name: 'i2' } },
        { at: '0s', wait: { container: 'i1', condition: 'next-exit' } },
        { at: '0s', wait: { container: 'i1', condition: 'removed' } },
        { at: '0s', wait: 'i2' },
        { at: '1500ms', kill: 'i1' },
        { at: '4s', rm: 'i1' },
      ],
    });
    expect(ok(r.outcomes[2])).toEqual({ type: 'wait', condition: 'next-exit', statusCode: 137, at: 1_500_000 });
    expect(ok(r.outcomes[3])).toEqual({ type: 'wait', condition: 'removed', statusCode: 137, at: 4 * S });
    expect(ok(r.outcomes[4])).toEqual({ type: 'wait', condition: 'not-running', statusCode: null, at: null });
  });

  it('reports ps (running only, or -a), every container at the end, and the outcome indexes in file order', () => {
    const r = run({
      duration: '3s',
      commands: [
        { at: '0s', create: { image: 'web', name: 'created' } },
        { at: '0s', run: { image: 'web', name: 'up', publish: ['8080:80'] } },
        { at: '1s', ps: null },
        { at: '1s', ps: { all: true } },
        { at: '2s', rename: { container: 'up', name: 'renamed' } },
      ],
    });
    expect(r.outcomes.map((o) => o.index)).toEqual([0, 1, 2, 3, 4]);
    const running = ok(r.outcomes[2]);
    expect(running.type === 'ps' && running.rows.map((x) => [x.name, x.statusText, x.ports])).toEqual([['up', 'Up 1 second', '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp']]);
    const all = ok(r.outcomes[3]);
    expect(all.type === 'ps' && all.rows.map((x) => x.name)).toEqual(['up', 'created']);
    expect(ok(r.outcomes[4])).toEqual({ type: 'none' });
    expect(r.ps.map((x) => [x.name, x.status])).toEqual([['renamed', 'running'], ['created', 'created']]);
    expect(r.inspect.map((i) => i.Name)).toEqual(['/renamed', '/created']);
    expect(inspectOf(r, 'renamed').NetworkSettings.Networks['bridge']!.IPAddress).toMatch(/^172\.17\.0\.\d+$/);
  });
});

describe('runContainerSession: budget, progress, determinism', () => {
  it('stops a run past its step budget with E_LIMIT_EXCEEDED (limit maxSteps)', () => {
    const spin = { duration: '100h', images: [{ name: 'spin', cmd: [{ loop: { times: 'forever', do: [{ print: 'tick' }, { sleep: '1us' }] } }], layers: ['1M'] }], commands: [{ at: '0s', run: { image: 'spin' } }] };
    let error: unknown;
    try {
      run(spin, { maxSteps: 1000 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_LIMIT_EXCEEDED', details: { limit: 'maxSteps', value: 1000 } });
  });

  it('charges each container start START_COST_STEPS: a restart loop over 100 years stops at the budget, not after millions of restarts', () => {
    const loop = { duration: '876600h', commands: [{ at: '0s', run: { image: 'crasher', restart: 'always' } }] };
    expect(() => run(loop, { maxSteps: 100 * START_COST_STEPS })).toThrow(/more than 100000 program steps \(a container start or exec counts 1000, an advance of the kernel 100, a row of output 10\)/);
  });

  it('charges output rows: 2,000 ps -a of 50 containers, or 300 inspects, stop at the budget', () => {
    const commands = [
      ...Array.from({ length: 50 }, (_, i) => ({ at: '0s', create: { image: 'idle', name: `c${i}` } })),
      ...Array.from({ length: 2000 }, () => ({ at: '1s', ps: { all: true } })),
    ];
    expect(() => run({ duration: '2s', commands }, { maxSteps: 100 * 50 * OUTPUT_ROW_COST_STEPS })).toThrow(/a row of output 10\)/);
    expect(run({ duration: '2s', commands: commands.slice(0, 60) }, { maxSteps: 100 * 50 * OUTPUT_ROW_COST_STEPS }).outcomes).toHaveLength(60);
    // An inspect prints about 60 lines: it counts 50 rows (and more for a large program).
    const inspects = [{ at: '0s', create: { image: 'idle', name: 'c0' } }, ...Array.from({ length: 300 }, () => ({ at: '1s', inspect: 'c0' }))];
    expect(() => run({ duration: '2s', commands: inspects }, { maxSteps: 200 * 50 * OUTPUT_ROW_COST_STEPS })).toThrow(/a row of output 10\)/);
    expect(run({ duration: '2s', commands: inspects.slice(0, 150) }, { maxSteps: 200 * 50 * OUTPUT_ROW_COST_STEPS }).outcomes).toHaveLength(150);
  });

  it('docker wait (not-running) on a restarting container returns at its last death, across the run\'s time slices', () => {
    const r = run({ duration: '100s', commands: [{ at: '0s', run: { image: 'crasher', name: 'c1', restart: 'on-failure:2' } }, { at: '0s', wait: 'c1' }] });
    const dies = events(r, 'c1', 'die').map((e) => e.time);
    expect(dies).toHaveLength(3);
    expect(ok(r.outcomes[1])).toEqual({ type: 'wait', condition: 'not-running', statusCode: 1, at: dies[2] });
  });

  it('reports progress up to 1, increasing', () => {
    const seen: number[] = [];
    run({ duration: '10s', commands: [{ at: '0s', run: { image: 'web' } }, { at: '5s', stats: 'web' }] }, { onProgress: (f: number) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it('is deterministic: the same session and seed give the same result; another seed other ids', () => {
    const doc = (seed: number) => ({ host: { seed }, duration: '8s', commands: [{ at: '0s', run: { image: 'crasher', restart: 'always' } }, { at: '0s', run: { image: 'web', name: 'w1' } }, { at: '3s', stats: 'w1' }, { at: '4s', exec: { container: 'w1', command: [{ exit: 0 }] } }] });
    const a = JSON.stringify(run(doc(1)));
    expect(JSON.stringify(run(doc(1)))).toBe(a);
    const other = run(doc(2));
    expect(JSON.stringify(other)).not.toBe(a);
    expect(other.events.length).toBe((JSON.parse(a) as ContainerSessionResult).events.length);
  });

  it('any sequence of commands on a few names ends in a result: every command gets an outcome, none throws', () => {
    const name = fc.constantFrom('n1', 'n2', 'n3');
    const command = fc.oneof(
      fc.record({ run: fc.record({ image: fc.constantFrom('web', 'idle', 'crasher', 'memhog', 'batch', 'nosuch'), name, memory: fc.constantFrom('16m', '1g'), restart: fc.constantFrom('no', 'always', 'on-failure:2') }) }),
      fc.record({ create: fc.record({ image: fc.constantFrom('web', 'idle'), name }) }),
      ...(['start', 'stop', 'kill', 'pause', 'unpause', 'restart', 'wait', 'rm', 'logs', 'top', 'inspect', 'stats'] as const).map((word) => fc.record({ [word]: name })),
      fc.record({ rm: fc.record({ container: name, force: fc.constant(true) }) }),
      fc.record({ exec: fc.record({ container: name, command: fc.constantFrom([{ print: 'x' }], [{ cpu: '10ms' }, { exit: 2 }], 'sh') }) }),
      fc.record({ update: fc.record({ container: name, memory: fc.constantFrom('8m', '512m'), 'memory-swap': fc.constant('-1') }) }),
      fc.record({ rename: fc.record({ container: name, name }) }),
      fc.constant({ ps: { all: true } }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), command), { maxLength: 12 }), (steps) => {
        const sorted = [...steps].sort((x, y) => x[0] - y[0]);
        const r = run({ duration: '4s', commands: sorted.map(([ms, c]) => ({ at: `${ms}ms`, ...c })) });
        expect(r.outcomes).toHaveLength(steps.length);
        for (const o of r.outcomes) if (o.status === 'error') expect(o.error.message).toMatch(/^Error response from daemon: \S/);
        expect(r.inspect.map((i) => i.Id)).toEqual(r.ps.map((p) => p.id));
      }),
      { numRuns: 60 },
    );
  });
});
