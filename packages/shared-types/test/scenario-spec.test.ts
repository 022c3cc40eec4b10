// ScenarioSchema and ClusterCommandSchema: quantities into integer units, defaults, the checks one
// document can make (unique names, counts vs instance names, totals), commands by `do`, JSON Schema.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CLUSTER_COMMANDS,
  ClusterCommandSchema,
  jsonSchemas,
  MAX_SCENARIO_DURATION,
  MAX_SCENARIO_HOSTS,
  MAX_SCENARIO_VMS,
  parseWithSchema,
  ScenarioSchema,
  TimedActionSchema,
  ValidationError,
  type Scenario,
  type SchemaIssue,
} from '@strata/shared-types';
import { validationFailure } from './failure.js';

const GiB = 2 ** 30;
const parse = (input: unknown): Scenario => parseWithSchema(ScenarioSchema, input, 'scenario');
const issues = (input: unknown) => validationFailure(() => parse(input)).details['issues'] as SchemaIssue[];
const only = (input: unknown) => {
  const found = issues(input);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const host = { name: 'h', count: 2, cpus: 8, memory: '32Gi' };
const vm = { name: 'vm', count: 4, vcpus: 2, memory: '4Gi' };

describe('ScenarioSchema: accepted input', () => {
  it('reads the cloudsim-small scenario (no version key) with defaults', () => {
    const s = parse({
      name: 'h10_v40_c400-ts',
      seed: 42,
      fidelity: 'fluid',
      hosts: [{ name: 'h', count: 10, cpus: 32, cpuMips: 1000, memory: '64Gi' }],
      vms: [{ name: 'vm', count: 40, vcpus: 2, vcpuMips: 1000, memory: '4Gi' }],
      placement: 'first-fit',
      workloads: [{ kind: 'batch', file: 'H10_V40_C400.csv', guestScheduler: 'time-shared' }],
    });
    expect(s.version).toBe(1);
    expect(s.hosts[0]).toEqual({ name: 'h', count: 10, cpus: 32, cpuMips: 1000, memory: 64 * GiB, overcommit: 1, hypervisor: 'credit', nic: 1_250_000_000, power: { idle: 100, max: 250 } });
    expect(s.vms[0]).toMatchObject({ name: 'vm', count: 40, vcpus: 2, vcpuMips: 1000, memory: 4 * GiB, flavor: 'libvirt', ha: true, autostart: true });
    expect(s.workloads).toEqual([{ kind: 'batch', file: 'H10_V40_C400.csv', guestScheduler: 'time-shared' }]);
    expect(s).toMatchObject({ include: [], networks: [], containers: [], actions: [], placement: 'first-fit', fidelity: 'fluid', seed: 42 });
    expect(s.duration).toBeUndefined();
  });

  it('turns every quantity into its integer unit', () => {
    const s = parse({
      name: 'q',
      duration: '1h30m',
      hosts: [{ ...host, nic: '1Gbit', disk: { bandwidth: '500MB/s', iops: 1000 }, power: { idle: '80W', max: '0.3kW' } }],
      networks: [{ name: 'app', subnet: '10.10.0.0/16', bandwidth: '100Mbit' }],
      vms: [{ ...vm, cpu: { period: '100ms', quota: '50ms', weight: 512 }, dirtyRate: '100MB/s', wss: '1Gi' }],
      containers: [{ name: 'web', on: 'vm', image: 'web', cpus: '0.5', memory: '256m', networks: ['app'] }],
      actions: [{ at: '20s', do: 'vm.migrate', vm: 'vm-0', to: 'h-1', downtimeLimit: '300ms', bandwidth: '1Gbit' }],
      faults: { hosts: { mtbf: '720h', mttr: '4h' } },
      metrics: { interval: '1s' },
    });
    expect(s.duration).toBe(5_400_000_000);
    expect(s.hosts[0]).toMatchObject({ nic: 125_000_000, disk: { bandwidth: 500_000_000, iops: 1000 }, power: { idle: 80, max: 300 } });
    expect(s.networks[0]).toEqual({ name: 'app', subnet: '10.10.0.0/16', bandwidth: 12_500_000, internal: false });
    expect(s.vms[0]).toMatchObject({ cpu: { period: 100_000, quota: 50_000, weight: 512 }, dirtyRate: 100_000_000, wss: GiB });
    expect(s.containers[0]).toEqual({ name: 'web', on: 'vm', count: 1, image: 'web', cpus: 500, memory: 256 * 2 ** 20, networks: [{ name: 'app' }] });
    expect(s.actions[0]).toEqual({ at: 20_000_000, do: 'vm.migrate', vm: 'vm-0', to: 'h-1', downtimeLimit: 300_000, bandwidth: 125_000_000 });
    expect(s.faults).toEqual({ hosts: { mtbf: 30 * 86_400_000_000, mttr: 4 * 3_600_000_000, distribution: 'exponential' } });
    expect(s.metrics).toEqual({ interval: 1_000_000 });
  });

  it('accepts a power table of 11 points and placement profiles', () => {
    const table = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200];
    const s = parse({ name: 'p', hosts: [{ ...host, power: { table } }], placement: { profile: 'filter-score' } });
    expect(s.hosts[0]?.power).toEqual({ table });
    expect(s.placement).toEqual({ profile: 'filter-score' });
  });
});

