// The reach walk: from a namespace or a host's own stack to a namespace or a host address, the hops,
// links and reasons on the way (routes, bridges, overlay tunnels, isolation, internal networks, published
// ports and their DNAT, NetworkPolicy). Queries only: nothing here changes the model.
import { ConflictError, ValidationError } from '@strata/shared-types';
import { normalizeIp } from '../addressing/index.js';
import type { Protocol } from '../ports/index.js';
import { formatRoute, longestPrefixMatch, type Route } from './routing.js';
import type { Hop, ReachResult, ReachTarget } from './types.js';
import { checkPort, checkProtocol } from './input-checks.js';
import { formatBinding, lookups, vethLink, type Host, type Iface, type ModelState, type Net, type Ns } from './model-state.js';
import { applyPolicy, describeEnd, type PolicyCheck, type PolicyEnd } from './policy-checks.js';

/** A walk in progress: where it has got to and why. */
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
  /** Where NetworkPolicy filters the packet on the way, and what it sees there, in path order. */
  checks: PolicyCheck[];
}

/** The queries of `NetworkModel` that walk the topology, over `state`. See `NetworkModel` for each contract. */
export function createReachWalk(state: ModelState): {
  reach: (src: ReachTarget, dst: ReachTarget, port: number, protocol?: Protocol) => ReachResult;
  pathLinks: (src: ReachTarget, dst: ReachTarget, port?: number, protocol?: Protocol) => string[];
} {
  const { namespaces, networks, policy } = state;
  const { getHost, getNs, getNet } = lookups(state);

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
    // Hosts that are VMs ride on their hypervisor hosts' NICs: crossed unless both share one (then the hypervisor's bridge joins them).
    const a = state.hosts.get(from)?.nic ?? null;
    const b = state.hosts.get(to)?.nic ?? null;
    const shared = a !== null && b !== null && a.name === b.name;
    w.path.push({ kind: 'host-nic', id: `${from}/uplink`, host: from });
    if (a !== null && !shared) w.path.push({ kind: 'host-nic', id: `nic:${a.name}`, host: from });
    w.path.push({ kind: 'physical-link', id: `${from}/uplink`, host: from });
    if (tunnel !== undefined) w.path.push({ kind: 'overlay-tunnel', id: tunnel, host: from });
    w.path.push({ kind: 'physical-link', id: `${to}/uplink`, host: to });
    if (b !== null && !shared) w.path.push({ kind: 'host-nic', id: `nic:${b.name}`, host: to });
    w.path.push({ kind: 'host-nic', id: `${to}/uplink`, host: to });
    w.links.push(`host:${from}/uplink:tx`);
    if (a !== null && !shared) w.links.push(`nic:${a.name}:tx`);
    if (b !== null && !shared) w.links.push(`nic:${b.name}:rx`);
    w.links.push(`host:${to}/uplink:rx`);
  }

  /**
   * The kernel's route lookup from `src` towards `address`, with its reasons: the longest-prefix
   * route and the interface and network it leaves by. Undefined, with the reason in `w`, when no
   * route matches (`noRoute()` is that reason) or the route's device is lo.
   */
  function routeOut(src: Ns, address: string, w: Walk, noRoute: () => string): { route: Route; iface: Iface; net: Net } | undefined {
    const route = longestPrefixMatch(src.routes, address);
    if (route === undefined) {
      w.reasons.push(noRoute());
      return undefined;
    }
    w.reasons.push(`route '${formatRoute(route)}' of ${src.name} is the longest prefix matching ${address}`);
    const iface = src.interfaces.find((i) => i.name === route.device);
    if (iface?.network === undefined) {
      w.reasons.push(`${route.device} is the loopback of ${src.name}: ${address} never leaves the namespace`);
      return undefined;
    }
    return { route, iface, net: getNet(iface.network) };
  }

  function walkToNamespace(src: Ns, dst: Ns, address: string, port: number): Walk {
    const w: Walk = { allowed: false, address, port, path: [], reasons: [], links: [], checks: [] };
    const out = routeOut(src, address, w, () => {
      const onlyInternal = src.interfaces.some((i) => i.network !== undefined) && src.interfaces.every((i) => i.network === undefined || getNet(i.network).info.internal);
      return `no route to ${address}: no route of ${src.name} matches it${onlyInternal ? ` (${src.name} is only on internal networks, which install no default route)` : ''}`;
    });
    if (out === undefined) return w;
    const { route, iface, net } = out;
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
      w.checks.push({ from: { ns: src, address: iface.address }, to: { ns: dst, address }, port });
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
    const w: Walk = { allowed: false, address, port, path: [], reasons: [], links: [], checks: [] };
    const out = routeOut(src, address, w, () => `no route to ${address} (host ${target.name}): no route of ${src.name} matches it (internal networks install no default route)`);
    if (out === undefined) return w;
    const { route, iface, net } = out;
    // The source as the destination host's filter sees it: the namespace itself on its own host, its host's address once masqueraded.
    let source: PolicyEnd = { ns: src, address: iface.address };
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
        const masqueraded = getHost(src.host).spec.address;
        w.reasons.push(`leaves host ${src.host} by its uplink, masqueraded to ${masqueraded}, to host ${target.name}`);
        // The source's node filters its egress before the packet leaves: the destination is still the other host's address and port.
        w.checks.push({
          from: source,
          to: { host: target.name, address },
          port,
          seen: `NetworkPolicy on ${src.host} sees ${describeEnd(source)} → ${address}:${port}/${protocol} (host ${target.name}, which does any DNAT later); masquerade to ${masqueraded} comes after it`,
        });
        source = { host: src.host, address: masqueraded };
        crossHosts(src.host, target.name, w);
      } else {
        w.path.push({ kind: 'host-nic', id: `${target.name}/uplink`, host: target.name });
        w.reasons.push(`${address} is ${target.name}'s own address: delivered to the host (hairpin through docker-proxy if it comes back)`);
      }
    }
    return deliverToHost(host, address, port, protocol, w, source, net.info.internal ? net : undefined);
  }

  /**
   * A packet from `source` (as this host sees it) has reached `host` for its `address`: a published
   * port DNATs it on, else a host socket takes it. From an internal network (`internal`), a DNAT to
   * another network is forwarded out of it, which the internal network's firewall rule drops.
   */
  function deliverToHost(host: Host, address: string, port: number, protocol: Protocol, w: Walk, source: PolicyEnd, internal?: Net): Walk {
    const target = host.spec;
    const binding = host.publisher.lookup(address, port, protocol);
    if (binding === undefined) {
      if (host.listening.has(`${port}/${protocol}`)) {
        w.reasons.push(`host ${target.name} listens on ${port}/${protocol}`);
        w.allowed = true;
        w.hostListening = true;
        const to: PolicyEnd = { host: target.name, address };
        w.checks.push({ from: source, to, port, seen: `NetworkPolicy on ${target.name} sees ${describeEnd(source)} → ${describeEnd(to)}:${port}/${protocol}` });
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
    const to: PolicyEnd = { ns: dst, address: binding.containerIp };
    w.checks.push({
      from: source,
      to,
      port: binding.containerPort,
      seen: `NetworkPolicy on ${target.name} sees ${describeEnd(source)} → ${describeEnd(to)} at ${binding.containerIp}:${binding.containerPort}/${protocol}: after the DNAT of ${address}:${port}, before any masquerade of the source`,
    });
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
      const w: Walk = { allowed: false, address, port, path: [], reasons: [], links: [], checks: [] };
      if (target === host) {
        w.path.push({ kind: 'loopback', id: `${hostName}/lo`, host: hostName });
        w.links.push(`host:${hostName}/lo`);
        w.reasons.push(`host ${hostName} to its own address ${address}: local delivery`);
      } else {
        w.reasons.push(`host ${hostName} to ${address} (host ${target.spec.name}) over the fabric`);
        crossHosts(hostName, target.spec.name, w);
      }
      return deliverToHost(target, address, port, protocol, w, { host: hostName, address: host.spec.address });
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
        checks: [],
      };
    }
    const net = getNet(local.network);
    const w: Walk = { allowed: true, address: local.address, dst: d, port, path: [], reasons: [], links: [], checks: [] };
    w.path.push({ kind: 'bridge', id: `${net.info.bridge}@${hostName}`, host: hostName });
    w.reasons.push(
      `host ${hostName} holds ${net.info.gateway} on ${net.info.bridge} (network ${net.info.name}): route '${net.info.subnet} dev ${net.info.bridge}' reaches ${d.name} directly${net.info.internal ? ' (internal networks too)' : ''}`,
    );
    down(d, local, w);
    w.checks.push({ from: { host: hostName, address: net.info.gateway }, to: { ns: d, address: local.address }, port, seen: `NetworkPolicy on ${hostName} sees host ${hostName} (${net.info.gateway}) → ${describeEnd({ ns: d, address: local.address })}:${port}/${protocol}` });
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
        checks: [{ from: { ns: s, address: '127.0.0.1' }, to: { ns: s, address: '127.0.0.1' }, port }],
      };
    }
    const addresses = d.interfaces.filter((i) => i.network !== undefined).map((i) => i.address);
    if (addresses.length === 0) {
      return { allowed: false, port, path: [], reasons: [`${d.name} is on no network: it has only lo`], links: [], checks: [] };
    }
    const walks = addresses.map((a) => walkToNamespace(s, d, a, port));
    return walks.find((x) => x.allowed) ?? (walks[0] as Walk);
  }

  function reach(src: ReachTarget, dst: ReachTarget, port: number, protocol: Protocol = 'tcp'): ReachResult {
    checkPort(port, 'port');
    checkProtocol(protocol);
    const w = walk(src, dst, port, protocol);
    const reasons = [...w.reasons];
    const allowed = w.allowed && applyPolicy(policy, w.checks, protocol, reasons);
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

  return { reach, pathLinks };
}

function describe(dst: ReachTarget): string {
  return typeof dst === 'string' ? dst : `host ${dst.host}`;
}
