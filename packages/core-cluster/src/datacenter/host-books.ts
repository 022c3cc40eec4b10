// Which VMs a host carries, kept in one place: its `vms` list and the slots its VMs' guests write
// their delivered CPU into (the host's utilization, read at every host event for the energy meter,
// is then a sum over one small array, not a visit to every guest's record).
import type { DcState, HostRec, VmRec } from './state.js';

/** `vm` is on `h` from now on: listed, and its guest writes its delivered CPU into a slot of `h`. */
export function joinHost(dc: DcState, h: HostRec, vm: VmRec): void {
  dc.layoutEpoch++;
  h.vms.push(vm.name);
  const slot = h.freeSlots.pop() ?? h.delivered.length;
  if (slot === h.delivered.length) h.delivered.push(0);
  vm.meterSlot = slot;
  vm.guest.bindMeter(h.delivered, slot);
}

/** `vm` is no longer on `h`: unlisted, its slot zeroed and freed, its guest unbound. */
export function leaveHost(dc: DcState, h: HostRec, vm: VmRec): void {
  dc.layoutEpoch++;
  const i = h.vms.indexOf(vm.name);
  if (i >= 0) h.vms.splice(i, 1);
  if (vm.meterSlot >= 0) {
    h.delivered[vm.meterSlot] = 0;
    h.freeSlots.push(vm.meterSlot);
    vm.meterSlot = -1;
  }
  vm.guest.bindMeter(null, -1);
}

/** A new guest for `vm` (after a crash): it writes into the VM's slot, if the VM is on a host. */
export function rebindGuest(h: HostRec | null, vm: VmRec): void {
  if (h !== null && vm.meterSlot >= 0) vm.guest.bindMeter(h.delivered, vm.meterSlot);
}
