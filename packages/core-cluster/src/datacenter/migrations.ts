// Live migration across hosts: the source keeps running the guest (`beginMigration`), pre-copy runs
// as core-vmm's `createLiveMigration` over the datacenter's FlowNetwork (a transmit and a receive
// link per host NIC, so concurrent migrations share NICs max-min fair), auto-converge throttles the
// source's vCPUs, and at completion the VM ends on the target with the same guest: its kernel, its
// containers and their state move with it. The flow network and every migration are one passive model
// behind one ModelSlot (network first, then each migration, as createLiveMigration requires).
// The destination receives the VM at the start (`receiveMigration`: PAUSED/MIGRATION, its guest memory
// allocated, a placement reservation held) and takes over at the switch-over (`completeIncoming` with
// the source's `outgoingState`: CPU accounting, memory and devices continue); a failed or cancelled
// migration is `abortIncoming` there and `endMigration` on the source.
import { createFlowNetwork } from '@strata/core-network';
import type { FlowNetwork } from '@strata/core-network';
import { createLiveMigration } from '@strata/core-vmm';
import type { LiveMigration, LiveMigrationEvent } from '@strata/core-vmm';
import type { Simulation } from '@strata/core-sim';
import { migrationEvent } from './cluster-events.js';
import { joinHost } from './host-books.js';
import { ensureHypervisor, moveVmNetwork, touchHost, vmSpec } from './hosts.js';
import type { GuestLink } from './kernel-guest.js';
import { ModelSlot } from './model-slot.js';
import type { DcState, HostRec, VmRec } from './state.js';
import { takeVmOff, vcpuShare } from './vm-ops.js';

interface ActiveMigration {
  readonly id: string;
  readonly vm: VmRec;
  readonly from: HostRec;
  readonly to: HostRec;
  readonly reservation: string;
  readonly model: LiveMigration;
  /** The destination's handle on the guest, active from the switch-over. */
  readonly link: GuestLink;
  /** The source suspended the guest for the stop-and-copy (the downtime). */
  suspended: boolean;
}

/** What `vm.migrate` asks beyond the VM and the target. */
export interface MigrationOptions {
  readonly downtimeLimitUs?: number;
  readonly maxBandwidth?: number;
}

/** The datacenter's migrations and the flow network they cross. */
export class Migrations {
  readonly flows: FlowNetwork;
  private readonly active: ActiveMigration[] = [];
  private readonly slot: ModelSlot;
  private started = 0;

  constructor(
    private readonly dc: DcState,
    sim: Simulation,
  ) {
    this.flows = createFlowNetwork({ start: sim.now() });
    this.slot = new ModelSlot(sim, { nextEventTime: () => this.nextEventTime(), advanceTo: (t) => this.advanceTo(t) }, 'migrations', -1);
  }

  get count(): number {
    return this.active.length;
  }

  /** Bring the flow network and every migration to now (for readers of the links' byte counts). */
  sync(): void {
    this.slot.sync();
  }

  /** Start migrating `vm` (running on `from`) to `to`. Preconditions checked by the caller (vm.migrate's validation). */
  start(vm: VmRec, from: HostRec, to: HostRec, opts: MigrationOptions): void {
    this.slot.sync();
    const dc = this.dc;
    const id = `migration-${++this.started}`;
    const reservation = `\u0000incoming:${vm.name}`;
    const hv = ensureHypervisor(dc, from);
    const target = ensureHypervisor(dc, to);
    // The guest's clock is the source's: bring the source to now before the target looks at it.
    from.slot?.sync();
    const link = vm.guest.link();
    // The destination first: its overcommit check may refuse, and then nothing has changed.
    touchHost(dc, to, () => target.receiveMigration(vmSpec(vm, link, { instantBoot: false }), { persistent: true }));
    try {
      touchHost(dc, from, () => hv.beginMigration(vm.name));
    } catch (error) {
      touchHost(dc, to, () => target.abortIncoming(vm.name));
      throw error;
    }
    dc.placement.allocate(reservation, vm.body, to);
    const path = [this.link(from, 'tx'), this.link(to, 'rx')];
    const model = createLiveMigration({
      id,
      vm: vm.name,
      network: this.flows,
      path,
      memoryBytes: vm.body.memory,
      wssBytes: vm.body.wss ?? vm.body.memory,
      dirtyBytesPerSecond: vm.body.dirtyRate ?? 0,
      ...(opts.downtimeLimitUs === undefined ? {} : { downtimeLimitUs: opts.downtimeLimitUs }),
      ...(opts.maxBandwidth === undefined ? {} : { maxBandwidth: opts.maxBandwidth }),
      onThrottle: (p) => {
        if (from.hv !== null) touchHost(dc, from, () => from.hv!.setThrottle(vm.name, p));
      },
    });
    vm.migrating = true;
    const m: ActiveMigration = { id, vm, from, to, reservation, model, link, suspended: false };
    this.active.push(m);
    this.emit(m, model.start());
    this.slot.rearm();
  }

