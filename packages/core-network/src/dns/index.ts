// The embedded DNS: the public surface of src/dns (wired into the package index by the lead).

export { createEmbeddedDns } from './embedded-dns.js';
export { normalizeDnsName, MAX_DNS_LABEL_LENGTH, MAX_DNS_NAME_LENGTH } from './dns-name.js';
export {
  DEFAULT_BRIDGE_NETWORK,
  DNS_TTL_SECONDS,
  GW_PRIORITY_RANGE,
  MAX_ALIASES_PER_ENDPOINT,
  MAX_ENDPOINTS,
  MAX_NETWORKS,
} from './types.js';
export type { DnsAnswer, DnsEndpointSpec, DnsNetworkSpec, DnsRecordType, DnsShuffle, EmbeddedDns, EmbeddedDnsOptions } from './types.js';
