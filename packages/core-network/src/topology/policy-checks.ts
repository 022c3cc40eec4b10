// NetworkPolicy on the reach walk. The walk records each point where a packet is filtered and what
// the filter sees there; this module turns those ends into the policy engine's peers and judges them.
// What a filter sees follows netfilter's order on the enforcing node, as iptables-based CNI plugins
// enforce it: DNAT (PREROUTING) before the policy (FORWARD) before SNAT (POSTROUTING). So the policy
// sees the post-DNAT destination pod and port, and the source as it arrived at that node.
import type { NetworkProtocol } from '@strata/shared-types';
import type { PolicyEngine, PolicyPeer } from '../policy/index.js';
import type { Protocol } from '../ports/index.js';
import type { Ns } from './model-state.js';

/** One end of a connection as a filter sees it: a namespace at one of its addresses, or a host's own stack at an address of it. */
export type PolicyEnd = { readonly ns: Ns; readonly address: string } | { readonly host: string; readonly address: string };

/** A point where the packet is filtered: the ends and the port seen there; `seen` explains a NAT or host path (absent on a direct path). */
export interface PolicyCheck {
  readonly from: PolicyEnd;
  readonly to: PolicyEnd;
  readonly port: number;
  readonly seen?: string;
}

/**
 * The engine's view of `end`: its pod, or (Kubernetes: only ipBlock matches what is not a pod) its
 * address; a host's address is the own node of a pod on that host at the `other` end.
 */
function peerOf(end: PolicyEnd, other: PolicyEnd): PolicyPeer {
  if ('ns' in end) return end.ns.pod ?? { address: end.address };
  const ownNode = 'ns' in other && other.ns.pod !== undefined && other.ns.host === end.host;
  return ownNode ? { address: end.address, ownNode } : { address: end.address };
}

/** `x/a (c1)`, `c2 at 172.18.0.3` or `host h1 (10.1.0.1)`, for the reasons. */
export function describeEnd(end: PolicyEnd): string {
  if ('ns' in end) return end.ns.pod === undefined ? `${end.ns.name} at ${end.address}` : `pod ${end.ns.pod} (${end.ns.name})`;
  return `host ${end.host} (${end.address})`;
}

/**
 * Judges `checks` in path order with `policy`, appending each decision's reasons (prefixed
 * `NetworkPolicy: `) to `reasons`; stops at the first denial, where the packet is dropped. A check
 * with no pod at either end is skipped: NetworkPolicy judges pods only. True when all allow.
 */
export function applyPolicy(policy: PolicyEngine | undefined, checks: readonly PolicyCheck[], protocol: Protocol, reasons: string[]): boolean {
  if (policy === undefined) return true;
  for (const check of checks) {
    const from = peerOf(check.from, check.to);
    const to = peerOf(check.to, check.from);
    if (typeof from !== 'string' && typeof to !== 'string') continue;
    if (check.seen !== undefined) reasons.push(check.seen);
    const decision = policy.reach(from, to, check.port, protocol.toUpperCase() as NetworkProtocol);
    for (const r of decision.reason) reasons.push(`NetworkPolicy: ${r}`);
    if (!decision.allowed) return false;
  }
  return true;
}
