// The topology model: hosts with uplinks, network namespaces, veth pairs, bridges, routes and
// Docker-like networks over them, with reach (path + reasons) and flow paths. Pure data; no clock.
import {
  ConflictError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
  type DomainEvent,
  type Micros,
} from '@strata/shared-types';
import {
  DEFAULT_GLOBAL_ADDRESS_POOLS,
  DEFAULT_LOCAL_ADDRESS_POOLS,
  NetworkIpam,
  SubnetAllocator,
  ipFamilyOf,
  isMac,
  macFromIpv4,
  macFromSeed,
  normalizeIp,
  parseCidr,
} from '../addressing/index.js';
import { createEmbeddedDns, type DnsAnswer, type DnsRecordType, type EmbeddedDns } from '../dns/index.js';
import { createPortPublisher, MAX_PORT, MIN_PORT, PROTOCOLS, type PortPublisher, type Protocol } from '../ports/index.js';
import { LearningBridge, MAX_BRIDGE_PORTS, type FdbEntry } from './learning-bridge.js';
import { formatRoute, longestPrefixMatch, normalizeRoute, type Route, type RouteSpec } from './routing.js';
import {
  DEFAULT_VETH_CAPACITY,
  MAX_HOSTS,
  MAX_INTERFACES_PER_NAMESPACE,
  MAX_LATENCY_US,
  MAX_LINK_CAPACITY,
  MAX_LISTENERS_PER_NAMESPACE,
  MAX_NAMESPACES,
  MAX_ROUTES_PER_NAMESPACE,
  MAX_TOPOLOGY_NETWORKS,
  type AttachSpec,
  type FrameResult,
  type FrameSpec,
  type Hop,
  type HostSpec,
  type InterfaceInfo,
  type LinkProfile,
  type NamespaceInfo,
  type NamespaceSpec,
  type NetworkInfo,
  type NetworkModel,
  type NetworkModelOptions,
  type NetworkSpec,
  type PublishPortSpec,
  type ReachResult,
  type ReachTarget,
  type TopologyLink,
  type TopologySnapshot,
} from './types.js';

interface Host {
  readonly spec: HostSpec;
  /** `port/protocol` of the host's own sockets (all addresses). */
  readonly listening: Set<string>;
  readonly allocator: SubnetAllocator;
  readonly publisher: PortPublisher;
  /** Host ends of veth pairs on this host (their names must be unique there). */
  readonly peers: Set<string>;
}

interface Iface {
  readonly name: string;
  readonly network?: string;
  readonly address: string;
  readonly prefix: number;
  readonly mac?: string;
  readonly peer?: string;
  readonly endpointId?: string;
  /** `--gw-priority`: orders networks for the default route (higher first). */
  readonly gwPriority?: number;
}

interface Ns {
  readonly name: string;
  readonly id: string;
  readonly host: string;
  readonly pod?: string;
  interfaces: Iface[];
  routes: Route[];
  /** Routes added by addRoute, kept across re-derivations while their device exists. */
  custom: Route[];
  listening: Set<string>;
}

interface Net {
  readonly info: Omit<NetworkInfo, 'endpoints'>;
  readonly ipam: NetworkIpam;
  /** namespace name → interface name there, in attach order. */
  readonly endpoints: Map<string, string>;
  /** One learning bridge per host the network has ports on (a bridge network: its host only). */
  readonly bridges: Map<string, LearningBridge>;
}

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;
const NS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
/** The port of an overlay's per-host bridge that leads into the VXLAN tunnel. */
const VXLAN_PORT = 'vxlan0';
const LOOPBACK: Iface = { name: 'lo', address: '127.0.0.1', prefix: 8 };
const LOOPBACK_ROUTE: Route = { destination: '127.0.0.0/8', device: 'lo', metric: 0 };

/**
 * Builds an empty topology model. ValidationError naming `start`, `veth.capacity`, `veth.latency`
 * or `macMode`. See `NetworkModel` for the contract.
 */
