// The simulated live migration: QEMU's pre-copy loop over a shared core-network path, round by
// round (each round one flow of the bytes dirtied during the last), with QEMU's convergence test at
// the measured bandwidth, a bandwidth cap, a round limit, auto-converge and a post-copy switch.
import { InvalidTransitionError, isStrataError, shownValue, ValidationError } from '@strata/shared-types';
import type { Bytes, Micros } from '@strata/shared-types';
import { AUTO_CONVERGE_IDLE, autoConvergeParameters, stepAutoConverge } from './auto-converge.js';
import type { AutoConvergeParameters, AutoConvergeState } from './auto-converge.js';
import { createConstantDirtyModel } from './constant-dirty-model.js';
import type { DirtyModel } from './dirty-model.js';
import { MAX_MIGRATION_ROUNDS, QEMU_DOWNTIME_LIMIT_US } from './live-migration-types.js';
import type { LiveMigration, LiveMigrationEvent, LiveMigrationPhase, LiveMigrationReport, LiveMigrationRound, LiveMigrationSpec } from './live-migration-types.js';

const SPEC_KEYS = new Set([
  'id', 'vm', 'network', 'path', 'memoryBytes', 'dirty', 'dirtyBytesPerSecond', 'wssBytes', 'downtimeLimitUs',
  'maxBandwidth', 'maxRounds', 'onMaxRounds', 'autoConverge', 'onThrottle', 'postCopy', 'resumeUs',
]);
const MAX_RATE = 10_000_000_000_000;
const MAX_TIME_US = 1_000_000_000;
/** What the migration calls on its network. */
const NETWORK_METHODS = ['now', 'link', 'startFlow', 'flow', 'cancelFlow'] as const;


function bad(path: string, expected: string, value: unknown): never {
  throw new ValidationError(`live migration: ${path} must be ${expected}, got ${shownValue(value)}`, { path, accepted: expected, value });
}

function integer(path: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) bad(path, `an integer from ${min} to ${max}`, value);
  return value;
}

interface Checked {
  readonly dirty: DirtyModel;
  readonly downtimeLimitUs: number;
  readonly maxRate: number | undefined;
  readonly maxRounds: number | undefined;
  readonly throttle: AutoConvergeParameters | undefined;
  readonly postCopyAfter: number | undefined;
  readonly pageBytes: number;
  readonly resumeUs: number;
}

