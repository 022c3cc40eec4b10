// Commands on traffic endpoints: publishing ports on a host, listening sockets (namespace and host),
// and sending an Ethernet frame through a network's learning bridge.
import { ConflictError, LimitExceededError, NotFoundError, ValidationError, type Micros } from '@strata/shared-types';
import { isMac } from '../addressing/index.js';
import type { Protocol } from '../ports/index.js';
import type { FdbEntry } from './learning-bridge.js';
import { MAX_LISTENERS_PER_NAMESPACE, type FrameResult, type FrameSpec, type PublishPortSpec } from './types.js';
import { checkPort, checkProtocol } from './input-checks.js';
import { formatBinding, lookups, type ModelState } from './model-state.js';

/** The commands of `NetworkModel` on ports, sockets and frames, over `state`. See `NetworkModel` for each contract. */
export function createPortAndFrameCommands(state: ModelState): {
  publish: (spec: PublishPortSpec) => readonly string[];
  sendFrame: (spec: FrameSpec) => FrameResult;
  bridgeFdb: (network: string, host: string) => FdbEntry[];
  listenOnHost: (hostName: string, port: number, protocol?: Protocol) => void;
  listen: (namespace: string, port: number, protocol?: Protocol) => void;
} {
  const { getHost, getNs, getNet } = lookups(state);

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
    state.events.push({ type: 'port.published', time: state.now as Micros, namespace: ns.name, host: host.spec.name, publication: pub.id, bindings });
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
    const out = bridge.receive({ src: iface.mac, dst: dstMac }, iface.peer, state.now);
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
    return net.bridges.get(host)?.fdb(state.now) ?? [];
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

  return { publish, sendFrame, bridgeFdb, listenOnHost, listen };
}
