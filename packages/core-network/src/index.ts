// @strata/core-network: the virtual networks between containers and VMs. Addresses and pools,
// ports, DNS, Kubernetes NetworkPolicy and flow-level bandwidth sharing, platform-neutral like
// every core. Each area has its own folder and barrel; this file is the package's whole API.
