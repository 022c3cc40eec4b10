// The state words a VM shows: libvirt's, as `virsh domstate` prints them, one vocabulary whether or
// not the VM's host has its hypervisor built.
import type { LibvirtDomainState } from '@strata/core-vmm';

/** `virsh domstate`'s word for each of core-vmm's libvirt states (`shutoff` → `shut off`, `shutdown` → `in shutdown`). */
const VIRSH_WORD = {
  running: 'running',
  paused: 'paused',
  shutdown: 'in shutdown',
  shutoff: 'shut off',
  crashed: 'crashed',
} as const satisfies Record<LibvirtDomainState, string>;

/** A VM's state word as `virsh domstate` prints it. */
export type VirshState = (typeof VIRSH_WORD)[LibvirtDomainState];

/** `virsh domstate`'s word for core-vmm's libvirt state `state`. */
export function virshState(state: LibvirtDomainState): VirshState {
  return VIRSH_WORD[state];
}
