// The datacenter: built from a scenario (hosts, VMs placed in file order, containers in their VMs or
// on bare-metal hosts, networks), driven by one core-sim simulation in which every passive model keeps
// one pending event (model-slot.ts), and offered through one command / query / event API.
import { createNetworkModel } from '@strata/core-network';
import { createSimulation } from '@strata/core-sim';
import { ConflictError, LimitExceededError, NotFoundError, ValidationError } from '@strata/shared-types';
import type { ClusterCommand, Micros, Scenario, VmBody } from '@strata/shared-types';
import { createEnergyMeter, powerModel } from '../energy/index.js';
import type { PowerModel } from '../energy/index.js';
import { createMetricsRecorder } from '../metrics/metrics-recorder.js';
import type { ClusterEvent, ContainerView, Datacenter, DatacenterOptions, HostView, RunReport, Series, VmView } from '../types.js';
import { EventSink } from './cluster-events.js';
import { HostLane, LANE_PASS_INSTANTS } from './host-lane.js';
import { profiled } from './layer-profiler.js';
import type { LayerProfiler } from './layer-profiler.js';
import { attachBatch } from './batch-workloads.js';
import type { BatchJobRow } from '../batch/index.js';
import { addContainer, executeCommand } from './commands.js';
import { scheduleFaults } from './faults.js';
import { touchHost } from './hosts.js';
import { containerInstanceName, containerTargets, indexMachines, machineInstanceNames } from '../scenario/instances.js';
import { Migrations } from './migrations.js';
import { buildReport, Sampler } from './report.js';
import { RequestTotals } from './served-requests.js';
import type { DcState, HostRec } from './state.js';
import { VmPlacer } from './vm-placement.js';
import type { PlacementExplanation } from './vm-placement.js';
import { chooseHost, newVm, putVmOn } from './vm-ops.js';
import { containerView, hostView, must, topology, vmView } from './views.js';
import type { Topology } from './views.js';

/** Default work budget of one `step` / `run`: queue events executed. */
export const DEFAULT_MAX_STEPS = 2_000_000_000;

/** The datacenter with the queries the README lists beyond the contract's. */
export interface ClusterDatacenter extends Datacenter {
  /** How a VM's host was chosen (policy, host, and under filter-score every host's filter or score). NotFoundError. */
  placementOf(vm: string): PlacementExplanation;
  /** The scenario's user-defined networks (overlay networks spanning hosts). */
  networks(): { readonly name: string; readonly subnet: string | null; readonly internal: boolean }[];
  /** Hosts → VMs → containers, bare-metal containers, networks. */
  topology(): Topology;
  /** Batch jobs as of now, one row per job in file order (`host`: the host its VM is on now, '' when none); [] without batch workloads. */
  jobRows(): BatchJobRow[];
  /** `jobs.csv` as of now as ASCII bytes (`id,vm,host,start_s,finish_s`, `runBatchScenario`'s `csvBytes()` format); the header alone without batch workloads. */
  jobsCsvBytes(): Uint8Array;
}

/** `createDatacenter`'s options: the contract's, and an opt-in per-layer profiler (see layer-profiler.ts; benches only). */
export interface ClusterDatacenterOptions extends DatacenterOptions {
  /** Time each layer's advances with this profiler's clock (host, guest, network, sampling). Off by default: nothing is wrapped. */
  readonly profile?: LayerProfiler;
}

/**
 * Whether hosts may run ahead between queue events (host-lane.ts): unless the caller turned it off,
 * when nothing shared moves inside a host's steps. Container kernels on user-defined networks share
 * the network model (a restart inside a host step connects again), and one batch model drives the
 * jobs of VMs on every host.
 */
function runsAhead(scenario: Scenario, options: ClusterDatacenterOptions): boolean {
  return options.lookahead !== false && scenario.networks.length === 0 && !scenario.workloads.some((w) => w.kind === 'batch');
}

function buildHosts(scenario: Scenario, placement: VmPlacer): { list: HostRec[]; referenceMips: number } {
  const referenceMips = Math.max(1, ...scenario.hosts.map((t) => t.cpuMips));
  const list: HostRec[] = [];
  for (const t of scenario.hosts) {
    for (const name of machineInstanceNames(t)) {
      const h: HostRec = {
        name,
        template: t.name,
        index: list.length,
        cpus: t.cpus,
        cpuMips: t.cpuMips,
        speed: t.cpuMips / referenceMips,
        memory: t.memory,
        overcommit: t.overcommit,
        hypervisor: t.hypervisor,
        nic: t.nic,
        power: t.power,
        labels: t.labels ?? {},
        state: 'up',
        hv: null,
        stack: null,
        slot: null,
        vms: [],
        delivered: [],
        freeSlots: [],
        containers: [],
        failures: 0,
      };
      list.push(h);
      placement.addHost(h);
    }
  }
  return { list, referenceMips };
}

