// Host failures and repairs, HA, and the scenario's fault injection: per host, failure after an
// MTBF draw and repair after an MTTR draw (exponential or fixed), each host its own random stream
// (`sim.rng('faults/host/<name>')`); per container, crashes (SIGKILL of PID 1, so the restart policy
// decides) after exponential MTBF draws from `faults/container/<name>`.
import { ensureHypervisor, touchHost } from './hosts.js';
import { hasStack, relaunchContainers, stackOf } from './container-ops.js';
import { pinnedHosts, restartElsewhere, takeVmOff } from './vm-ops.js';
import type { ContainerStack } from './container-stack.js';
import type { ContainerRec, DcState, HostRec, VmRec } from './state.js';

/** Hooks the migration module gives (a host failure ends the migrations that touch it). */
export interface FaultHooks {
  readonly abortMigrationsOf: (host: string) => void;
}

/** Fail host `h` now (it must be up): its VMs crash, HA VMs restart elsewhere, bare-metal containers stop. */
export function failHost(dc: DcState, h: HostRec, hooks: FaultHooks): void {
  hooks.abortMigrationsOf(h.name);
  const now = dc.sim.now();
  const crashed: VmRec[] = [];
  /** VMs that were shut off on the host: nothing of theirs ran, so HA does not start them. */
  const wasOff = new Set<string>();
  if (h.hypervisor !== 'none' && h.vms.length > 0) {
    const hv = ensureHypervisor(dc, h);
    touchHost(dc, h, () => {
      for (const name of h.vms) {
        const phase = hv.vm(name).lifecycle.phase;
        if (phase === 'shutoff') wasOff.add(name);
        if (phase !== 'shutoff' && phase !== 'crashed') hv.crash(name, 'host-failure');
      }
    });
    for (const name of [...h.vms]) {
      const vm = dc.vms.get(name)!;
      // The guest died with its host: its containers are gone (their network endpoints too).
      const stack = vm.guest.stack;
      if (stack !== null) dc.sink.collect(() => removeAll(stack, vm.containers.map((c) => dc.containers.get(c)!)));
      // Its batch jobs, running or waiting, are lost with it (CloudSim's and a real cluster's rule).
      if (vm.batch !== null) failBatchJobs(dc, vm, vm.batch, now);
      takeVmOff(dc, vm);
      vm.lightState = 'shut off';
      crashed.push(vm);
    }
  }
  h.slot?.sync(); // a bare-metal kernel's figures up to the failure
  h.slot?.dispose();
  h.slot = null;
  h.hv = null;
  if (h.stack !== null) {
    const stack = h.stack;
    dc.retiredRequests.addKernel(stack.kernel); // the kernel goes with the host; its served requests stay in the report
    dc.sink.collect(() => removeAll(stack, h.containers.map((c) => dc.containers.get(c)!)));
    h.stack = null;
  }
  h.state = 'failed';
  h.failures++;
  dc.counters.hostFailures++;
  dc.placement.setAvailable(h, false);
  dc.energy.off(h.name, now);
  dc.sink.emit({ type: 'host.failed', time: now, subject: `host:${h.name}`, vms: crashed.map((v) => v.name) });
  for (const vm of crashed) {
    // A VM that was shut off stays shut off, on no host (`vm.start` places it again), as HA restarts
    // only VMs that were running (vSphere HA, OpenStack's evacuate keep a stopped instance stopped).
    if (wasOff.has(vm.name)) vm.crashedOn = null;
    else if (vm.body.ha) restartElsewhere(dc, vm, h.name);
    else vm.crashedOn = h.name;
  }
}

/** A batch VM crashed at `now`: its running and waiting jobs fail (`job.failed`, never completed). */
function failBatchJobs(dc: DcState, vm: VmRec, batch: NonNullable<VmRec['batch']>, now: number): void {
  for (const j of batch.model.failVm(batch.index, now)) {
    dc.sink.emit({ type: 'job.failed', time: dc.sim.now(), subject: `job:${batch.jobs.id[j]}`, vm: vm.name, reason: 'host-failure' });
  }
}

