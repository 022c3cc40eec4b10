// The virtio device model: drives and NICs with Firecracker's rate limiters, their queues served in
// time order, and the host disk as the upper bound of what the drives get.
import { heapPop, heapPush } from '../binary-heap.js';
import type { VnicLimiterSpec } from '@strata/core-network';
import { ConflictError, InvalidTransitionError, NotFoundError, shownValue, ValidationError, type Bytes, type DeviceIoCompletedEvent, type Micros, NO_EVENTS } from '@strata/shared-types';
import { requireInteger, requireObject } from '../input-checks.js';
import { FC_DRIVE_PATCH_EMPTY, FC_NOT_SUPPORTED_AFTER_START, FC_NOT_SUPPORTED_BEFORE_START, FC_ROOT_DEVICE_EXISTS, unknownFieldMessage } from './firecracker-errors.js';
import { FirecrackerRateLimiter, validateRateLimiterConfig, type FirecrackerRateLimiterConfig } from './firecracker-rate-limiter.js';
import type {
  BlockRequest,
  DeviceCounters,
  DeviceModel,
  DeviceModelOptions,
  DriveConfig,
  DrivePatch,
  DriveState,
  Frame,
  HostDiskSpec,
  NetworkInterfaceConfig,
  NetworkInterfacePatch,
  NetworkInterfaceState,
  DeviceQueueSnapshot,
  VmDevicesSnapshot,
} from './types.js';

const DRIVE_PATCH_FIELDS = ['drive_id', 'path_on_host', 'rate_limiter'] as const;
const NIC_PATCH_FIELDS = ['iface_id', 'rx_rate_limiter', 'tx_rate_limiter'] as const;
// Swagger's Drive also has partuuid, cache_type, io_engine and socket (vhost-user): accepted and not modelled.
const DRIVE_FIELDS = ['drive_id', 'partuuid', 'is_root_device', 'cache_type', 'is_read_only', 'path_on_host', 'rate_limiter', 'io_engine', 'socket'] as const;
const NIC_FIELDS = ['iface_id', 'host_dev_name', 'guest_mac', 'rx_rate_limiter', 'tx_rate_limiter'] as const;

interface Pending {
  readonly id: string;
  readonly bytes: number;
  /** Draws bytes tokens (read, write, frames) or only an op (flush). */
  readonly drawsBytes: boolean;
}

interface Queue {
  readonly vm: string;
  readonly device: string;
  readonly kind: 'blk' | 'tx' | 'rx';
  limiter: FirecrackerRateLimiter;
  /** Pending requests are pending[head..]; the array is compacted when the head passes half of it. */
  pending: Pending[];
  head: number;
  readonly ids: Set<string>;
  /** Firecracker's sync engine: a drive takes its next request once the previous one completed. */
  busyUntil: number;
  requests: number;
  bytes: number;
  /** Creation order: queues due at one instant serve in it. */
  readonly order: number;
  /** Its wake time as queued in `dueQueues` (Infinity when not queued), and whether it was removed. */
  dueAt: number;
  removed: boolean;
}

interface Completion {
  readonly time: number;
  readonly seq: number;
  readonly event: DeviceIoCompletedEvent;
}

interface DriveRec {
  config: DriveConfig;
  queue: Queue | null;
}

interface NicRec {
  config: NetworkInterfaceConfig;
  tx: Queue | null;
  rx: Queue | null;
}

interface VmRec {
  started: boolean;
  readonly drives: Map<string, DriveRec>;
  readonly nics: Map<string, NicRec>;
}

/** Build a device model (see `DeviceModel`). ValidationError for a bad option. */
export function createDeviceModel(options: DeviceModelOptions = {}): DeviceModel {
  return new VirtioDeviceModel(options);
}

