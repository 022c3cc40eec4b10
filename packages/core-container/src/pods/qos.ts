// Kubernetes' QoS classes and the oom_score_adj the kubelet gives each container, as pure functions of the
// pod spec. Read in the kubernetes repository: pkg/apis/core/v1/helper/qos/qos.go (GetPodQOS) and
// "kubelet qos/policy.go" (GetContainerOOMScoreAdjust; current versions: Guaranteed −997, BestEffort 1000).
import type { PodSpec } from '@strata/shared-types';

/** `status.qosClass`. */
export type PodQosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** oom_score_adj of every container of a Guaranteed pod (kubelet qos/policy.go guaranteedOOMScoreAdj). */
export const GUARANTEED_OOM_SCORE_ADJ = -997;
/** oom_score_adj of every container of a BestEffort pod (kubelet qos/policy.go besteffortOOMScoreAdj). */
export const BESTEFFORT_OOM_SCORE_ADJ = 1000;
/**
 * oom_score_adj of the pod's infrastructure (pause) container: PodInfraOOMAdj of the dockershim-era
 * kubelet qos/policy.go (read in a 2016 version of the file); containerd's CRI plugin keeps the value for
 * the sandbox (`defaultSandboxOOMAdj = -998`, "kubernetes#47938", read).
 */
export const POD_INFRA_OOM_SCORE_ADJ = -998;

/**
 * GetPodQOS: BestEffort when no container has a cpu or memory request or limit above zero; Guaranteed when
 * every container has cpu and memory limits above zero and the pod's summed requests equal its summed limits
 * for every resource (requests already defaulted from limits by the spec parser); else Burstable.
 */
export function podQosClass(spec: Pick<PodSpec, 'containers'>): PodQosClass {
  const requests = new Map<'cpu' | 'memory', number>();
  const limits = new Map<'cpu' | 'memory', number>();
  let guaranteed = true;
  for (const c of spec.containers) {
    for (const key of ['cpu', 'memory'] as const) {
      const req = c.resources.requests[key];
      if (req !== undefined && req > 0) requests.set(key, (requests.get(key) ?? 0) + req);
      const lim = c.resources.limits[key];
      if (lim !== undefined && lim > 0) limits.set(key, (limits.get(key) ?? 0) + lim);
    }
    const cpuLimit = c.resources.limits.cpu ?? 0;
    const memoryLimit = c.resources.limits.memory ?? 0;
    if (!(cpuLimit > 0 && memoryLimit > 0)) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [key, req] of requests) if (limits.get(key) !== req) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/**
 * The oom_score_adj of a container (kubelet qos/policy.go GetContainerOOMScoreAdjust, without node-critical
 * pods, sidecars and pod-level resources): Guaranteed −997, BestEffort 1000; Burstable
 * 1000 − ⌊1000 × memoryRequest / machineMemory⌋ (integer division as the Go code's int64), raised to
 * 1000 + (−997) = 3 when below it, and 999 when it comes out at 1000 (a request under 1/1000 of the machine).
 * Precondition: machineMemory > 0, memoryRequest ≥ 0 (bytes).
 */
export function containerOomScoreAdj(qos: PodQosClass, memoryRequest: number, machineMemory: number): number {
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BESTEFFORT_OOM_SCORE_ADJ;
  // Exact integer arithmetic: 1000 × a petabyte-size request is past 2^53, so BigInt.
  const adj = 1000 - Number((1000n * BigInt(memoryRequest)) / BigInt(machineMemory));
  if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  if (adj === BESTEFFORT_OOM_SCORE_ADJ) return adj - 1;
  return adj;
}
