// The public contract of the flow model: links, vNIC limiters and flows in, completion facts out.
// The factory lives in create-flow-network.ts, so the implementation imports these types without a circle.
import type { Bytes, FlowCompletedEvent, FlowDroppedEvent, FlowStartedEvent, Micros } from '@strata/shared-types';
import type { TokenBucketConfig } from '@strata/core-scheduler';

/** Largest link capacity or flow rate cap accepted, bytes/s (10 TB/s). */
export const MAX_FLOW_CAPACITY = 10_000_000_000_000;
/** Largest one-way link latency accepted, µs (10 s). */
export const MAX_LINK_LATENCY_US = 10_000_000;
/** Largest flow weight accepted (weights are finite, > 0). */
export const MAX_FLOW_WEIGHT = 1_000_000;
/** Largest TCP window accepted, bytes (1 TiB). */
export const MAX_FLOW_WINDOW = 2 ** 40;
/** Largest value of `maxLinks` / `maxFlows`. */
export const MAX_FLOW_NETWORK_SIZE = 1_000_000;
/** Longest path a flow may take, in links (vNIC limiters count as links). */
export const MAX_FLOW_PATH = 64;

/** Options of `createFlowNetwork`. */
export interface FlowNetworkOptions {
  /** Start time in µs (integer ≥ 0, default 0). */
  readonly start?: number;
  /** Most links plus vNIC limiters the network may hold (1..1,000,000, default 100,000). */
  readonly maxLinks?: number;
  /** Most flows active at once (1..1,000,000, default 100,000); one more is `E_LIMIT_EXCEEDED`. */
  readonly maxFlows?: number;
}

/** A directed link. */
export interface LinkSpec {
  /** Unique among links and limiters: 1..128 characters. */
  readonly id: string;
  /** Bytes per second, integer 0..10^13 (0 = down: its flows stall). */
  readonly capacity: number;
  /** One-way propagation latency, integer µs 0..10^7 (enters only the TCP window bound, see `FlowSpec.window`). */
  readonly latency: number;
}

/**
 * A vNIC rate limiter (Firecracker's `tx_rate_limiter` / `rx_rate_limiter` bandwidth bucket). It
 * becomes a latency-0 link of capacity size·1000 / refillTimeMs bytes/s that the vNIC's flows name
 * in their path, so all of them share it, as they share the real bucket.
 */
export interface VnicLimiterSpec {
  /** Unique among links and limiters: 1..128 characters. */
  readonly id: string;
  /** The bytes bucket; size ≥ 1 and refillTimeMs ≥ 1 (a bucket that does not limit needs no limiter). */
  readonly bandwidth: TokenBucketConfig;
}

/** A flow to start at `now()`. */
export interface FlowSpec {
  /** Unique among active flows (may reuse the id of a finished flow): 1..128 characters. */
  readonly id: string;
  /** Link and limiter ids crossed, in order: 1..64 distinct known ids. */
  readonly path: readonly string[];
  /** Bytes to deliver, integer 1..2^53 − 1. */
  readonly bytes: number;
  /** Max-min weight, finite, 0 < weight ≤ 10^6 (default 1). */
  readonly weight?: number;
  /** TCP window in bytes (integer 1..2^40): caps the rate at window / RTT, RTT = 2 × Σ path latencies (no cap when RTT = 0). */
  readonly window?: number;
  /** Rate cap in bytes/s, integer 1..10^13 (default none). */
  readonly maxRate?: number;
}

/** A fact reported by `advanceTo`. */
export type FlowNetworkEvent = FlowCompletedEvent;

/** A snapshot of one active flow. */
export interface FlowState {
  readonly id: string;
  readonly path: readonly string[];
  readonly bytes: Bytes;
  readonly weight: number;
  readonly startedAt: Micros;
  /** Bytes delivered by now, rounded down. */
  readonly bytesDelivered: Bytes;
  /** Current max-min rate, bytes/s (a derived float). */
  readonly rateBytesPerSecond: number;
  /** The flow's own cap: min(maxRate, window / RTT), bytes/s; Infinity when none. */
  readonly capBytesPerSecond: number;
  /** When it completes if nothing changes, µs; Infinity when its rate is 0. */
  readonly completesAt: number;
}

