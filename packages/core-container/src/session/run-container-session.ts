// A container session (the `strata container run` file) run to its end: one kernel with the host's
// CPUs and memory, a network model whose host gets Docker's default `bridge` on first use, the
// engine with the session's images over the built-ins; each docker command applied at its time,
// its outcome recorded (a refusal does not stop the session, as a shell script of docker commands
// goes on), then the engine run to `duration`.
import { LimitExceededError, micros, type ContainerSession, type ContainerSessionImage, type Micros } from '@strata/shared-types';
import { createNetworkModel } from '@strata/core-network';
import { createKernel } from '../kernel/create-kernel.js';
import type { Kernel } from '../kernel/types.js';
import { createContainerEngine } from '../engine/create-container-engine.js';
import type { ContainerEvent, ContainerInspect, ContainerWaiter } from '../engine/types.js';
import { createImageRegistry } from '../images/create-image-registry.js';
import type { ImageDefinition } from '../images/types.js';
import { DEFAULT_EXPERIMENT_MAX_STEPS } from '../experiment/run-kernel-experiment.js';
import { applyCommand, isBudgetError } from './apply-command.js';
import type { ContainerCommandOutcome, ContainerCommandOutput, ContainerSessionControl, ContainerSessionResult } from './types.js';

/** Events kept in a session result (the first ones); later ones are counted in `eventsDropped`. */
export const MAX_REPORTED_SESSION_EVENTS = 100_000;
/** Rows of command output kept in a result (log lines, top, ps rows; an inspect or stats counts one); later outputs are `omitted`. */
export const MAX_REPORTED_OUTPUT_ROWS = 1_000_000;
/** What one container start or exec counts against the run's budget of program steps (it makes a process, namespaces, a cgroup). */
export const START_COST_STEPS = 1_000;
/** What one advance of the kernel by the engine counts against the budget (its fixed cost is about that of 100 program steps). */
export const ADVANCE_COST_STEPS = 100;
/** What one row of command output (a log line, a ps or top row, a stats or inspect) counts against the budget. */
export const OUTPUT_ROW_COST_STEPS = 10;
/** The network model's name and address of the session's one host. */
export const SESSION_HOST = { name: 'host', address: '10.0.0.1' } as const;

/** The images a session defines, as the registry takes them (the built-ins are the engine's own). */
function sessionImages(images: readonly ContainerSessionImage[]): ImageDefinition[] {
  return images.map((i) => ({ name: i.name, tag: i.tag, cmd: i.cmd, programs: i.programs, env: i.env, user: i.user, workingDir: i.workingDir, exposedPorts: i.exposedPorts, stopSignal: i.stopSignal, layers: i.layers, labels: i.labels }));
}

/** Rows an inspect counts besides its program: it prints about 60 lines of JSON. */
const INSPECT_ROWS = 50;
/** Characters of an inspect's program per row it counts (a program of 1,000,000 steps is no small output). */
const INSPECT_CHARS_PER_ROW = 1_000;
const programRows = new WeakMap<object, number>();

/** Rows an output counts against MAX_REPORTED_OUTPUT_ROWS and the budget: lines, table rows; an inspect 50 and the size of its program. */
function rowsOf(output: ContainerCommandOutput): number {
  switch (output.type) {
    case 'logs':
      return output.lines.length;
    case 'top':
      return output.processes.length;
    case 'ps':
      return output.rows.length;
    case 'inspect': {
      const cmd = output.inspect.Config.Cmd;
      let rows = programRows.get(cmd);
      if (rows === undefined) {
        rows = Math.ceil(JSON.stringify(cmd).length / INSPECT_CHARS_PER_ROW);
        programRows.set(cmd, rows);
      }
      return INSPECT_ROWS + rows;
    }
    default:
      return 1;
  }
}

interface PendingWait {
  readonly slot: number;
  readonly waiter: ContainerWaiter;
  readonly condition: ContainerWaiter['condition'];
}

/**
 * Run `session` (already validated by parseContainerSession) and report what Docker would have
 * shown. Throws LimitExceededError (`details.limit` "maxSteps") when the run passes its budget of
 * program steps (each container start or exec counting START_COST_STEPS, each advance of the kernel
 * ADVANCE_COST_STEPS, each row of command output OUTPUT_ROW_COST_STEPS), and ValidationError only for a host the kernel refuses; a command the engine
 * refuses is an outcome with Docker's message, never a throw. A `docker wait` reports the time of the death or removal that met it.
 */
