// Commands that build the topology: hosts, namespaces, networks, attaching namespaces to networks
// (veth pair, bridge port, DNS, derived routes) and custom routes. Each validates fully, then mutates.
import { ConflictError, LimitExceededError, NotFoundError, ValidationError, type Micros } from '@strata/shared-types';
import { DEFAULT_LOCAL_ADDRESS_POOLS, NetworkIpam, SubnetAllocator, ipFamilyOf, isMac, macFromIpv4, macFromSeed, normalizeIp, parseCidr } from '../addressing/index.js';
import { createPortPublisher } from '../ports/index.js';
import { LearningBridge, MAX_BRIDGE_PORTS } from './learning-bridge.js';
import { normalizeRoute, type Route, type RouteSpec } from './routing.js';
import {
  MAX_HOSTS,
  MAX_INTERFACES_PER_NAMESPACE,
  MAX_NAMESPACES,
  MAX_ROUTES_PER_NAMESPACE,
  MAX_TOPOLOGY_NETWORKS,
  type AttachSpec,
  type HostSpec,
  type InterfaceInfo,
  type PhysicalNic,
  type NamespaceInfo,
  type NamespaceSpec,
  type NetworkInfo,
  type NetworkSpec,
} from './types.js';
import { checkBool, checkName, checkProfile } from './input-checks.js';
import { LOOPBACK, LOOPBACK_ROUTE, VXLAN_PORT, hexId, lookups, type Host, type Iface, type ModelState, type Ns } from './model-state.js';
import { netInfo, nsInfo, publicIface } from './model-views.js';

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;
const NS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

