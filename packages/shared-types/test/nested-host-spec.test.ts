import { describe, expect, it } from 'vitest';
import { jsonSchemas, NestedHostSpecSchema, parseWithSchema, VCPU_POLICY_FIELDS } from '@strata/shared-types';
import { conforms } from './json-schema-check.js';

const valid = {
  cpus: 2,
  policy: 'credit',
  duration: '20s',
  vms: [
    { name: 'a', vcpus: 2, weight: 512, cap: 150, pin: ['0', [1]], guest: { tasks: [{ name: 'spin' }], groups: [{ name: 'q', cpu: { quota: '50ms' }, tasks: [{ name: 'io', bursts: [{ run: '2ms', sleep: '6ms' }] }] }] } },
    { name: 'b', vcpus: 1 },
  ],
};

describe('the nested host experiment spec', () => {
  it('reads durations as µs, pins as CPU lists, and fills the defaults (speed 1, fluid, guest tick 4ms, empty guests)', () => {
    const spec = parseWithSchema(NestedHostSpecSchema, valid, 'nested host spec');
    expect(spec.duration).toBe(20_000_000);
    expect(spec.speed).toBe(1);
    expect(spec.fidelity).toBe('fluid');
    expect(spec.tick).toBeUndefined();
    expect(spec.vms[0]!.pin).toEqual([[0], [1]]);
    expect(spec.vms[0]!.guest.groups[0]!.cpu.quota).toBe(50_000);
    expect(spec.vms[1]!.guest).toEqual({ tick: 4_000, tasks: [], groups: [] });
  });

  it('takes each policy the settings its table lists, and cfs bandwidth as durations', () => {
    const spec = parseWithSchema(
      NestedHostSpecSchema,
      { cpus: 1, policy: 'cfs', duration: '1s', vms: [{ name: 'k', vcpus: 1, shares: 200, period: '50ms', quota: '20ms', globalQuota: '30ms' }] },
      'nested host spec',
    );
    expect(spec.vms[0]).toMatchObject({ shares: 200, period: 50_000, quota: 20_000, globalQuota: 30_000 });
    expect(VCPU_POLICY_FIELDS.priority).toEqual(['vcpus', 'priority', 'pin']);
  });

  it.each([
    ['a host speed above 1', { ...valid, speed: 2 }, /speed/],
    ['an unknown policy', { ...valid, policy: 'bvt' }, /policy/],
    ['no VMs', { ...valid, vms: [] }, /vms/],
    ['a host slice below 100us', { ...valid, tick: '50us' }, /tick/],
    ['an unknown VM key', { ...valid, vms: [{ name: 'a', vcpus: 1, memory: '1Gi' }] }, /vms\[0\]/],
    ['a priority setting under credit', { ...valid, vms: [{ name: 'a', vcpus: 1, priority: 1 }] }, /vms\[0\]\.priority: is not a setting of the credit policy/],
  ])('rejects %s, naming the field', (_what, doc, pattern) => {
    expect(() => parseWithSchema(NestedHostSpecSchema, doc, 'nested host spec')).toThrow(pattern);
  });

  it('bounds the whole experiment before parsing it: guest tasks and groups of all VMs together, and vCPUs', () => {
    const vmOf = (i: number, tasks: number) => ({ name: `v${i}`, vcpus: 4, guest: { tasks: Array.from({ length: tasks }, (_, k) => ({ name: `t${k}` })) } });
    const many = { cpus: 4, duration: '1s', vms: Array.from({ length: 3 }, (_, i) => vmOf(i, 4_000)) };
    expect(() => parseWithSchema(NestedHostSpecSchema, many, 'nested host spec')).toThrow(
      'vms[2].guest: expected at most 10000 guest tasks in all VMs together, got 12000 with this VM',
    );
    const wide = { cpus: 4, duration: '1s', vms: Array.from({ length: 65 }, (_, i) => ({ name: `v${i}`, vcpus: 256 })) };
    expect(() => parseWithSchema(NestedHostSpecSchema, wide, 'nested host spec')).toThrow('vms[64].vcpus: expected at most 16384 vCPUs in all VMs together, got 16640 with this VM');
  });

  it.each([1e9, 2 ** 32, 1e300])('refuses vcpus %s by its range, without sizing any check by it', (vcpus) => {
    const doc = { cpus: 2, duration: '1s', vms: [{ name: 'a', vcpus, cap: 50, pin: [[0]], guest: { tasks: [{ name: 't', cpus: '0-3' }] } }] };
    expect(() => parseWithSchema(NestedHostSpecSchema, doc, 'nested host spec')).toThrow(/vms\[0\]\.vcpus: expected .*256/);
  });

  it('has a JSON Schema that accepts what it accepts and rejects an unknown key', () => {
    const schema = jsonSchemas().NestedHostSpec;
    expect(conforms(schema, valid)).toBe(true);
    expect(conforms(schema, { ...valid, colour: 'red' })).toBe(false);
    expect(conforms(schema, { ...valid, vms: [{ name: 'a', vcpus: 1, guest: { tasks: [{ name: 't', nice: 20 }] } }] })).toBe(false);
  });
});
