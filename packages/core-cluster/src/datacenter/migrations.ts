// Live migration across hosts: the source keeps running the guest (`beginMigration`), pre-copy runs
// as core-vmm's `createLiveMigration` over the datacenter's FlowNetwork (a transmit and a receive
// link per host NIC, so concurrent migrations share NICs max-min fair), auto-converge throttles the
// source's vCPUs, and at completion the VM ends on the target with the same guest: its kernel, its
// containers and their state move with it. The flow network and every migration are one passive model
// behind one ModelSlot (network first, then each migration, as createLiveMigration requires).
//
// Gap (until core-vmm's hypervisor offers the receiving side): the target defines the VM and boots it
// in 0 µs at the switch-over instant, instead of `receiveMigration` / `completeIncoming`; the target
// holds a placement reservation during the transfer, not guest memory.
import { createFlowNetwork } from '@strata/core-network';
import type { FlowNetwork } from '@strata/core-network';
import { createLiveMigration } from '@strata/core-vmm';
import type { LiveMigration, LiveMigrationEvent } from '@strata/core-vmm';
import type { Simulation } from '@strata/core-sim';
import { migrationEvent } from './cluster-events.js';
import { defineVmOn, ensureHypervisor, touchHost } from './hosts.js';
import { ModelSlot } from './model-slot.js';
import type { DcState, HostRec, VmRec } from './state.js';
import { takeVmOff } from './vm-ops.js';

interface ActiveMigration {
  readonly id: string;
  readonly vm: VmRec;
  readonly from: HostRec;
  readonly to: HostRec;
  readonly reservation: string;
  readonly model: LiveMigration;
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

  /** Start migrating `vm` (running on `from`) to `to`. Preconditions checked by the caller (vm.migrate's validation). */
  start(vm: VmRec, from: HostRec, to: HostRec, opts: MigrationOptions): void {
    this.slot.sync();
    const dc = this.dc;
    const id = `migration-${++this.started}`;
    const reservation = `\u0000incoming:${vm.name}`;
    dc.placement.allocate(reservation, vm.body, to);
    const hv = ensureHypervisor(dc, from);
    ensureHypervisor(dc, to);
    touchHost(dc, from, () => hv.beginMigration(vm.name));
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
    const m: ActiveMigration = { id, vm, from, to, reservation, model };
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
        if (phase === 'completed') this.finish(m, 'completed');
        else if (phase === 'failed') this.finish(m, 'failed');
      }
    });
  }

  private emit(m: ActiveMigration, events: readonly LiveMigrationEvent[]): void {
    for (const e of events) this.dc.sink.emit(migrationEvent(m.vm.name, m.from.name, m.to.name, e));
  }

  /** End a migration: on completion the VM switches to the target with its guest; otherwise it stays on the source. */
  private finish(m: ActiveMigration, outcome: 'completed' | 'failed' | 'cancelled'): void {
    const dc = this.dc;
    this.active.splice(this.active.indexOf(m), 1);
    dc.placement.release(m.reservation);
    m.vm.migrating = false;
    const hv = m.from.hv;
    if (outcome !== 'completed') {
      if (hv !== null && m.from.state === 'up') touchHost(dc, m.from, () => hv.endMigration(m.vm.name, outcome));
      return;
    }
    touchHost(dc, m.from, () => hv!.endMigration(m.vm.name, 'completed'));
    takeVmOff(dc, m.vm);
    touchHost(dc, m.from, () => hv!.undefine(m.vm.name));
    dc.placement.allocate(m.vm.name, m.vm.body, m.to);
    const target = ensureHypervisor(dc, m.to);
    touchHost(dc, m.to, () => {
      defineVmOn(target, m.vm, { instantBoot: true });
      target.start(m.vm.name);
    });
    m.to.vms.push(m.vm.name);
    m.vm.host = m.to.name;
    m.vm.migrations++;
    dc.counters.migrations++;
    dc.sink.emit({ type: 'vm.migrated', time: dc.sim.now(), subject: `vm:${m.vm.name}`, from: m.from.name, to: m.to.name });
  }
}