/**
 * Build the datacenter of `scenario` (validated by `ScenarioSchema`) as it is when the run begins:
 * declared VMs and containers are running at time 0 (no boot), placed in file order. Cost: O(hosts +
 * VMs + containers); a VM without containers stays a light record until something needs its host's
 * hypervisor. Throws NotFoundError (a VM's `host`, a container's `on`), InsufficientResourcesError
 * (a VM no host takes), ValidationError.
 */
export function createDatacenter(scenario: Scenario, options: ClusterDatacenterOptions = {}): ClusterDatacenter {
  const sim = createSimulation({ seed: scenario.seed });
  const sink = new EventSink(options.onEvent);
  const placement = new VmPlacer(scenario.placement);
  const { list, referenceMips } = buildHosts(scenario, placement);
  const energy = createEnergyMeter();
  const powerModels = new Map<object, PowerModel>();
  for (const h of list) {
    let model = powerModels.get(h.power);
    if (model === undefined) powerModels.set(h.power, (model = powerModel(h.power)));
    energy.addHost(h.name, model, 0);
  }
  const network = createNetworkModel();
  const dc: DcState = {
    scenario,
    sim,
    sink,
    hosts: new Map(list.map((h) => [h.name, h])),
    hostList: list,
    vms: new Map(),
    containers: new Map(),
    placement,
    network,
    networkHosts: new Set(),
    referenceMips,
    fidelity: scenario.fidelity,
    energy,
    profile: options.profile ?? null,
    deferredHosts: new Set(),
    lane: runsAhead(scenario, options) ? new HostLane() : null,
    sampleHost: null,
    layoutEpoch: 0,
    retiredRequests: new RequestTotals(),
    counters: { migrations: 0, haRestarts: 0, hostFailures: 0, stacks: 0 },
  };
  const migrations = new Migrations(dc, sim);
  if (dc.profile !== null) {
    const flows = migrations.flows;
    flows.advanceTo = dc.profile.wrap('network', flows.advanceTo.bind(flows));
  }

  sink.building = true;
  for (const n of scenario.networks) {
    network.createNetwork({ name: n.name, driver: 'overlay', internal: n.internal, ...(n.subnet === undefined ? {} : { subnet: n.subnet }) });
  }
  for (const t of scenario.vms) {
    // Every instance shares its template as its body (a VM's name is its record's, not the body's).
    const body: VmBody = t;
    for (const name of machineInstanceNames(t)) {
      if (dc.hosts.has(name)) throw new ValidationError(`VM '${name}' has the name of a host`, { field: 'vms', vm: name });
      const explanation = chooseHost(dc, name, body);
      const vm = newVm(dc, name, t.name, body, true, explanation);
      dc.vms.set(name, vm);
      dc.layoutEpoch++;
      putVmOn(dc, vm, dc.hosts.get(explanation.host!)!, { start: true, light: true });
    }
  }
  const machines = indexMachines(scenario);
  for (const ct of scenario.containers) {
    const { count, ...spec } = ct;
    const { names, perTarget } = containerTargets(scenario, machines, ct);
    for (const target of names) {
      if (!dc.vms.has(target) && !dc.hosts.has(target)) throw new NotFoundError('vm or host', target, { field: `containers.${ct.name}.on` });
      for (let i = 0; i < count; i++) addContainer(dc, { ...spec, on: target }, containerInstanceName(ct, target, perTarget, i), ct.name);
    }
  }
  const attached = attachBatch(dc, options.files ?? new Map<string, string>(), [...dc.vms.values()]);
  const batch = attached?.model ?? null;
  const built = dc.deferredHosts!;
  dc.deferredHosts = null;
  for (const h of built) touchHost(dc, h, () => undefined);
  sink.building = false;

  for (const action of scenario.actions) {
    const { at, ...command } = action;
    sim.at(at, () => {
      try {
        executeCommand(dc, migrations, command);
      } catch (error) {
        sink.emit({ type: 'action.failed', time: sim.now(), subject: `action:${command.do}`, do: command.do, code: (error as { code?: string }).code ?? 'E_INTERNAL', message: (error as Error).message });
      }
    }, { label: 'action' });
  }
  scheduleFaults(dc, migrations);
  let sampler: Sampler | null = null;
  /** The sampler's assembly when it runs through the lane (else sampling is a queue event), or null. */
  let laneSample: ((time: number) => void) | null = null;
  if (scenario.metrics !== undefined) {
    const interval = scenario.metrics.interval;
    const capacity = scenario.duration === undefined ? 16 : Math.min(1_000_000, Math.floor(scenario.duration / interval) + 1);
    sampler = new Sampler(dc, createMetricsRecorder({ interval, start: 0, capacity }), migrations);
    const sample = profiled(dc.profile, 'sampling', (time: number) => sampler!.sample(time));
    if (dc.lane !== null) {
      // Through the lane (host-lane.ts, `LaneSampling`): hosts are read as they pass each instant, and
      // the datacenter assembles each sample once every host is past it (`sampleThrough`).
      dc.lane.sampling = { interval, next: 0, limit: -1, instantsPerPass: LANE_PASS_INSTANTS.min };
      dc.sampleHost = profiled(dc.profile, 'sampling', (h: HostRec, time: number) => sampler!.readHost(h, time));
      laneSample = sample;
    } else sim.every(interval, () => sample(sim.now()), { start: 0, priority: 1000, label: 'metrics' });
  }

  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const lane = dc.lane;
  /** Handing out the facts of hosts that ran ahead: the hosts may be past the queue's now, so no command or run may come in. */
  let delivering = false;
  const notWhileDelivering = (what: string): void => {
    if (delivering) {
      throw new ConflictError(`${what} from an event listener: hosts run ahead between queue events and hand out their events afterwards (createDatacenter's lookahead); pass { lookahead: false } to act on events as they happen, or act between step() calls`, { field: 'lookahead' });
    }
  };
  /** The lane's hosts through `until` (at most `budget` steps), their facts out sorted by time; the steps run. */
  const runLane = (until: number, budget: number): number => {
    let steps = 0;
    delivering = true;
    try {
      sink.collect(() => void (steps = lane!.runThrough(until, budget)));
    } finally {
      delivering = false;
    }
    return steps;
  };
  const tooMany = (until: number): LimitExceededError => new LimitExceededError(`more than ${maxSteps} events before ${until} µs; raise maxSteps or run less`, { maxSteps, until });
  /**
   * Assemble the samples of every instant through `limit` (hosts that the lane took past one were read
   * there; the others are read now): at each, the queue has nothing before it, so the clock moves there.
   */
  const sampleThrough = (limit: number): number => {
    const sampling = lane!.sampling!;
    let samples = 0;
    for (let s = sampling.next; s <= limit; s = sampling.next) {
      sim.runUntil(s);
      laneSample!(s);
      sampling.next = s + sampling.interval;
      lane!.samples++;
      samples++;
    }
    return samples;
  };
  /** `run`'s progress bar while it advances: told the simulated time reached (within a lane pass, an estimate by the hosts that have run), or null. */
  let progress: ((t: number) => void) | null = null;
  const advance = (until: number): void => {
    let steps = 0;
    for (;;) {
      const next = sim.peek();
      if (lane !== null) {
        // Passes up to the next queue event (or `until`); with sampling, each ends where its readings
        // must be assembled (`HostLane.planPass`).
        const end = Math.min(next, until);
        for (;;) {
          // As many instants per pass as the readings' memory allows.
          if (lane.sampling !== null) lane.sampling.instantsPerPass = sampler!.instantsPerPass;
          const horizon = lane.planPass(next, until, maxSteps - steps);
          if (progress !== null) {
            const from = sim.now();
            const tell = progress;
            lane.onRun = (ran, of) => tell(from + ((horizon - from) * ran) / of);
          }
          try {
            steps += runLane(horizon, maxSteps - steps + 1);
          } finally {
            lane.onRun = null;
          }
          if (steps > maxSteps) throw tooMany(until);
          if (laneSample !== null) {
            steps += sampleThrough(lane.sampling!.limit);
            if (steps > maxSteps) throw tooMany(until);
          }
          progress?.(Math.min(horizon, until));
          if (horizon >= end) break;
        }
      }
      if (next > until) break;
      if (++steps > maxSteps) throw tooMany(until);
      sim.step();
      progress?.(sim.now());
    }
    sim.runUntil(until);
  };
  const openEnded = (): boolean => dc.containers.size > 0 || scenario.faults !== undefined || sampler !== null;
  const drained = (): ClusterEvent[] => (options.onEvent === undefined ? sink.take() : []);

  const api: ClusterDatacenter = {
    scenario,
    now: (): Micros => sim.now(),
    step(dt: number): ClusterEvent[] {
      notWhileDelivering('step()');
      if (!Number.isSafeInteger(dt) || dt < 0) throw new ValidationError(`step needs a whole number of µs ≥ 0, got ${dt}`, { field: 'dt', accepted: 'integer ≥ 0' });
      advance(sim.now() + dt);
      return drained();
    },
    run(opts = {}): RunReport {
      notWhileDelivering('run()');
      const until = opts.until ?? scenario.duration;
      if (until === undefined) {
        if (openEnded()) throw new ValidationError('this scenario has open-ended work (containers, faults or metric sampling) and no duration: give it a duration or run({ until })', { field: 'duration' });
        let steps = 0;
        for (;;) {
          // One instant at a time: with no end, the lane runs hosts only up to the earliest event of anyone.
          const next = sim.peek();
          const at = lane === null ? next : Math.min(next, lane.peek());
          if (at === Infinity) break;
          if (lane !== null) steps += runLane(at, maxSteps - steps + 1);
          if (next === at) steps++;
          if (steps > maxSteps) throw new LimitExceededError(`more than ${maxSteps} events; raise maxSteps`, { maxSteps });
          if (next === at) sim.step();
        }
        return buildReport(dc, sampler, batch);
      }
      if (!Number.isSafeInteger(until) || until < sim.now()) throw new ValidationError(`run needs until ≥ now (${sim.now()} µs), got ${until}`, { field: 'until' });
      const start = sim.now();
      const total = until - start;
      const onProgress = options.onProgress;
      // In one piece either way (a piece ends the lane's pass, and short passes cost the hosts' caches):
      // the progress bar hears of each hundredth as the queue's events, and within a lane pass the
      // hosts' runs, get there.
      if (onProgress === undefined) advance(until);
      else {
        let k = 1;
        const tell = (t: number): void => {
          for (; k <= 100 && t - start >= Math.floor((total * k) / 100); k++) onProgress(Math.floor((total * k) / 100) as Micros, total as Micros);
        };
        progress = tell;
        try {
          advance(until);
        } finally {
          progress = null;
        }
        tell(until);
      }
      return buildReport(dc, sampler, batch);
    },
    execute(command: ClusterCommand): void {
      if (command === null || typeof command !== 'object' || typeof (command as { do?: unknown }).do !== 'string') {
        throw new ValidationError('a command is an object with "do" (parse JSON with ClusterCommandSchema)', { field: 'do' });
      }
      notWhileDelivering(`a command (${command.do})`);
      executeCommand(dc, migrations, command);
    },
    hosts: (): HostView[] => list.map((h) => hostView(dc, h)),
    host: (name: string): HostView => hostView(dc, must(dc.hosts.get(name), 'host', name)),
    vms: (): VmView[] => [...dc.vms.values()].map((v) => vmView(dc, v)),
    vm: (name: string): VmView => vmView(dc, must(dc.vms.get(name), 'vm', name)),
    containers: (): ContainerView[] => [...dc.containers.values()].map((c) => containerView(dc, c)),
    container: (name: string): ContainerView => containerView(dc, must(dc.containers.get(name), 'container', name)),
    metrics: (): Series[] => sampler?.series() ?? [],
    summary: (): RunReport => buildReport(dc, sampler, batch),
    takeEvents: (): ClusterEvent[] => sink.take(),
    placementOf: (vm: string): PlacementExplanation => must(dc.vms.get(vm), 'vm', vm).placement,
    networks: () => scenario.networks.map((n) => ({ name: n.name, subnet: n.subnet ?? null, internal: n.internal })),
    topology: (): Topology => topology(dc),
    jobRows: (): BatchJobRow[] => attached?.rows() ?? [],
    jobsCsvBytes: (): Uint8Array => attached?.csvBytes() ?? Uint8Array.from('id,vm,host,start_s,finish_s\n', (c) => c.charCodeAt(0)),
  };
  return api;
}
