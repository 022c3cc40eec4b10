// The topology model's factory: validates the options, builds the state and wires the commands
// (topology-commands, port-and-frame-commands), the reach walk and the views into a NetworkModel.
import { ValidationError, type DomainEvent, type Micros } from '@strata/shared-types';
import { DEFAULT_GLOBAL_ADDRESS_POOLS, SubnetAllocator } from '../addressing/index.js';
import { createEmbeddedDns, type DnsAnswer, type DnsRecordType } from '../dns/index.js';
import { DEFAULT_VETH_CAPACITY, type NetworkModel, type NetworkModelOptions } from './types.js';
import { checkInt, checkProfile } from './input-checks.js';
import { lookups, type ModelState } from './model-state.js';
import { links, netInfo, nsInfo, snapshot } from './model-views.js';
import { createPortAndFrameCommands } from './port-and-frame-commands.js';
import { createReachWalk } from './reach-walk.js';
import { createTopologyCommands } from './topology-commands.js';

/**
 * Builds an empty topology model. ValidationError naming `start`, `veth.capacity`, `veth.latency`
 * or `macMode`. See `NetworkModel` for the contract.
 */
export function createNetworkModel(options: NetworkModelOptions = {}): NetworkModel {
  const start = checkInt(options.start ?? 0, 0, Number.MAX_SAFE_INTEGER, 'start');
  const veth = checkProfile(options.veth ?? { capacity: DEFAULT_VETH_CAPACITY, latency: 0 }, 'veth');
  const macMode = options.macMode ?? 'seeded';
  if (macMode !== 'seeded' && macMode !== 'ipv4') {
    throw new ValidationError(`macMode must be 'seeded' or 'ipv4'; got ${JSON.stringify(macMode)}`, { path: 'macMode', accepted: ['seeded', 'ipv4'], given: macMode });
  }
  const state: ModelState = {
    now: start,
    seq: 0,
    events: [],
    veth,
    macMode,
    policy: options.policy,
    hosts: new Map(),
    namespaces: new Map(),
    networks: new Map(),
    globalAllocator: new SubnetAllocator({ pools: DEFAULT_GLOBAL_ADDRESS_POOLS }),
    dns: createEmbeddedDns(),
  };
  const { getNs, getNet } = lookups(state);
  const topology = createTopologyCommands(state);
  const portsAndFrames = createPortAndFrameCommands(state);
  const { reach, pathLinks } = createReachWalk(state);

  return {
    now: () => state.now as Micros,
    nextEventTime: () => Infinity,
    advanceTo(time: number): DomainEvent[] {
      checkInt(time, state.now, Number.MAX_SAFE_INTEGER, 'time');
      state.now = time;
      return [];
    },
    addHost: topology.addHost,
    setPhysicalNic: topology.setPhysicalNic,
    createNamespace: topology.createNamespace,
    deleteNamespace: topology.deleteNamespace,
    createNetwork: topology.createNetwork,
    removeNetwork: topology.removeNetwork,
    attach: topology.attach,
    detach: topology.detach,
    publish: portsAndFrames.publish,
    listen: portsAndFrames.listen,
    listenOnHost: portsAndFrames.listenOnHost,
    sendFrame: portsAndFrames.sendFrame,
    bridgeFdb: portsAndFrames.bridgeFdb,
    addRoute: topology.addRoute,
    resolve: (namespace: string, name: string, type?: DnsRecordType): DnsAnswer => state.dns.resolve(getNs(namespace).id, name, type),
    reach,
    pathLinks,
    links: () => links(state),
    network: (name) => netInfo(getNet(name)),
    hasHost: (name) => state.hosts.has(name),
    namespace: (name) => nsInfo(getNs(name)),
    takeEvents() {
      const out = state.events;
      state.events = [];
      return out;
    },
    snapshot: () => snapshot(state),
  };
}