class VirtioDeviceModel implements DeviceModel {
  private t: number;
  private readonly disk: HostDiskSpec | null;
  private diskFreeAt: number;
  private readonly vms = new Map<string, VmRec>();
  private readonly queues: Queue[] = [];
  private readonly completions: Completion[] = [];
  private seq = 0;
  // Per-event work touches only the queues concerned: a heap of the wake times of queues with pending
  // requests; a queue a command or a service changed is re-queued (`refreshQueues`) before the next query.
  private readonly dueQueues: { readonly at: number; readonly q: Queue }[] = [];
  private readonly staleQueues = new Set<Queue>();
  private queueOrder = 0;

  constructor(options: DeviceModelOptions) {
    requireObject('options', options, '{ start?, hostDisk? }');
    const start = options.start ?? 0;
    requireInteger('start', start, 0);
    this.t = start;
    if (options.hostDisk !== undefined) {
      requireObject('hostDisk', options.hostDisk, '{ bytesPerSecond, iops? }');
      requireInteger('hostDisk.bytesPerSecond', options.hostDisk.bytesPerSecond, 1);
      if (options.hostDisk.iops !== undefined) requireInteger('hostDisk.iops', options.hostDisk.iops, 1);
      this.disk = options.hostDisk;
    } else {
      this.disk = null;
    }
    this.diskFreeAt = start;
  }

  now(): Micros {
    return this.t as Micros;
  }

  addVm(vm: string): void {
    requireId(vm, 'vm');
    if (this.vms.has(vm)) throw new ConflictError(`VM '${vm}' already has devices; remove it first or use another id`, { path: 'vm', value: vm });
    this.vms.set(vm, { started: false, drives: new Map(), nics: new Map() });
  }

  removeVm(vm: string): void {
    this.getVm(vm);
    this.vms.delete(vm);
    for (let i = this.queues.length - 1; i >= 0; i--) {
      if (this.queues[i]!.vm === vm) {
        this.queues[i]!.removed = true;
        this.queues.splice(i, 1);
      }
    }
    const kept = this.completions.filter((c) => c.event.vm !== vm);
    this.completions.length = 0;
    for (const c of kept) heapPush(this.completions, c, before);
  }

  putDrive(vm: string, config: DriveConfig): void {
    const rec = this.getVm(vm);
    if (rec.started) throw new InvalidTransitionError('running', 'PUT /drives', { vm }, FC_NOT_SUPPORTED_AFTER_START);
    checkFields(config, DRIVE_FIELDS);
    requireId(config.drive_id, 'drive_id');
    if (typeof config.path_on_host !== 'string') throw new ValidationError(`path_on_host must be a string, got ${shownValue(config.path_on_host)}`, { path: 'path_on_host', value: config.path_on_host });
    if (typeof config.is_root_device !== 'boolean') throw new ValidationError(`is_root_device must be true or false, got ${shownValue(config.is_root_device)}`, { path: 'is_root_device', value: config.is_root_device });
    validateRateLimiterConfig(config.rate_limiter, 'rate_limiter');
    if (config.is_root_device) {
      for (const [id, d] of rec.drives) {
        if (id !== config.drive_id && d.config.is_root_device) throw new ValidationError(FC_ROOT_DEVICE_EXISTS, { path: 'is_root_device', value: true, rootDrive: id });
      }
    }
    rec.drives.set(config.drive_id, { config: { ...config }, queue: null });
  }

  putNetworkInterface(vm: string, config: NetworkInterfaceConfig): void {
    const rec = this.getVm(vm);
    if (rec.started) throw new InvalidTransitionError('running', 'PUT /network-interfaces', { vm }, FC_NOT_SUPPORTED_AFTER_START);
    checkFields(config, NIC_FIELDS);
    requireId(config.iface_id, 'iface_id');
    requireId(config.host_dev_name, 'host_dev_name');
    validateRateLimiterConfig(config.rx_rate_limiter, 'rx_rate_limiter');
    validateRateLimiterConfig(config.tx_rate_limiter, 'tx_rate_limiter');
    for (const [id, n] of rec.nics) {
      if (id !== config.iface_id && n.config.host_dev_name === config.host_dev_name) {
        throw new ConflictError(`tap '${config.host_dev_name}' is already used by interface '${id}'; give each interface its own host_dev_name`, { path: 'host_dev_name', value: config.host_dev_name });
      }
    }
    rec.nics.set(config.iface_id, { config: { ...config }, tx: null, rx: null });
  }

