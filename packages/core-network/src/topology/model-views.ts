// Read-only views of the topology model: namespace and network info, the link list and the snapshot.
import type { InterfaceInfo, NamespaceInfo, NetworkInfo, TopologyLink, TopologySnapshot } from './types.js';
import { formatBinding, vethLink, type Iface, type ModelState, type Net, type Ns } from './model-state.js';

/** An interface as the API shows it (gw-priority is internal). */
export function publicIface(i: Iface): InterfaceInfo {
  const { gwPriority, ...rest } = i;
  void gwPriority;
  return { ...rest };
}

/** A namespace's public view; copies, so later commands do not change it. */
export function nsInfo(ns: Ns): NamespaceInfo {
  return {
    name: ns.name,
    id: ns.id,
    host: ns.host,
    ...(ns.pod === undefined ? {} : { pod: ns.pod }),
    interfaces: ns.interfaces.map(publicIface),
    routes: ns.routes.map((r) => ({ ...r })),
    listening: [...ns.listening].sort(),
  };
}

/** A network's public view, endpoints in attach order. */
export function netInfo(net: Net): NetworkInfo {
  return { ...net.info, endpoints: [...net.endpoints.keys()] };
}

/** Every link of the model: each host's uplink (tx, rx) and loopback, each physical NIC a host rides on (tx, rx, once), each namespace's lo and veth pairs (tx, rx). */
export function links(state: ModelState): TopologyLink[] {
  const { hosts, namespaces, veth } = state;
  const out: TopologyLink[] = [];
  for (const h of hosts.values()) {
    out.push({ id: `host:${h.spec.name}/uplink:tx`, ...h.spec.uplink }, { id: `host:${h.spec.name}/uplink:rx`, ...h.spec.uplink }, { id: `host:${h.spec.name}/lo`, ...veth });
  }
  const nics = new Set<string>();
  for (const h of hosts.values()) {
    if (h.nic === null || nics.has(h.nic.name)) continue;
    nics.add(h.nic.name);
    const { capacity, latency } = h.nic;
    out.push({ id: `nic:${h.nic.name}:tx`, capacity, latency }, { id: `nic:${h.nic.name}:rx`, capacity, latency });
  }
  for (const ns of namespaces.values()) {
    out.push({ id: `ns:${ns.name}/lo`, ...veth });
    for (const i of ns.interfaces) {
      if (i.network === undefined) continue;
      out.push({ id: vethLink(ns, i, 'tx'), ...veth }, { id: vethLink(ns, i, 'rx'), ...veth });
    }
  }
  return out;
}

/** The whole model as plain data. */
export function snapshot(state: ModelState): TopologySnapshot {
  const { hosts, namespaces, networks, globalAllocator, now } = state;
  const local: Record<string, readonly string[]> = {};
  for (const h of hosts.values()) local[h.spec.name] = h.allocator.allocated();
  return {
    now,
    hosts: [...hosts.values()].map((h) => ({ ...h.spec, uplink: { ...h.spec.uplink }, ...(h.nic === null ? {} : { physicalNic: { ...h.nic } }) })),
    namespaces: [...namespaces.values()].map(nsInfo),
    networks: [...networks.values()].map((n) => ({ ...netInfo(n), addresses: n.ipam.allocated() })),
    subnets: { local, global: globalAllocator.allocated() },
    hostListening: Object.fromEntries([...hosts.values()].map((h) => [h.spec.name, [...h.listening].sort()])),
    publications: [...hosts.values()].map((h) => ({ host: h.spec.name, bindings: h.publisher.list().map(formatBinding) })),
    links: links(state),
  };
}
