// The base of every domain event. Later packages add their event types here, to the union.
import type { Micros } from './units.js';

/** A fact that happened at a simulated time. `type` is past tense and dotted (`vm.started`). */
export interface DomainEventBase<T extends string = string> {
  readonly type: T;
  readonly time: Micros;
}

/** A domain event of type `T` carrying the readonly payload fields `P`, e.g. `DomainEventOf<'vm.started', { vm: VmId }>`. */
export type DomainEventOf<T extends string, P extends object = Record<never, never>> = DomainEventBase<T> & Readonly<P>;

/** Every domain event Strata emits. Extended by each package's issue as it lands. */
export type DomainEvent = DomainEventBase;