  startVm(vm: string): void {
    const rec = this.getVm(vm);
    if (rec.started) throw new InvalidTransitionError('running', 'InstanceStart', { vm }, FC_NOT_SUPPORTED_AFTER_START);
    rec.started = true;
    for (const [id, d] of rec.drives) d.queue = this.newQueue(vm, id, 'blk', d.config.rate_limiter);
    for (const [id, n] of rec.nics) {
      n.tx = this.newQueue(vm, id, 'tx', n.config.tx_rate_limiter);
      n.rx = this.newQueue(vm, id, 'rx', n.config.rx_rate_limiter);
    }
  }

  patchDrive(vm: string, patch: DrivePatch): void {
    const rec = this.getVm(vm);
    if (!rec.started) throw new InvalidTransitionError('not-started', 'PATCH /drives', { vm }, FC_NOT_SUPPORTED_BEFORE_START);
    checkFields(patch, DRIVE_PATCH_FIELDS);
    const d = rec.drives.get(patch.drive_id);
    if (d === undefined) throw new NotFoundError('drive', String(patch.drive_id), { vm });
    if (patch.path_on_host === undefined && patch.rate_limiter === undefined) throw new ValidationError(FC_DRIVE_PATCH_EMPTY, { path: 'drive_id' });
    if (patch.path_on_host !== undefined && typeof patch.path_on_host !== 'string') throw new ValidationError(`path_on_host must be a string, got ${shownValue(patch.path_on_host)}`, { path: 'path_on_host', value: patch.path_on_host });
    validateRateLimiterConfig(patch.rate_limiter, 'rate_limiter');
    const q = d.queue!;
    if (patch.rate_limiter !== undefined) q.limiter.update(patch.rate_limiter, this.t);
    d.config = {
      ...d.config,
      ...(patch.path_on_host === undefined ? {} : { path_on_host: patch.path_on_host }),
      ...(patch.rate_limiter === undefined ? {} : { rate_limiter: q.limiter.config }),
    };
    this.serve(q, this.t);
  }

  patchNetworkInterface(vm: string, patch: NetworkInterfacePatch): void {
    const rec = this.getVm(vm);
    if (!rec.started) throw new InvalidTransitionError('not-started', 'PATCH /network-interfaces', { vm }, FC_NOT_SUPPORTED_BEFORE_START);
    checkFields(patch, NIC_PATCH_FIELDS);
    const n = rec.nics.get(patch.iface_id);
    if (n === undefined) throw new NotFoundError('network interface', String(patch.iface_id), { vm });
    validateRateLimiterConfig(patch.rx_rate_limiter, 'rx_rate_limiter');
    validateRateLimiterConfig(patch.tx_rate_limiter, 'tx_rate_limiter');
    if (patch.rx_rate_limiter !== undefined) n.rx!.limiter.update(patch.rx_rate_limiter, this.t);
    if (patch.tx_rate_limiter !== undefined) n.tx!.limiter.update(patch.tx_rate_limiter, this.t);
    n.config = { ...n.config, rx_rate_limiter: n.rx!.limiter.config, tx_rate_limiter: n.tx!.limiter.config };
    this.serve(n.rx!, this.t);
    this.serve(n.tx!, this.t);
  }

