// The hypervisor's seam between a VM's guest and the host scheduler: the guest connects once, at
// define; the host sees the port, which it may add and remove as the VM starts and stops, and which
// caps the guest's demand by a live migration's throttle.
import type { Micros } from '@strata/shared-types';
import type { GuestClock, GuestCpus, VcpuDemand, VcpuDemandListener } from '../host/types.js';

/** Smallest demand a throttle leaves (the host's demand must stay > 0). */
const MIN_DEMAND = 0.01;

/** A `GuestCpus` in front of the VM's guest. Precondition: `guest` has not been connected elsewhere. */
export class GuestPort implements GuestCpus {
  readonly cpus: number;
  private readonly demands: VcpuDemand[] = [];
  private listener: VcpuDemandListener | null = null;
  private throttle = 0;
  /** Present when the guest has it: the host then visits the guest only when it is due. */
  readonly follow?: (clock: GuestClock | null) => void;
  /**
   * Present when the guest has it: the host's rates after a pass. Not passed on under a migration
   * throttle (the guest would take the throttle for a short host and move work it cannot run).
   */
  readonly settleDemands?: (rates: readonly number[]) => void;

  constructor(readonly guest: GuestCpus) {
    this.cpus = guest.cpus;
    if (guest.follow !== undefined) this.follow = (clock) => guest.follow?.(clock);
    if (guest.settleDemands !== undefined) {
      this.settleDemands = (rates) => {
        if (this.throttle === 0) guest.settleDemands?.(rates);
      };
    }
    guest.connect((cpu, d) => {
      this.demands[cpu] = d;
      this.listener?.(cpu, this.capped(d));
    });
    this.park();
  }

  now(): Micros {
    return this.guest.now();
  }

  /** The host attaches: every CPU's (capped) demand is reported at once. */
  connect(listener: VcpuDemandListener): void {
    this.listener = listener;
    for (let c = 0; c < this.cpus; c++) listener(c, this.capped(this.demand(c)));
  }

  /** The host let go: every guest CPU delivers nothing until the next `connect`. */
  detach(): void {
    this.listener = null;
    this.park();
  }

  get attached(): boolean {
    return this.listener !== null;
  }

  /** The migration throttle, percent: the guest's demand is capped at 1 − p/100 from now on. */
  setThrottle(percent: number): void {
    this.throttle = percent;
    if (this.listener !== null) for (let c = 0; c < this.cpus; c++) this.listener(c, this.capped(this.demand(c)));
  }

  /** The guest's last reported demand on `cpu` (uncapped). */
  demandOf(cpu: number): VcpuDemand {
    return this.demand(cpu);
  }

  get throttlePercent(): number {
    return this.throttle;
  }

  setCpuCapacity(cpu: number, capacity: number): void {
    this.guest.setCpuCapacity(cpu, capacity);
  }

  nextEventTime(): number {
    return this.guest.nextEventTime();
  }

  advanceTo(time: number): void {
    this.guest.advanceTo(time);
  }

  private park(): void {
    for (let c = 0; c < this.cpus; c++) this.guest.setCpuCapacity(c, 0);
  }

  private demand(cpu: number): VcpuDemand {
    return this.demands[cpu] ?? { runnable: false, demand: 1 };
  }

  private capped(d: VcpuDemand): VcpuDemand {
    if (this.throttle === 0) return d;
    return { runnable: d.runnable, demand: Math.max(MIN_DEMAND, Math.min(d.demand, 1 - this.throttle / 100)) };
  }
}
