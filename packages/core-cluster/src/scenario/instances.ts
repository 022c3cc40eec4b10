// Instance names: the rule that turns a scenario's templates into named hosts, VMs and containers,
// in creation order. The datacenter, the batch engine and the loader's checks all use it.
import { ValidationError, type ContainerTemplate, type HostTemplate, type Scenario, type VmTemplate } from '@strata/shared-types';

/** A template as naming sees it: `count` absent means one instance named as the template. */
export interface NamedTemplate {
  readonly name: string;
  readonly count?: number | undefined;
}

/** Instance `index` of a host or VM template: `name` when it has no `count`, else `name-index` (`h-0`). */
export function machineInstanceName(template: NamedTemplate, index: number): string {
  return template.count === undefined ? template.name : `${template.name}-${index}`;
}

/** How many instances a host or VM template has (`count`, or 1 when absent). */
export function instanceCount(template: NamedTemplate): number {
  return template.count ?? 1;
}

/** Every instance name of a host or VM template, in index order. */
export function machineInstanceNames(template: NamedTemplate): string[] {
  return Array.from({ length: instanceCount(template) }, (_, i) => machineInstanceName(template, i));
}

/**
 * A container instance's name: the template's name, then `-TARGET` when `on` names a template with a
 * `count` (its instances are several, named `vm-0`, `vm-1` …), then `-i` when the template's `count` > 1.
 * `web` on VM template `vm` (count 4) with count 2: `web-vm-0-0`, `web-vm-0-1`, `web-vm-1-0` ….
 */
export function containerInstanceName(template: { readonly name: string; readonly count: number }, target: string, perTarget: boolean, index: number): string {
  return `${template.name}${perTarget ? `-${target}` : ''}${template.count > 1 ? `-${index}` : ''}`;
}

/** What a container's `on` resolves to: a machine template (all its instances) or one instance. */
export interface ContainerTarget {
  readonly kind: 'vm' | 'host';
  /** Index of the template in `scenario.vms` or `scenario.hosts`. */
  readonly template: number;
  /** The instance index, or undefined when `on` names the whole template. */
  readonly instance: number | undefined;
}

const INDEXED = /^(.+)-(0|[1-9]\d{0,15})$/;

/** Lookup of machine (host and VM) templates and instances by name, built once per scenario. */
export interface MachineIndex {
  /** Resolve a host or VM template or instance name; undefined when it names nothing. */
  resolve(name: string): ContainerTarget | undefined;
}

/** Index `scenario`'s host and VM templates for `resolve`. */
export function indexMachines(scenario: Pick<Scenario, 'hosts' | 'vms'>): MachineIndex {
  const templates = new Map<string, { kind: 'vm' | 'host'; template: number; count: number | undefined }>();
  scenario.vms.forEach((t, i) => templates.set(t.name, { kind: 'vm', template: i, count: t.count }));
  scenario.hosts.forEach((t, i) => {
    if (!templates.has(t.name)) templates.set(t.name, { kind: 'host', template: i, count: t.count });
  });
  return {
    resolve(name) {
      const whole = templates.get(name);
      if (whole !== undefined) return { kind: whole.kind, template: whole.template, instance: whole.count === undefined ? 0 : undefined };
      const match = INDEXED.exec(name);
      if (match === null) return undefined;
      const family = templates.get(match[1] ?? '');
      const index = Number(match[2]);
      if (family?.count === undefined || index >= family.count) return undefined;
      return { kind: family.kind, template: family.template, instance: index };
    },
  };
}

/** A host instance. */
export interface HostInstance {
  readonly name: string;
  readonly template: HostTemplate;
  readonly index: number;
}

/** A VM instance. */
export interface VmInstance {
  readonly name: string;
  readonly template: VmTemplate;
  readonly index: number;
}

/** A container instance and the machine instance it runs on. */
export interface ContainerInstance {
  readonly name: string;
  readonly template: ContainerTemplate;
  /** The VM or bare-metal host instance it runs on. */
  readonly on: string;
  readonly onKind: 'vm' | 'host';
  /** Its index among the template's containers on that target (0 … count-1). */
  readonly index: number;
}

/** Every instance of a scenario, in creation order. */
export interface ScenarioInstances {
  readonly hosts: readonly HostInstance[];
  readonly vms: readonly VmInstance[];
  readonly containers: readonly ContainerInstance[];
}

/** The machine instances a container template runs on, and whether its names carry the target (`on` names a counted template). */
export function containerTargets(scenario: Pick<Scenario, 'hosts' | 'vms'>, index: MachineIndex, template: Pick<ContainerTemplate, 'name' | 'on'>): { readonly kind: 'vm' | 'host'; readonly names: readonly string[]; readonly perTarget: boolean } {
  const target = index.resolve(template.on);
  if (target === undefined) {
    throw new ValidationError(`container template "${template.name}": on: "${template.on}" names no VM or host template or instance`, { at: 'on', input: template.on, accepted: 'a VM template or instance name, or a bare-metal host template or instance name' });
  }
  const machine = target.kind === 'vm' ? scenario.vms[target.template] : scenario.hosts[target.template];
  if (machine === undefined) throw new ValidationError(`container template "${template.name}": on: "${template.on}" names nothing`, { at: 'on' });
  if (target.instance !== undefined) return { kind: target.kind, names: [machineInstanceName(machine, target.instance)], perTarget: false };
  return { kind: target.kind, names: machineInstanceNames(machine), perTarget: true };
}

/**
 * Every host, VM and container instance of `scenario`, in creation order: hosts by template then
 * index, VMs likewise, containers by template, then target (in the target template's index order),
 * then index. Throws ValidationError when a container's `on` names nothing (`loadScenario` checks
 * that first, with the line).
 */
export function expandInstances(scenario: Pick<Scenario, 'hosts' | 'vms' | 'containers'>): ScenarioInstances {
  const hosts: HostInstance[] = [];
  for (const template of scenario.hosts) {
    for (let i = 0; i < instanceCount(template); i++) hosts.push({ name: machineInstanceName(template, i), template, index: i });
  }
  const vms: VmInstance[] = [];
  for (const template of scenario.vms) {
    for (let i = 0; i < instanceCount(template); i++) vms.push({ name: machineInstanceName(template, i), template, index: i });
  }
  const index = indexMachines(scenario);
  const containers: ContainerInstance[] = [];
  for (const template of scenario.containers) {
    const { kind, names, perTarget } = containerTargets(scenario, index, template);
    for (const on of names) {
      for (let i = 0; i < template.count; i++) containers.push({ name: containerInstanceName(template, on, perTarget, i), template, on, onKind: kind, index: i });
    }
  }
  return { hosts, vms, containers };
}
