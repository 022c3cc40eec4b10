// Default durations of the lifecycle (reference vmm-semantics.md §7), and the I/O-bound durations
// of save, restore and snapshots.
import type { Micros } from '@strata/shared-types';
import type { VmConfig, VmTimings } from './types.js';

/**
 * A Firecracker microVM: InstanceStart → guest init ≤ 125 ms (FC-doc, 1 vCPU / 128 MiB, minimal
 * kernel). Guest shutdown after SendCtrlAltDel: 50 ms, UNVERIFIED (not published). Pause / resume:
 * 0, not published (FC has only the `vmm_pause_vm` metrics). A snapshot load lands at its request's time
 * (the v1.0 docs' target < 8 ms; memory is mapped lazily). Disk: 1 GB/s, UNVERIFIED.
 */
export const FIRECRACKER_TIMINGS: VmTimings = {
  bootUs: 125_000 as Micros,
  shutdownUs: 50_000 as Micros,
  pauseUs: 0 as Micros,
  resumeUs: 0 as Micros,
  diskBytesPerSecond: 1_000_000_000,
};

/**
 * A full libvirt/QEMU VM with a distro guest: boot 5 s, UNVERIFIED (the reference has no figure for a
 * distro boot, only "seconds"; SeaBIOS alone takes 500–700 ms per qboot's README and QEMU `pc` to a
 * minimal init 244 ms per NSDI20). Guest ACPI shutdown 2 s, UNVERIFIED. Suspend / resume: 0 (QMP
 * `stop`/`cont` are synchronous; timings UNVERIFIED). Save / restore: RAM over a 500 MB/s disk,
 * UNVERIFIED (the reference says only that they scale with RAM size and disk bandwidth).
 */
export const LIBVIRT_TIMINGS: VmTimings = {
  bootUs: 5_000_000 as Micros,
  shutdownUs: 2_000_000 as Micros,
  pauseUs: 0 as Micros,
  resumeUs: 0 as Micros,
  diskBytesPerSecond: 500_000_000,
};

/** libvirt-guests' `SHUTDOWN_TIMEOUT` (300 s): it then gives up without destroying the guests. */
export const LIBVIRT_GUESTS_SHUTDOWN_TIMEOUT_US = 300_000_000 as Micros;

/** µs to write or read a VM's RAM image: ceil(memoryBytes / diskBytesPerSecond · 10⁶). */
export function imageTransferUs(config: VmConfig, timings: VmTimings): Micros {
  if (timings.diskBytesPerSecond <= 0) return 0 as Micros;
  return Math.ceil((config.memoryBytes / timings.diskBytesPerSecond) * 1_000_000) as Micros;
}