/** The commands of `NetworkModel` that shape the topology, over `state`. See `NetworkModel` for each contract. */
export function createTopologyCommands(state: ModelState): {
  addHost: (spec: HostSpec) => void;
  setPhysicalNic: (host: string, nic: PhysicalNic | null) => void;
  createNamespace: (spec: NamespaceSpec) => NamespaceInfo;
  deleteNamespace: (name: string) => void;
  createNetwork: (spec: NetworkSpec) => NetworkInfo;
  removeNetwork: (name: string) => void;
  attach: (spec: AttachSpec) => InterfaceInfo;
  detach: (namespace: string, network: string) => void;
  addRoute: (namespace: string, spec: RouteSpec) => Route;
} {
  const { hosts, namespaces, networks, globalAllocator, dns, macMode } = state;
  const { getHost, getNs, getNet } = lookups(state);

  /** A NIC checked: its name, its profile, and the same profile as wherever else it is named (`except`: the host being moved). */
  function checkNic(nic: PhysicalNic, path: string, except: string | null): PhysicalNic {
    if (typeof nic !== 'object' || nic === null) throw new ValidationError(`${path} must be { name, capacity, latency } or null; got ${JSON.stringify(nic)}`, { path, given: nic });
    checkName(nic.name, HOST_NAME, `${path}.name`, '1..64 characters of [a-z0-9-], starting and ending alphanumeric');
    const profile = checkProfile(nic, path);
    for (const h of hosts.values()) {
      if (h.spec.name === except || h.nic === null || h.nic.name !== nic.name) continue;
      if (h.nic.capacity !== profile.capacity || h.nic.latency !== profile.latency) {
        throw new ConflictError(`physical NIC ${nic.name} is already ${h.nic.capacity} B/s, ${h.nic.latency} µs (on host ${h.spec.name}); name it with the same profile`, { nic: nic.name });
      }
    }
    return { name: nic.name, ...profile };
  }

  function setPhysicalNic(host: string, nic: PhysicalNic | null): void {
    const h = getHost(host);
    h.nic = nic === null ? null : checkNic(nic, 'nic', h.spec.name);
  }

  function addHost(spec: HostSpec): void {
    checkName(spec.name, HOST_NAME, 'name', '1..64 characters of [a-z0-9-], starting and ending alphanumeric');
    const address = normalizeIp(spec.address, 'address');
    if (ipFamilyOf(address) !== 4) throw new ValidationError(`address must be an IPv4 address; got ${JSON.stringify(spec.address)}`, { path: 'address', given: spec.address });
    const uplink = checkProfile(spec.uplink, 'uplink');
    const nic = spec.physicalNic === undefined ? null : checkNic(spec.physicalNic, 'physicalNic', null);
    if (hosts.has(spec.name)) throw new ConflictError(`host with name ${spec.name} already exists`, { name: spec.name });
    for (const h of hosts.values()) {
      if (h.spec.address === address) throw new ConflictError(`address ${address} is already the address of host ${h.spec.name}; give each host its own`, { address });
    }
    if (hosts.size >= MAX_HOSTS) throw new LimitExceededError(`a model holds at most ${MAX_HOSTS} hosts`, { limit: MAX_HOSTS });
    hosts.set(spec.name, {
      spec: { name: spec.name, address, uplink },
      nic,
      allocator: new SubnetAllocator({ pools: DEFAULT_LOCAL_ADDRESS_POOLS }),
      publisher: createPortPublisher(),
      listening: new Set(),
      peers: new Set(),
    });
  }

  function createNamespace(spec: NamespaceSpec): NamespaceInfo {
    checkName(spec.name, NS_NAME, 'name', '1..63 characters of [a-z0-9-], starting and ending alphanumeric (a DNS label)');
    getHost(spec.host);
    if (spec.pod !== undefined && (typeof spec.pod !== 'string' || !/^[^/]+\/[^/]+$/.test(spec.pod))) {
      throw new ValidationError(`pod must name a pod as namespace/name; got ${JSON.stringify(spec.pod)}`, { path: 'pod', accepted: 'namespace/name', given: spec.pod });
    }
    if (namespaces.has(spec.name)) throw new ConflictError(`namespace with name ${spec.name} already exists`, { name: spec.name });
    if (namespaces.size >= MAX_NAMESPACES) throw new LimitExceededError(`a model holds at most ${MAX_NAMESPACES} namespaces`, { limit: MAX_NAMESPACES });
    const ns: Ns = {
      name: spec.name,
      id: hexId(`namespace/${spec.name}/${state.seq}`),
      host: spec.host,
      ...(spec.pod === undefined ? {} : { pod: spec.pod }),
      interfaces: [LOOPBACK],
      routes: [LOOPBACK_ROUTE],
      custom: [],
      listening: new Set(),
    };
    state.seq++;
    namespaces.set(ns.name, ns);
    return nsInfo(ns);
  }

  function deleteNamespace(name: string): void {
    const ns = getNs(name);
    for (const i of [...ns.interfaces]) if (i.network !== undefined) detach(ns.name, i.network);
    getHost(ns.host).publisher.unpublishContainer(ns.id);
    namespaces.delete(ns.name);
  }

  function createNetwork(spec: NetworkSpec): NetworkInfo {
    checkName(spec.name, NET_NAME, 'name', '1..64 characters of [a-zA-Z0-9_.-], starting alphanumeric');
    const driver = spec.driver ?? 'bridge';
    if (driver !== 'bridge' && driver !== 'overlay') {
      throw new ValidationError(`driver must be 'bridge' or 'overlay'; got ${JSON.stringify(driver)}`, { path: 'driver', accepted: ['bridge', 'overlay'], given: driver });
    }
    const internal = checkBool(spec.internal ?? false, 'internal');
    const icc = checkBool(spec.icc ?? true, 'icc');
    const defaultBridge = checkBool(spec.defaultBridge ?? false, 'defaultBridge');
    let host: Host | undefined;
    if (driver === 'bridge') {
      if (spec.host === undefined) throw new ValidationError(`host is required for a bridge network (it lives on one host); got none`, { path: 'host', accepted: 'a host name' });
      host = getHost(spec.host);
    } else if (spec.host !== undefined) {
      throw new ValidationError(`host must be omitted for an overlay network (it spans every host); got ${JSON.stringify(spec.host)}`, { path: 'host', given: spec.host });
    } else if (defaultBridge) {
      throw new ValidationError(`defaultBridge applies to driver bridge only; got driver overlay`, { path: 'defaultBridge', given: true });
    }
    if (networks.has(spec.name)) throw new ConflictError(`network with name ${spec.name} already exists`, { name: spec.name });
    if (defaultBridge && host !== undefined) {
      for (const n of networks.values()) {
        if (n.info.defaultBridge && n.info.host === host.spec.name) throw new ConflictError(`host ${host.spec.name} already has its default bridge ${n.info.name}`, { network: n.info.name });
      }
    }
    if (networks.size >= MAX_TOPOLOGY_NETWORKS) throw new LimitExceededError(`a model holds at most ${MAX_TOPOLOGY_NETWORKS} networks`, { limit: MAX_TOPOLOGY_NETWORKS });
    const allocator = host?.allocator ?? globalAllocator;
    let subnet: string;
    if (spec.subnet === undefined) {
      subnet = allocator.allocate(4); // InsufficientResourcesError with Docker's text when exhausted
    } else {
      const info = parseCidr(spec.subnet, 'subnet');
      if (info.family !== 4) throw new ValidationError(`subnet must be an IPv4 block; got ${JSON.stringify(spec.subnet)}`, { path: 'subnet', given: spec.subnet });
      subnet = allocator.claim(info.cidr);
    }
    let ipam: NetworkIpam;
    try {
      ipam = new NetworkIpam(spec.gateway === undefined ? { subnet } : { subnet, gateway: spec.gateway });
      dns.addNetwork({ name: spec.name, defaultBridge, internal });
    } catch (e) {
      allocator.release(subnet);
      throw e;
    }
    const id = hexId(`network/${spec.name}/${state.seq}`);
    state.seq++;
    const info: Omit<NetworkInfo, 'endpoints'> = {
      name: spec.name,
      id,
      driver,
      ...(host === undefined ? {} : { host: host.spec.name }),
      subnet,
      gateway: ipam.gateway,
      internal,
      icc,
      defaultBridge,
      bridge: defaultBridge ? 'docker0' : `br-${id.slice(0, 12)}`,
    };
    networks.set(spec.name, { info, ipam, endpoints: new Map(), bridges: new Map() });
    state.events.push({ type: 'network.created', time: state.now as Micros, network: spec.name, id, driver, subnet, gateway: ipam.gateway, internal });
    return netInfo(getNet(spec.name));
  }

  function removeNetwork(name: string): void {
    const net = getNet(name);
    if (net.info.defaultBridge) throw new ConflictError(`${name} is a pre-defined network and cannot be removed`, { network: name });
    if (net.endpoints.size > 0) {
      // moby libnetwork/network.go delete: `name:%q id:%q` of each endpoint, its id truncated to 12.
      const list = [...net.endpoints]
        .map(([n, ifName]) => `name:"${n}" id:"${(getNs(n).interfaces.find((i) => i.name === ifName)?.endpointId ?? '').slice(0, 12)}"`)
        .join(', ');
      throw new ConflictError(`error while removing network: network ${name} has active endpoints (${list})`, { network: name, endpoints: [...net.endpoints.keys()] });
    }
    dns.removeNetwork(name);
    const allocator = net.info.host === undefined ? globalAllocator : getHost(net.info.host).allocator;
    allocator.release(net.info.subnet);
    networks.delete(name);
    state.events.push({ type: 'network.removed', time: state.now as Micros, network: name, id: net.info.id, subnet: net.info.subnet });
  }

  function attach(spec: AttachSpec): InterfaceInfo {
    const ns = getNs(spec.namespace);
    const net = getNet(spec.network);
    if (net.info.host !== undefined && net.info.host !== ns.host) {
      throw new ValidationError(`network ${net.info.name} is a bridge on host ${net.info.host}; namespace ${ns.name} is on host ${ns.host}: use an overlay network to span hosts`, {
        path: 'network',
        given: spec.network,
      });
    }
    if (net.endpoints.has(ns.name)) throw new ConflictError(`endpoint with name ${ns.name} already exists in network ${net.info.name}`, { network: net.info.name, namespace: ns.name });
    if (ns.interfaces.length - 1 >= MAX_INTERFACES_PER_NAMESPACE) {
      throw new LimitExceededError(`namespace ${ns.name} already has ${MAX_INTERFACES_PER_NAMESPACE} network interfaces, the limit; detach one first`, { limit: MAX_INTERFACES_PER_NAMESPACE });
    }
    if ((net.bridges.get(ns.host)?.portNames().length ?? 0) >= MAX_BRIDGE_PORTS) {
      throw new LimitExceededError(`the bridge of ${net.info.name} on ${ns.host} already has ${MAX_BRIDGE_PORTS} ports (BR_MAX_PORTS); attach ${ns.name} to another network`, { limit: MAX_BRIDGE_PORTS });
    }
    if (spec.mac !== undefined && !isMac(spec.mac)) throw new ValidationError(`mac must be six hex octets like 02:42:ac:11:00:02; got ${JSON.stringify(spec.mac)}`, { path: 'mac', given: spec.mac });
    const address = spec.ip === undefined ? net.ipam.allocate() : net.ipam.request(spec.ip);
    try {
      dns.connect({
        network: net.info.name,
        containerId: ns.id,
        containerName: ns.name,
        ipv4: address,
        ...(spec.aliases === undefined ? {} : { aliases: spec.aliases }),
        ...(spec.gwPriority === undefined ? {} : { gwPriority: spec.gwPriority }),
      });
    } catch (e) {
      net.ipam.release(address);
      throw e;
    }
    const taken = new Set(ns.interfaces.map((i) => i.name));
    let k = 0;
    while (taken.has(`eth${k}`)) k++;
    const name = `eth${k}`;
    const mac = spec.mac?.toLowerCase() ?? (macMode === 'ipv4' ? macFromIpv4(address) : macFromSeed(`${net.info.id}/${ns.id}/${address}`));
    const hostPeers = getHost(ns.host).peers;
    let peer = `veth${hexId(`veth/${ns.id}/${net.info.id}`).slice(0, 7)}`;
    for (let salt = 1; hostPeers.has(peer); salt++) peer = `veth${hexId(`veth/${ns.id}/${net.info.id}/${salt}`).slice(0, 7)}`;
    hostPeers.add(peer);
    const prefix = parseCidr(net.info.subnet).prefix;
    const endpointId = hexId(`endpoint/${net.info.id}/${ns.id}/${state.seq}`);
    state.seq++;
    const iface: Iface = { name, network: net.info.name, address, prefix, mac, peer, endpointId, ...(spec.gwPriority === undefined ? {} : { gwPriority: spec.gwPriority }) };
    ns.interfaces = [...ns.interfaces, iface];
    net.endpoints.set(ns.name, name);
    let bridge = net.bridges.get(ns.host);
    if (bridge === undefined) {
      bridge = new LearningBridge();
      if (net.info.driver === 'overlay') bridge.addPort(VXLAN_PORT);
      net.bridges.set(ns.host, bridge);
    }
    bridge.addPort(peer);
    rebuildRoutes(ns);
    state.events.push({ type: 'endpoint.attached', time: state.now as Micros, network: net.info.name, namespace: ns.name, interface: name, address, mac });
    return publicIface(iface);
  }

  function detach(namespace: string, network: string): void {
    const ns = getNs(namespace);
    const net = getNet(network);
    const ifName = net.endpoints.get(ns.name);
    if (ifName === undefined) throw new NotFoundError('endpoint', `${ns.name} on network ${net.info.name}`);
    const iface = ns.interfaces.find((i) => i.name === ifName);
    if (iface === undefined) throw new NotFoundError('interface', `${ns.name}/${ifName}`);
    dns.disconnect(net.info.name, ns.id);
    net.ipam.release(iface.address);
    const host = getHost(ns.host);
    const pubs = new Set(host.publisher.bindingsOf(ns.id).filter((b) => b.containerIp === iface.address).map((b) => b.publicationId));
    for (const p of pubs) host.publisher.unpublish(p);
    if (iface.peer !== undefined) {
      net.bridges.get(ns.host)?.removePort(iface.peer);
      host.peers.delete(iface.peer);
    }
    if (net.bridges.get(ns.host)?.portNames().every((p) => p === VXLAN_PORT) === true) net.bridges.delete(ns.host);
    ns.interfaces = ns.interfaces.filter((i) => i !== iface);
    net.endpoints.delete(ns.name);
    rebuildRoutes(ns);
    state.events.push({ type: 'endpoint.detached', time: state.now as Micros, network: net.info.name, namespace: ns.name, interface: ifName, address: iface.address });
  }

  /**
   * Re-derives the routes Docker installs: lo, one on-link route per attached subnet, one default
   * via the gateway of the first non-internal network by moby's Endpoint.Less (highest gw-priority,
   * then name ascending), then the routes added by addRoute whose device still exists.
   */
  function rebuildRoutes(ns: Ns): void {
    const routes: Route[] = [LOOPBACK_ROUTE];
    const nets = ns.interfaces.filter((i) => i.network !== undefined).map((i) => ({ iface: i, net: getNet(i.network as string) }));
    for (const { iface, net } of nets) routes.push({ destination: net.info.subnet, device: iface.name, metric: 0 });
    const gw = nets
      .filter((x) => !x.net.info.internal)
      .sort((a, b) => (b.iface.gwPriority ?? 0) - (a.iface.gwPriority ?? 0) || (a.net.info.name < b.net.info.name ? -1 : 1))[0];
    if (gw !== undefined) routes.push({ destination: '0.0.0.0/0', gateway: gw.net.info.gateway, device: gw.iface.name, metric: 0 });
    ns.custom = ns.custom.filter((r) => ns.interfaces.some((i) => i.name === r.device));
    ns.routes = [...routes, ...ns.custom];
  }

  function addRoute(namespace: string, spec: RouteSpec): Route {
    const ns = getNs(namespace);
    const route = normalizeRoute(spec);
    if (!ns.interfaces.some((i) => i.name === route.device)) {
      throw new ValidationError(`device must be an interface of ${ns.name} (${ns.interfaces.map((i) => i.name).join(', ')}); got ${JSON.stringify(spec.device)}`, {
        path: 'device',
        accepted: ns.interfaces.map((i) => i.name),
        given: spec.device,
      });
    }
    if (ns.routes.some((r) => r.destination === route.destination && r.metric === route.metric)) {
      throw new ConflictError(`a route to ${route.destination} with metric ${route.metric} already exists in ${ns.name} (RTNETLINK answers: File exists)`, { destination: route.destination });
    }
    if (ns.routes.length >= MAX_ROUTES_PER_NAMESPACE) throw new LimitExceededError(`a namespace holds at most ${MAX_ROUTES_PER_NAMESPACE} routes`, { limit: MAX_ROUTES_PER_NAMESPACE });
    ns.custom = [...ns.custom, route];
    rebuildRoutes(ns);
    return route;
  }

  return { addHost, setPhysicalNic, createNamespace, deleteNamespace, createNetwork, removeNetwork, attach, detach, addRoute };
}