  submitBlock(vm: string, drive: string, request: BlockRequest): void {
    const rec = this.getStarted(vm, 'submit a block request');
    const d = rec.drives.get(drive);
    if (d === undefined) throw new NotFoundError('drive', drive, { vm });
    requireObject('request', request, "{ id, type: 'read' | 'write' | 'flush', bytes }");
    requireId(request.id, 'id');
    if (request.type !== 'read' && request.type !== 'write' && request.type !== 'flush') {
      throw new ValidationError(`type must be 'read', 'write' or 'flush', got ${shownValue(request.type)}`, { path: 'type', value: request.type, accepted: ['read', 'write', 'flush'] });
    }
    requireInteger('bytes', request.bytes, 0);
    if (this.disk !== null && request.type !== 'flush') {
      // Its transfer alone must end on the clock (µs stay safe integers): 2^53 − 1 B at 1 B/s would not.
      const end = Math.max(this.t, this.diskFreeAt) + serviceTime(this.disk, request.bytes);
      if (!Number.isSafeInteger(end)) {
        throw new ValidationError(`bytes ${request.bytes} would keep the host disk (${this.disk.bytesPerSecond} B/s) busy past the clock's range (${Number.MAX_SAFE_INTEGER} µs): submit a smaller request`, { path: 'bytes', value: request.bytes });
      }
    }
    this.enqueue(d.queue!, { id: request.id, bytes: request.type === 'flush' ? 0 : request.bytes, drawsBytes: request.type !== 'flush' });
  }

  sendFrame(vm: string, iface: string, frame: Frame): void {
    this.enqueue(this.nicQueue(vm, iface, 'tx'), checkFrame(frame));
  }

  receiveFrame(vm: string, iface: string, frame: Frame): void {
    this.enqueue(this.nicQueue(vm, iface, 'rx'), checkFrame(frame));
  }

  nextEventTime(): number {
    const next = this.completions.length > 0 ? this.completions[0]!.time : Infinity;
    return Math.min(next, this.nextWake());
  }

  advanceTo(time: number): readonly DeviceIoCompletedEvent[] {
    requireInteger('time', time, this.t);
    let out: DeviceIoCompletedEvent[] | null = null;
    for (;;) {
      const next = this.nextEventTime();
      if (next > time) break;
      this.t = next;
      // Queues whose timer ends now serve first (in the order they were created), then completions
      // at this instant come out; a drive freed by a completion is served right after it.
      this.serveDue(next);
      while (this.completions.length > 0 && this.completions[0]!.time <= next) {
        (out ??= []).push(heapPop(this.completions, before).event);
      }
      this.serveDue(next);
    }
    this.t = time;
    return out ?? NO_EVENTS;
  }

  saveVm(vm: string): VmDevicesSnapshot {
    const rec = this.getVm(vm);
    const drives = [...rec.drives.values()].map((d) => ({ ...d.config }));
    const networkInterfaces = [...rec.nics.values()].map((n) => ({ ...n.config }));
    if (!rec.started) return { drives, networkInterfaces };
    const queues: DeviceQueueSnapshot[] = [];
    for (const d of rec.drives.values()) queues.push(this.saveQueue(d.queue!));
    for (const n of rec.nics.values()) queues.push(this.saveQueue(n.tx!), this.saveQueue(n.rx!));
    return { drives, networkInterfaces, savedAtUs: this.t, queues };
  }

  restoreVm(vm: string, state: VmDevicesSnapshot): void {
    const rec = this.getVm(vm);
    if (rec.started) throw new InvalidTransitionError('running', 'restore', { vm }, FC_NOT_SUPPORTED_AFTER_START);
    requireObject('devices', state, '{ drives, networkInterfaces, savedAtUs?, queues? }');
    requireArray(state.drives, 'drives');
    requireArray(state.networkInterfaces, 'networkInterfaces');
    if (state.queues !== undefined) requireArray(state.queues, 'queues');
    // Validate on a scratch VM first, so a bad snapshot changes nothing.
    const scratch = new VirtioDeviceModel({});
    scratch.addVm(vm);
    for (const d of state.drives) scratch.putDrive(vm, d);
    for (const n of state.networkInterfaces) scratch.putNetworkInterface(vm, n);
    const live = state.queues === undefined ? [] : this.checkQueues(vm, state, scratch.getVm(vm));
    rec.drives.clear();
    rec.nics.clear();
    for (const d of state.drives) this.putDrive(vm, d);
    for (const n of state.networkInterfaces) this.putNetworkInterface(vm, n);
    this.startVm(vm);
    for (const { saved, limiter, shift } of live) {
      const q = this.queues.find((x) => x.vm === vm && x.device === saved.device && x.kind === saved.queue)!;
      this.staleQueues.add(q);
      q.limiter = limiter;
      q.busyUntil = saved.busyUntilUs + shift;
      q.requests = saved.served?.requests ?? 0;
      q.bytes = saved.served?.bytes ?? 0;
      if (q.kind === 'blk') this.diskFreeAt = Math.max(this.diskFreeAt, q.busyUntil);
      for (const p of saved.pending) {
        q.pending.push({ id: p.id, bytes: p.bytes, drawsBytes: p.drawsBytes });
        q.ids.add(p.id);
      }
      for (const e of saved.inFlight) this.pushCompletion(e.time + shift, { ...e, time: (e.time + shift) as Micros, admittedAt: (e.admittedAt + shift) as Micros });
    }
  }

