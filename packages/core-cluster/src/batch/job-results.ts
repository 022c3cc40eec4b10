// Per-job results in the `--results` format (`id,vm,host,start_s,finish_s`, times at 1 µs), and the
// joining of several workload files' columns.
import type { BatchJobRow, BatchJobs, BatchModel } from './types.js';

/** Several files' jobs as one set of columns (in order). */
export function concatBatchJobs(parts: readonly BatchJobs[]): BatchJobs {
  const count = parts.reduce((s, p) => s + p.count, 0);
  const out = { count, id: new Float64Array(count), lengthMi: new Float64Array(count), pes: new Int32Array(count), vm: new Int32Array(count), submitUs: new Float64Array(count) };
  let at = 0;
  for (const p of parts) {
    out.id.set(p.id, at);
    out.lengthMi.set(p.lengthMi, at);
    out.pes.set(p.pes, at);
    out.vm.set(p.vm, at);
    out.submitUs.set(p.submitUs, at);
    at += p.count;
  }
  return out;
}

/** Seconds at µs resolution from exact µs (NaN stays NaN). */
export function secondsAtMicros(us: number): number {
  return Math.round(us) / 1e6;
}

/** One row per job in row order; `host` is the host instance name of the job's VM (`vmHost[vm]`). */
export function jobRows(jobs: BatchJobs, model: BatchModel, vmHost: readonly string[]): BatchJobRow[] {
  const rows: BatchJobRow[] = new Array<BatchJobRow>(jobs.count);
  for (let j = 0; j < jobs.count; j++) {
    rows[j] = { id: jobs.id[j]!, vm: jobs.vm[j]!, host: vmHost[jobs.vm[j]!] ?? '', start_s: secondsAtMicros(model.startUs(j)), finish_s: secondsAtMicros(model.finishUs(j)) };
  }
  return rows;
}

/** Exact µs as seconds text at µs resolution (`114.1915`, `0`, `23.77`), by integer arithmetic; '' for NaN. */
export function formatSecondsText(us: number): string {
  if (us !== us) return '';
  const r = Math.round(us);
  const whole = Math.floor(r / 1_000_000);
  let frac = r - whole * 1_000_000;
  if (frac === 0) return String(whole);
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  const text = String(frac);
  return `${whole}.${text.length < digits ? '0'.repeat(digits - text.length) + text : text}`;
}

/** `jobs.csv` text: header `id,vm,host,start_s,finish_s`, one line per job in row order; a job never started or finished has empty times. */
export function formatJobsCsv(jobs: BatchJobs, model: BatchModel, vmHost: readonly string[]): string {
  const lines: string[] = new Array<string>(jobs.count + 2);
  lines[0] = 'id,vm,host,start_s,finish_s';
  for (let j = 0; j < jobs.count; j++) {
    const vm = jobs.vm[j]!;
    lines[j + 1] = `${jobs.id[j]!},${vm},${vmHost[vm] ?? ''},${formatSecondsText(model.startUs(j))},${formatSecondsText(model.finishUs(j))}`;
  }
  lines[jobs.count + 1] = '';
  return lines.join('\n');
}