describe('ScenarioSchema: rejections name the field and what is accepted', () => {
  it.each([
    [{ name: 'x', vms: [{ ...vm, memory: '4 gigs' }] }, 'vms[0].memory', 'expected a quantity like 4Gi, got "4 gigs"'],
    [{ name: 'x', duration: '30 secs' }, 'duration', 'expected a quantity like 60s, got "30 secs"'],
    [{ name: 'x', hosts: [{ ...host, nic: '10 gigabit' }] }, 'hosts[0].nic', 'expected a quantity like 10Gbit, got "10 gigabit"'],
    [{ name: 'x', version: 2 }, 'version', 'expected version 1 (the only version; it may be left out), got 2'],
    [{ name: 'x', placement: 'best' }, 'placement', 'expected one of first-fit, best-fit, worst-fit, spread, round-robin, or { profile: filter-score }'],
    [{ name: 'x', hosts: [{ ...host, power: { idle: '300W', max: '250W' } }] }, 'hosts[0].power.max', 'expected idle ≤ max watts'],
    [{ name: 'x', hosts: [{ ...host, power: { idle: 'lots', max: '250W' } }] }, 'hosts[0].power.idle', 'expected a power like 250W or 1.5kW, got "lots"'],
    [{ name: 'x', vms: [{ ...vm, wss: '8Gi' }] }, 'vms[0].wss', "expected a working set of at most the VM's memory (4294967296 bytes), got 8589934592 bytes"],
    [{ name: 'x', networks: [{ name: 'n', subnet: '10.0.0.0/33' }] }, 'networks[0].subnet', 'expected a CIDR subnet like 10.10.0.0/16 or fd00::/64, got "10.0.0.0/33"'],
    [{ name: 'x', hosts: [{ ...host, nic: '101Tbit' }] }, 'hosts[0].nic', 'expected at most 100Tbit, got 101Tbit'],
    [{ name: 'x', duration: '11y' }, 'duration', 'expected a quantity like 60s, got "11y"'],
    [{ name: 'x', duration: `${MAX_SCENARIO_DURATION + 1}` }, 'duration', undefined],
    [{ name: 'x', workloads: [{ kind: 'batch', file: '/etc/passwd' }] }, 'workloads[0].file', `expected a path relative to the scenario's folder using "/" (such as "data/jobs.csv"), got "/etc/passwd"`],
    [{ name: 'x', containers: [{ name: 'c', on: 'vm', image: 'x', memory: '1m' }] }, 'containers[0].memory', 'Minimum memory limit allowed is 6MB'],
  ])('%j → %s', (input, path, message) => {
    const issue = only(input);
    expect(issue.path).toBe(path);
    if (message !== undefined) expect(issue.message).toBe(message);
  });

  it('rejects unknown keys at every level, with a suggestion', () => {
    expect(only({ name: 'x', hosts: [{ ...host, memroy: '1Gi' }] })).toEqual({ path: 'hosts[0].memroy', message: expect.stringContaining('did you mean "memory"') as unknown });
    expect(only({ name: 'x', hots: [] }).path).toBe('hots');
    expect(only({ name: 'x', actions: [{ at: '1s', do: 'vm.start', vm: 'a', to: 'h' }] }).path).toBe('actions[0].to');
  });

  it('rejects a duplicated template name, hosts and VMs sharing one namespace', () => {
    expect(only({ name: 'x', hosts: [host], vms: [{ ...vm, name: 'h' }] })).toEqual({ path: 'vms[0].name', message: 'VM template name "h" is already used by hosts[0]; template names must be unique among hosts and vms' });
    expect(only({ name: 'x', containers: [{ name: 'c', on: 'a', image: 'i' }, { name: 'c', on: 'b', image: 'i' }] }).path).toBe('containers[1].name');
    expect(only({ name: 'x', networks: [{ name: 'n' }, { name: 'n' }] }).path).toBe('networks[1].name');
  });

  it('rejects a template named as another template\'s instance, and only within its count', () => {
    expect(only({ name: 'x', vms: [vm, { ...vm, name: 'vm-3', count: undefined }] })).toEqual({
      path: 'vms[1].name',
      message: 'VM template name "vm-3" is also the name of instance 3 of VM template "vm" (vms[0], count 4); rename it or give "vm" a count of at most 3',
    });
    expect(parse({ name: 'x', vms: [vm, { ...vm, name: 'vm-4', count: undefined }] }).vms).toHaveLength(2);
    expect(parse({ name: 'x', vms: [vm, { ...vm, name: 'vm-01' }] }).vms).toHaveLength(2);
  });

  it('bounds every count and the instance totals', () => {
    expect(only({ name: 'x', hosts: [{ ...host, count: MAX_SCENARIO_HOSTS + 1 }] }).path).toBe('hosts[0].count');
    expect(only({ name: 'x', hosts: [{ ...host, count: MAX_SCENARIO_HOSTS }, { ...host, name: 'g', count: 1 }] })).toEqual({ path: 'hosts', message: 'expected at most 1,000,000 hosts instances in all, got 1,000,001' });
    expect(only({ name: 'x', vms: [{ ...vm, count: MAX_SCENARIO_VMS }, { ...vm, name: 'w' }] }).path).toBe('vms');
    expect(only({ name: 'x', hosts: [{ ...host, cpus: 0 }] }).path).toBe('hosts[0].cpus');
    expect(only({ name: 'x', vms: [{ ...vm, vcpus: 257 }] }).path).toBe('vms[0].vcpus');
    expect(only({ name: 'x', hosts: [{ ...host, count: 1.5 }] }).path).toBe('hosts[0].count');
  });
});