  drive(vm: string, id: string): DriveState {
    const d = this.getVm(vm).drives.get(id);
    if (d === undefined) throw new NotFoundError('drive', id, { vm });
    return { vm, config: d.config, pending: d.queue === null ? 0 : pendingCount(d.queue), blockedUntil: (d.queue?.limiter.blockedUntil ?? this.t) as Micros };
  }

  networkInterface(vm: string, id: string): NetworkInterfaceState {
    const n = this.getVm(vm).nics.get(id);
    if (n === undefined) throw new NotFoundError('network interface', id, { vm });
    return { vm, config: n.config, pendingTx: n.tx === null ? 0 : pendingCount(n.tx), pendingRx: n.rx === null ? 0 : pendingCount(n.rx) };
  }

  counters(vm: string, device: string, queue: 'blk' | 'tx' | 'rx'): DeviceCounters {
    const rec = this.getVm(vm);
    let q: Queue | null | undefined;
    if (queue === 'blk') {
      const d = rec.drives.get(device);
      if (d === undefined) throw new NotFoundError('drive', device, { vm });
      q = d.queue;
    } else {
      const n = rec.nics.get(device);
      if (n === undefined) throw new NotFoundError('network interface', device, { vm });
      q = queue === 'tx' ? n.tx : n.rx;
    }
    return { requests: q?.requests ?? 0, bytes: (q?.bytes ?? 0) as Bytes };
  }

  vnicLimiterSpecs(vm: string, iface: string): VnicLimiterSpec[] {
    const n = this.getVm(vm).nics.get(iface);
    if (n === undefined) throw new NotFoundError('network interface', iface, { vm });
    const out: VnicLimiterSpec[] = [];
    for (const [dir, cfg] of [['tx', n.config.tx_rate_limiter], ['rx', n.config.rx_rate_limiter]] as const) {
      const b = cfg?.bandwidth;
      if (b !== undefined && b.size > 0 && b.refill_time > 0) {
        out.push({ id: `${vm}/${iface}/${dir}`, bandwidth: { size: b.size, refillTimeMs: b.refill_time, oneTimeBurst: b.one_time_burst ?? 0 } });
      }
    }
    return out;
  }

  // ---- internals ----

  private saveQueue(q: Queue): DeviceQueueSnapshot {
    const inFlight = this.completions
      .filter((c) => c.event.vm === q.vm && c.event.device === q.device && c.event.queue === q.kind)
      .sort((a, b) => (before(a, b) ? -1 : 1))
      .map((c) => ({ ...c.event }));
    return {
      device: q.device,
      queue: q.kind,
      limiter: q.limiter.state(),
      busyUntilUs: q.busyUntil,
      pending: q.pending.slice(q.head).map((p) => ({ ...p })),
      inFlight,
      served: { requests: q.requests, bytes: q.bytes as Bytes },
    };
  }

