// Port publishing and NAT: the public surface of src/ports (wired into the package index by the lead).

export { createPortPublisher } from './port-publisher.js';
export { translate } from './nat.js';
export { DEFAULT_EPHEMERAL_RANGE, DEFAULT_MAX_PUBLICATIONS, MAX_PORT, MIN_PORT, PROTOCOLS } from './types.js';
export { IPV4_ANY, IPV6_ANY } from './address.js';
export type {
  EphemeralRange,
  PortAllocatorSnapshot,
  PortBinding,
  PortPublisher,
  PortPublisherOptions,
  PortRange,
  Protocol,
  Publication,
  PublishSpec,
} from './types.js';
export type { NatBridge, NatHost, NatKind, NatResult, PacketTuple } from './nat.js';
