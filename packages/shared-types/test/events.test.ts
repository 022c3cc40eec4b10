import { describe, expect, expectTypeOf, it } from 'vitest';
import { micros, vmId, type DomainEventBase, type DomainEventOf, type Micros, type VmId } from '@strata/shared-types';

type VmStarted = DomainEventOf<'vm.started', { vm: VmId }>;

describe('domain events', () => {
  it('extend the base with a typed payload, all readonly', () => {
    const event: VmStarted = { type: 'vm.started', time: micros(5), vm: vmId('web-1') };
    expectTypeOf(event).toExtend<DomainEventBase<'vm.started'>>();
    expectTypeOf(event.time).toEqualTypeOf<Micros>();
    // @ts-expect-error events are facts: fields are readonly
    event.vm = vmId('web-2');
    // @ts-expect-error time is Micros, not a plain number
    const bad: VmStarted = { type: 'vm.started', time: 5, vm: vmId('x') };
    expect([event.type, bad.type]).toEqual(['vm.started', 'vm.started']);
  });
});
