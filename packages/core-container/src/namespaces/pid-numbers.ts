// PID numbers within one pid namespace, allocated as kernel/pid.c alloc_pid does it with
// lib/idr.c idr_alloc_cyclic: the next number after the last one given, skipping used ones,
// wrapping at pid_max back to RESERVED_PIDS (300) once the cursor has passed it, else to 1.

/** Numbers below this are not reused after a wrap (`RESERVED_PIDS`, include/linux/pid.h). */
export const RESERVED_PIDS = 300;

/** The largest pid_max on 64-bit Linux (`PID_MAX_LIMIT`, 4 × 1024 × 1024); PIDs are below it. */
export const PID_MAX_LIMIT = 4194304;

/** The smallest pid_max the sysctl accepts (`pid_max_min = RESERVED_PIDS + 1`). */
export const PID_MAX_MIN = RESERVED_PIDS + 1;

/**
 * The pid_max the model uses unless told otherwise: 4194304, what systemd (≥ 243, 50-pid-max.conf)
 * sets on 64-bit hosts. The kernel's own default is 32768 (`PID_MAX_DEFAULT`), raised to 1024 per
 * possible CPU on machines with more than 32.
 */
export const DEFAULT_PID_MAX = PID_MAX_LIMIT;

/** The PID numbers in use in one namespace and the cyclic cursor (`idr_next`). */
export class PidNumbers {
  private readonly used = new Set<number>();
  private cursor = 0;

  /** `pidMax` is exclusive: the largest PID is `pidMax - 1`. */
  constructor(private readonly pidMax: number) {}

  /** The next number, or undefined when every number is in use (alloc_pid then fails with EAGAIN). */
  allocate(): number | undefined {
    // "init really needs pid 1, but after reaching the maximum wrap back to RESERVED_PIDS"
    const start = this.cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
    const from = Math.max(this.cursor, start);
    let found = this.firstFree(from);
    if (found === undefined && from > start) found = this.firstFree(start);
    if (found === undefined) return undefined;
    this.used.add(found);
    this.cursor = found + 1;
    return found;
  }

  /** Frees `nr`. The cursor stays where it is: freed numbers come back only after a wrap. */
  free(nr: number): void {
    this.used.delete(nr);
  }

  /** How many numbers are in use. */
  get size(): number {
    return this.used.size;
  }

  /** Back to a fresh namespace's state (alloc_pid does this when the first process's fork fails). */
  resetCursor(): void {
    this.cursor = 0;
  }

  private firstFree(from: number): number | undefined {
    for (let nr = from; nr < this.pidMax; nr += 1) if (!this.used.has(nr)) return nr;
    return undefined;
  }
}
