// The simulation: a builder (`createSimulation`) validates options; the `Simulation` object
// owns the clock, the event queue and the run loop; models only ever get a `SimHandle`,
// which can schedule, cancel, draw and trace but cannot drive the loop.
import type { Micros } from '@strata/shared-types';
import { InvalidTransitionError, ScheduleInPastError, ValidationError } from '@strata/shared-types';
import { EventQueue, MAX_PRIORITY, MIN_PRIORITY } from './event-queue.js';
import type { EventMeta } from './event-queue.js';
import type { RandomStream, SeedKey } from './random.js';
import { seedKey, streamFromKey } from './random.js';
import type { TraceRecord, TraceSink } from './trace.js';
import type {
  EventHandler,
  EventKey,
  RunResult,
  ScheduleOptions,
  SimHandle,
  Simulation,
  SimulationOptions,
} from './types.js';

/** Trace category of the record written when a labelled event fires (`data: { label }`). */
export const EVENT_TRACE_CATEGORY = 'event';

function invalidTime(what: string, value: unknown, accepted: string): ValidationError {
  return new ValidationError(`invalid ${what} ${describe(value)}: expected ${accepted}`, { path: what, value, accepted });
}

const TIME_ACCEPTED = `an integer number of microseconds in 0..${Number.MAX_SAFE_INTEGER}`;

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  if (typeof value === 'function' || typeof value === 'symbol') return typeof value;
  const primitive = value as string | number | boolean | bigint | undefined;
  return `${primitive}`;
}

function checkHandler(handler: unknown): void {
  if (typeof handler !== 'function') {
    throw new ValidationError(`invalid handler ${typeof handler}: expected a function (sim) => void`, {
      path: 'handler',
      accepted: 'function',
    });
  }
}

function checkPriority(priority: unknown): number {
  if (priority === undefined) return 0;
  if (!Number.isSafeInteger(priority) || (priority as number) < MIN_PRIORITY || (priority as number) > MAX_PRIORITY) {
    throw new ValidationError(`invalid priority ${describe(priority)}: expected an integer in ${MIN_PRIORITY}..${MAX_PRIORITY}`, {
      path: 'priority',
      value: priority,
      accepted: `integer ${MIN_PRIORITY}..${MAX_PRIORITY}`,
    });
  }
  return priority as number;
}

function checkLabel(label: unknown): string | undefined {
  if (label === undefined) return undefined;
  if (typeof label !== 'string') {
    throw new ValidationError(`invalid label ${describe(label)}: expected a string`, { path: 'label', value: label, accepted: 'string' });
  }
  return label;
}

/** What models receive: a narrow view of the kernel without any run-loop control. */
class ModelHandle implements SimHandle {
  constructor(private readonly k: Kernel) {}
  now(): Micros {
    return this.k.now();
  }
  at(time: number, handler: EventHandler, opts?: ScheduleOptions): EventKey {
    return this.k.at(time, handler, opts);
  }
  after(delay: number, handler: EventHandler, opts?: ScheduleOptions): EventKey {
    return this.k.after(delay, handler, opts);
  }
  every(interval: number, handler: EventHandler, opts?: ScheduleOptions & { readonly start?: number }): EventKey {
    return this.k.every(interval, handler, opts);
  }
  cancel(key: EventKey): boolean {
    return this.k.cancel(key);
  }
  rng(name: string): RandomStream {
    return this.k.rng(name);
  }
  trace(category: string, data?: Readonly<Record<string, unknown>>): void {
    this.k.trace(category, data);
  }
}

const EMPTY_DATA: Readonly<Record<string, unknown>> = Object.freeze({});

/** The run loop, clock and queue. Exposed to drivers as `Simulation`. */
class Kernel implements Simulation {
  private clock: number;
  private readonly queue = new EventQueue<EventHandler>();
  private readonly handle: SimHandle;
  private readonly seed: SeedKey;
  private readonly streams = new Map<string, RandomStream>();
  private readonly sink: TraceSink | undefined;
  private traceSeq = 0;
  private executed = 0;
  private running = false;

  constructor(seed: SeedKey, start: number, sink: TraceSink | undefined) {
    this.seed = seed;
    this.clock = start;
    this.sink = sink;
    this.handle = new ModelHandle(this);
  }

