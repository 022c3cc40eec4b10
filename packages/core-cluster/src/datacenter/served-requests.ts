// Request totals of container kernels (`RunReport.requests`): completed requests and their latencies,
// summed over kernels, including kernels the datacenter has dropped (a failed bare-metal host's, a
// crashed VM's guest replaced at its restart, a deleted VM's), whose figures are kept when they go.
import { LATENCY_SUMMARY_OPTIONS } from '@strata/core-container';
import type { Kernel } from '@strata/core-container';
import { createSummaryAccumulator } from '../metrics/summary-accumulator.js';
import type { SummaryAccumulator } from '../metrics/summary-accumulator.js';
import type { RunReport } from '../types.js';

/** Requests arrived and served, and the served ones' latencies (µs, `LATENCY_SUMMARY_OPTIONS`), over some kernels. */
export class RequestTotals {
  arrived = 0;
  served = 0;
  readonly latencyUs: SummaryAccumulator = createSummaryAccumulator(LATENCY_SUMMARY_OPTIONS);

  /** Add `kernel`'s whole-run figures (the kernel brought to the instant wanted first). */
  addKernel(kernel: Kernel): void {
    const s = kernel.serveSummary();
    this.arrived += s.arrived;
    this.served += s.completed;
    this.latencyUs.merge(s.latencyUs);
  }

  /** A copy holding the same figures (to add live kernels to, leaving these as they are). */
  copy(): RequestTotals {
    const c = new RequestTotals();
    c.arrived = this.arrived;
    c.served = this.served;
    c.latencyUs.merge(this.latencyUs);
    return c;
  }

  /** `RunReport.requests` (latencies in ms), absent when no request ever arrived. */
  report(): Pick<RunReport, 'requests'> {
    if (this.arrived === 0) return {};
    const us = this.latencyUs.summary();
    const ms = (v: number): number => v / 1000;
    return { requests: { served: this.served, latencyMs: { count: us.count, mean: ms(us.mean), min: ms(us.min), max: ms(us.max), p50: ms(us.p50), p95: ms(us.p95), p99: ms(us.p99) } } };
  }
}