export function runContainerSession(session: ContainerSession, control: ContainerSessionControl = {}): ContainerSessionResult {
  const budget = control.maxSteps ?? DEFAULT_EXPERIMENT_MAX_STEPS;
  const end = session.duration;
  let starts = 0;
  const host = session.host;
  const network = createNetworkModel({});
  network.addHost({ ...SESSION_HOST, uplink: { capacity: 1_250_000_000, latency: 0 } });
  const kernel = createKernel({ cpus: host.cpus, memory: host.memory, swap: host.swap, fidelity: host.fidelity, seed: host.seed, network, maxSteps: budget });
  let advances = 0;
  let outputRows = 0;
  const used = (): number => kernel.steps() + starts * START_COST_STEPS + advances * ADVANCE_COST_STEPS + outputRows * OUTPUT_ROW_COST_STEPS;
  // The engine advances the kernel in many small calls (to each next event, 100 ms past it at most); the budget is
  // checked after each, so no span between two of the runner's checks can run far past it.
  // Every other member passes through, bound once (the engine calls the kernel on its hot paths).
  const bound = new Map<PropertyKey, unknown>();
  const metered: Kernel = new Proxy(kernel, {
    get(target, property) {
      if (property === 'advanceTo') {
        return (time: number) => {
          const facts = target.advanceTo(time);
          advances++;
          if (used() > budget) throw overBudget(budget, target.now(), end, used());
          return facts;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(property);
      if (fn === undefined) bound.set(property, (fn = (value as (...args: unknown[]) => unknown).bind(target)));
      return fn;
    },
  });
  const events: ContainerEvent[] = [];
  let eventsDropped = 0;
  const pending: PendingWait[] = [];
  const waiting = new Map<string, number>();
  // Deaths of awaited containers since the last settling, so a `docker wait` gets the time of the death that met it.
  const deaths = new Map<string, { first: number; last: number; destroyed: number | null }>();
  const engine = createContainerEngine({
    kernel: metered,
    images: createImageRegistry(sessionImages(session.images), { builtins: false }),
    seed: host.seed,
    network,
    host: SESSION_HOST.name,
    onEvent: (e) => {
      if (events.length < MAX_REPORTED_SESSION_EVENTS) events.push(e);
      else eventsDropped++;
      // A start costs far more than a program step (a process, namespaces, a cgroup): it is charged as START_COST_STEPS.
      // (Not checked here: the engine takes an error thrown while its restart timer starts a container for a failed
      // start and goes on; the next advance of the kernel checks.)
      if (e.action === 'start' || e.action === 'exec_start') starts++;
      if ((e.action === 'die' || e.action === 'destroy') && waiting.has(e.id)) {
        const d = deaths.get(e.id) ?? { first: -1, last: -1, destroyed: null };
        if (e.action === 'die') {
          if (d.first < 0) d.first = e.time;
          d.last = e.time;
        } else d.destroyed = e.time;
        deaths.set(e.id, d);
      }
    },
  });

  const slice = Math.max(1, Math.ceil(end / 100));
  const outcomes: ContainerCommandOutcome[] = [];
  let rows = 0;
  let outputsOmitted = 0;

  const checkBudget = (): void => {
    if (used() > budget) throw overBudget(budget, engine.now(), end, used());
  };
  /** Fill in the `docker wait`s met since the last call, at the time of the death (or removal) that met each. */
  const settleWaits = (): void => {
    for (let i = pending.length - 1; i >= 0; i--) {
      const w = pending[i]!;
      if (w.waiter.result === null) continue;
      const d = deaths.get(w.waiter.id);
      const at = (w.condition === 'next-exit' ? d?.first : w.condition === 'removed' ? d?.destroyed : d?.last) ?? engine.now();
      const old = outcomes[w.slot]!;
      if (old.status === 'ok') outcomes[w.slot] = { ...old, output: { type: 'wait', condition: w.condition, statusCode: w.waiter.result.StatusCode, at: micros(at < 0 ? engine.now() : at) } };
      pending.splice(i, 1);
      const left = (waiting.get(w.waiter.id) ?? 1) - 1;
      if (left > 0) waiting.set(w.waiter.id, left);
      else waiting.delete(w.waiter.id);
    }
    deaths.clear();
  };
  const guarded = <T>(f: () => T): T => {
    try {
      return f();
    } catch (error) {
      if (isBudgetError(error)) throw overBudget(budget, engine.now(), end, kernel.steps(), error);
      throw error;
    }
  };
  const advance = (target: Micros): void => {
    while (engine.now() < target) {
      const to = Math.min(target, engine.now() + slice);
      guarded(() => engine.advanceTo(to));
      settleWaits();
      checkBudget();
      control.onProgress?.(engine.now() / end);
    }
  };

  session.commands.forEach((step, index) => {
    advance(step.at);
    const command = step.command;
    const applied = guarded(() => applyCommand(engine, command));
    const base = { index, at: step.at, command: command.type, ...('container' in command ? { container: command.container } : {}) };
    if ('error' in applied) {
      outcomes.push({ ...base, status: 'error', error: applied.error });
    } else {
      const n = rowsOf(applied.output);
      outputRows += n;
      const kept = rows + n <= MAX_REPORTED_OUTPUT_ROWS;
      if (kept) rows += n;
      else outputsOmitted++;
      outcomes.push({ ...base, status: 'ok', output: kept ? applied.output : { type: 'omitted', rows: n } });
      if (applied.waiter !== undefined && kept) {
        pending.push({ slot: outcomes.length - 1, waiter: applied.waiter, condition: applied.waiter.condition });
        waiting.set(applied.waiter.id, (waiting.get(applied.waiter.id) ?? 0) + 1);
      }
    }
    settleWaits();
    checkBudget();
  });
  advance(end);
  control.onProgress?.(1);

  const ps = engine.ps({ all: true });
  const inspect: ContainerInspect[] = ps.map((row) => engine.inspect(row.id));
  return { duration_us: end, events, eventsDropped, outcomes, outputsOmitted, ps, inspect };
}

function overBudget(budget: number, when: number, end: number, steps: number, cause?: unknown): LimitExceededError {
  return new LimitExceededError(
    `the session ran more than ${budget} program steps (a container start or exec counts ${START_COST_STEPS}, an advance of the kernel ${ADVANCE_COST_STEPS}, a row of output ${OUTPUT_ROW_COST_STEPS}) by ${when} µs of its ${end} µs and was stopped; a container restarts in a loop or a program forks or loops faster than it takes time, or raise the budget`,
    { limit: 'maxSteps', value: budget, when, steps },
    cause === undefined ? undefined : { cause },
  );
}

