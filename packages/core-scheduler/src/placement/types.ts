// The vocabulary of placement: hosts (or nodes) with capacity, labels and taints, and requests
// (a VM or a container) with resources, labels, tolerations and (anti-)affinity.

/** Labels on a host or an item: string keys to string values. */
export type Labels = Readonly<Record<string, string>>;

/** Kubernetes taint effects: NoSchedule and NoExecute repel untolerating requests; PreferNoSchedule only lowers the score. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** A taint on a host (Kubernetes semantics): it repels requests that do not tolerate it. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

/**
 * A toleration (Kubernetes semantics): with operator 'Equal' (default) it matches a taint of the same
 * key and value; with 'Exists' any value (and, with no key, any taint); an absent effect matches all effects.
 */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect?: TaintEffect;
}

/**
 * A term of inter-item (anti-)affinity: items whose labels include every pair of `selector`, in the
 * same topology domain — hosts sharing the value of host label `topologyKey`, or the host itself when absent.
 */
export interface AffinityTerm {
  readonly selector: Labels;
  readonly topologyKey?: string;
}

/** A soft term: `weight` (1..100) is added to (affinity) or taken from (anti-affinity) the score of hosts where it holds. */
export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** A soft preference for hosts carrying every label of `selector`, worth `weight` (1..100). */
export interface HostPreference {
  readonly selector: Labels;
  readonly weight: number;
}

/** A host (or node) to place onto. CPU in millicores (1 vCPU = 1000), memory in bytes; both non-negative integers. */
export interface PlacementHostSpec {
  /** Unique among the cluster's hosts. */
  readonly name: string;
  readonly cpu: number;
  readonly memory: number;
  readonly labels?: Labels;
  readonly taints?: readonly Taint[];
  /** Overrides the cluster's CPU overcommit ratio for this host (finite, > 0). */
  readonly cpuOvercommit?: number;
  /** Overrides the cluster's memory overcommit ratio for this host (finite, > 0). */
  readonly memoryOvercommit?: number;
}

/** A VM or container to place. CPU in millicores, memory in bytes; both non-negative integers. */
export interface PlacementRequest {
  /** Unique among placed items; used to release it. */
  readonly name: string;
  readonly cpu: number;
  readonly memory: number;
  /** The item's own labels, matched by other items' (anti-)affinity. */
  readonly labels?: Labels;
  readonly tolerations?: readonly Toleration[];
  /** Required host labels (Kubernetes nodeSelector). */
  readonly hostSelector?: Labels;
  /** Preferred host labels (Kubernetes preferred node affinity). */
  readonly hostPreferences?: readonly HostPreference[];
  /** Co-locate with matching items: `required` terms filter, `preferred` terms score. */
  readonly affinity?: { readonly required?: readonly AffinityTerm[]; readonly preferred?: readonly WeightedAffinityTerm[] };
  /** Keep away from matching items: `required` terms filter, `preferred` terms score. */
  readonly antiAffinity?: { readonly required?: readonly AffinityTerm[]; readonly preferred?: readonly WeightedAffinityTerm[] };
}

/** A read-only view of one host and its allocation. Capacities are effective: raw × overcommit ratio. */
export interface HostView {
  readonly index: number;
  readonly name: string;
  readonly cpu: number;
  readonly memory: number;
  readonly labels: Labels;
  readonly taints: readonly Taint[];
  readonly cpuCapacity: number;
  readonly memoryCapacity: number;
  readonly cpuUsed: number;
  readonly memoryUsed: number;
  /** Names of the items placed on this host, in placement order. */
  readonly items: readonly string[];
}

/** A filtered-out candidate and why. */
export interface FilteredHost {
  readonly host: string;
  readonly index: number;
  readonly plugin: string;
  readonly reason: string;
}

/** A feasible candidate's score: `total` = Σ weight·normalized score; `breakdown` holds each plugin's normalized 0..100 score, `raw` its score before normalization. */
export interface ScoredHost {
  readonly host: string;
  readonly index: number;
  readonly total: number;
  readonly breakdown: Readonly<Record<string, number>>;
  readonly raw: Readonly<Record<string, number>>;
}

/** The explained outcome of one filter-and-score decision. */
export interface PlacementDecision {
  /** The chosen host, or null when every host was filtered out. */
  readonly chosen: { readonly host: string; readonly index: number } | null;
  /** Every filtered-out host, in host order, with the first filter that rejected it. */
  readonly filtered: readonly FilteredHost[];
  /** Every feasible host, best first (total descending, then host index ascending). */
  readonly scores: readonly ScoredHost[];
}
