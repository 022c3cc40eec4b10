// Where a run's time goes, by layer: an opt-in profiler the datacenter calls around each layer's
// advance (host schedulers, guest kernels, the flow network, metric sampling) when it is given one
// (`createDatacenter(scenario, { profile })`). Without it nothing is wrapped, so the normal path pays
// nothing. Layers nest (a host's advance runs its guests' kernels; a sample syncs hosts): each layer
// is charged its own time only, the time of the layers it calls goes to them. The clock is the
// caller's (a bench passes `performance.now`), since this package reads no clock of its own.

/** The layers a profile separates. `driving` (the queue, re-arming, the run loop) is what is left. */
export type DatacenterLayer = 'host' | 'guest' | 'network' | 'sampling';

/** Layers in report order. */
export const DATACENTER_LAYERS: readonly DatacenterLayer[] = ['host', 'guest', 'network', 'sampling'];

/**
 * Per-layer self time (in the clock's unit) and calls. Example:
 *
 * ```ts
 * const profile = new LayerProfiler(() => performance.now());
 * const dc = createDatacenter(scenario, { profile });
 * dc.run();
 * profile.self.guest; // ms spent in guest kernels' advances, their callees in other layers excluded
 * ```
 */
export class LayerProfiler {
  /** Time charged to each layer, its nested layers' time excluded. */
  readonly self: Record<DatacenterLayer, number> = { host: 0, guest: 0, network: 0, sampling: 0 };
  /** Calls of each layer's advance. */
  readonly calls: Record<DatacenterLayer, number> = { host: 0, guest: 0, network: 0, sampling: 0 };
  private readonly stack: DatacenterLayer[] = [];
  private mark = 0;

  constructor(private readonly clock: () => number) {}

  /** `fn` timed as `layer` (its nested layers charged to them). */
  wrap<A extends unknown[], R>(layer: DatacenterLayer, fn: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      const stack = this.stack;
      const t0 = this.clock();
      const top = stack.length === 0 ? null : stack[stack.length - 1]!;
      if (top !== null) this.self[top] += t0 - this.mark;
      stack.push(layer);
      this.mark = t0;
      this.calls[layer]++;
      try {
        return fn(...args);
      } finally {
        const t1 = this.clock();
        this.self[layer] += t1 - this.mark;
        stack.pop();
        this.mark = t1;
      }
    };
  }

  /** Σ of every layer's self time. */
  total(): number {
    let sum = 0;
    for (const l of DATACENTER_LAYERS) sum += this.self[l];
    return sum;
  }
}

/** `fn` timed as `layer` when profiling, `fn` itself otherwise. */
export function profiled<A extends unknown[], R>(profile: LayerProfiler | null, layer: DatacenterLayer, fn: (...args: A) => R): (...args: A) => R {
  return profile === null ? fn : profile.wrap(layer, fn);
}
