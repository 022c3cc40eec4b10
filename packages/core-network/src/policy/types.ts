// The public contract of the NetworkPolicy engine: its input, its decisions, and the two kinds of
// connection end it judges (a pod, or an address that is not a pod). The engine is built in
// policy-engine.ts; keeping the types here lets its helper modules import them without a circle.
import type { NamespaceInput, NetworkPolicyInput, NetworkProtocol, PodInput } from '@strata/shared-types';

/** A decision: whether the connection is allowed, and the chain of reasons, source side first. */
export interface ReachDecision {
  readonly allowed: boolean;
  readonly reason: readonly string[];
}

/** The manifests an engine evaluates (raw, as written: each is validated and defaulted). */
export interface PolicyEngineInput {
  readonly namespaces: readonly NamespaceInput[];
  readonly pods: readonly PodInput[];
  readonly policies: readonly NetworkPolicyInput[];
}

declare const POD_REF: unique symbol;
/** A pod resolved once by `PolicyEngine.pod`, to skip the name lookup in hot loops. Opaque. */
export interface PodRef {
  readonly key: string;
  readonly [POD_REF]: true;
}

/**
 * A connection end that is not a pod, as NetworkPolicy sees it: a client or server outside the
 * pod network (another node, a host outside the cluster, a plain container), or the pod's own node.
 * Pod and namespace selectors never match it; only ipBlock peers and rules without peers do
 * (Kubernetes: ipBlock is meant for cluster-external IPs).
 */
export interface AddressPeer {
  /** The IPv4 or IPv6 address the policy sees: the destination after DNAT, the source before SNAT at the enforcing node. */
  readonly address: string;
  /** True when this address is the node the pod on the other end runs on: traffic to and from it is always allowed. */
  readonly ownNode?: boolean;
}

/** One end of a connection: a pod (`ns/name` or a PodRef of this engine) or an address that is not a pod. */
export type PolicyPeer = string | PodRef | AddressPeer;

/** Evaluates NetworkPolicy v1 over a fixed set of namespaces, pods and policies. Pods are named `namespace/name`. */
export interface PolicyEngine {
  /**
   * May `from` open a connection to `to` on `port`/`protocol` (default TCP)? With the reason chain.
   * Either end may be an AddressPeer (then only the pod end's policies apply), not both
   * (ValidationError: NetworkPolicy judges pods).
   */
  reach(from: PolicyPeer, to: PolicyPeer, port: number, protocol?: NetworkProtocol): ReachDecision;
  /** The same decision as `reach`, without building reasons. */
  isAllowed(from: PolicyPeer, to: PolicyPeer, port: number, protocol?: NetworkProtocol): boolean;
  /** Resolve `ns/name` once (NotFoundError when unknown); refs are accepted by `reach` and `isAllowed` of this engine only. */
  pod(name: string): PodRef;
  /** Names (`ns/name`) of the policies that isolate `pod` per direction, in input order. */
  isolatingPolicies(pod: string): { readonly ingress: readonly string[]; readonly egress: readonly string[] };
  /** Every pod, as `ns/name`, in input order. */
  readonly podNames: readonly string[];
}
