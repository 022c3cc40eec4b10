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

/** Writes ASCII `jobs.csv` bytes into a growing buffer without building a string per field. */
class AsciiWriter {
  bytes: Uint8Array;
  at = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
  }

  reserve(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    next.set(this.bytes.subarray(0, this.at));
    this.bytes = next;
  }

  byte(b: number): void {
    this.bytes[this.at++] = b;
  }

  /** ASCII text (callers pass instance names and fixed words only). */
  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.bytes[this.at++] = s.charCodeAt(i) & 0x7f;
  }

  /** A non-negative safe integer in decimal. */
  uint(v: number): void {
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let at = this.at + digits;
    this.at = at;
    do {
      const q = Math.floor(v / 10);
      this.bytes[--at] = 48 + (v - q * 10);
      v = q;
    } while (v > 0);
  }

  /** Seconds at µs resolution from exact µs, as `formatSecondsText`; nothing for NaN. */
  seconds(us: number): void {
    if (us !== us) return;
    const r = Math.round(us);
    const whole = Math.floor(r / 1_000_000);
    let frac = r - whole * 1_000_000;
    this.uint(whole);
    if (frac === 0) return;
    this.byte(46);
    let digits = 6;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    // Leading zeros, then frac (it has at most `digits` digits).
    let len = 1;
    for (let x = frac; x >= 10; x = Math.floor(x / 10)) len++;
    for (let i = len; i < digits; i++) this.byte(48);
    this.uint(frac);
  }
}

/** `jobs.csv` as ASCII bytes (the same text as `formatJobsCsv`), for writing straight to a file. */
export function formatJobsCsvBytes(jobs: BatchJobs, model: BatchModel, vmHost: readonly string[]): Uint8Array {
  const w = new AsciiWriter(jobs.count * 40 + 64);
  w.text('id,vm,host,start_s,finish_s\n');
  for (let j = 0; j < jobs.count; j++) {
    const vm = jobs.vm[j]!;
    const host = vmHost[vm] ?? '';
    w.reserve(80 + host.length);
    w.uint(jobs.id[j]!);
    w.byte(44);
    w.uint(vm);
    w.byte(44);
    w.text(host);
    w.byte(44);
    w.seconds(model.startUs(j));
    w.byte(44);
    w.seconds(model.finishUs(j));
    w.byte(10);
  }
  return w.bytes.subarray(0, w.at);
}
