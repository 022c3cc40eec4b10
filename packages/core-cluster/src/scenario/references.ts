// The checks a schema cannot make alone: names that point at other parts of the scenario (a
// container's `on`, a VM's `host`, networks, the targets of timed actions and faults), and the
// totals and uniqueness of container instances. Each problem names its path in the merged scenario.
import { MAX_SCENARIO_CONTAINERS, MAX_SCENARIO_VMS, type Scenario } from '@strata/shared-types';
import { containerInstanceName, containerTargets, indexMachines, type MachineIndex } from './instances.js';

/** One problem: its path in the merged scenario and what to change. */
export interface ReferenceProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** At most this many names are listed in a "known names are" hint. */
const HINT_NAMES = 8;

function hint(kind: string, names: readonly string[]): string {
  if (names.length === 0) return `the scenario has no ${kind}`;
  const shown = names.slice(0, HINT_NAMES).map((n) => JSON.stringify(n)).join(', ');
  return `known ${kind}: ${shown}${names.length > HINT_NAMES ? `, … (${names.length} in all)` : ''}`;
}

function machineNames(templates: readonly { name: string; count?: number | undefined }[]): string[] {
  return templates.flatMap((t) => (t.count === undefined ? [t.name] : [t.name, t.count > 0 ? `${t.name}-0 … ${t.name}-${t.count - 1}` : `(${t.name}: count 0)`]));
}

/**
 * Check every cross-reference of `scenario` (`raw` is the merged input, to tell `network` from
 * `networks`). Returns the problems, empty when all is well.
 */
export function checkReferences(scenario: Scenario, raw: Readonly<Record<string, unknown>>): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const add = (path: readonly PropertyKey[], message: string) => problems.push({ path, message });
  const index = indexMachines(scenario);
  const hostHint = () => hint('hosts', machineNames(scenario.hosts));
  const vmHint = () => hint('VMs', machineNames(scenario.vms));

  scenario.vms.forEach((vm, i) => {
    if (vm.host === undefined) return;
    const target = index.resolve(vm.host);
    if (target?.kind !== 'host') add(['vms', i, 'host'], `"${vm.host}" names no host template or instance; ${hostHint()}`);
    else if (scenario.hosts[target.template]?.hypervisor === 'none') add(['vms', i, 'host'], `host "${vm.host}" is bare metal (hypervisor: none) and cannot run VMs; name a host with a hypervisor`);
  });

  const networks = new Set(scenario.networks.map((n) => n.name));
  const rawContainers = Array.isArray(raw['containers']) ? (raw['containers'] as unknown[]) : [];
  let containerTotal = 0;
  const containerTargetsOk: boolean[] = [];
  scenario.containers.forEach((c, i) => {
    const target = index.resolve(c.on);
    let ok = true;
    if (target === undefined) {
      add(['containers', i, 'on'], `"${c.on}" names no VM or host template or instance; ${vmHint()}; ${hostHint()}`);
      ok = false;
    } else if (target.kind === 'host' && scenario.hosts[target.template]?.hypervisor !== 'none') {
      add(['containers', i, 'on'], `host "${c.on}" runs a hypervisor (${scenario.hosts[target.template]?.hypervisor}); containers run in VMs or on bare-metal hosts (hypervisor: none)`);
      ok = false;
    } else {
      const machine = target.kind === 'vm' ? scenario.vms[target.template] : scenario.hosts[target.template];
      const targets = target.instance !== undefined ? 1 : (machine?.count ?? 1);
      containerTotal += targets * c.count;
    }
    containerTargetsOk.push(ok);
    const rawItem = rawContainers[i];
    const viaNetwork = rawItem !== null && typeof rawItem === 'object' && 'network' in rawItem && !('networks' in rawItem);
    (c.networks ?? []).forEach((n, j) => {
      if (n.name !== 'bridge' && !networks.has(n.name)) {
        add(viaNetwork ? ['containers', i, 'network'] : ['containers', i, 'networks', j], `network "${n.name}" is not defined; add it under networks: or use ${hint('networks', [...networks])}`);
      }
    });
  });
  if (containerTotal > MAX_SCENARIO_CONTAINERS) {
    add(['containers'], `expected at most ${MAX_SCENARIO_CONTAINERS.toLocaleString('en-US')} container instances in all, got ${containerTotal.toLocaleString('en-US')} (count × targets)`);
    return problems;
  }

  // Container instance names must be unique across templates.
  const containerNames = new Map<string, number>();
  scenario.containers.forEach((c, i) => {
    if (containerTargetsOk[i] !== true) return;
    const { names, perTarget } = containerTargets(scenario, index, c);
    for (const on of names) {
      for (let k = 0; k < c.count; k++) {
        const name = containerInstanceName(c, on, perTarget, k);
        const first = containerNames.get(name);
        if (first !== undefined && first !== i) {
          add(['containers', i, 'name'], `container instance "${name}" is also made by containers[${first}] ("${scenario.containers[first]?.name}"); rename one of the templates`);
          return;
        }
        containerNames.set(name, i);
      }
    }
  });

  checkActions(scenario, index, containerNames, add);

  const faults = scenario.faults;
  faults?.hosts?.hosts?.forEach((name, j) => {
    if (index.resolve(name)?.kind !== 'host') add(['faults', 'hosts', 'hosts', j], `"${name}" names no host template or instance; ${hostHint()}`);
  });
  const containerTemplates = new Set(scenario.containers.map((c) => c.name));
  faults?.containers?.containers?.forEach((name, j) => {
    if (!containerTemplates.has(name)) add(['faults', 'containers', 'containers', j], `"${name}" names no container template; ${hint('container templates', [...containerTemplates])}`);
  });
  return problems;
}

