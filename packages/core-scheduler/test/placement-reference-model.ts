// An independent, deliberately naive model of placement feasibility and of each simple policy's
// choice (linear scans), to cross-check the indexed implementation.
import type { AffinityTerm, Labels, PlacementHostSpec, PlacementRequest, Taint, Toleration } from '../src/placement/types.js';

interface ModelHost {
  spec: PlacementHostSpec;
  capCpu: number;
  capMem: number;
}

export class ReferenceModel {
  hosts: ModelHost[] = [];
  items = new Map<string, { host: number; req: PlacementRequest }>();
  rrNext = 0;

  constructor(private readonly cpuRatio = 1, private readonly memRatio = 1) {}

  addHost(spec: PlacementHostSpec): void {
    this.hosts.push({ spec, capCpu: spec.cpu * (spec.cpuOvercommit ?? this.cpuRatio), capMem: spec.memory * (spec.memoryOvercommit ?? this.memRatio) });
  }

  used(i: number): { cpu: number; mem: number } {
    let cpu = 0;
    let mem = 0;
    for (const { host, req } of this.items.values()) {
      if (host === i) {
        cpu += req.cpu;
        mem += req.memory;
      }
    }
    return { cpu, mem };
  }

  private domain(i: number, key: string | undefined): string | undefined {
    if (key === undefined) return `host:${i}`;
    const v = this.hosts[i]!.spec.labels?.[key];
    return v === undefined ? undefined : `label:${v}`;
  }

  private matches(sel: Labels, labels: Labels | undefined): boolean {
    return Object.entries(sel).every(([k, v]) => (labels ?? {})[k] === v);
  }

  private tolerated(t: Taint, tols: readonly Toleration[]): boolean {
    return tols.some((tol) => {
      if (tol.effect !== undefined && tol.effect !== t.effect) return false;
      if (tol.operator === 'Exists') return tol.key === undefined || tol.key === t.key;
      return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
    });
  }

  private matchingInDomain(term: AffinityTerm, domain: string): number {
    let n = 0;
    for (const { host, req } of this.items.values()) if (this.domain(host, term.topologyKey) === domain && this.matches(term.selector, req.labels)) n++;
    return n;
  }

  feasible(req: PlacementRequest, i: number): boolean {
    const h = this.hosts[i]!;
    const u = this.used(i);
    if (u.cpu + req.cpu > h.capCpu || u.mem + req.memory > h.capMem) return false;
    if (req.hostSelector !== undefined && !this.matches(req.hostSelector, h.spec.labels)) return false;
    for (const t of h.spec.taints ?? []) if (t.effect !== 'PreferNoSchedule' && !this.tolerated(t, req.tolerations ?? [])) return false;
    const required = req.affinity?.required ?? [];
    const anyMatch = required.some((term) => [...this.items.values()].some(({ host, req: r }) => this.domain(host, term.topologyKey) !== undefined && this.matches(term.selector, r.labels)));
    const waived = required.length > 0 && !anyMatch && required.every((term) => this.matches(term.selector, req.labels));
    for (const term of required) {
      const d = this.domain(i, term.topologyKey);
      if (d === undefined) return false;
      if (!waived && this.matchingInDomain(term, d) === 0) return false;
    }
    for (const term of req.antiAffinity?.required ?? []) {
      const d = this.domain(i, term.topologyKey);
      if (d !== undefined && this.matchingInDomain(term, d) > 0) return false;
    }
    for (const { host, req: other } of this.items.values()) {
      for (const term of other.antiAffinity?.required ?? []) {
        if (!this.matches(term.selector, req.labels)) continue;
        const d = this.domain(host, term.topologyKey);
        if (d !== undefined && d === this.domain(i, term.topologyKey)) return false;
      }
    }
    return true;
  }

  feasibleHosts(req: PlacementRequest): number[] {
    return this.hosts.map((_, i) => i).filter((i) => this.feasible(req, i));
  }

  private argmin(req: PlacementRequest, key: (i: number) => number): number | null {
    let best: number | null = null;
    for (const i of this.feasibleHosts(req)) if (best === null || key(i) < key(best)) best = i;
    return best;
  }

  allocated(i: number): number {
    const h = this.hosts[i]!;
    const u = this.used(i);
    return ((h.capCpu > 0 ? u.cpu / h.capCpu : 1) + (h.capMem > 0 ? u.mem / h.capMem : 1)) / 2;
  }

  expected(policy: string, req: PlacementRequest): number | null {
    const freeCpu = (i: number) => this.hosts[i]!.capCpu - this.used(i).cpu;
    const freeMem = (i: number) => this.hosts[i]!.capMem - this.used(i).mem;
    switch (policy) {
      case 'first-fit':
        return this.feasibleHosts(req)[0] ?? null;
      case 'best-fit':
        return this.argmin(req, freeCpu);
      case 'best-fit-memory':
        return this.argmin(req, freeMem);
      case 'worst-fit':
        return this.argmin(req, (i) => -freeCpu(i));
      case 'worst-fit-memory':
        return this.argmin(req, (i) => -freeMem(i));
      case 'spread':
        return this.argmin(req, (i) => this.allocated(i));
      case 'pack':
        return this.argmin(req, (i) => -this.allocated(i));
      case 'round-robin': {
        const f = this.feasibleHosts(req);
        return f.find((i) => i >= this.rrNext) ?? f[0] ?? null;
      }
      default:
        throw new Error(`no reference for ${policy}`);
    }
  }

  place(req: PlacementRequest, i: number, policy: string): void {
    this.items.set(req.name, { host: i, req });
    if (policy === 'round-robin') this.rrNext = i + 1;
  }
}
