// `status.phase` from the containers' states, as the kubelet's getPhase (pkg/kubelet/kubelet_pods.go, read)
// counts them, without init containers.
import type { PodRestartPolicy } from '@strata/shared-types';

/** `status.phase`. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** What getPhase looks at in one container status. */
export interface PhaseInput {
  readonly state: 'waiting' | 'running' | 'terminated';
  /** The exit code when terminated. */
  readonly exitCode?: number;
  /** A waiting container that has run before (`lastState.terminated` set) counts as stopped, not waiting. */
  readonly hasLastTermination: boolean;
}

/**
 * getPhase: Pending while a container waits for its first start; Running while one runs; when none runs:
 * Always → Running (restarting), all exited 0 → Succeeded, Never → Failed, OnFailure → Running.
 */
export function podPhase(restartPolicy: PodRestartPolicy, containers: readonly PhaseInput[]): PodPhase {
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containers) {
    if (c.state === 'running') running++;
    else if (c.state === 'terminated') {
      stopped++;
      if (c.exitCode === 0) succeeded++;
    } else if (c.hasLastTermination) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