export function createNetworkModel(options: NetworkModelOptions = {}): NetworkModel {
  let now = checkInt(options.start ?? 0, 0, Number.MAX_SAFE_INTEGER, 'start');
  const veth = checkProfile(options.veth ?? { capacity: DEFAULT_VETH_CAPACITY, latency: 0 }, 'veth');
  const macMode = options.macMode ?? 'seeded';
  if (macMode !== 'seeded' && macMode !== 'ipv4') {
    throw new ValidationError(`macMode must be 'seeded' or 'ipv4'; got ${JSON.stringify(macMode)}`, { path: 'macMode', accepted: ['seeded', 'ipv4'], given: macMode });
  }
  const policy = options.policy;
  const hosts = new Map<string, Host>();
  const namespaces = new Map<string, Ns>();
  const networks = new Map<string, Net>();
  const globalAllocator = new SubnetAllocator({ pools: DEFAULT_GLOBAL_ADDRESS_POOLS });
  const dns: EmbeddedDns = createEmbeddedDns();
  let events: DomainEvent[] = [];
  let seq = 0;

  const getHost = (name: string): Host => {
    const h = hosts.get(name);
    if (h === undefined) throw new NotFoundError('host', String(name));
    return h;
  };
  const getNs = (name: string): Ns => {
    const n = namespaces.get(name);
    if (n === undefined) throw new NotFoundError('namespace', String(name));
    return n;
  };
  const getNet = (name: string): Net => {
    const n = networks.get(name);
    if (n === undefined) throw new NotFoundError('network', String(name));
    return n;
  };

  function addHost(spec: HostSpec): void {
    checkName(spec.name, HOST_NAME, 'name', '1..64 characters of [a-z0-9-], starting and ending alphanumeric');
    const address = normalizeIp(spec.address, 'address');
    if (ipFamilyOf(address) !== 4) throw new ValidationError(`address must be an IPv4 address; got ${JSON.stringify(spec.address)}`, { path: 'address', given: spec.address });
    const uplink = checkProfile(spec.uplink, 'uplink');
    if (hosts.has(spec.name)) throw new ConflictError(`host with name ${spec.name} already exists`, { name: spec.name });
    for (const h of hosts.values()) {
      if (h.spec.address === address) throw new ConflictError(`address ${address} is already the address of host ${h.spec.name}; give each host its own`, { address });
    }
    if (hosts.size >= MAX_HOSTS) throw new LimitExceededError(`a model holds at most ${MAX_HOSTS} hosts`, { limit: MAX_HOSTS });
    hosts.set(spec.name, {
      spec: { name: spec.name, address, uplink },
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
      id: hexId(`namespace/${spec.name}/${seq}`),
      host: spec.host,
      ...(spec.pod === undefined ? {} : { pod: spec.pod }),
      interfaces: [LOOPBACK],
      routes: [LOOPBACK_ROUTE],
      custom: [],
      listening: new Set(),
    };
    seq++;
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
    const id = hexId(`network/${spec.name}/${seq}`);
    seq++;
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
    events.push({ type: 'network.created', time: now as Micros, network: spec.name, id, driver, subnet, gateway: ipam.gateway, internal });
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
    events.push({ type: 'network.removed', time: now as Micros, network: name, id: net.info.id, subnet: net.info.subnet });
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
    const endpointId = hexId(`endpoint/${net.info.id}/${ns.id}/${seq}`);
    seq++;
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
    events.push({ type: 'endpoint.attached', time: now as Micros, network: net.info.name, namespace: ns.name, interface: name, address, mac });
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
    events.push({ type: 'endpoint.detached', time: now as Micros, network: net.info.name, namespace: ns.name, interface: ifName, address: iface.address });
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

  function publish(spec: PublishPortSpec): readonly string[] {
    const ns = getNs(spec.namespace);
    const host = getHost(ns.host);
    const iface = ns.interfaces.find((i) => {
      if (i.network === undefined) return false;
      const n = getNet(i.network);
      return n.info.driver === 'bridge' && !n.info.internal;
    });
    if (iface === undefined) {
      throw new ValidationError(`namespace ${ns.name} is on no non-internal bridge network, so it has no address to publish ports to; attach it to one first`, { path: 'namespace', given: ns.name });
    }
    const pub = host.publisher.publish({
      containerId: ns.id,
      containerIp: iface.address,
      containerPort: spec.containerPort,
      ...(spec.protocol === undefined ? {} : { protocol: spec.protocol }),
      ...(spec.hostIp === undefined ? {} : { hostIp: spec.hostIp }),
      ...(spec.hostPort === undefined ? {} : { hostPort: spec.hostPort }),
    });
    const bindings = pub.bindings.map((b) => ({ hostIp: b.hostIp, hostPort: b.hostPort, protocol: b.protocol, containerIp: b.containerIp, containerPort: b.containerPort }));
    events.push({ type: 'port.published', time: now as Micros, namespace: ns.name, host: host.spec.name, publication: pub.id, bindings });
    return pub.bindings.map(formatBinding);
  }

  function sendFrame(spec: FrameSpec): FrameResult {
    const ns = getNs(spec.namespace);
    const net = getNet(spec.network);
    const ifName = net.endpoints.get(ns.name);
    const iface = ns.interfaces.find((i) => i.name === ifName);
    const bridge = net.bridges.get(ns.host);
    if (iface?.peer === undefined || iface.mac === undefined || bridge === undefined) throw new NotFoundError('endpoint', `${ns.name} on network ${net.info.name}`);
    let dstMac: string;
    if (isMac(spec.dst)) dstMac = spec.dst.toLowerCase();
    else {
      const d = getNs(spec.dst);
      const dIf = d.interfaces.find((i) => i.name === net.endpoints.get(d.name));
      if (dIf?.mac === undefined) throw new NotFoundError('endpoint', `${d.name} on network ${net.info.name}`);
      dstMac = dIf.mac;
    }
    const out = bridge.receive({ src: iface.mac, dst: dstMac }, iface.peer, now);
    const byPeer = new Map<string, string>();
    for (const n of net.endpoints.keys()) {
      const other = getNs(n);
      const p = other.interfaces.find((i) => i.network === net.info.name)?.peer;
      if (p !== undefined && other.host === ns.host) byPeer.set(p, other.name);
    }
    return { ...out, to: out.ports.map((p) => byPeer.get(p) ?? p) };
  }

  function bridgeFdb(network: string, host: string): FdbEntry[] {
    const net = getNet(network);
    getHost(host);
    return net.bridges.get(host)?.fdb(now) ?? [];
  }

  function listenOnHost(hostName: string, port: number, protocol: Protocol = 'tcp'): void {
    const host = getHost(hostName);
    checkPort(port, 'port');
    checkProtocol(protocol);
    const key = `${port}/${protocol}`;
    if (host.listening.has(key)) throw new ConflictError(`a socket already listens on ${key} on host ${hostName} (EADDRINUSE)`, { port, protocol });
    if (host.listening.size >= MAX_LISTENERS_PER_NAMESPACE) throw new LimitExceededError(`a host holds at most ${MAX_LISTENERS_PER_NAMESPACE} listening sockets`, { limit: MAX_LISTENERS_PER_NAMESPACE });
    host.listening.add(key);
  }

  function listen(namespace: string, port: number, protocol: Protocol = 'tcp'): void {
    const ns = getNs(namespace);
    checkPort(port, 'port');
    checkProtocol(protocol);
    const key = `${port}/${protocol}`;
    if (ns.listening.has(key)) throw new ConflictError(`a socket already listens on ${key} in ${ns.name} (EADDRINUSE)`, { port, protocol });
    if (ns.listening.size >= MAX_LISTENERS_PER_NAMESPACE) throw new LimitExceededError(`a namespace holds at most ${MAX_LISTENERS_PER_NAMESPACE} listening sockets`, { limit: MAX_LISTENERS_PER_NAMESPACE });
    ns.listening.add(key);
  }

  // ---- reach -------------------------------------------------------------------------------

  interface Walk {
    allowed: boolean;
    address?: string;
    dst?: Ns;
    port: number;
    path: Hop[];
    reasons: string[];
    /** Link ids crossed, for flows. */
    links: string[];
    /** Set when the connection ends at a host socket rather than in a namespace. */
    hostListening?: boolean;
  }

  /** Hops and links of the way up from `ns` through `iface` to its network's bridge on its host. */
  function up(ns: Ns, iface: Iface, net: Net, w: Walk): void {
    w.path.push({ kind: 'veth', id: `${ns.name}/${iface.name}`, host: ns.host }, { kind: 'bridge', id: `${net.info.bridge}@${ns.host}`, host: ns.host });
    w.links.push(vethLink(ns, iface, 'tx'));
  }
  function down(ns: Ns, iface: Iface, w: Walk): void {
    w.path.push({ kind: 'veth', id: `${ns.name}/${iface.name}`, host: ns.host });
    w.links.push(vethLink(ns, iface, 'rx'));
  }
  function crossHosts(from: string, to: string, w: Walk, tunnel?: string): void {
    w.path.push({ kind: 'host-nic', id: `${from}/uplink`, host: from }, { kind: 'physical-link', id: `${from}/uplink`, host: from });
    if (tunnel !== undefined) w.path.push({ kind: 'overlay-tunnel', id: tunnel, host: from });
    w.path.push({ kind: 'physical-link', id: `${to}/uplink`, host: to }, { kind: 'host-nic', id: `${to}/uplink`, host: to });
    w.links.push(`host:${from}/uplink:tx`, `host:${to}/uplink:rx`);
  }

  function walkToNamespace(src: Ns, dst: Ns, address: string, port: number): Walk {
    const w: Walk = { allowed: false, address, port, path: [], reasons: [], links: [] };
    const route = longestPrefixMatch(src.routes, address);
    if (route === undefined) {
      const onlyInternal = src.interfaces.some((i) => i.network !== undefined) && src.interfaces.every((i) => i.network === undefined || getNet(i.network).info.internal);
      w.reasons.push(
        `no route to ${address}: no route of ${src.name} matches it${onlyInternal ? ` (${src.name} is only on internal networks, which install no default route)` : ''}`,
      );
      return w;
    }
    w.reasons.push(`route '${formatRoute(route)}' of ${src.name} is the longest prefix matching ${address}`);
    const iface = src.interfaces.find((i) => i.name === route.device);
    if (iface?.network === undefined) {
      w.reasons.push(`${route.device} is the loopback of ${src.name}: ${address} never leaves the namespace`);
      return w;
    }
    const net = getNet(iface.network);
    up(src, iface, net, w);
    const dstIfName = dst.interfaces.find((i) => i.address === address);
    const dstNet = dstIfName?.network === undefined ? undefined : getNet(dstIfName.network);
    if (route.gateway === undefined) {
      const holder = [...net.endpoints.keys()].map(getNs).find((n) => n.interfaces.some((i) => i.network === net.info.name && i.address === address));
      if (holder === undefined || holder !== dst || dstNet !== net) {
        w.reasons.push(
          holder === undefined
            ? `no endpoint of network ${net.info.name} has ${address}: ${dst.name}'s ${address} is on ${dstNet?.info.name ?? 'another'} network, a separate bridge`
            : `${address} on network ${net.info.name} is ${holder.name}, not ${dst.name}`,
        );
        return w;
      }
      w.reasons.push(`${src.name} and ${dst.name} share network ${net.info.name} (${net.info.driver}, ${net.info.subnet}): one L2 segment, no isolation rule between its endpoints`);
      if (!net.info.icc) {
        w.reasons.push(`inter-container communication is off on ${net.info.name} (com.docker.network.bridge.enable_icc=false): the bridge drops container-to-container traffic`);
        return w;
      }
      if (src.host !== dst.host) {
        const a = getHost(src.host).spec;
        const b = getHost(dst.host).spec;
        crossHosts(src.host, dst.host, w, `vxlan ${net.info.name} ${a.address}→${b.address}`);
        w.path.push({ kind: 'bridge', id: `${net.info.bridge}@${dst.host}`, host: dst.host });
        w.reasons.push(`overlay ${net.info.name}: VXLAN tunnel from ${a.name} (${a.address}) to ${b.name} (${b.address}) over their uplinks`);
      }
      down(dst, dstIfName as Iface, w);
      w.allowed = true;
      w.dst = dst;
      return w;
    }
    w.reasons.push(`${address} is off ${net.info.name}'s subnet ${net.info.subnet}: sent to the gateway ${route.gateway} on host ${src.host}`);
    if (net.info.internal) {
      w.reasons.push(`${net.info.name} is internal: traffic leaving it is dropped`);
      return w;
    }
    if (dstNet !== undefined && dstNet.info.internal) {
      w.reasons.push(`${dstNet.info.name} is internal: the firewall drops traffic from other networks to it`);
      return w;
    }
    w.reasons.push(
      `DOCKER-ISOLATION drops traffic from network ${net.info.name} (${net.info.bridge}) to ${dstNet === undefined ? address : `network ${dstNet.info.name} (${dstNet.info.bridge})`}: separate networks do not reach each other; only ports published on host addresses cross`,
    );
    return w;
  }

  /** The address a host target names: its NIC address, or the gateway of one of its bridge networks. */
  function hostAddress(target: Host, address: string | undefined): { address: string; gatewayOf?: Net } {
    if (address === undefined) return { address: target.spec.address };
    const ip = normalizeIp(address, 'dst.address');
    const gatewayOf = [...networks.values()].find((n) => n.info.host === target.spec.name && n.info.gateway === ip);
    if (ip !== target.spec.address && gatewayOf === undefined) {
      const accepted = [target.spec.address, ...[...networks.values()].filter((n) => n.info.host === target.spec.name).map((n) => n.info.gateway)];
      throw new ValidationError(`dst.address must be an address of host ${target.spec.name} (${accepted.join(', ')}); got ${JSON.stringify(address)}`, {
        path: 'dst.address',
        accepted,
        given: address,
      });
    }
    return gatewayOf === undefined ? { address: ip } : { address: ip, gatewayOf };
  }

  function walkToHost(src: Ns, hostName: string, requested: string | undefined, port: number, protocol: Protocol): Walk {
    const host = getHost(hostName);
    const target = host.spec;
    const { address, gatewayOf } = hostAddress(host, requested);
    const w: Walk = { allowed: false, address, port, path: [], reasons: [], links: [] };
    const route = longestPrefixMatch(src.routes, address);
    if (route === undefined) {
      w.reasons.push(`no route to ${address} (host ${target.name}): no route of ${src.name} matches it (internal networks install no default route)`);
      return w;
    }
    w.reasons.push(`route '${formatRoute(route)}' of ${src.name} is the longest prefix matching ${address}`);
    const iface = src.interfaces.find((i) => i.name === route.device);
    if (iface?.network === undefined) {
      w.reasons.push(`${route.device} is the loopback of ${src.name}: ${address} never leaves the namespace`);
      return w;
    }
    const net = getNet(iface.network);
    if (route.gateway === undefined) {
      if (gatewayOf !== net || src.host !== target.name) {
        w.reasons.push(`${address} is not on the segment of network ${net.info.name} that ${src.name} is on`);
        return w;
      }
      up(src, iface, net, w);
      w.path.push({ kind: 'host-nic', id: `${target.name}/${net.info.bridge}`, host: target.name });
      w.reasons.push(`${address} is ${target.name}'s own address on ${net.info.bridge} (the gateway of ${net.info.name}): reachable from its containers${net.info.internal ? ', internal network included' : ''}`);
    } else {
      up(src, iface, net, w);
      if (net.info.internal) {
        w.reasons.push(`${net.info.name} is internal: traffic leaving it is dropped`);
        return w;
      }
      if (target.name !== src.host) {
        w.reasons.push(`leaves host ${src.host} by its uplink, masqueraded to ${getHost(src.host).spec.address}, to host ${target.name}`);
        crossHosts(src.host, target.name, w);
      } else {
        w.path.push({ kind: 'host-nic', id: `${target.name}/uplink`, host: target.name });
        w.reasons.push(`${address} is ${target.name}'s own address: delivered to the host (hairpin through docker-proxy if it comes back)`);
      }
    }
    return deliverToHost(host, address, port, protocol, w, net.info.internal ? net : undefined);
  }

  /**
   * A packet has reached `host` for its `address`: a published port DNATs it on, else a host socket
   * takes it. From an internal network (`internal`), a DNAT to another network is forwarded out of
   * it, which the internal network's firewall rule drops.
   */
  function deliverToHost(host: Host, address: string, port: number, protocol: Protocol, w: Walk, internal?: Net): Walk {
    const target = host.spec;
    const binding = host.publisher.lookup(address, port, protocol);
    if (binding === undefined) {
      if (host.listening.has(`${port}/${protocol}`)) {
        w.reasons.push(`host ${target.name} listens on ${port}/${protocol}`);
        w.allowed = true;
        w.hostListening = true;
        return w;
      }
      w.reasons.push(`nothing is published on ${address}:${port}/${protocol} of host ${target.name} and the host has no socket there`);
      return w;
    }
    const dst = [...namespaces.values()].find((n) => n.id === binding.containerId);
    const dstIf = dst?.interfaces.find((i) => i.address === binding.containerIp);
    if (dst === undefined || dstIf?.network === undefined) {
      w.reasons.push(`the published ${formatBinding(binding)} points at an address no namespace holds`);
      return w;
    }
    const dstNet = getNet(dstIf.network);
    if (internal !== undefined && dstNet !== internal) {
      w.reasons.push(`published port ${formatBinding(binding)} leads to network ${dstNet.info.name}; ${internal.info.name} is internal: the firewall drops traffic forwarded out of it`);
      return w;
    }
    w.path.push(
      { kind: 'nat', id: `DNAT ${address}:${port} → ${binding.containerIp}:${binding.containerPort}`, host: target.name },
      { kind: 'bridge', id: `${dstNet.info.bridge}@${target.name}`, host: target.name },
    );
    w.reasons.push(`published port ${formatBinding(binding)}: DNAT to ${dst.name} (${binding.containerIp}:${binding.containerPort}) on network ${dstNet.info.name}`);
    down(dst, dstIf, w);
    w.allowed = true;
    w.dst = dst;
    w.port = binding.containerPort;
    return w;
  }

  function checkTarget(t: ReachTarget, path: string): void {
    if (typeof t === 'string') return;
    if (typeof t !== 'object' || t === null || typeof t.host !== 'string' || (t.address !== undefined && typeof t.address !== 'string')) {
      throw new ValidationError(`${path} must be a namespace name or { host: <host name>, address?: <its address> }; got ${JSON.stringify(t)}`, { path, given: t });
    }
  }

  /** From a host's own stack: it reaches its containers through their bridges (internal ones too), other hosts over the uplinks. */
  function walkFromHost(hostName: string, dst: ReachTarget, port: number, protocol: Protocol): Walk {
    const host = getHost(hostName);
    if (typeof dst !== 'string') {
      const target = getHost(dst.host);
      const { address } = hostAddress(target, dst.address);
      const w: Walk = { allowed: false, address, port, path: [], reasons: [], links: [] };
      if (target === host) {
        w.path.push({ kind: 'loopback', id: `${hostName}/lo`, host: hostName });
        w.links.push(`host:${hostName}/lo`);
        w.reasons.push(`host ${hostName} to its own address ${address}: local delivery`);
      } else {
        w.reasons.push(`host ${hostName} to ${address} (host ${target.spec.name}) over the fabric`);
        crossHosts(hostName, target.spec.name, w);
      }
      return deliverToHost(target, address, port, protocol, w);
    }
    const d = getNs(dst);
    const local = d.interfaces.find((i) => i.network !== undefined && getNet(i.network).info.host === hostName);
    if (local?.network === undefined) {
      const first = d.interfaces.find((i) => i.network !== undefined);
      return {
        allowed: false,
        ...(first === undefined ? {} : { address: first.address }),
        port,
        path: [],
        reasons: [`host ${hostName} has no bridge of any network ${d.name} is on: bridge subnets are local to their host and overlay subnets are not routed from hosts; publish a port`],
        links: [],
      };
    }
    const net = getNet(local.network);
    const w: Walk = { allowed: true, address: local.address, dst: d, port, path: [], reasons: [], links: [] };
    w.path.push({ kind: 'bridge', id: `${net.info.bridge}@${hostName}`, host: hostName });
    w.reasons.push(
      `host ${hostName} holds ${net.info.gateway} on ${net.info.bridge} (network ${net.info.name}): route '${net.info.subnet} dev ${net.info.bridge}' reaches ${d.name} directly${net.info.internal ? ' (internal networks too)' : ''}`,
    );
    down(d, local, w);
    return w;
  }

  function walk(src: ReachTarget, dst: ReachTarget, port: number, protocol: Protocol): Walk {
    checkTarget(src, 'src');
    checkTarget(dst, 'dst');
    if (typeof src !== 'string') return walkFromHost(src.host, dst, port, protocol);
    const s = getNs(src);
    if (typeof dst !== 'string') return walkToHost(s, dst.host, dst.address, port, protocol);
    const d = getNs(dst);
    if (s === d) {
      return {
        allowed: true,
        address: '127.0.0.1',
        dst: d,
        port,
        path: [{ kind: 'loopback', id: `${s.name}/lo`, host: s.host }],
        reasons: [`${s.name} to itself: 127.0.0.1 via lo (127.0.0.0/8), which never leaves the namespace`],
        links: [`ns:${s.name}/lo`],
      };
    }
    const addresses = d.interfaces.filter((i) => i.network !== undefined).map((i) => i.address);
    if (addresses.length === 0) {
      return { allowed: false, port, path: [], reasons: [`${d.name} is on no network: it has only lo`], links: [] };
    }
    const walks = addresses.map((a) => walkToNamespace(s, d, a, port));
    return walks.find((x) => x.allowed) ?? (walks[0] as Walk);
  }

  function reach(src: ReachTarget, dst: ReachTarget, port: number, protocol: Protocol = 'tcp'): ReachResult {
    checkPort(port, 'port');
    checkProtocol(protocol);
    const w = walk(src, dst, port, protocol);
    let allowed = w.allowed;
    const reasons = [...w.reasons];
    const s = typeof src === 'string' ? getNs(src) : undefined;
    if (allowed && policy !== undefined && w.dst !== undefined && s?.pod !== undefined && w.dst.pod !== undefined && typeof dst === 'string') {
      const decision = policy.reach(s.pod, w.dst.pod, w.port, protocol.toUpperCase() as 'TCP' | 'UDP' | 'SCTP');
      allowed = decision.allowed;
      for (const r of decision.reason) reasons.push(`NetworkPolicy: ${r}`);
    }
    const listening = allowed && (w.hostListening === true || (w.dst !== undefined && w.dst.listening.has(`${w.port}/${protocol}`)));
    if (allowed && w.dst !== undefined) reasons.push(listening ? `${w.dst.name} listens on ${w.port}/${protocol}` : `${w.dst.name} has no socket on ${w.port}/${protocol} (connection refused)`);
    return { allowed, listening, ...(w.address === undefined ? {} : { address: w.address }), path: w.path, reasons };
  }

  function pathLinks(src: ReachTarget, dst: ReachTarget, port = 1, protocol: Protocol = 'tcp'): string[] {
    checkPort(port, 'port');
    checkProtocol(protocol);
    const w = walk(src, dst, port, protocol);
    if (!w.allowed) throw new ConflictError(`no path from ${describe(src)} to ${describe(dst)}: ${w.reasons.join('; ')}`, { src, dst, reasons: w.reasons });
    return w.links;
  }

  function links(): TopologyLink[] {
    const out: TopologyLink[] = [];
    for (const h of hosts.values()) {
      out.push({ id: `host:${h.spec.name}/uplink:tx`, ...h.spec.uplink }, { id: `host:${h.spec.name}/uplink:rx`, ...h.spec.uplink }, { id: `host:${h.spec.name}/lo`, ...veth });
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

  // ---- views -------------------------------------------------------------------------------

  function nsInfo(ns: Ns): NamespaceInfo {
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
  function netInfo(net: Net): NetworkInfo {
    return { ...net.info, endpoints: [...net.endpoints.keys()] };
  }

  function snapshot(): TopologySnapshot {
    const local: Record<string, readonly string[]> = {};
    for (const h of hosts.values()) local[h.spec.name] = h.allocator.allocated();
    return {
      now,
      hosts: [...hosts.values()].map((h) => ({ ...h.spec, uplink: { ...h.spec.uplink } })),
      namespaces: [...namespaces.values()].map(nsInfo),
      networks: [...networks.values()].map((n) => ({ ...netInfo(n), addresses: n.ipam.allocated() })),
      subnets: { local, global: globalAllocator.allocated() },
      hostListening: Object.fromEntries([...hosts.values()].map((h) => [h.spec.name, [...h.listening].sort()])),
      publications: [...hosts.values()].map((h) => ({ host: h.spec.name, bindings: h.publisher.list().map(formatBinding) })),
      links: links(),
    };
  }

  return {
    now: () => now as Micros,
    nextEventTime: () => Infinity,
    advanceTo(time: number): DomainEvent[] {
      checkInt(time, now, Number.MAX_SAFE_INTEGER, 'time');
      now = time;
      return [];
    },
    addHost,
    createNamespace,
    deleteNamespace,
    createNetwork,
    removeNetwork,
    attach,
    detach,
    publish,
    listen,
    listenOnHost,
    sendFrame,
    bridgeFdb,
    addRoute,
    resolve: (namespace: string, name: string, type?: DnsRecordType): DnsAnswer => dns.resolve(getNs(namespace).id, name, type),
    reach,
    pathLinks,
    links,
    network: (name) => netInfo(getNet(name)),
    namespace: (name) => nsInfo(getNs(name)),
    takeEvents() {
      const out = events;
      events = [];
      return out;
    },
    snapshot,
  };
}

function publicIface(i: Iface): InterfaceInfo {
  const { gwPriority, ...rest } = i;
  void gwPriority;
  return { ...rest };
}

function vethLink(ns: Ns, iface: Iface, dir: 'tx' | 'rx'): string {
  return `ns:${ns.name}/${iface.name}:${dir}`;
}

function describe(dst: ReachTarget): string {
  return typeof dst === 'string' ? dst : `host ${dst.host}`;
}

function formatBinding(b: { hostIp: string; hostPort: number; protocol: string; containerIp: string; containerPort: number }): string {
  const host = b.hostIp.includes(':') ? `[${b.hostIp}]` : b.hostIp;
  return `${host}:${b.hostPort}/${b.protocol} → ${b.containerIp}:${b.containerPort}`;
}

/** 64 hex digits from a text: four FNV-1a 64-bit hashes with different salts. Deterministic, not cryptographic. */
function hexId(text: string): string {
  let out = '';
  for (let salt = 0; salt < 4; salt++) {
    let h = 0xcbf29ce484222325n ^ BigInt(salt);
    for (let i = 0; i < text.length; i++) {
      h ^= BigInt(text.charCodeAt(i));
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    out += h.toString(16).padStart(16, '0');
  }
  return out;
}

function checkName(value: unknown, re: RegExp, path: string, accepted: string): void {
  if (typeof value !== 'string' || !re.test(value)) {
    throw new ValidationError(`${path} must be ${accepted}; got ${JSON.stringify(value)}`, { path, accepted, given: value });
  }
}

function checkInt(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${path} must be an integer in ${min}..${max}; got ${String(value)}`, { path, accepted: `integer ${min}..${max}`, given: value });
  }
  return value;
}

function checkBool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(`${path} must be true or false; got ${JSON.stringify(value)}`, { path, accepted: 'boolean', given: value });
  return value;
}

function checkProfile(p: LinkProfile, path: string): LinkProfile {
  if (typeof p !== 'object' || p === null) throw new ValidationError(`${path} must be { capacity, latency }; got ${JSON.stringify(p)}`, { path, given: p });
  return { capacity: checkInt(p.capacity, 1, MAX_LINK_CAPACITY, `${path}.capacity`), latency: checkInt(p.latency, 0, MAX_LATENCY_US, `${path}.latency`) };
}

function checkPort(port: unknown, path: string): void {
  checkInt(port, MIN_PORT, MAX_PORT, path);
}

function checkProtocol(protocol: unknown): void {
  if (!PROTOCOLS.includes(protocol as Protocol)) {
    throw new ValidationError(`protocol must be one of ${PROTOCOLS.join(', ')}; got ${JSON.stringify(protocol)}`, { path: 'protocol', accepted: PROTOCOLS, given: protocol });
  }
}
