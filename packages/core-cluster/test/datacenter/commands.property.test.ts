// A property over random command sequences: every command applies or throws a typed error leaving
// every view unchanged; a VM is on its host's list exactly when it names that host; no host carries
// more vCPUs or memory than placement allows; a VM pinned by its template (`host`) is only ever on
// that host unless a command named another target; events come in time order and never before `now` moved.
import { ClusterCommandSchema } from '@strata/shared-types';
import type { ClusterCommandInput } from '@strata/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDatacenter, VCPU_ALLOCATION_RATIO } from '../../src/index.js';
import type { ClusterDatacenter, ClusterEvent } from '../../src/index.js';
import { nested } from './fixtures.js';

const vm = fc.constantFrom('a', 'b', 'c', 'd', 'nope');
const host = fc.constantFrom('h-0', 'h-1', 'h-2', 'nope');
const container = fc.constantFrom('ca', 'cb', 'cc', 'x', 'nope');
const command: fc.Arbitrary<ClusterCommandInput> = fc.oneof(
  fc.record({ do: fc.constantFrom('vm.start', 'vm.shutdown', 'vm.destroy', 'vm.pause', 'vm.resume', 'vm.delete'), vm }) as fc.Arbitrary<ClusterCommandInput>,
  fc.record({ do: fc.constant('vm.migrate'), vm, to: host }) as fc.Arbitrary<ClusterCommandInput>,
  fc.record({ do: fc.constant('vm.migrate'), vm }) as fc.Arbitrary<ClusterCommandInput>,
  fc.record({ do: fc.constant('vm.create'), vm: fc.record({ name: vm, vcpus: fc.integer({ min: 1, max: 4 }), memory: fc.constantFrom('1Gi', '8Gi', '64Gi') }) }) as fc.Arbitrary<ClusterCommandInput>,
  fc.record({ do: fc.constantFrom('host.fail', 'host.repair'), host }) as fc.Arbitrary<ClusterCommandInput>,
  fc.record({ do: fc.constant('container.create'), container: fc.record({ name: container, on: vm, image: fc.constantFrom('batch', 'idle', 'crasher') }) }) as fc.Arbitrary<ClusterCommandInput>,
  fc.record({ do: fc.constantFrom('container.start', 'container.delete'), container }) as fc.Arbitrary<ClusterCommandInput>,
  fc.record({ do: fc.constant('container.kill'), container, signal: fc.constantFrom('SIGKILL', 'SIGTERM') }) as fc.Arbitrary<ClusterCommandInput>,
);
const step = fc.record({ command, dt: fc.integer({ min: 0, max: 3_000_000 }) });

function views(dc: ClusterDatacenter): string {
  return JSON.stringify({ hosts: dc.hosts(), vms: dc.vms(), containers: dc.containers(), topology: dc.topology() });
}

describe('random command sequences', () => {
  it('apply or refuse with nothing changed; books stay consistent; events in time order', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const events: ClusterEvent[] = [];
        const dc = createDatacenter(nested(), { onEvent: (e) => events.push(e) });
        // The fixture's pins; a VM leaves them only by a vm.migrate naming its target.
        const pins = new Map([['a', 'h-0'], ['b', 'h-0'], ['c', 'h-1']]);
        for (const { command: input, dt } of steps) {
          const before = views(dc);
          const seen = events.length;
          try {
            dc.execute(ClusterCommandSchema.parse(input));
            const c = input as { do: string; vm?: unknown; to?: unknown };
            if ((c.do === 'vm.migrate' && c.to !== undefined) || c.do === 'vm.delete' || c.do === 'vm.create') pins.delete(typeof c.vm === 'string' ? c.vm : '');
          } catch (error) {
            expect((error as { code?: string }).code).toMatch(/^E_[A-Z_]+$/);
            expect(events.length).toBe(seen);
            expect(views(dc)).toBe(before);
          }
          dc.step(dt);
          for (const h of dc.hosts()) {
            const on = dc.vms().filter((v) => v.host === h.name);
            expect(on.map((v) => v.name).sort()).toEqual([...h.vms].sort());
            expect(h.allocated.vcpus).toBeLessThanOrEqual(h.cpus * VCPU_ALLOCATION_RATIO);
            expect(h.allocated.memory).toBeLessThanOrEqual(h.memory);
            if (h.state === 'failed') expect(h.vms).toEqual([]);
          }
          for (const [name, pin] of pins) {
            const at = dc.vms().find((v) => v.name === name)?.host ?? null;
            if (at !== null) expect(at).toBe(pin);
          }
        }
        for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
        expect(events.every((e) => e.time <= dc.now())).toBe(true);
      }),
      { numRuns: 60, seed: 1414 },
    );
  }, 300_000);
});