  now(): Micros {
    return this.clock as Micros;
  }

  at(time: number, handler: EventHandler, opts?: ScheduleOptions): EventKey {
    if (!Number.isSafeInteger(time) || time < 0) throw invalidTime('time', time, TIME_ACCEPTED);
    if (time < this.clock) throw new ScheduleInPastError(time, this.clock);
    checkHandler(handler);
    if (opts === undefined) return this.queue.push(time, 0, handler, undefined) as EventKey;
    return this.scheduleWith(time, handler, opts);
  }

  after(delay: number, handler: EventHandler, opts?: ScheduleOptions): EventKey {
    if (!Number.isSafeInteger(delay) || delay < 0) throw invalidTime('delay', delay, TIME_ACCEPTED);
    const time = this.clock + delay;
    if (time > Number.MAX_SAFE_INTEGER) throw invalidTime('delay', delay, `a delay that keeps now + delay ≤ ${Number.MAX_SAFE_INTEGER}`);
    checkHandler(handler);
    if (opts === undefined) return this.queue.push(time, 0, handler, undefined) as EventKey;
    return this.scheduleWith(time, handler, opts);
  }

  private scheduleWith(time: number, handler: EventHandler, opts: ScheduleOptions): EventKey {
    if (opts === null || typeof opts !== 'object') {
      throw new ValidationError('invalid options: expected an object { priority?, label? }', { path: 'opts', accepted: 'object' });
    }
    const priority = checkPriority(opts.priority);
    const label = checkLabel(opts.label);
    const meta: EventMeta | undefined = label === undefined ? undefined : { priority, label, interval: undefined };
    return this.queue.push(time, priority, handler, meta) as EventKey;
  }

