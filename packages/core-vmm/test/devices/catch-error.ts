// What a call threw, for tests that inspect the error (class, code, details) rather than only its message.

/** The error `f` throws; fails the test when it returns instead. */
export function catchError(f: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