  /** Check saved queue states against the (already validated) configs and build their limiters; throws before any change. */
  private checkQueues(vm: string, state: VmDevicesSnapshot, configs: VmRec): { saved: DeviceQueueSnapshot; limiter: FirecrackerRateLimiter; shift: number }[] {
    const savedAt = state.savedAtUs;
    if (savedAt === undefined || !Number.isSafeInteger(savedAt)) throw new ValidationError(`savedAtUs must be an integer (µs) when queues are given, got ${shownValue(savedAt)}`, { path: 'savedAtUs', value: savedAt });
    const shift = this.t - savedAt;
    const seen = new Set<string>();
    return (state.queues ?? []).map((saved, i) => {
      const path = `queues[${i}]`;
      requireObject(path, saved, '{ device, queue, limiter, busyUntilUs, pending, inFlight, served? }');
      requireArray(saved.pending, `${path}.pending`);
      requireArray(saved.inFlight, `${path}.inFlight`);
      const key = `${saved.device}/${saved.queue}`;
      if (seen.has(key)) throw new ValidationError(`${path}: queue ${key} is given twice`, { path, value: key });
      seen.add(key);
      let cfg: FirecrackerRateLimiterConfig | undefined;
      if (saved.queue === 'blk') {
        const d = configs.drives.get(saved.device);
        if (d === undefined) throw new ValidationError(`${path}: no drive '${saved.device}' in the snapshot's drives`, { path, value: saved.device });
        cfg = d.config.rate_limiter;
      } else if (saved.queue === 'tx' || saved.queue === 'rx') {
        const n = configs.nics.get(saved.device);
        if (n === undefined) throw new ValidationError(`${path}: no network interface '${saved.device}' in the snapshot's interfaces`, { path, value: saved.device });
        cfg = saved.queue === 'tx' ? n.config.tx_rate_limiter : n.config.rx_rate_limiter;
      } else {
        throw new ValidationError(`${path}.queue must be 'blk', 'tx' or 'rx', got ${shownValue(saved.queue)}`, { path: `${path}.queue`, value: saved.queue });
      }
      let limiter: FirecrackerRateLimiter;
      try {
        limiter = FirecrackerRateLimiter.restore(cfg ?? {}, saved.limiter, shift);
      } catch (e) {
        if (e instanceof ValidationError) throw new ValidationError(`${path}.limiter: ${e.message}`, { ...e.details, path: `${path}.limiter` }, { cause: e });
        throw e;
      }
      // Past instants may move below 0 on an earlier clock: ≤ now means idle either way.
      requireInteger(`${path}.busyUntilUs`, saved.busyUntilUs, Number.MIN_SAFE_INTEGER);
      const ids = new Set<string>();
      for (const p of saved.pending) {
        requireObject(`${path}.pending[]`, p, '{ id, bytes, drawsBytes }');
        requireId(p.id, `${path}.pending.id`);
        if (typeof p.drawsBytes !== 'boolean') throw new ValidationError(`${path}.pending.drawsBytes must be true or false, got ${shownValue(p.drawsBytes)}`, { path: `${path}.pending.drawsBytes`, value: p.drawsBytes });
        if (ids.has(p.id)) throw new ValidationError(`${path}: request '${p.id}' is queued twice`, { path: `${path}.pending`, value: p.id });
        ids.add(p.id);
        requireInteger(`${path}.pending.bytes`, p.bytes, 0);
      }
      if (saved.served !== undefined) {
        requireObject(`${path}.served`, saved.served, '{ requests, bytes }');
        requireInteger(`${path}.served.requests`, saved.served.requests, 0);
        requireInteger(`${path}.served.bytes`, saved.served.bytes, 0);
      }
      for (const e of saved.inFlight) {
        requireObject(`${path}.inFlight[]`, e, "{ type: 'device.io_completed', time, vm, device, queue, request, bytes, admittedAt }");
        if (e.type !== 'device.io_completed') throw new ValidationError(`${path}.inFlight.type must be 'device.io_completed', got ${shownValue(e.type)}`, { path: `${path}.inFlight.type`, value: e.type });
        if (e.vm !== vm || e.device !== saved.device || e.queue !== saved.queue) throw new ValidationError(`${path}: an in-flight completion belongs to another queue`, { path: `${path}.inFlight`, value: e });
        requireId(e.request, `${path}.inFlight.request`);
        requireInteger(`${path}.inFlight.bytes`, e.bytes, 0);
        requireInteger(`${path}.inFlight.time`, e.time, Number.MIN_SAFE_INTEGER);
        requireInteger(`${path}.inFlight.time`, e.time + shift, this.t);
        requireInteger(`${path}.inFlight.admittedAt`, e.admittedAt, Number.MIN_SAFE_INTEGER);
        if (e.admittedAt > e.time || !Number.isSafeInteger(e.admittedAt + shift)) throw new ValidationError(`${path}.inFlight.admittedAt must be an integer µs no later than its time (${e.time}), got ${e.admittedAt}`, { path: `${path}.inFlight.admittedAt`, value: e.admittedAt });
      }
      return { saved, limiter, shift };
    });
  }

