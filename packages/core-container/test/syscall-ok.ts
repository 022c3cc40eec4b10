// Shared by the namespaces tests: unwrap a syscall result that must have succeeded.
import type { SyscallResult } from '../src/index.ts';

/** The value of a successful result; throws with the errno and reason otherwise. */
export function ok<T>(result: SyscallResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.errno}: ${result.reason}`);
  return result.value;
}