/** A snapshot of one link or limiter. */
export interface LinkState {
  readonly id: string;
  readonly kind: 'link' | 'vnic-limiter';
  /** Bytes per second (a limiter's is size·1000 / refillTimeMs, possibly fractional). */
  readonly capacityBytesPerSecond: number;
  readonly latency: Micros;
  /** Active flows crossing it. */
  readonly flows: number;
  /** Sum of the current rates of its flows, bytes/s (≤ capacity up to float rounding). */
  readonly loadBytesPerSecond: number;
  /** Bytes carried since the link was added, rounded down (a float sum of fluid deliveries, exact at completions). */
  readonly bytesCarried: Bytes;
}

/** Work counters: how often rates were recomputed and over how many flows. */
export interface FlowNetworkStats {
  /** Rate repairs that settled at least one flow (at most one per command or per batch of completions at one µs). */
  readonly recomputations: number;
  /** Sum over repairs of the flows whose rates were recomputed or confirmed. */
  readonly flowsTouched: number;
  /** Largest number of flows one repair touched. */
  readonly maxFlowsTouched: number;
  /** Flows active now. */
  readonly activeFlows: number;
  /** Flows completed so far. */
  readonly completedFlows: number;
}

/**
 * A passive flow-level network model (see ARCHITECTURE.md, "Driving models"). Rates are weighted
 * max-min fair over the links, each flow also held to its own cap; they are repaired only when a
 * flow starts or ends or a capacity changes, and only for the flows that change reaches (equal to a
 * full progressive fill within 1e-9 of the capacities involved, as the property tests hold). Commands
 * apply at `now()`; `advanceTo(t)` runs to `t` and returns the completions. A failed command throws
 * a typed error and changes nothing. Completion rule: a flow completes at the first integer µs at
 * which its fluid delivery (rate × elapsed, float64) covers its remaining bytes — never earlier.
 */
export interface FlowNetwork {
  /** Current model time, µs. */
  now(): Micros;
  /** Add a link. E_VALIDATION for a bad field, E_CONFLICT for a used id, E_LIMIT_EXCEEDED past `maxLinks`. */
  addLink(spec: LinkSpec): void;
  /** Add a vNIC bandwidth limiter, a shared link its flows name in their path. Errors as `addLink`. */
  addVnicLimiter(spec: VnicLimiterSpec): void;
  /** Change a link's (or limiter's) capacity at `now()`; rates of the flows it can affect are recomputed. E_NOT_FOUND, E_VALIDATION. */
  setCapacity(link: string, capacity: number): void;
  /** Start a flow at `now()`. E_VALIDATION, E_NOT_FOUND (unknown link), E_CONFLICT (active id), E_LIMIT_EXCEEDED (`maxFlows`). */
  startFlow(spec: FlowSpec): FlowStartedEvent;
  /** Stop an active flow at `now()`; returns its `flow.dropped` fact. E_NOT_FOUND. */
  cancelFlow(id: string): FlowDroppedEvent;
  /** Time of the next completion, µs (≥ now), or Infinity when no active flow has a positive rate. */
  nextEventTime(): number;
  /** Run to `time` (integer µs ≥ now), returning completions in (time, start order). E_VALIDATION for a bad time. */
  advanceTo(time: number): FlowNetworkEvent[];
  /** Snapshot of an active flow. E_NOT_FOUND. */
  flow(id: string): FlowState;
  /** Ids of the active flows, in start order. */
  flowIds(): string[];
  /** Snapshot of a link or limiter. E_NOT_FOUND. */
  link(id: string): LinkState;
  /** Ids of links and limiters, in the order added. */
  linkIds(): string[];
  /** Work counters. */
  stats(): FlowNetworkStats;
}