/** Every container of a machine that went down: killed and removed from its engine (its namespaces leave the network). */
function removeAll(stack: ContainerStack, recs: readonly ContainerRec[]): void {
  for (const rec of recs) {
    if (rec.id === '') continue;
    stack.engine.rm(rec.id, { force: true });
    rec.id = '';
  }
}

/** Repair host `h` now (it must be failed): it takes VMs again (first the HA VMs pinned to it that waited for it); its bare-metal containers follow their restart policies. */
export function repairHost(dc: DcState, h: HostRec): void {
  const now = dc.sim.now();
  h.state = 'up';
  dc.placement.setAvailable(h, true);
  dc.energy.record(h.name, now, 0);
  dc.sink.emit({ type: 'host.repaired', time: now, subject: `host:${h.name}` });
  if (h.containers.length > 0) relaunchContainers(dc, h.containers.map((c) => dc.containers.get(c)!));
  // HA restarts that waited for a host their template pins them to (in VM creation order).
  for (const vm of [...dc.vms.values()]) {
    if (!vm.haWaiting || !pinnedHosts(dc, vm.body)!.some((p) => p.name === h.name)) continue;
    restartElsewhere(dc, vm, vm.crashedOn ?? h.name);
  }
}

/** Schedule the scenario's fault injection (host MTBF/MTTR, container crashes). */
export function scheduleFaults(dc: DcState, hooks: FaultHooks): void {
  const faults = dc.scenario.faults;
  if (faults?.hosts !== undefined) {
    const f = faults.hosts;
    const names = f.hosts === undefined ? dc.hostList : [...new Set(f.hosts.flatMap((r) => dc.hostList.filter((h) => h.name === r || h.template === r)))];
    for (const h of names) {
      const rng = dc.sim.rng(`faults/host/${h.name}`);
      const draw = (mean: number): number => (f.distribution === 'fixed' ? mean : Math.max(1, Math.round(rng.exponential(mean))));
      const nextFailure = (): void => {
        dc.sim.after(draw(f.mtbf), () => {
          if (h.state === 'up') failHost(dc, h, hooks);
          dc.sim.after(draw(f.mttr), () => {
            if (h.state === 'failed') repairHost(dc, h);
            nextFailure();
          }, { label: 'fault' });
        }, { label: 'fault' });
      };
      nextFailure();
    }
  }
  if (faults?.containers !== undefined) {
    const f = faults.containers;
    const templates = f.containers === undefined ? null : new Set(f.containers);
    for (const rec of dc.containers.values()) {
      if (templates !== null && !templates.has(rec.template)) continue;
      const rng = dc.sim.rng(`faults/container/${rec.name}`);
      const next = (): void => {
        dc.sim.after(Math.max(1, Math.round(rng.exponential(f.mtbf))), () => {
          crashContainer(dc, rec.name);
          next();
        }, { label: 'fault' });
      };
      next();
    }
  }
}

/** A container crash: SIGKILL of its PID 1 from the kernel (not `docker kill`), so its restart policy decides. Nothing when it is not running. */
export function crashContainer(dc: DcState, name: string): void {
  const rec = dc.containers.get(name);
  if (rec === undefined) return;
  if (!hasStack(dc, rec) || rec.id === '') return;
  const h = rec.onKind === 'host' ? dc.hosts.get(rec.on)! : dc.hosts.get(dc.vms.get(rec.on)!.host ?? '');
  if (h === undefined) return;
  touchHost(dc, h, () => {
    const stack = stackOf(dc, rec)!;
    const pid = stack.engine.inspect(rec.id).State.Pid;
    if (pid > 0) {
      stack.kernel.kill(pid, 'SIGKILL');
      dc.sink.emit({ type: 'container.crashed', time: dc.sim.now(), subject: `container:${name}`, on: rec.on });
    }
    if (rec.onKind === 'vm') dc.vms.get(rec.on)!.guest.settle();
  });
}