  /** A failed host ends every migration from or to it (the VM stays on the source when it is the target that failed). */
  abortMigrationsOf(host: string): void {
    this.slot.sync();
    for (const m of [...this.active]) {
      if (m.from.name !== host && m.to.name !== host) continue;
      const phase = m.model.phase();
      if (phase === 'pre-copy' || phase === 'stop-and-copy') this.emit(m, m.model.cancel());
      this.finish(m, 'cancelled');
    }
    this.slot.rearm();
  }

  private link(h: HostRec, dir: 'tx' | 'rx'): string {
    const id = `nic:${h.name}:${dir}`;
    try {
      this.flows.addLink({ id, capacity: h.nic, latency: 0 });
    } catch {
      // already there: one link per host NIC and direction
    }
    return id;
  }

  private nextEventTime(): number {
    let t = this.flows.nextEventTime();
    for (const m of this.active) t = Math.min(t, m.model.nextEventTime());
    return t;
  }

  private advanceTo(t: number): void {
    this.dc.sink.collect(() => {
      this.flows.advanceTo(t);
      for (const m of [...this.active]) {
        this.emit(m, m.model.advanceTo(t));
        const phase = m.model.phase();
        if (phase === 'stop-and-copy' || phase === 'resuming' || phase === 'completed') this.suspend(m);
        if (phase === 'completed') this.finish(m, 'completed');
        else if (phase === 'failed') this.finish(m, 'failed');
      }
    });
  }

  private emit(m: ActiveMigration, events: readonly LiveMigrationEvent[]): void {
    for (const e of events) this.dc.sink.emit(migrationEvent(m.vm.name, m.from.name, m.to.name, e));
  }

  /** The stop-and-copy begins: the guest stops on the source (the downtime) until the target resumes it. */
  private suspend(m: ActiveMigration): void {
    if (m.suspended || m.from.hv === null) return;
    const hv = m.from.hv;
    touchHost(this.dc, m.from, () => hv.suspend(m.vm.name));
    m.suspended = true;
  }

  /** End a migration: on completion the VM switches to the target with its guest; otherwise it stays on the source. */
  private finish(m: ActiveMigration, outcome: 'completed' | 'failed' | 'cancelled'): void {
    const dc = this.dc;
    this.active.splice(this.active.indexOf(m), 1);
    dc.placement.release(m.reservation);
    m.vm.migrating = false;
    const hv = m.from.hv;
    const target = m.to.hv;
    if (outcome !== 'completed') {
      if (target !== null && m.to.state === 'up') touchHost(dc, m.to, () => target.abortIncoming(m.vm.name));
      if (hv !== null && m.from.state === 'up') {
        touchHost(dc, m.from, () => {
          hv.endMigration(m.vm.name, outcome);
          if (m.suspended) hv.resume(m.vm.name);
        });
      }
      return;
    }
    let carried: ReturnType<NonNullable<HostRec['hv']>['outgoingState']> | undefined;
    touchHost(dc, m.from, () => {
      carried = hv!.outgoingState(m.vm.name);
      hv!.endMigration(m.vm.name, 'completed');
      // A transient domain is gone with its migration; a persistent one is undefined here.
      if (hv!.vms().some((v) => v.name === m.vm.name)) hv!.undefine(m.vm.name);
    });
    // The CPU accounting travels in the carried state: the VM's totals continue on the target.
    takeVmOff(dc, m.vm, { keepTotals: false });
    dc.placement.allocate(m.vm.name, m.vm.body, m.to);
    touchHost(dc, m.to, () => {
      m.vm.guest.setVcpuShare(vcpuShare(m.vm, m.to));
      m.vm.guest.activate(m.link);
      target!.completeIncoming(m.vm.name, carried);
    });
    joinHost(this.dc, m.to, m.vm);
    m.vm.host = m.to.name;
    // Its containers' traffic leaves by the target's NIC from now on (connections carrying bytes keep their links).
    moveVmNetwork(dc, m.vm, m.to);
    // Received with the lifecycle's real timings: a later restart there boots as a restart does.
    m.vm.instantBoot = false;
    m.vm.migrations++;
    dc.counters.migrations++;
    dc.sink.emit({ type: 'vm.migrated', time: dc.sim.now(), subject: `vm:${m.vm.name}`, from: m.from.name, to: m.to.name });
  }
}
