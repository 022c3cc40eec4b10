// The pod model's public contract: Kubernetes pods (a pause sandbox and app containers sharing its
// namespaces, a pod cgroup, the kubelet's restarts) on a container engine. Shapes follow the Pod API's
// `status` (phase, qosClass, containerStatuses with state / lastState / restartCount).
import type { PodRestartPolicy, PodSpec, PodSpecInput } from '@strata/shared-types';
import type { ContainerEngine, ContainerEvent } from '../engine/types.js';
import type { PodPhase } from './pod-phase.js';
import type { PodQosClass } from './qos.js';

/** `state.waiting.reason`: before the first start, or between a crash and its delayed restart. */
export type PodWaitingReason = 'ContainerCreating' | 'CrashLoopBackOff';
/** `state.terminated.reason`. */
export type PodTerminatedReason = 'Completed' | 'Error' | 'OOMKilled';

/** `state.terminated` / `lastState.terminated`. Times in simulated µs. */
export interface PodContainerTerminated {
  readonly exitCode: number;
  readonly reason: PodTerminatedReason;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** The engine container that ran. */
  readonly containerId: string;
}

/** A container's state, in the Pod API's shape: exactly one key. */
export type PodContainerState =
  | { readonly waiting: { readonly reason: PodWaitingReason } }
  | { readonly running: { readonly startedAt: number } }
  | { readonly terminated: PodContainerTerminated };

/** One entry of `status.containerStatuses`. */
export interface PodContainerStatus {
  readonly name: string;
  readonly image: string;
  readonly state: PodContainerState;
  /** The previous run's end, or null before the first restart. */
  readonly lastState: { readonly terminated: PodContainerTerminated } | null;
  readonly restartCount: number;
  /** The engine container of the current (or last) run; null before the first start. */
  readonly containerId: string | null;
  /** Its init's global pid while running, else 0. */
  readonly pid: number;
  /** The oom_score_adj the kubelet gave it. */
  readonly oomScoreAdj: number;
  /** While in CrashLoopBackOff: when the kubelet will start it again. */
  readonly retryAt: number | null;
}

/** A pod's status, as `kubectl get pod -o json` shows `status` (and the parts of metadata the model has). */
export interface PodStatus {
  readonly name: string;
  readonly uid: string;
  readonly phase: PodPhase;
  readonly qosClass: PodQosClass;
  readonly restartPolicy: PodRestartPolicy;
  /** The pod's hostname (its name, at most 63 characters). */
  readonly hostname: string;
  /** The pod cgroup: `/kubepods[/burstable|/besteffort]/pod<uid>`. */
  readonly cgroupPath: string;
  readonly startTime: number;
  /** Set by `deletePod`; the pod goes away when every container has stopped. */
  readonly deletionTimestamp: number | null;
  /** The pause container holding the namespaces. */
  readonly sandbox: { readonly containerId: string; readonly pid: number };
  readonly containerStatuses: readonly PodContainerStatus[];
}

/** A fact of the pod model (past tense), in time order. */
export interface PodEvent {
  readonly time: number;
  readonly type: 'pod.created' | 'pod.container.started' | 'pod.container.terminated' | 'pod.container.backoff' | 'pod.deleting' | 'pod.deleted';
  readonly pod: string;
  /** The app container's name, for container facts. */
  readonly container?: string;
  /** exitCode and reason (terminated), retryAt (backoff), restartCount (started). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface PodManagerOptions {
  /**
   * The engine the pods' containers run on. The manager drives it (call the manager's `advanceTo`, not the
   * engine's, while pods exist); containers it makes are named `k8s_...` as dockershim named them.
   */
  readonly engine: ContainerEngine;
  /** Seed of pod uids (deterministic per seed and creation order). */
  readonly seed?: number | string;
  /** Engine events of the spans the manager runs (returned by the engine's advanceTo), passed on. */
  readonly onContainerEvent?: (event: ContainerEvent) => void;
}

/**
 * The kubelet's part for pods on one engine: a passive model wrapping the engine's (`nextEventTime` is the
 * earlier of the engine's and the manager's own restart timers; `advanceTo` steps the engine event by event
 * so each exit is seen at its instant). Commands apply at `now()` and either apply fully or throw a typed
 * error and change nothing.
 */
export interface PodManager {
  readonly engine: ContainerEngine;
  now(): number;
  nextEventTime(): number;
  /** Run to `time` (integer µs ≥ now): container exits, restarts after their backoff, deletions finishing. Returns the pod events since the last call. */
  advanceTo(time: number): PodEvent[];
  /** Pod events of commands since the last `advanceTo` or `takeEvents`, then cleared. */
  takeEvents(): PodEvent[];
  /** Create and start a pod: its cgroup, its pause sandbox, its app containers. E_VALIDATION (by path), E_CONFLICT for a name in use. Returns the pod's uid. */
  createPod(spec: PodSpec | PodSpecInput): string;
  /**
   * Delete a pod: every app container gets SIGTERM, then SIGKILL after `gracePeriod` seconds (default the
   * spec's terminationGracePeriodSeconds); then the sandbox is stopped, the containers removed, the pod
   * cgroup removed and the pod forgotten. E_NOT_FOUND for an unknown pod; E_CONFLICT when already deleting.
   */
  deletePod(name: string, opts?: { readonly gracePeriod?: number }): void;
  /** The pod's status now. E_NOT_FOUND for an unknown (or fully deleted) pod. */
  pod(name: string): PodStatus;
  /** Every pod's name, in creation order. */
  pods(): string[];
}
