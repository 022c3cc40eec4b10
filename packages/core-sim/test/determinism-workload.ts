// A randomized workload for determinism checks: hosts with their own random streams start
// jobs, arm and cancel timeouts, tick periodically and trace what they do.
import { createSimulation, hashingTraceSink } from '@strata/core-sim';
import type { EventKey, SimHandle } from '@strata/core-sim';

/** Run the workload under `seed`; returns the trace hash, record count and final clock. */
export function runWorkload(seed: number | string, hosts = 8, until = 2_000_000): { hash: string; records: number; events: number; now: number } {
  const sink = hashingTraceSink();
  const sim = createSimulation({ seed, trace: sink });
  for (let i = 0; i < hosts; i++) {
    const name = `host-${i}`;
    const rng = sim.rng(name);
    let timeout: EventKey | undefined;
    const arrive = (h: SimHandle): void => {
      const size = rng.poisson(rng.float() < 0.1 ? 40 : 4);
      const work = Math.round(rng.lognormal(7, 1));
      h.trace('job.arrived', { host: name, size, work, weight: rng.weighted(['low', 'mid', 'high'], [5, 3, 1]) });
      if (timeout !== undefined && rng.bernoulli(0.5)) h.trace('timeout.cancelled', { host: name, ok: h.cancel(timeout) });
      timeout = h.after(work * 3, (h2) => h2.trace('timeout.fired', { host: name, at: h2.now() }), {
        priority: rng.int(-2, 2),
        label: `${name}/timeout`,
      });
      h.after(work, (h2) => h2.trace('job.done', { host: name, x: rng.normal(0, 1), tail: rng.pareto(1, 2.5) }), {
        priority: rng.int(-1, 1),
      });
      h.after(Math.max(0, Math.round(rng.exponential(5_000))), arrive);
    };
    sim.at(rng.int(0, 1000), arrive);
    sim.every(50_000 + i, (h) => h.trace('tick', { host: name, order: rng.shuffle([1, 2, 3, 4]) }), { label: 'tick', priority: -1 });
  }
  sim.runUntil(until);
  return { hash: sink.hash(), records: sink.count(), events: sim.eventsExecuted(), now: sim.now() };
}