  private newQueue(vm: string, device: string, kind: Queue['kind'], cfg: FirecrackerRateLimiterConfig | undefined): Queue {
    const q: Queue = {
      vm,
      device,
      kind,
      limiter: new FirecrackerRateLimiter(cfg ?? {}, this.t),
      pending: [],
      head: 0,
      ids: new Set(),
      busyUntil: this.t,
      requests: 0,
      bytes: 0,
      order: this.queueOrder++,
      dueAt: Infinity,
      removed: false,
    };
    this.queues.push(q);
    return q;
  }

  private nicQueue(vm: string, iface: string, dir: 'tx' | 'rx'): Queue {
    const rec = this.getStarted(vm, dir === 'tx' ? 'send a frame' : 'receive a frame');
    const n = rec.nics.get(iface);
    if (n === undefined) throw new NotFoundError('network interface', iface, { vm });
    return dir === 'tx' ? n.tx! : n.rx!;
  }

  private enqueue(q: Queue, p: Pending): void {
    if (q.ids.has(p.id)) throw new ConflictError(`request '${p.id}' is already pending on ${q.vm}/${q.device} ${q.kind}; use another id`, { path: 'id', value: p.id });
    q.pending.push(p);
    q.ids.add(p.id);
    this.staleQueues.add(q);
    if (pendingCount(q) === 1 && this.wakeTime(q) <= this.t) this.serve(q, this.t);
  }

  private wakeTime(q: Queue): number {
    return Math.max(q.limiter.blockedUntil, q.busyUntil);
  }

  /** Firecracker's process_queue at `now`: admit requests in order until the limiter refuses one. */
  private serve(q: Queue, now: number): void {
    this.staleQueues.add(q);
    while (q.head < q.pending.length && now >= q.busyUntil) {
      const p = q.pending[q.head]!;
      if (!admit(q.limiter, p, now)) return;
      q.head += 1;
      q.ids.delete(p.id);
      if (q.head > 1024 && q.head * 2 > q.pending.length) {
        q.pending = q.pending.slice(q.head);
        q.head = 0;
      }
      let done = now;
      if (q.kind === 'blk' && this.disk !== null) {
        const start = Math.max(now, this.diskFreeAt);
        done = start + serviceTime(this.disk, p.bytes);
        this.diskFreeAt = done;
        q.busyUntil = done;
      }
      q.requests += 1;
      q.bytes += p.bytes;
      this.pushCompletion(done, {
        type: 'device.io_completed',
        time: done as Micros,
        vm: q.vm,
        device: q.device,
        queue: q.kind,
        request: p.id,
        bytes: p.bytes as Bytes,
        admittedAt: now as Micros,
      });
    }
  }

  /** Re-queue the queues changed since the last query at their wake time (only those with pending requests). */
  private refreshQueues(): void {
    if (this.staleQueues.size === 0) return;
    for (const q of this.staleQueues) {
      const at = q.removed || pendingCount(q) === 0 ? Infinity : this.wakeTime(q);
      if (at === q.dueAt) continue;
      q.dueAt = at;
      if (at !== Infinity) heapPush(this.dueQueues, { at, q }, wakeBefore);
    }
    this.staleQueues.clear();
  }