describe('ClusterCommandSchema', () => {
  it('knows every command of the README table', () => {
    expect([...CLUSTER_COMMANDS].sort()).toEqual(
      ['vm.create', 'vm.delete', 'vm.start', 'vm.shutdown', 'vm.destroy', 'vm.pause', 'vm.resume', 'vm.migrate', 'vm.update', 'host.fail', 'host.repair', 'container.create', 'container.delete', 'container.start', 'container.stop', 'container.kill', 'container.update', 'scale'].sort(),
    );
  });

  it('parses each command shape', () => {
    const p = (input: unknown) => parseWithSchema(ClusterCommandSchema, input, 'command');
    expect(p({ do: 'vm.create', vm: { name: 'extra', vcpus: 1, memory: '1Gi' }, host: 'h-0' })).toMatchObject({ do: 'vm.create', vm: { name: 'extra', vcpus: 1, memory: GiB, ha: true }, host: 'h-0' });
    expect(p({ do: 'vm.update', vm: 'vm-0', cpu: { cap: 50 } })).toEqual({ do: 'vm.update', vm: 'vm-0', cpu: { cap: 50 } });
    expect(p({ do: 'container.create', container: { name: 'x1', on: 'vm-0', image: 'web', memory: '64m' } })).toEqual({ do: 'container.create', container: { name: 'x1', on: 'vm-0', image: 'web', memory: 64 * 2 ** 20 } });
    expect(p({ do: 'container.kill', container: 'web-vm-0-0', signal: 'TERM' })).toEqual({ do: 'container.kill', container: 'web-vm-0-0', signal: 'SIGTERM' });
    expect(p({ do: 'container.kill', container: 'web-vm-0-0' })).toMatchObject({ signal: 'SIGKILL' });
    expect(p({ do: 'container.update', container: 'c1', memory: '512m', cpus: 1.5, 'cpu-shares': 512 })).toEqual({ do: 'container.update', container: 'c1', update: { memory: 512 * 2 ** 20, cpus: 1500, cpuShares: 512 } });
    expect(p({ do: 'scale', template: 'vm', count: 10 })).toEqual({ do: 'scale', template: 'vm', count: 10 });
    expect(p({ do: 'host.repair', host: 'h-0' })).toEqual({ do: 'host.repair', host: 'h-0' });
  });

  it('rejects an unknown command, a vm.create with count, and docker update rules', () => {
    const fail = (input: unknown) => validationFailure(() => parseWithSchema(ClusterCommandSchema, input, 'command')).details['issues'] as SchemaIssue[];
    expect(fail({ do: 'vm.explode', vm: 'a' })[0]?.message).toMatch(/^expected "do" to be one of vm\.create, .*, got "vm\.explode"$/);
    expect(fail({ vm: 'a' })[0]?.message).toMatch(/got nothing$/);
    expect(fail({ do: 'vm.create', vm: { name: 'a', vcpus: 1, memory: '1Gi', count: 2 } })[0]?.path).toBe('vm.count');
    expect(fail({ do: 'container.update', container: 'c', memory: '64m', 'memory-reservation': '128m' })[0]?.message).toBe('Minimum memory limit can not be less than memory reservation limit, see usage');
  });

  it('timed actions need at, at most 10 years', () => {
    const p = (input: unknown) => parseWithSchema(TimedActionSchema, input, 'action');
    expect(p({ at: '1m', do: 'host.fail', host: 'h-0' })).toEqual({ at: 60_000_000, do: 'host.fail', host: 'h-0' });
    expect(() => p({ do: 'host.fail', host: 'h-0' })).toThrow(ValidationError);
    expect(() => p({ at: MAX_SCENARIO_DURATION + 1, do: 'host.fail', host: 'h-0' })).toThrow(/at most/);
  });
});

describe('ScenarioSchema: properties', () => {
  it('never throws anything but ValidationError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), fc.constantFrom('hosts', 'vms', 'containers', 'actions', 'duration', 'seed', 'networks', 'faults'), (junk, key) => {
        for (const input of [junk, { name: 'x', [key]: junk }, { name: 'x', [key]: [junk] }]) {
          try {
            parse(input);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('host counts come out exactly as written', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 5 }), (counts) => {
        const s = parse({ name: 'x', hosts: counts.map((count, i) => ({ name: `t${i}`, count, cpus: 1, memory: 1 })) });
        expect(s.hosts.map((h) => h.count)).toEqual(counts);
      }),
    );
  });
});

describe('JSON Schema', () => {
  it('publishes Scenario and ClusterCommand', () => {
    const schemas = jsonSchemas();
    expect(schemas.Scenario).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    expect(Object.keys((schemas.Scenario as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['version', 'name', 'seed', 'duration', 'fidelity', 'include', 'hosts', 'networks', 'vms', 'placement', 'containers', 'workloads', 'actions', 'faults', 'metrics']),
    );
    expect(JSON.stringify(schemas.ClusterCommand)).toContain('container.update');
  });
});
