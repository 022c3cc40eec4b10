// Whether a signal reaches the init of a pid namespace (kernel/signal.c: sig_task_ignored with
// SIGNAL_UNKILLABLE, and the `force` flag send_signal_locked sets). Init is protected from signals
// it has no handler for; only SIGKILL and SIGSTOP from outside its namespace (or from the kernel)
// get through, and the global init never gets those two.
import { ValidationError } from '@strata/shared-types';
import type { SignalName } from '@strata/shared-types';

/** What the target has set for the signal: the default action, SIG_IGN, or a handler of its own. */
export type SignalDisposition = 'default' | 'ignore' | 'handler';

/**
 * Who sent it: a process with a PID in the target's namespace (the namespace itself or one nested
 * in it), a process of an ancestor namespace (it cannot be seen from there), or the kernel itself
 * (SEND_SIG_PRIV: the OOM killer, `cgroup.kill`, a namespace's init dying).
 */
export type SignalOrigin = 'same-namespace' | 'ancestor-namespace' | 'kernel';

/** The facts the decision rests on. */
export interface InitSignalInput {
  readonly signal: SignalName;
  readonly disposition: SignalDisposition;
  readonly origin: SignalOrigin;
  /** True for PID 1 of the initial pid namespace, false for the init of any other. */
  readonly globalInit: boolean;
}

/** The verdict: delivered (its disposition then applies) or dropped, and why. */
export interface InitSignalDecision {
  readonly deliver: boolean;
  /** SIGCONT resumes a stopped init even when dropped: prepare_signal acts before the ignore check. */
  readonly resumes: boolean;
  readonly reason: string;
}

// sig_kernel_only(): the two signals no process can catch, block or ignore.
function kernelOnly(signal: SignalName): boolean {
  return signal === 'SIGKILL' || signal === 'SIGSTOP';
}

/**
 * Whether `signal` reaches a namespace's init. Precondition: the target is an init (the model's
 * `isNamespaceInit`); for any other process the disposition alone decides. Throws a ValidationError
 * when SIGKILL or SIGSTOP is given a disposition other than `default` (sigaction refuses that).
 */
export function initSignalDecision(input: InitSignalInput): InitSignalDecision {
  const { signal, disposition, origin, globalInit } = input;
  if (kernelOnly(signal) && disposition !== 'default') {
    throw new ValidationError(`disposition "${disposition}" is impossible for ${signal}: it cannot be caught or ignored; pass "default"`, {
      path: 'disposition',
      value: disposition,
      accepted: ['default'],
    });
  }
  const resumes = signal === 'SIGCONT';
  if (globalInit && kernelOnly(signal)) {
    return { deliver: false, resumes, reason: `${signal} is never sent to the initial namespace's init` };
  }
  if (disposition === 'ignore') return { deliver: false, resumes, reason: `init ignores ${signal} (SIG_IGN)` };
  if (disposition === 'handler') return { deliver: true, resumes, reason: `init has a handler for ${signal}` };
  // Default action on an unkillable init: only a forced SIGKILL/SIGSTOP gets through.
  const forced = origin !== 'same-namespace';
  if (forced && kernelOnly(signal)) {
    return { deliver: true, resumes, reason: `${signal} from ${origin === 'kernel' ? 'the kernel' : 'an ancestor namespace'} is forced on init` };
  }
  const where = origin === 'same-namespace' ? 'from inside its namespace' : origin === 'kernel' ? 'from the kernel' : 'from an ancestor namespace';
  return { deliver: false, resumes, reason: `init has no handler for ${signal}: a signal ${where} with the default action is dropped` };
}
