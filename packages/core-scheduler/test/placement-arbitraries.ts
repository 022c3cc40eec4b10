// Shared fast-check arbitraries for the placement tests: small random clusters and requests that
// exercise overcommit, zones, taints, tolerations, selectors and (anti-)affinity.
import fc from 'fast-check';
import type { PlacementHostSpec, PlacementRequest } from '../src/placement/types.js';

export const G = 1024;

export const hostArb: fc.Arbitrary<HostGen> = fc.record(
  {
    cpu: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 32 }).map((x) => x * 500)),
    memory: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 }).map((x) => x * G)),
    zone: fc.constantFrom('a', 'b', 'c', undefined),
    taint: fc.constantFrom(undefined, undefined, 'gpu:NoSchedule', 'spot:PreferNoSchedule', 'maint:NoExecute'),
    cpuOvercommit: fc.constantFrom(undefined, undefined, 1.5, 3),
  },
  { requiredKeys: ['cpu', 'memory'] },
);

export const requestArb: fc.Arbitrary<RequestGen> = fc.record(
  {
    cpu: fc.integer({ min: 0, max: 24 }).map((x) => x * 250),
    memory: fc.integer({ min: 0, max: 24 }).map((x) => x * G),
    app: fc.constantFrom('web', 'db', 'cache', undefined),
    tolerate: fc.constantFrom(undefined, undefined, 'gpu', 'all'),
    selectZone: fc.constantFrom(undefined, undefined, undefined, 'a', 'b'),
    affinity: fc.constantFrom(undefined, undefined, undefined, undefined, { app: 'db', topo: 'zone' }, { app: 'web', topo: undefined }),
    anti: fc.constantFrom(undefined, undefined, undefined, undefined, { app: 'web', topo: undefined }, { app: 'db', topo: 'zone' }, { app: 'cache', topo: undefined }),
    prefer: fc.constantFrom(undefined, undefined, 'db-zone', 'not-web-host', 'zone-b'),
  },
  { requiredKeys: ['cpu', 'memory'] },
);

/** A generated host, before naming. */
export interface HostGen {
  cpu: number;
  memory: number;
  zone?: string | undefined;
  taint?: string | undefined;
  cpuOvercommit?: number | undefined;
}

/** A generated request, before naming. */
export interface RequestGen {
  cpu: number;
  memory: number;
  app?: string | undefined;
  tolerate?: string | undefined;
  selectZone?: string | undefined;
  affinity?: { app: string; topo: string | undefined } | undefined;
  anti?: { app: string; topo: string | undefined } | undefined;
  prefer?: string | undefined;
}

/** Name and shape a generated host. */
export function toHost(h: HostGen, i: number): PlacementHostSpec {
  const spec: PlacementHostSpec = { name: `h${i}`, cpu: h.cpu, memory: h.memory };
  const labels = h.zone === undefined ? undefined : { zone: h.zone };
  const taints = h.taint === undefined ? undefined : [{ key: h.taint.split(':')[0]!, effect: h.taint.split(':')[1] as 'NoSchedule' }];
  return { ...spec, ...(labels && { labels }), ...(taints && { taints }), ...(h.cpuOvercommit !== undefined && { cpuOvercommit: h.cpuOvercommit }) };
}

/** Name and shape a generated request. */
export function toRequest(r: RequestGen, name: string): PlacementRequest {
  const out: { -readonly [K in keyof PlacementRequest]: PlacementRequest[K] } = { name, cpu: r.cpu, memory: r.memory };
  if (r.app !== undefined) out.labels = { app: r.app };
  if (r.tolerate === 'gpu') out.tolerations = [{ key: 'gpu', operator: 'Exists' }];
  if (r.tolerate === 'all') out.tolerations = [{ operator: 'Exists' }];
  if (r.selectZone !== undefined) out.hostSelector = { zone: r.selectZone };
  const term = ({ app, topo }: { app: string; topo: string | undefined }) => (topo === undefined ? { selector: { app } } : { selector: { app }, topologyKey: topo });
  if (r.affinity !== undefined) out.affinity = { required: [term(r.affinity)] };
  if (r.anti !== undefined) out.antiAffinity = { required: [term(r.anti)] };
  if (r.prefer === 'db-zone') out.affinity = { ...out.affinity, preferred: [{ selector: { app: 'db' }, topologyKey: 'zone', weight: 30 }] };
  if (r.prefer === 'not-web-host') out.antiAffinity = { ...out.antiAffinity, preferred: [{ selector: { app: 'web' }, weight: 100 }] };
  if (r.prefer === 'zone-b') out.hostPreferences = [{ selector: { zone: 'b' }, weight: 7 }];
  return out;
}

/** A tiny seeded LCG in [0, 1) for tests. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