/** Validate everything before anything happens (a failed create changes nothing). */
function check(spec: LiveMigrationSpec): Checked {
  if (typeof spec !== 'object' || spec === null) bad('spec', 'an object', spec);
  for (const key of Object.keys(spec)) if (!SPEC_KEYS.has(key)) bad(key, `absent (known fields: ${[...SPEC_KEYS].join(', ')})`, 'an unknown field');
  if (typeof spec.id !== 'string' || spec.id.length < 1 || spec.id.length > 100) bad('id', 'a string of 1 to 100 characters', spec.id);
  if (typeof spec.vm !== 'string' || spec.vm.length < 1) bad('vm', 'a non-empty string', spec.vm);
  const network: unknown = spec.network;
  if (typeof network !== 'object' || network === null) bad('network', `a FlowNetwork (an object with ${NETWORK_METHODS.join(', ')})`, network);
  const missing = NETWORK_METHODS.filter((m) => typeof (network as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw new ValidationError(`live migration: network must be a FlowNetwork (an object with ${NETWORK_METHODS.join(', ')}); it lacks ${missing.join(', ')}`, { path: 'network', accepted: 'a FlowNetwork', missing });
  }
  if (!Array.isArray(spec.path) || spec.path.length < 1 || spec.path.length > 64) bad('path', 'an array of 1 to 64 link ids', spec.path);
  for (const link of spec.path as readonly unknown[]) {
    if (typeof link !== 'string') bad('path', 'an array of link ids (strings)', link);
    spec.network.link(link); // E_NOT_FOUND names an unknown link
  }
  const memory = integer('memoryBytes', spec.memoryBytes, 1, Number.MAX_SAFE_INTEGER);
  let dirty: DirtyModel;
  if (spec.dirty !== undefined) {
    if (spec.dirtyBytesPerSecond !== undefined || spec.wssBytes !== undefined) bad('dirtyBytesPerSecond', 'absent when a dirty model is given', spec.dirtyBytesPerSecond ?? spec.wssBytes);
    const given: unknown = spec.dirty;
    if (typeof given !== 'object' || given === null || typeof (given as { dirtiedBytes?: unknown }).dirtiedBytes !== 'function') {
      bad('dirty', 'a DirtyModel (an object with wssBytes and a dirtiedBytes(from, to, throttlePercent) function)', given);
    }
    dirty = spec.dirty;
  } else {
    const rate: unknown = spec.dirtyBytesPerSecond;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) bad('dirtyBytesPerSecond', 'a finite number ≥ 0 (bytes/s), given when no dirty model is', rate);
    integer('wssBytes', spec.wssBytes, 0, memory);
    dirty = createConstantDirtyModel({ bytesPerSecond: rate, wssBytes: spec.wssBytes! });
  }
  integer('dirty.wssBytes', dirty.wssBytes, 0, memory);
  const maxBandwidth = spec.maxBandwidth ?? 'unlimited';
  const maxRate = maxBandwidth === 'unlimited' ? undefined : integer('maxBandwidth', maxBandwidth, 1, MAX_RATE);
  const maxRounds = spec.maxRounds === undefined ? undefined : integer('maxRounds', spec.maxRounds, 1, MAX_MIGRATION_ROUNDS);
  if (spec.onMaxRounds !== undefined && spec.onMaxRounds !== 'abort' && spec.onMaxRounds !== 'stop-and-copy') bad('onMaxRounds', "'stop-and-copy' or 'abort'", spec.onMaxRounds);
  const auto = spec.autoConverge;
  if (auto !== undefined && typeof auto !== 'boolean' && (typeof auto !== 'object' || auto === null || Array.isArray(auto))) bad('autoConverge', 'a boolean or QEMU throttle parameters', auto);
  if (spec.onThrottle !== undefined && typeof spec.onThrottle !== 'function') bad('onThrottle', 'a function', spec.onThrottle);
  let postCopyAfter: number | undefined;
  let pageBytes = 4096;
  if (spec.postCopy !== undefined) {
    if (typeof spec.postCopy !== 'object' || spec.postCopy === null) bad('postCopy', 'an object { afterRounds, pageBytes? }', spec.postCopy);
    postCopyAfter = integer('postCopy.afterRounds', spec.postCopy.afterRounds, 0, MAX_MIGRATION_ROUNDS);
    pageBytes = integer('postCopy.pageBytes', spec.postCopy.pageBytes ?? 4096, 4096, 2 ** 30);
    if ((pageBytes & (pageBytes - 1)) !== 0) bad('postCopy.pageBytes', 'a power of two', pageBytes);
  }
  return {
    dirty,
    downtimeLimitUs: integer('downtimeLimitUs', spec.downtimeLimitUs ?? QEMU_DOWNTIME_LIMIT_US, 0, MAX_TIME_US),
    maxRate,
    maxRounds,
    throttle: auto === undefined || auto === false ? undefined : autoConvergeParameters(auto),
    postCopyAfter,
    pageBytes,
    resumeUs: integer('resumeUs', spec.resumeUs ?? 0, 0, MAX_TIME_US),
  };
}

/**
 * Create a live migration of `spec.vm` over `spec.path` of `spec.network` (see `LiveMigration` for
 * how to drive it). Pre-copy: round 0 sends all memory; each round is one flow of the bytes the
 * guest dirtied during the previous round (the `DirtyModel`), capped at `maxBandwidth`; after each
 * round, if those bytes fit the downtime limit at the bandwidth the round achieved (QEMU's
 * threshold = measured bandwidth × downtime limit), the VM stops and they are copied (the
 * downtime: that transfer plus `resumeUs`). Unlike the analytic model, round 0 always runs (there
 * is no measured bandwidth before it). Post-copy: after `postCopy.afterRounds` rounds the VM
 * switches to the destination (downtime `resumeUs`: device state is not modelled) and the
 * remaining dirty set crosses once as one flow. Remote faults are estimated, not simulated: the
 * guest touches D·T bytes of its working set W during the T the stream lasts, and on average half
 * the remaining R is still remote, so faults ≈ D·T·R / (2W) / page size, at most R / page size.
 * ValidationError names a bad spec field; E_NOT_FOUND an unknown link.
 */
