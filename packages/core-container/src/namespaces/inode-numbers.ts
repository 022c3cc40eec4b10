// Namespace inode numbers as Linux hands them out: fixed constants for the initial namespaces
// (include/linux/proc_ns.h), then the lowest free number from PROC_DYNAMIC_FIRST (fs/proc/generic.c
// proc_alloc_inum is an IDA, so a destroyed namespace's number is the next one given out).
import type { NamespaceType } from './types.js';

/** The first inode number of the dynamic range (`PROC_DYNAMIC_FIRST`, 0xF0000000). */
export const PROC_DYNAMIC_FIRST = 0xf0000000;

/** The last inode number proc_alloc_inum can hand out (the IDA's max is `UINT_MAX - PROC_DYNAMIC_FIRST`). */
export const PROC_DYNAMIC_LAST = 0xffffffff;

/**
 * The initial namespaces' inode numbers. ipc, uts, user, pid and cgroup are the kernel's constants
 * (`PROC_IPC_INIT_INO` 0xEFFFFFFF down to `PROC_CGROUP_INIT_INO` 0xEFFFFFFB). mnt and net are
 * allocated at boot on most kernels: the initial mnt namespace takes the first dynamic number,
 * 4026531840, and the initial net namespace commonly reads 4026531992 (it varies with what booted
 * before it); the model fixes both to those common values. The most recent kernels give them
 * constants too (`PROC_NET_INIT_INO` 0xEFFFFFF9, `PROC_MNT_INIT_INO` 0xEFFFFFF8): not modelled.
 */
export const INITIAL_NAMESPACE_INODES = {
  cgroup: 4026531835,
  ipc: 4026531839,
  mnt: 4026531840,
  net: 4026531992,
  pid: 4026531836,
  user: 4026531837,
  uts: 4026531838,
} as const satisfies Record<NamespaceType, number>;

/** Hands out the lowest free dynamic inode number; the initial mnt and net numbers are never free. */
export class InodeNumbers {
  // Numbers below `next` that were freed, as a binary min-heap: lowest-free without scanning.
  private readonly freed: number[] = [];
  private next = PROC_DYNAMIC_FIRST;
  private readonly reserved = new Set<number>([INITIAL_NAMESPACE_INODES.mnt, INITIAL_NAMESPACE_INODES.net]);

  /** The lowest free number. Precondition: fewer than 2^28 namespaces are alive. */
  allocate(): number {
    const reused = this.popFreed();
    if (reused !== undefined) return reused;
    while (this.reserved.has(this.next)) this.next += 1;
    const inode = this.next;
    this.next += 1;
    return inode;
  }

  /** Gives `inode` back. Precondition: it came from `allocate` and was not freed since. */
  free(inode: number): void {
    const heap = this.freed;
    heap.push(inode);
    let i = heap.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (heap[up]! <= heap[i]!) break;
      [heap[up], heap[i]] = [heap[i]!, heap[up]!];
      i = up;
    }
  }

  private popFreed(): number | undefined {
    const heap = this.freed;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && heap[left]! < heap[least]!) least = left;
        if (right < heap.length && heap[right]! < heap[least]!) least = right;
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i]!, heap[least]!];
        i = least;
      }
    }
    return top;
  }
}
