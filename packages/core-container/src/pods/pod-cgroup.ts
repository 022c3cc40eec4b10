// Where a pod's cgroup lives and what the kubelet writes into it: the cgroupfs driver's layout
// (/kubepods/pod<uid>, /kubepods/burstable/pod<uid>, /kubepods/besteffort/pod<uid>) and
// ResourceConfigForPod / the container resources of pkg/kubelet/cm/helpers_linux.go (read).
import type { PodContainerSpec, PodSpec } from '@strata/shared-types';
import { cpuSharesToWeight, CPU_PERIOD_US } from '../engine/cgroup-limits.js';
import type { PodQosClass } from './qos.js';

/** The kubelet's root of pod cgroups (cgroupfs driver, cgroupsPerQOS). */
export const KUBEPODS_CGROUP = '/kubepods';
/** cpu.shares bounds and the shares of one CPU (helpers_linux.go MinShares, MaxShares, SharesPerCPU). */
export const MIN_SHARES = 2;
export const MAX_SHARES = 262_144;
export const SHARES_PER_CPU = 1024;
/** The smallest CFS quota the kubelet writes, µs (helpers_linux.go MinQuotaPeriod). */
export const MIN_QUOTA_US = 1000;

/** The QoS-level parent of a class's pods: Guaranteed pods sit right under /kubepods. */
export function qosCgroup(qos: PodQosClass): string {
  return qos === 'Guaranteed' ? KUBEPODS_CGROUP : `${KUBEPODS_CGROUP}/${qos.toLowerCase()}`;
}

/** The pod's cgroup: `<qos parent>/pod<uid>`. */
export function podCgroupPath(qos: PodQosClass, uid: string): string {
  return `${qosCgroup(qos)}/pod${uid}`;
}

/** MilliCPUToShares: 0 → 2 (the kernel's minimum, not Docker's 1024 default), else ⌊milli × 1024 / 1000⌋ within [2, 262144]. */
export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu === 0) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milliCpu * SHARES_PER_CPU) / 1000)));
}

/** MilliCPUToQuota with the 100 ms period: 0 → none; else milli × period / 1000, at least 1 ms. */
export function milliCpuToQuota(milliCpu: number): number | null {
  if (milliCpu === 0) return null;
  return Math.max(MIN_QUOTA_US, Math.floor((milliCpu * CPU_PERIOD_US) / 1000));
}

/**
 * The pod cgroup's files as ResourceConfigForPod sets them: cpu shares from the summed cpu requests (as
 * cpu.weight by the engine's shares→weight conversion); Guaranteed also the summed cpu limit as cpu.max
 * and the summed memory limit as memory.max; Burstable those two only when every container declares that
 * limit; BestEffort shares 2 only.
 */
export function podCgroupWrites(spec: Pick<PodSpec, 'containers'>, qos: PodQosClass): [file: string, text: string][] {
  let cpuRequests = 0;
  let cpuLimits = 0;
  let memoryLimits = 0;
  let cpuDeclared = true;
  let memoryDeclared = true;
  for (const c of spec.containers) {
    cpuRequests += c.resources.requests.cpu ?? 0;
    cpuLimits += c.resources.limits.cpu ?? 0;
    memoryLimits += c.resources.limits.memory ?? 0;
    if ((c.resources.limits.cpu ?? 0) === 0) cpuDeclared = false;
    if ((c.resources.limits.memory ?? 0) === 0) memoryDeclared = false;
  }
  const shares = qos === 'BestEffort' ? MIN_SHARES : milliCpuToShares(cpuRequests);
  const writes: [string, string][] = [['cpu.weight', String(cpuSharesToWeight(shares))]];
  const quota = milliCpuToQuota(cpuLimits);
  if (qos !== 'BestEffort' && (qos === 'Guaranteed' || cpuDeclared) && quota !== null) writes.push(['cpu.max', `${quota} ${CPU_PERIOD_US}`]);
  if (qos !== 'BestEffort' && (qos === 'Guaranteed' || memoryDeclared) && memoryLimits > 0) writes.push(['memory.max', String(memoryLimits)]);
  return writes;
}

/** A container's limits as engine spec fields: cpu request → shares, cpu limit → cpus (the engine writes quota/100000), memory limit → memory with no swap. */
export function containerEngineLimits(c: PodContainerSpec): { cpuShares: number; cpus?: number; memory?: number; memorySwap?: number } {
  const quota = milliCpuToQuota(c.resources.limits.cpu ?? 0);
  const memory = c.resources.limits.memory;
  return {
    cpuShares: milliCpuToShares(c.resources.requests.cpu ?? 0),
    // The engine writes cpu.max as cpus × 100: the quota in millicpus, so 1 ms minimum = 10 millicpus.
    ...(quota === null ? {} : { cpus: quota / (CPU_PERIOD_US / 1000) }),
    ...(memory === undefined || memory === 0 ? {} : { memory, memorySwap: memory }),
  };
}