/** Timed actions: every VM, host, container and template they name exists by the end of the actions (created ones included). */
function checkActions(scenario: Scenario, index: MachineIndex, containerNames: ReadonlyMap<string, number>, add: (path: readonly PropertyKey[], message: string) => void): void {
  const vmTemplates = new Map(scenario.vms.map((t, i) => [t.name, i]));
  const containerTemplates = new Map(scenario.containers.map((t, i) => [t.name, i]));
  // Templates grow to the largest count any `scale` gives them; `vm.create` and `container.create` add names.
  const scaled = new Map<string, number>();
  const createdVms = new Set<string>();
  const createdContainers = new Set<string>();
  scenario.actions.forEach((a, i) => {
    if (a.do === 'scale') {
      const vm = vmTemplates.get(a.template);
      const container = containerTemplates.get(a.template);
      if (vm === undefined && container === undefined) {
        add(['actions', i, 'template'], `"${a.template}" names no VM or container template; ${hint('templates', [...vmTemplates.keys(), ...containerTemplates.keys()])}`);
        return;
      }
      if (vm !== undefined && scenario.vms[vm]?.count === undefined) {
        add(['actions', i, 'template'], `VM template "${a.template}" has no count, so it cannot be scaled; give it a count (its instances are then named ${a.template}-0, ${a.template}-1, …)`);
        return;
      }
      if (vm !== undefined && a.count > MAX_SCENARIO_VMS) add(['actions', i, 'count'], `expected at most ${MAX_SCENARIO_VMS} VMs`);
      scaled.set(a.template, Math.max(scaled.get(a.template) ?? 0, a.count));
    } else if (a.do === 'vm.create') {
      if (index.resolve(a.vm.name) !== undefined || createdVms.has(a.vm.name)) add(['actions', i, 'vm', 'name'], `a VM or host named "${a.vm.name}" already exists; choose a new name`);
      createdVms.add(a.vm.name);
    } else if (a.do === 'container.create') {
      if (containerNames.has(a.container.name) || createdContainers.has(a.container.name)) add(['actions', i, 'container', 'name'], `a container named "${a.container.name}" already exists; choose a new name`);
      createdContainers.add(a.container.name);
    }
  });

  const vmExists = (name: string): boolean => {
    if (createdVms.has(name)) return true;
    const target = index.resolve(name);
    if (target?.kind === 'vm') return true;
    const dash = name.lastIndexOf('-');
    if (dash <= 0) return false;
    const max = scaled.get(name.slice(0, dash));
    const suffix = name.slice(dash + 1);
    return max !== undefined && vmTemplates.has(name.slice(0, dash)) && /^(0|[1-9]\d{0,15})$/.test(suffix) && Number(suffix) < max;
  };
  const hostInstance = (name: string): boolean => {
    const target = index.resolve(name);
    return target?.kind === 'host' && target.instance !== undefined;
  };
  const containerExists = (name: string): boolean => {
    if (containerNames.has(name) || createdContainers.has(name)) return true;
    // A scaled container template adds `-i` instances on each of its targets.
    for (const [template, count] of scaled) {
      const t = containerTemplates.get(template);
      const c = t === undefined ? undefined : scenario.containers[t];
      if (c === undefined || !name.startsWith(`${c.name}`)) continue;
      const { names, perTarget } = containerTargets(scenario, index, c);
      for (const on of names) for (let k = 0; k < count; k++) if (containerInstanceName({ name: c.name, count }, on, perTarget, k) === name) return true;
    }
    return false;
  };
  const vmHint = () => hint('VMs', machineNames(scenario.vms));
  const hostHint = () => hint('hosts', machineNames(scenario.hosts));

  scenario.actions.forEach((a, i) => {
    switch (a.do) {
      case 'vm.create':
        if (a.host !== undefined && index.resolve(a.host)?.kind !== 'host') add(['actions', i, 'host'], `"${a.host}" names no host template or instance; ${hostHint()}`);
        return;
      case 'vm.delete':
      case 'vm.start':
      case 'vm.shutdown':
      case 'vm.destroy':
      case 'vm.pause':
      case 'vm.resume':
      case 'vm.update':
        if (!vmExists(a.vm)) add(['actions', i, 'vm'], `"${a.vm}" names no VM instance; ${vmHint()}`);
        return;
      case 'vm.migrate':
        if (!vmExists(a.vm)) add(['actions', i, 'vm'], `"${a.vm}" names no VM instance; ${vmHint()}`);
        if (a.to !== undefined && !hostInstance(a.to)) add(['actions', i, 'to'], `"${a.to}" names no host instance; ${hostHint()}`);
        return;
      case 'host.fail':
      case 'host.repair':
        if (!hostInstance(a.host)) add(['actions', i, 'host'], `"${a.host}" names no host instance; ${hostHint()}`);
        return;
      case 'container.create': {
        const on = a.container.on;
        const target = index.resolve(on);
        const single = (target?.kind === 'vm' || (target?.kind === 'host' && scenario.hosts[target.template]?.hypervisor === 'none')) && target.instance !== undefined;
        if (!single && !vmExists(on)) add(['actions', i, 'container', 'on'], `"${on}" names no VM instance or bare-metal host instance; a created container runs on one instance`);
        return;
      }
      case 'container.delete':
      case 'container.start':
      case 'container.stop':
      case 'container.kill':
      case 'container.update':
        if (!containerExists(a.container)) add(['actions', i, 'container'], `"${a.container}" names no container instance; ${hint('containers', [...containerNames.keys()])}`);
        return;
      case 'scale':
        return;
      default: {
        const never: never = a;
        return never;
      }
    }
  });
}
