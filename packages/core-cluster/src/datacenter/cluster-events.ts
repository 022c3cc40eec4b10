// Every layer's facts as `ClusterEvent`s: one mapping per layer (hypervisor, container engine,
// migration), and the sink that keeps them in time order within an instant's batch.
import type { ContainerEvent } from '@strata/core-container';
import type { HypervisorEvent, LiveMigrationEvent } from '@strata/core-vmm';
import type { Micros } from '@strata/shared-types';
import type { ClusterEvent } from '../types.js';

/** Where events go: the listener, or a buffer for `takeEvents`. Batches are sorted by time (stable) before they leave. */
export class EventSink {
  private buffer: ClusterEvent[] = [];
  /** Inside `collect`; its events so far (made at the first: most steps report nothing). */
  private collecting = false;
  private batch: ClusterEvent[] | null = null;
  /** Events emitted so far. */
  count = 0;
  /** Emitted events by type (the report's counters). */
  readonly byType = new Map<string, number>();
  /**
   * While the datacenter is built: declared containers are running at time 0 without news of their
   * creation (`container.create` / `container.start` are dropped); anything else that happens then
   * (a program failing at once) is reported.
   */
  building = false;

  constructor(private readonly listener: ((e: ClusterEvent) => void) | undefined) {}

  /** Collect what a model step reports, then emit it sorted by time (insertion order at equal times). */
  collect(run: () => void): void {
    if (this.collecting) {
      run();
      return;
    }
    this.collecting = true;
    let batch: ClusterEvent[] | null;
    try {
      run();
    } finally {
      this.collecting = false;
      batch = this.batch;
      this.batch = null;
    }
    if (batch === null) return;
    if (batch.length > 1) {
      const indexed = batch.map((e, i) => ({ e, i }));
      indexed.sort((a, b) => a.e.time - b.e.time || a.i - b.i);
      for (const x of indexed) this.out(x.e);
    } else this.out(batch[0]!);
  }

  emit(event: ClusterEvent): void {
    if (this.collecting) (this.batch ??= []).push(event);
    else this.out(event);
  }

  take(): ClusterEvent[] {
    const out = this.buffer;
    this.buffer = [];
    return out;
  }

  private out(event: ClusterEvent): void {
    if (this.building && (event.type === 'container.create' || event.type === 'container.start')) return;
    this.count++;
    this.byType.set(event.type, (this.byType.get(event.type) ?? 0) + 1);
    if (this.listener !== undefined) this.listener(event);
    else this.buffer.push(event);
  }
}

/** A hypervisor fact as a cluster event (`null`: not worth a cluster event, e.g. a vCPU task's work done). */
export function hypervisorEvent(host: string, e: HypervisorEvent): ClusterEvent | null {
  switch (e.type) {
    case 'task.work_done':
      return null;
    case 'group.throttled':
    case 'group.unthrottled':
      return { type: `host.${e.type}`, time: e.time, subject: `host:${host}`, group: e.group };
    default: {
      const { type, time, ...rest } = e as unknown as { type: string; time: Micros; vm?: string } & Record<string, unknown>;
      const vm = typeof rest.vm === 'string' ? rest.vm : undefined;
      const fields: Record<string, unknown> = { ...rest };
      delete fields.vm;
      return { type, time, subject: vm === undefined ? `host:${host}` : `vm:${vm}`, host, ...fields };
    }
  }
}

/** A `docker events` fact as `container.<action>`; `on` is the VM or bare-metal host it runs on. */
export function containerEvent(on: string, name: string, e: ContainerEvent): ClusterEvent {
  const { name: _n, ...attributes } = e.attributes;
  return { type: `container.${e.action}`, time: e.time, subject: `container:${name}`, on, ...attributes };
}

/** A live migration's fact (`migration.started`, `.round`, `.completed`, `.failed`) with source and target. */
export function migrationEvent(vm: string, from: string, to: string, e: LiveMigrationEvent): ClusterEvent {
  const { type, time, ...rest } = e as unknown as { type: string; time: Micros } & Record<string, unknown>;
  const fields: Record<string, unknown> = { ...rest };
  delete fields.vm;
  return { type, time, subject: `vm:${vm}`, from, to, ...fields };
}
