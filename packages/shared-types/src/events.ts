// The base of every domain event. Later packages add their event types here, to the union.
import type { Bytes, Micros } from './units.js';

/** A fact that happened at a simulated time. `type` is past tense and dotted (`vm.started`). */
export interface DomainEventBase<T extends string = string> {
  readonly type: T;
  readonly time: Micros;
}

/** A domain event of type `T` carrying the readonly payload fields `P`, e.g. `DomainEventOf<'vm.started', { vm: VmId }>`. */
export type DomainEventOf<T extends string, P extends object = Record<never, never>> = DomainEventBase<T> & Readonly<P>;

/** A flow began sending `bytes` over `path` (link ids, in order). */
export type FlowStartedEvent = DomainEventOf<'flow.started', { flow: string; bytes: Bytes; path: readonly string[] }>;

/** A flow delivered all its `bytes`: `durationUs` after it started, at `meanBytesPerSecond` = bytes / duration (a derived float). */
export type FlowCompletedEvent = DomainEventOf<'flow.completed', { flow: string; bytes: Bytes; durationUs: Micros; meanBytesPerSecond: number }>;

/** A flow ended before delivering all its bytes (`reason` says why); `bytesDelivered` of them got through (rounded down). */
export type FlowDroppedEvent = DomainEventOf<'flow.dropped', { flow: string; reason: 'cancelled'; bytes: Bytes; bytesDelivered: Bytes }>;

/** Every domain event Strata emits. Extended by each package's issue as it lands. */
export type DomainEvent = DomainEventBase | FlowStartedEvent | FlowCompletedEvent | FlowDroppedEvent;
