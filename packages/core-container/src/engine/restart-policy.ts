// Docker's restart manager (moby daemon/internal/restartmanager/restartmanager.go) as a pure
// function: given the policy and what happened, whether to restart and after what delay.
import { RESTART_BACKOFF_FIRST_US, RESTART_BACKOFF_MAX_US, RESTART_BACKOFF_MULTIPLIER, RESTART_BACKOFF_RESET_US, type RestartPolicy } from './types.js';

/** The restart manager's memory between exits: its current delay (0 = none yet) and restarts so far. */
export interface RestartManagerState {
  readonly timeoutUs: number;
  readonly restartCount: number;
  /** `docker stop`/`kill` cancelled it: no restart until the next `docker start`. */
  readonly cancelled: boolean;
}

/** A fresh manager, as `docker start` makes one (ResetRestartManager). */
export const FRESH_RESTART_MANAGER: RestartManagerState = { timeoutUs: 0, restartCount: 0, cancelled: false };

/** The decision after an exit, and the manager's next state. */
export interface RestartDecision {
  readonly restart: boolean;
  readonly delayUs: number;
  readonly next: RestartManagerState;
}

/**
 * ShouldRestart: the delay moves first (reset by a run ≥ 10 s, else 100 ms then ×2 up to 60 s),
 * whatever the verdict; then the policy decides (`on-failure:N` counts the restarts already made).
 */
export function decideRestart(policy: RestartPolicy, m: RestartManagerState, exitCode: number, manuallyStopped: boolean, ranUs: number): RestartDecision {
  let timeout = ranUs >= RESTART_BACKOFF_RESET_US ? 0 : m.timeoutUs;
  if (timeout === 0) timeout = RESTART_BACKOFF_FIRST_US;
  else if (timeout < RESTART_BACKOFF_MAX_US) timeout *= RESTART_BACKOFF_MULTIPLIER;
  if (timeout > RESTART_BACKOFF_MAX_US) timeout = RESTART_BACKOFF_MAX_US;
  let restart = false;
  if (!m.cancelled) {
    switch (policy.name) {
      case 'no':
        break;
      case 'always':
        restart = true;
        break;
      case 'unless-stopped':
        restart = !manuallyStopped;
        break;
      case 'on-failure':
        if (policy.maximumRetryCount === 0 || m.restartCount < policy.maximumRetryCount) restart = exitCode !== 0;
        break;
      default: {
        const never: never = policy;
        return never;
      }
    }
  }
  return { restart, delayUs: timeout, next: { timeoutUs: timeout, restartCount: m.restartCount + (restart ? 1 : 0), cancelled: m.cancelled } };
}
