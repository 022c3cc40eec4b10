// The flow model's internal records: links and flows with the scratch fields the rate repair uses.
// Kept apart from the public contract (types.ts) and shared by the model and the repair.

/** A directed link or vNIC limiter. */
export interface LinkRec {
  readonly id: string;
  readonly index: number;
  readonly kind: 'link' | 'vnic-limiter';
  readonly latency: number;
  capacity: number;
  /** Its active flows in start order (appended at start, spliced out at removal). */
  readonly flows: FlowRec[];
  /** Σ over its flows of min(own cap, least capacity on the flow's path): no rate can exceed it. */
  boundSum: number;
  /** Bytes carried by settled fluid segments. */
  committed: number;
  /** Σ of its flows' current rates, kept as rates change (reset to 0 when it has no flow). */
  load: number;
  /** Repair scratch: sweep in which `rise` counts, and the most its flows' rates may rise by then. */
  riseSweep: number;
  rise: number;
  /** Repair scratch, valid while `sweep` is the current sweep: rates frozen so far, active weight and count. */
  sweep: number;
  used: number;
  aw: number;
  ac: number;
  /** Slot in the repair's event heap, -1 when absent. */
  hpos: number;
}

/**
 * Where a flow is in the current repair sweep (meaningful only while its `sweep` is the current one):
 * ACTIVE rises with the water level (a new flow, or one whose old rate no longer holds); PINNED is
 * expected to freeze at its old level unless a changed link stops it earlier or its bottleneck moved;
 * FROZEN is settled in this sweep, `next` holding its rate.
 */
export const ACTIVE = 1;
export const PINNED = 2;
export const FROZEN = 3;
export type SweepState = typeof ACTIVE | typeof PINNED | typeof FROZEN;

/** An active flow. */
export interface FlowRec {
  readonly id: string;
  readonly seq: number;
  readonly path: readonly LinkRec[];
  readonly bytes: number;
  readonly weight: number;
  readonly cap: number;
  readonly startedAt: number;
  bound: number;
  /** Current rate (bytes/s), the water level it froze at (rate = min(cap, weight · level)), and the link that froze it (null: its own cap). */
  rate: number;
  level: number;
  bottleneck: LinkRec | null;
  /** Time of the last settlement, and the bytes still to deliver then. */
  anchor: number;
  remaining: number;
  completesAt: number;
  version: number;
  alive: boolean;
  /** Repair scratch: sweep id, state in it, and the outcome once frozen. */
  sweep: number;
  state: SweepState;
  next: number;
  nextLevel: number;
  nextBottleneck: LinkRec | null;
  /** Slot in the repair's event heap, -1 when absent. */
  hpos: number;
}
