// Flow-level bandwidth sharing: the passive flow model and its contract.
export { createFlowNetwork, flowCompletionTime } from './create-flow-network.js';
export { MAX_FLOW_CAPACITY, MAX_LINK_LATENCY_US, MAX_FLOW_WEIGHT, MAX_FLOW_WINDOW, MAX_FLOW_NETWORK_SIZE, MAX_FLOW_PATH } from './types.js';
export type { FlowNetwork, FlowNetworkOptions, FlowNetworkEvent, FlowNetworkStats, FlowSpec, FlowState, LinkSpec, LinkState, VnicLimiterSpec } from './types.js';