  /** The earliest wake time of a queue with pending requests, or Infinity. */
  private nextWake(): number {
    this.refreshQueues();
    while (this.dueQueues.length > 0) {
      const top = this.dueQueues[0]!;
      if (!top.q.removed && top.q.dueAt === top.at) return top.at;
      heapPop(this.dueQueues, wakeBefore);
    }
    return Infinity;
  }

  /** Serve, in creation order, every queue whose timer ends by `now`. */
  private serveDue(now: number): void {
    this.refreshQueues();
    const due: Queue[] = [];
    while (this.dueQueues.length > 0 && this.dueQueues[0]!.at <= now) {
      const { at, q } = heapPop(this.dueQueues, wakeBefore);
      if (q.removed || q.dueAt !== at) continue;
      q.dueAt = Infinity;
      due.push(q);
    }
    due.sort((a, b) => a.order - b.order);
    for (const q of due) {
      this.staleQueues.add(q);
      if (pendingCount(q) > 0 && this.wakeTime(q) <= now) this.serve(q, now);
    }
  }

  private pushCompletion(time: number, event: DeviceIoCompletedEvent): void {
    heapPush(this.completions, { time, seq: this.seq++, event }, before);
  }

  private getVm(vm: string): VmRec {
    const rec = this.vms.get(vm);
    if (rec === undefined) throw new NotFoundError('VM', String(vm));
    return rec;
  }

  private getStarted(vm: string, what: string): VmRec {
    const rec = this.getVm(vm);
    if (!rec.started) throw new InvalidTransitionError('not-started', what, { vm }, `cannot ${what} on VM '${vm}' before it starts: devices activate at InstanceStart`);
    return rec;
  }
}

function pendingCount(q: Queue): number {
  return q.pending.length - q.head;
}

function before(a: Completion, b: Completion): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** A binary min-heap on (time, seq): completions come out in time order, ties in admission order. */
type Wake = { readonly at: number; readonly q: Queue };

function wakeBefore(a: Wake, b: Wake): boolean {
  return a.at < b.at || (a.at === b.at && a.q.order < b.q.order);
}

/** Firecracker's rate_limit_request: one op, then the bytes; the op goes back when the bytes are refused. */
function admit(limiter: FirecrackerRateLimiter, p: Pending, now: number): boolean {
  if (!limiter.consume(1, 'ops', now)) return false;
  if (p.drawsBytes && !limiter.consume(p.bytes, 'bytes', now)) {
    limiter.manualReplenish(1, 'ops');
    return false;
  }
  return true;
}

/** µs the host disk takes for a request: its transfer at the disk's bandwidth, at least 1/iops. */
function serviceTime(disk: HostDiskSpec, bytes: number): number {
  const transfer = Number((BigInt(bytes) * 1_000_000n + BigInt(disk.bytesPerSecond) - 1n) / BigInt(disk.bytesPerSecond));
  const op = disk.iops === undefined ? 0 : Math.ceil(1_000_000 / disk.iops);
  return Math.max(transfer, op);
}

function checkFrame(frame: Frame): Pending {
  requireObject('frame', frame, '{ id, bytes }');
  requireId(frame.id, 'id');
  requireInteger('bytes', frame.bytes, 1);
  return { id: frame.id, bytes: frame.bytes, drawsBytes: true };
}

function checkFields(obj: object, allowed: readonly string[]): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new ValidationError(`expected an object with fields among ${allowed.join(', ')}, got ${shownValue(obj)}`, { value: obj, accepted: allowed });
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new ValidationError(unknownFieldMessage(key, allowed), { path: key, value: key, accepted: allowed });
  }
}

function requireId(value: unknown, path: string): void {
  if (typeof value !== 'string' || value.length < 1 || value.length > 128) {
    throw new ValidationError(`${path} must be a string of 1..128 characters, got ${shownValue(value)}`, { path, value, accepted: 'string of 1..128 characters' });
  }
}


function requireArray(value: unknown, path: string): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(`${path} must be an array, got ${shownValue(value)}`, { path, value, accepted: 'an array' });
}
