// A link's profile and its bounds: what the input checks need, apart from the model's types (which
// name the bridge and routing modules that use those checks).

/** Largest link capacity, bytes/s (10 TB/s, as the flows area). */
export const MAX_LINK_CAPACITY = 10_000_000_000_000;
/** Largest one-way link latency, µs (10 s, as the flows area). */
export const MAX_LATENCY_US = 10_000_000;
/** A link's capacity (bytes/s, integer 1..MAX_LINK_CAPACITY) and one-way latency (integer µs 0..MAX_LATENCY_US). */
export interface LinkProfile {
  readonly capacity: number;
  readonly latency: number;
}
