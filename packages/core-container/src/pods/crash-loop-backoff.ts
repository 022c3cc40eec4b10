// The kubelet's container restart backoff as a pure value: client-go util/flowcontrol/backoff.go as the
// kubelet's doBackOff (pkg/kubelet/kuberuntime/kuberuntime_manager.go) drives it, with the kubelet's
// constants (pkg/kubelet/kubelet.go: backOffPeriod 10 s, MaxContainerBackOff 300 s). All read.

/** The first backoff (kubelet.go backOffPeriod). */
export const CRASH_LOOP_BACKOFF_INITIAL_US = 10_000_000;
/** The cap (kubelet.go MaxContainerBackOff). */
export const CRASH_LOOP_BACKOFF_MAX_US = 300_000_000;
/** An entry not updated for more than this (2 × the cap, flowcontrol hasExpired) starts over. */
export const CRASH_LOOP_BACKOFF_RESET_US = 2 * CRASH_LOOP_BACKOFF_MAX_US;

/** One container's entry: the current backoff and when it was last moved (the last restart). Null: none yet. */
export interface BackoffEntry {
  readonly backoffUs: number;
  readonly lastUpdate: number;
}

/**
 * What the kubelet does with a container that exited at `finishedAt`, asked at `now` (≥ finishedAt):
 * wait until `retryAt` (CrashLoopBackOff) while `now − finishedAt` is below the entry's backoff and the
 * entry has not expired (`finishedAt − lastUpdate > 600 s`); else restart now with the entry moved on —
 * a fresh 10 s entry when there was none or it expired, else doubled, capped at 300 s — and stamped `now`.
 * So the first crash restarts at once, later ones after 10, 20, 40 ... 300 s.
 */
export function crashLoopDecision(entry: BackoffEntry | null, finishedAt: number, now: number): { readonly restart: false; readonly retryAt: number } | { readonly restart: true; readonly next: BackoffEntry } {
  const expired = entry === null || finishedAt - entry.lastUpdate > CRASH_LOOP_BACKOFF_RESET_US;
  if (!expired && now - finishedAt < entry.backoffUs) return { restart: false, retryAt: finishedAt + entry.backoffUs };
  const backoffUs = expired ? CRASH_LOOP_BACKOFF_INITIAL_US : Math.min(entry.backoffUs * 2, CRASH_LOOP_BACKOFF_MAX_US);
  return { restart: true, next: { backoffUs, lastUpdate: now } };
}
