// Kubernetes NetworkPolicy v1: selectors, ipBlocks and the indexed reachability engine.
export { createPolicyEngine, NAMESPACE_NAME_LABEL } from './policy-engine.js';
export type { AddressPeer, PolicyEngine, PolicyEngineInput, PolicyPeer, PodRef, ReachDecision } from './types.js';
export { compileLabelSelector, selectsEverything, formatLabelSelector } from './label-selector.js';
export type { LabelPredicate } from './label-selector.js';
export { compileIpBlock } from './ip-block.js';
export type { AddressPredicate } from './ip-block.js';
