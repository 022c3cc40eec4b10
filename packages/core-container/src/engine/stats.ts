// `docker stats` figures, computed as the docker CLI computes them from two daemon readings
// (cli/command/container/stats_helpers.go) over the daemon's cgroup v2 numbers (moby's stats
// collector): CPU % from usage and system deltas, memory without the inactive page cache, the limit
// capped at the machine's memory, network and block bytes summed, pids.current.
import type { ContainerStats } from './types.js';

/** One reading of a container's CPU: when, and its cgroup's `cpu.stat usage_usec` then. */
export interface CpuReading {
  /** Simulated µs. */
  readonly time: number;
  readonly usageUsec: number;
}

/**
 * The CPU % column: (cpuDelta / systemDelta) × onlineCPUs × 100, 0 unless both deltas are positive.
 * The daemon's system usage is the host's total CPU time (idle included) from /proc/stat, so over an
 * interval it grows by elapsed × online CPUs: the result is the container's CPU time per elapsed
 * time, in percent of one CPU (200% = two CPUs busy).
 */
export function cpuPercent(previous: CpuReading, current: CpuReading, onlineCpus: number): number {
  const cpuDelta = current.usageUsec - previous.usageUsec;
  const systemDelta = (current.time - previous.time) * onlineCpus;
  if (systemDelta <= 0 || cpuDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * onlineCpus * 100;
}

/**
 * MEM USAGE: `memory.current` less `inactive_file` when that is smaller (cgroup v2). The kernel model
 * keeps page cache as one pool without a second-touch promotion to the active list, so all of it is
 * inactive: `inactiveFile` is memory.stat's `file`.
 */
export function memoryUsageNoCache(current: number, inactiveFile: number): number {
  return inactiveFile < current ? current - inactiveFile : current;
}

/** The LIMIT column: memory.max, or the machine's memory when that is smaller (unlimited reads as the machine). */
export function memoryLimit(memoryMax: number | 'max', machineMemory: number): number {
  return memoryMax === 'max' || memoryMax > machineMemory ? machineMemory : memoryMax;
}

/** MEM %: usage / limit × 100, 0 without a limit. */
export function memoryPercent(usage: number, limit: number): number {
  return limit !== 0 ? (usage / limit) * 100 : 0;
}

/** What one `docker stats` sample is computed from. */
export interface StatsInput {
  readonly id: string;
  readonly name: string;
  readonly previous: CpuReading;
  readonly current: CpuReading;
  readonly onlineCpus: number;
  readonly memoryCurrent: number;
  readonly inactiveFile: number;
  readonly memoryMax: number | 'max';
  readonly machineMemory: number;
  readonly netRx: number;
  readonly netTx: number;
  /** io.stat's rbytes and wbytes summed over devices. */
  readonly blockRead: number;
  readonly blockWrite: number;
  readonly pids: number;
}

/** One `docker stats` row. */
export function computeStats(input: StatsInput): ContainerStats {
  const usage = memoryUsageNoCache(input.memoryCurrent, input.inactiveFile);
  const limit = memoryLimit(input.memoryMax, input.machineMemory);
  return {
    id: input.id,
    name: input.name,
    cpuPercent: cpuPercent(input.previous, input.current, input.onlineCpus),
    memoryUsage: usage,
    memoryLimit: limit,
    memoryPercent: memoryPercent(usage, limit),
    netRx: input.netRx,
    netTx: input.netTx,
    blockRead: input.blockRead,
    blockWrite: input.blockWrite,
    pids: input.pids,
  };
}

/** Go's `%.{precision}g`: shortest of fixed and exponent form, trailing zeros dropped, exponent with at least two digits. */
function goG(v: number, precision: number): string {
  const text = v.toPrecision(precision);
  const e = text.indexOf('e');
  const trim = (m: string): string => (m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m);
  if (e < 0) return trim(text);
  const exp = Number(text.slice(e + 1));
  return `${trim(text.slice(0, e))}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function scaled(n: number, base: number, units: readonly string[], precision: number): string {
  let v = n;
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${goG(v, precision)}${units[i]}`;
}

/** MEM USAGE / LIMIT figures: binary units, 4 significant digits (`64MiB`, `1.953GiB`), as docker's BytesSize. */
export function formatBinarySize(n: number): string {
  return scaled(n, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'], 4);
}

/** NET I/O and BLOCK I/O figures: decimal units, 3 significant digits (`1.5MB`, `0B`), as docker's HumanSizeWithPrecision(x, 3). */
export function formatDecimalSize(n: number): string {
  return scaled(n, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'], 3);
}

/** The CPU % and MEM % columns: two decimals and a percent sign. */
export function formatPercent(p: number): string {
  return `${p.toFixed(2)}%`;
}
