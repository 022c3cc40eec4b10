// The README's M/M/1 example, kept as code so a test runs exactly what the README shows.
import { createSimulation } from '@strata/core-sim';
import type { SimHandle } from '@strata/core-sim';

/** Simulate a FIFO M/M/1 queue for `customers` customers; returns the mean response time in µs. */
export function simulateMM1(meanInterarrival: number, meanService: number, customers: number, seed = 1): number {
  const sim = createSimulation({ seed });
  const arrivals = sim.rng('arrivals');
  const service = sim.rng('service');
  const queue: number[] = []; // arrival times; the head is in service
  let arrived = 0;
  let totalResponse = 0;
  const depart = (h: SimHandle): void => {
    totalResponse += h.now() - queue.shift()!;
    if (queue.length > 0) h.after(Math.round(service.exponential(meanService)), depart);
  };
  const arrive = (h: SimHandle): void => {
    queue.push(h.now());
    if (queue.length === 1) h.after(Math.round(service.exponential(meanService)), depart);
    if (++arrived < customers) h.after(Math.round(arrivals.exponential(meanInterarrival)), arrive);
  };
  sim.at(0, arrive);
  sim.run(); // until the last customer leaves
  return totalResponse / customers;
}