export function createLiveMigration(spec: LiveMigrationSpec): LiveMigration {
  const c = check(spec);
  const { network, id, vm } = spec;
  let phase: LiveMigrationPhase = 'ready';
  let flowId: string | undefined;
  let flowBytes = 0;
  let flowStart = 0;
  let resumeAt = 0;
  let startedAt: number | undefined;
  let pausedAt = 0;
  let totalUs: number | undefined;
  let downtimeUs: number | undefined;
  let bytesSent = 0;
  let finalBytes = 0;
  let converged = false;
  let remoteFaults = 0;
  let throttleState: AutoConvergeState = AUTO_CONVERGE_IDLE;
  let lastTime = 0;
  const mode = c.postCopyAfter === undefined ? ('pre-copy' as const) : ('post-copy' as const);
  const rounds: LiveMigrationRound[] = [];
  let modeDone: 'pre-copy' | 'post-copy' = 'pre-copy';

  const setThrottle = (next: AutoConvergeState): void => {
    const changed = next.throttlePercent !== throttleState.throttlePercent;
    throttleState = next;
    if (changed) spec.onThrottle?.(next.throttlePercent);
  };

  const send = (name: string, bytes: number): void => {
    flowId = `${id}/${name}`;
    flowBytes = bytes;
    flowStart = network.now();
    network.startFlow({ id: flowId, path: spec.path, bytes, ...(c.maxRate === undefined ? {} : { maxRate: c.maxRate }) });
  };

  const flowActive = (): boolean => {
    if (flowId === undefined) return false;
    try {
      network.flow(flowId);
      return true;
    } catch (error) {
      if (isStrataError(error) && error.code === 'E_NOT_FOUND') return false;
      throw error;
    }
  };

  const complete = (t: number): LiveMigrationEvent[] => {
    phase = 'completed';
    flowId = undefined;
    totalUs = t - startedAt!;
    // Post-copy: the guest ran on the destination from its resume on; only the switch was downtime.
    downtimeUs = modeDone === 'post-copy' ? c.resumeUs : t - pausedAt;
    setThrottle(AUTO_CONVERGE_IDLE);
    return [
      {
        type: 'migration.completed', time: t as Micros, migration: id, vm, mode: modeDone, converged, rounds: rounds.length,
        totalUs: totalUs as Micros, downtimeUs: downtimeUs as Micros, bytesSent: bytesSent as Bytes, remoteFaults,
      },
    ];
  };

  /** The VM pauses at `t`; `bytes` cross while it is stopped; then it resumes on the destination. */
  const stopAndCopy = (t: number, bytes: number): LiveMigrationEvent[] => {
    pausedAt = t;
    finalBytes = bytes;
    setThrottle(AUTO_CONVERGE_IDLE); // a stopped guest runs no vCPU; QEMU stops the throttle at completion
    if (bytes > 0) {
      phase = 'stop-and-copy';
      send('stop-and-copy', bytes);
      return [];
    }
    return resume(t);
  };

  const resume = (t: number): LiveMigrationEvent[] => {
    flowId = undefined;
    if (c.resumeUs === 0) return complete(t);
    phase = 'resuming';
    resumeAt = t + c.resumeUs;
    return [];
  };

  /** Switch to the destination at `t`: it runs after `resumeUs`; the remaining `bytes` cross once. */
  const switchToPostCopy = (t: number, bytes: number): LiveMigrationEvent[] => {
    modeDone = 'post-copy';
    pausedAt = t;
    finalBytes = bytes;
    converged = false;
    setThrottle(AUTO_CONVERGE_IDLE);
    if (bytes === 0) return resume(t);
    phase = 'post-copy';
    send('post-copy', bytes);
    return [];
  };

  /** The dirty model's answer for [from, to), checked against its contract before anything uses it. */
  const dirtiedBy = (from: number, to: number, throttlePercent: number): Bytes => {
    const dirtied: unknown = c.dirty.dirtiedBytes(from as Micros, to as Micros, throttlePercent);
    if (typeof dirtied !== 'number' || !Number.isSafeInteger(dirtied) || dirtied < 0 || dirtied > c.dirty.wssBytes) {
      throw new ValidationError(`live migration: the dirty model returned ${shownValue(dirtied)}, not an integer from 0 to its wssBytes (${c.dirty.wssBytes})`, { path: 'dirty', value: dirtied });
    }
    return dirtied as Bytes;
  };

  const roundDone = (t: number): LiveMigrationEvent[] => {
    const durationUs = t - flowStart;
    const bytes = flowBytes;
    const bandwidth = (bytes * 1e6) / durationUs;
    const throttlePercent = throttleState.throttlePercent;
    const dirtied = dirtiedBy(flowStart, t, throttlePercent);
    const round: LiveMigrationRound = { round: rounds.length, bytes, durationUs: durationUs as Micros, bandwidthBytesPerSecond: bandwidth, dirtyBytes: dirtied, throttlePercent };
    rounds.push(round);
    bytesSent += bytes;
    flowId = undefined;
    if (c.throttle !== undefined) setThrottle(stepAutoConverge(throttleState, dirtied, bytes, c.throttle));
    const events: LiveMigrationEvent[] = [
      {
        type: 'migration.round', time: t as Micros, migration: id, vm, round: round.round, bytes: bytes as Bytes, durationUs: durationUs as Micros,
        bandwidthBytesPerSecond: bandwidth, dirtyBytes: dirtied, throttlePercent,
      },
    ];
    const threshold = (bandwidth * c.downtimeLimitUs) / 1e6;
    if (dirtied <= threshold) {
      converged = true;
      return [...events, ...stopAndCopy(t, dirtied)];
    }
    if (c.postCopyAfter !== undefined && rounds.length >= c.postCopyAfter) return [...events, ...switchToPostCopy(t, dirtied)];
    if (c.maxRounds !== undefined && rounds.length >= c.maxRounds) {
      if (spec.onMaxRounds === 'abort') {
        phase = 'failed';
        setThrottle(AUTO_CONVERGE_IDLE);
        return [...events, { type: 'migration.failed', time: t as Micros, migration: id, vm, reason: 'max-rounds', rounds: rounds.length, bytesSent: bytesSent as Bytes }];
      }
      return [...events, ...stopAndCopy(t, dirtied)];
    }
    send(`round-${rounds.length}`, dirtied);
    return events;
  };

  const transferDone = (t: number): LiveMigrationEvent[] => {
    switch (phase) {
      case 'pre-copy':
        return roundDone(t);
      case 'stop-and-copy':
        bytesSent += flowBytes;
        return resume(t);
      case 'post-copy': {
        const touched = dirtiedBy(flowStart, t, 0);
        bytesSent += flowBytes;
        const remotePages = Math.ceil(flowBytes / c.pageBytes);
        remoteFaults = c.dirty.wssBytes === 0 ? 0 : Math.min(remotePages, Math.round((touched * flowBytes) / (2 * c.dirty.wssBytes) / c.pageBytes));
        flowId = undefined;
        if (t >= pausedAt + c.resumeUs) return complete(t);
        phase = 'resuming';
        resumeAt = pausedAt + c.resumeUs;
        return [];
      }
      case 'ready':
      case 'resuming':
      case 'completed':
      case 'failed':
        return [];
      default: {
        const never: never = phase;
        return never;
      }
    }
  };

  return {
    start(): LiveMigrationEvent[] {
      if (phase !== 'ready') throw new InvalidTransitionError(phase, 'start', { migration: id });
      const t = network.now();
      startedAt = t;
      lastTime = t;
      phase = 'pre-copy';
      const events: LiveMigrationEvent[] = [{ type: 'migration.started', time: t, migration: id, vm, memoryBytes: spec.memoryBytes as Bytes, mode }];
      if (c.postCopyAfter === 0) return [...events, ...switchToPostCopy(t, spec.memoryBytes)];
      send('round-0', spec.memoryBytes);
      return events;
    },

    cancel(): LiveMigrationEvent[] {
      if (phase !== 'pre-copy' && phase !== 'stop-and-copy') throw new InvalidTransitionError(phase, 'cancel', { migration: id });
      if (flowId !== undefined && flowActive()) network.cancelFlow(flowId);
      flowId = undefined;
      phase = 'failed';
      setThrottle(AUTO_CONVERGE_IDLE);
      return [{ type: 'migration.failed', time: network.now(), migration: id, vm, reason: 'cancelled', rounds: rounds.length, bytesSent: bytesSent as Bytes }];
    },

    nextEventTime(): number {
      if (phase === 'resuming') return resumeAt;
      if (flowId === undefined) return Infinity;
      return flowActive() ? network.flow(flowId).completesAt : network.now();
    },

    advanceTo(t: number): LiveMigrationEvent[] {
      if (!Number.isSafeInteger(t) || t < lastTime) bad('time', `an integer µs ≥ ${lastTime}`, t);
      if (flowId !== undefined && network.now() !== t) bad('time', `the network's now (${network.now()} µs): advance the network first`, t);
      const events = phase === 'resuming' ? (resumeAt <= t ? complete(resumeAt) : []) : flowId === undefined || flowActive() ? [] : transferDone(t);
      lastTime = t; // after the step: a step that throws (a dirty model breaking its contract) leaves the time as it was
      return events;
    },

    phase: () => phase,

    report(): LiveMigrationReport {
      return {
        phase,
        rounds: [...rounds],
        bytesSent,
        finalBytes,
        converged,
        mode: modeDone,
        startedAt: startedAt as Micros | undefined,
        totalUs: totalUs as Micros | undefined,
        downtimeUs: downtimeUs as Micros | undefined,
        remoteFaults,
        throttlePercent: throttleState.throttlePercent,
      };
    },
  };
}
