import { expect, it } from 'vitest';
import { createNestedHost, createSchedulerGuest } from '../../src/index.ts';

it('README example: the reference §3.4 host, A at 2× B’s weight', () => {
  const lines: string[] = [];
  const console = { log: (...a: unknown[]) => lines.push(a.join(' ')) };
  // --- README example ---
  const host = createNestedHost({ cpus: 2, policy: 'credit', fidelity: 'fluid' });
  for (const [vm, weight] of [['A', 512], ['B', 256]] as const) {
    const guest = createSchedulerGuest({ cpus: 2, fidelity: 'fluid' });
    guest.addTask('spin0', '/');
    guest.addTask('spin1', '/');
    host.addVm(vm, { vcpus: 2, weight }, guest);
  }
  host.advanceTo(10_000_000); // 10 s
  for (const vm of ['A', 'B']) {
    const v = host.vcpuStats(vm, 0);
    console.log(vm, 'cpu0', v.hostCpuUsec, 'µs run,', v.stealTicks, 'steal ticks');
  }
  // prints: A cpu0 6666667 µs run, 333 steal ticks
  //         B cpu0 3333333 µs run, 666 steal ticks
  // --- end ---
  expect(lines).toEqual(['A cpu0 6666667 µs run, 333 steal ticks', 'B cpu0 3333333 µs run, 666 steal ticks']);
});
