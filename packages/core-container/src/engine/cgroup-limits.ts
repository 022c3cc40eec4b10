// A container's resource flags as cgroup v2 file writes, the way runc translates Docker's HostConfig
// (moby daemon/daemon_unix.go, runc libcontainer/cgroups/fs2): one `/docker/<id>` cgroup per container.
import type { ContainerSpec, DeviceIoLimit } from './types.js';

/** The limits part of a spec: what `docker update` may change too. */
export type ContainerLimits = Pick<ContainerSpec, 'memory' | 'memorySwap' | 'memoryReservation' | 'cpus' | 'cpuShares' | 'cpusetCpus' | 'pidsLimit' | 'deviceIo'>;

/** cpu.max's period Docker uses for `--cpus` (µs). */
export const CPU_PERIOD_US = 100_000;

/**
 * `--cpu-shares` → `cpu.weight` by runc ≥ 1.3.2's formula (opencontainers/cgroups
 * ConvertCPUSharesToCgroupV2Value): 0 unset, ≤ 2 ↦ 1, ≥ 262144 ↦ 10000, else
 * ceil(10^((l² + 125·l)/612 − 7/34)) with l = log2(shares): 1024 ↦ 100, 512 ↦ 59, 2048 ↦ 174.
 */
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  return Math.ceil(Math.pow(10, (l * l + 125 * l) / 612 - 7 / 34));
}

/** The `memory.swap.max` Docker asks for: `--memory-swap` is memory + swap (−1 unlimited); unset with `--memory` it is twice the memory. */
export function swapMax(memory: number | undefined, memorySwap: number | undefined): string | null {
  if (memory === undefined || memory <= 0) return memorySwap === -1 ? 'max' : null;
  if (memorySwap === -1) return 'max';
  const total = memorySwap === undefined || memorySwap === 0 ? 2 * memory : memorySwap;
  return String(total - memory);
}

/** `MAJ:MIN` of a `--device-*` limit's device: given as such, or `/dev/NAME` looked up in `devices`. */
export function deviceNumber(limit: DeviceIoLimit, devices: Readonly<Record<string, string>>): string | null {
  if (/^\d+:\d+$/.test(limit.device)) return limit.device;
  const name = limit.device.startsWith('/dev/') ? limit.device.slice(5) : limit.device;
  return Object.hasOwn(devices, name) ? devices[name]! : null;
}

/**
 * The cgroup file writes for `limits`, in an order the kernel accepts (memory.max before
 * memory.swap.max). `reset` writes the defaults of unset limits too (for `docker update`, which
 * only sends the fields it changes, it is false).
 */
export function limitWrites(limits: ContainerLimits, devices: Readonly<Record<string, string>>, reset: boolean): [file: string, text: string][] {
  const w: [string, string][] = [];
  if (limits.memory !== undefined) w.push(['memory.max', limits.memory > 0 ? String(limits.memory) : 'max']);
  else if (reset) w.push(['memory.max', 'max']);
  const swap = swapMax(limits.memory, limits.memorySwap);
  if (swap !== null) w.push(['memory.swap.max', swap]);
  if (limits.memoryReservation !== undefined) w.push(['memory.low', String(limits.memoryReservation)]);
  if (limits.cpus !== undefined) w.push(['cpu.max', limits.cpus > 0 ? `${limits.cpus * (CPU_PERIOD_US / 1000)} ${CPU_PERIOD_US}` : `max ${CPU_PERIOD_US}`]);
  if (limits.cpuShares !== undefined && limits.cpuShares !== 0) w.push(['cpu.weight', String(cpuSharesToWeight(limits.cpuShares))]);
  if (limits.cpusetCpus !== undefined) w.push(['cpuset.cpus', limits.cpusetCpus]);
  if (limits.pidsLimit !== undefined) w.push(['pids.max', limits.pidsLimit > 0 ? String(limits.pidsLimit) : 'max']);
  for (const d of limits.deviceIo ?? []) {
    const id = deviceNumber(d, devices);
    if (id !== null) w.push(['io.max', `${id} ${d.kind}=${d.value}`]);
  }
  return w;
}
