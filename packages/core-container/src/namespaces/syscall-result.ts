// How a namespace system call reports back to the program that made it: a value or an errno.
import type { NamespaceErrno, SyscallResult } from './types.js';

/** A failed call: the errno and why. */
export type SyscallFailure = Extract<SyscallResult<never>, { ok: false }>;

/** A failed call's result. */
export function fail(errno: NamespaceErrno, reason: string): SyscallFailure {
  return { ok: false, errno, reason };
}

/** A successful call's result. */
export function done<T>(value: T): SyscallResult<T> {
  return { ok: true, value };
}