  every(interval: number, handler: EventHandler, opts?: ScheduleOptions & { readonly start?: number }): EventKey {
    if (!Number.isSafeInteger(interval) || interval <= 0) {
      throw invalidTime('interval', interval, `an integer number of microseconds in 1..${Number.MAX_SAFE_INTEGER}`);
    }
    if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
      throw new ValidationError('invalid options: expected an object { priority?, label?, start? }', { path: 'opts', accepted: 'object' });
    }
    let first: number;
    if (opts?.start === undefined) {
      first = this.clock + interval;
      if (first > Number.MAX_SAFE_INTEGER) throw invalidTime('interval', interval, `an interval that keeps now + interval ≤ ${Number.MAX_SAFE_INTEGER}`);
    } else {
      first = opts.start;
      if (!Number.isSafeInteger(first) || first < 0) throw invalidTime('start', first, TIME_ACCEPTED);
      if (first < this.clock) throw new ScheduleInPastError(first, this.clock);
    }
    checkHandler(handler);
    const priority = checkPriority(opts?.priority);
    const label = checkLabel(opts?.label);
    return this.queue.push(first, priority, handler, { priority, label, interval }) as EventKey;
  }

  cancel(key: EventKey): boolean {
    if (typeof key !== 'number' || !Number.isSafeInteger(key) || key < 0) {
      throw new ValidationError(`invalid event key ${String(key)}: expected a key returned by at, after or every`, {
        path: 'key',
        value: key,
        accepted: 'EventKey',
      });
    }
    return this.queue.cancel(key);
  }

  rng(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = streamFromKey(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }

  trace(category: string, data?: Readonly<Record<string, unknown>>): void {
    const sink = this.sink;
    if (sink === undefined) return;
    if (typeof category !== 'string' || category.length === 0) {
      throw new ValidationError(`invalid trace category ${JSON.stringify(category)}: expected a non-empty string`, {
        path: 'category',
        value: category,
      });
    }
    const seq = this.traceSeq++;
    if (sink.accepts !== undefined && !sink.accepts(category)) return;
    const record: TraceRecord = { time: this.clock as Micros, seq, category, data: data ?? EMPTY_DATA };
    sink.record(record);
  }

  peek(): number {
    return this.queue.peekTime();
  }

  pending(): number {
    return this.queue.pending();
  }

  eventsExecuted(): number {
    return this.executed;
  }

  step(): boolean {
    this.enter('step');
    try {
      return this.loop(Infinity, 1) === 1;
    } finally {
      this.running = false;
    }
  }

  runUntil(time: number): RunResult {
    if (!Number.isSafeInteger(time) || time < 0) throw invalidTime('time', time, TIME_ACCEPTED);
    if (time < this.clock) {
      throw new ValidationError(`cannot run until ${time}us: the simulation is already at ${this.clock}us; pass a time ≥ now`, {
        path: 'time',
        value: time,
        now: this.clock,
      });
    }
    return this.run({ until: time });
  }

  run(opts?: { readonly until?: number; readonly maxEvents?: number }): RunResult {
    let until = Infinity;
    let maxEvents = Infinity;
    if (opts !== undefined) {
      if (opts === null || typeof opts !== 'object') {
        throw new ValidationError('invalid run options: expected { until?, maxEvents? }', { path: 'opts' });
      }
      if (opts.until !== undefined) {
        until = opts.until;
        if (!Number.isSafeInteger(until) || until < 0) throw invalidTime('until', until, TIME_ACCEPTED);
        if (until < this.clock) {
          throw new ValidationError(`cannot run until ${until}us: the simulation is already at ${this.clock}us; pass a time ≥ now`, {
            path: 'until',
            value: until,
            now: this.clock,
          });
        }
      }
      if (opts.maxEvents !== undefined) {
        maxEvents = opts.maxEvents;
        if (!(Number.isSafeInteger(maxEvents) && maxEvents >= 0) && maxEvents !== Infinity) {
          throw new ValidationError(`invalid maxEvents ${String(maxEvents)}: expected a non-negative integer or Infinity`, {
            path: 'maxEvents',
            value: maxEvents,
          });
        }
      }
    }
    this.enter('run');
    let events = 0;
    let reason: RunResult['reason'];
    try {
      events = this.loop(until, maxEvents);
      if (events >= maxEvents) reason = 'maxEvents';
      else reason = this.queue.settle() ? 'until' : 'empty';
    } finally {
      this.running = false;
    }
    if (reason !== 'maxEvents' && until !== Infinity) this.clock = until;
    return { reason, time: this.clock as Micros, events };
  }

  private enter(command: string): void {
    if (this.running) {
      throw new InvalidTransitionError('running', command, {
        hint: 'an event handler cannot drive the simulation loop; schedule an event instead',
      });
    }
    this.running = true;
  }

  /** Run events with time ≤ until, at most maxEvents of them; returns how many ran. */
  private loop(until: number, maxEvents: number): number {
    const q = this.queue;
    const handle = this.handle;
    let n = 0;
    while (n < maxEvents && q.settle()) {
      const time = q.rootTime();
      if (time > until) break;
      this.clock = time;
      const handler = q.take();
      n++;
      this.executed++;
      if (q.takenMeta === undefined) handler(handle);
      else this.fireSpecial(handler, time);
    }
    return n;
  }

  private fireSpecial(handler: EventHandler, time: number): void {
    const q = this.queue;
    const meta = q.takenMeta!;
    if (meta.interval !== undefined) {
      // Reschedule before running, at an exact multiple of the interval: a handler that
      // cancels its own key stops the series, and late handlers never shift later firings.
      const next = time + meta.interval;
      if (next <= Number.MAX_SAFE_INTEGER) q.reinsert(q.takenSlot, next, meta.priority);
      else q.retire(q.takenSlot);
    }
    if (meta.label !== undefined) this.trace(EVENT_TRACE_CATEGORY, { label: meta.label });
    handler(this.handle);
  }
}

/**
 * Build a simulation from `{ seed, trace?, start? }`. Throws `ValidationError` on a bad seed,
 * a sink without a `record` function, or a start time that is not a non-negative safe integer.
 */
export function createSimulation(options: SimulationOptions): Simulation {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('invalid simulation options: expected { seed, trace?, start? }', { path: '', accepted: '{ seed, trace?, start? }' });
  }
  const key = seedKey(options.seed);
  const start = options.start ?? 0;
  if (!Number.isSafeInteger(start) || start < 0) throw invalidTime('start', start, TIME_ACCEPTED);
  const sink = options.trace;
  if (sink !== undefined && (sink === null || typeof sink !== 'object' || typeof sink.record !== 'function')) {
    throw new ValidationError('invalid trace sink: expected an object with a record(record) function', { path: 'trace', accepted: 'TraceSink' });
  }
  return new Kernel(key, start, sink);
}

