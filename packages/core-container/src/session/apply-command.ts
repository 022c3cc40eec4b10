// One docker command of a session applied to the engine, as the docker CLI would give it: the
// output it prints, or the daemon's refusal (`Error response from daemon: ...`) as an outcome.
// Only the budget and Strata's own bugs escape; everything a user can cause is an outcome.
import { isStrataError, type ContainerSessionCommand } from '@strata/shared-types';
import type { ContainerEngine, ContainerWaiter } from '../engine/types.js';
import type { ContainerCommandError, ContainerCommandOutput, TopRow } from './types.js';

/** Docker CLI's prefix of a daemon error. */
export const DAEMON_ERROR_PREFIX = 'Error response from daemon: ';

/** What applying one command gives: its output, or the error; and a `docker wait` still waiting. */
export type Applied = { readonly output: ContainerCommandOutput; readonly waiter?: ContainerWaiter } | { readonly error: ContainerCommandError };

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const STAT: Readonly<Record<string, TopRow['stat']>> = { running: 'R', sleeping: 'S', stopped: 'T', zombie: 'Z' };

/** True for the run's own budget (the kernel's per-call step bound): not a docker answer, it stops the run. */
export function isBudgetError(error: unknown): boolean {
  return isStrataError(error) && error.code === 'E_LIMIT_EXCEEDED' && (error.details as { limit?: unknown }).limit === 'maxSteps';
}

/**
 * Apply `command` to `engine` at its current time. A typed refusal becomes `{ error }` with Docker's
 * text; Docker's 304 answers (start of a running container, stop of a stopped one) are successes,
 * as the docker CLI reports them. The budget error and non-Strata errors are rethrown.
 */
export function applyCommand(engine: ContainerEngine, command: ContainerSessionCommand): Applied {
  try {
    return perform(engine, command);
  } catch (error) {
    if (!isStrataError(error) || isBudgetError(error) || error.code === 'E_INTERNAL') throw error;
    const details = error.details as { httpStatus?: unknown; notModified?: unknown };
    if (details.notModified === true && 'container' in command) return { output: { type: 'ack', container: command.container, notModified: error.message } };
    const httpStatus = typeof details.httpStatus === 'number' ? details.httpStatus : error.httpStatus;
    return { error: { message: `${DAEMON_ERROR_PREFIX}${error.message}`, code: error.code, httpStatus } };
  }
}

function perform(engine: ContainerEngine, c: ContainerSessionCommand): { output: ContainerCommandOutput; waiter?: ContainerWaiter } {
  switch (c.type) {
    case 'create':
      return { output: { type: 'id', id: engine.create(withoutUndefined(c.spec)) } };
    case 'run':
      return { output: { type: 'id', id: engine.run(withoutUndefined(c.spec)) } };
    case 'start':
      engine.start(c.container);
      return ack(c.container);
    case 'stop':
      engine.stop(c.container, withoutUndefined({ timeout: c.time, signal: c.signal }));
      return ack(c.container);
    case 'kill':
      engine.kill(c.container, c.signal);
      return ack(c.container);
    case 'pause':
      engine.pause(c.container);
      return ack(c.container);
    case 'unpause':
      engine.unpause(c.container);
      return ack(c.container);
    case 'restart':
      engine.restart(c.container, withoutUndefined({ timeout: c.time }));
      return ack(c.container);
    case 'exec': {
      const r = engine.exec(c.container, withoutUndefined({ command: c.command, user: c.user, env: c.env }));
      return { output: { type: 'exec', execId: r.execId, pid: r.pid, globalPid: r.globalPid } };
    }
    case 'update':
      engine.update(c.container, withoutUndefined(c.update));
      return ack(c.container);
    case 'wait': {
      const waiter = engine.wait(c.container, c.condition);
      if (waiter.result !== null) return { output: { type: 'wait', condition: c.condition, statusCode: waiter.result.StatusCode, at: engine.now() } };
      return { output: { type: 'wait', condition: c.condition, statusCode: null, at: null }, waiter };
    }
    case 'rename':
      engine.rename(c.container, c.name);
      return { output: { type: 'none' } };
    case 'rm':
      engine.rm(c.container, { force: c.force });
      return ack(c.container);
    case 'logs':
      return { output: { type: 'logs', lines: engine.logs(c.container, withoutUndefined({ tail: c.tail, since: c.since })) } };
    case 'top': {
      const rows = engine.top(c.container).map((p): TopRow => {
        const info = engine.kernel.process(p.pid);
        return { uid: info.uid, pid: p.pid, ppid: p.ppid, stat: STAT[p.state] ?? 'S', cpuUsec: info.cpuUsec, cmd: p.name };
      });
      return { output: { type: 'top', processes: rows } };
    }
    case 'inspect':
      return { output: { type: 'inspect', inspect: engine.inspect(c.container) } };
    case 'stats':
      return { output: { type: 'stats', stats: engine.stats(c.container) } };
    case 'ps':
      return { output: { type: 'ps', all: c.all, rows: engine.ps({ all: c.all }) } };
    default: {
      const never: never = c;
      throw new Error(`unhandled session command ${JSON.stringify(never)}`);
    }
  }
}

function ack(container: string): { output: ContainerCommandOutput } {
  return { output: { type: 'ack', container } };
}
