import { describe, expect, it } from 'vitest';
import {
  createHostMemory,
  FC_BALLOON_LARGER_THAN_MEMORY,
  FC_NO_BALLOON,
  FC_STATS_DISABLED,
  FC_STATS_STATE_CHANGE,
  fcTooMuchMemory,
  type HostMemoryOptions,
} from '../../src/memory/index.ts';
import { FC_NOT_SUPPORTED_AFTER_START, FC_NOT_SUPPORTED_BEFORE_START } from '../../src/devices/index.ts';
import type { VmOomKilledEvent } from '@strata/shared-types';
import { catchError } from '../devices/catch-error.ts';

const MiB = 1024 * 1024;
const S = 1_000_000;
const MS = 1000;

// 100 MiB/s: one 256-page (1 MiB) balloon message every 10 ms.
function host(extra: Partial<HostMemoryOptions> = {}) {
  return createHostMemory({ ramBytes: 1024 * MiB, balloonBytesPerSecond: 100 * MiB, ...extra });
}

describe('guest memory committed on touch', () => {
  it('the footprint follows the touches, plus the VMM overhead; freed pages stay resident', () => {
    const m = host();
    m.addVm('a', { memoryBytes: 512 * MiB });
    expect(m.vm('a').footprintBytes).toBe(0);
    m.startVm('a');
    expect(m.vm('a').footprintBytes).toBe(5 * MiB); // Firecracker's ≤ 5 MiB, the default overhead
    m.setWorkload('a', { bytes: 256 * MiB, bytesPerSecond: 128 * MiB });
    expect(m.nextEventTime()).toBe(2 * S);
    m.advanceTo(1 * S);
    expect(m.vm('a').residentBytes).toBe(128 * MiB);
    expect(m.host().usedBytes).toBe(133 * MiB);
    m.advanceTo(3 * S);
    expect(m.vm('a')).toMatchObject({ inUseBytes: 256 * MiB, residentBytes: 256 * MiB, footprintBytes: 261 * MiB });
    m.setWorkload('a', { bytes: 64 * MiB });
    expect(m.vm('a')).toMatchObject({ inUseBytes: 64 * MiB, residentBytes: 256 * MiB });
    m.setWorkload('a', { bytes: 200 * MiB }); // re-touching resident pages costs the host nothing
    expect(m.vm('a').footprintBytes).toBe(261 * MiB);
    m.stopVm('a');
    expect(m.host().usedBytes).toBe(0);
  });

  it('phaseOf is vm().phase alone; an unknown VM is NotFoundError in both', () => {
    const m = host();
    m.addVm('a', { memoryBytes: 64 * MiB });
    expect(m.phaseOf('a')).toBe('stopped');
    m.startVm('a');
    m.pauseVm('a');
    expect(m.phaseOf('a')).toBe(m.vm('a').phase);
    expect(m.phaseOf('a')).toBe('paused');
    expect(catchError(() => m.phaseOf('b')).code).toBe('E_NOT_FOUND');
    expect(catchError(() => m.vm('b')).code).toBe('E_NOT_FOUND');
  });

  it('the overcommit ratio bounds the guest memory allocated, with the figures in the message', () => {
    const m = host({ overcommitRatio: 1.5 });
    m.addVm('a', { memoryBytes: 1024 * MiB });
    m.addVm('b', { memoryBytes: 512 * MiB });
    const e = catchError(() => m.addVm('c', { memoryBytes: 4 * MiB }));
    expect(e.code).toBe('E_INSUFFICIENT_RESOURCES');
    expect(e.message).toBe(
      "cannot allocate 4 MiB of guest memory to VM 'c': 1536 MiB of the host's 1536 MiB (RAM 1024 MiB × overcommit ratio 1.5) is allocated, 0 MiB free; give the VM less memory, raise the overcommit ratio or use another host",
    );
    expect(m.vmIds()).toEqual(['a', 'b']);
    expect(() => m.setGuestMemory('b', 516 * MiB)).toThrow("cannot allocate 516 MiB of guest memory to VM 'b': 1024 MiB of the host's 1536 MiB");
    m.setGuestMemory('b', 256 * MiB);
    m.addVm('c', { memoryBytes: 256 * MiB });
    expect(m.host()).toMatchObject({ allocatedBytes: 1536 * MiB, allocationLimitBytes: 1536 * MiB });
  });
});

describe('the balloon', () => {
  function withBalloon(deflateOnOom = false, guest = 512 * MiB) {
    const m = host();
    m.addVm('a', { memoryBytes: guest });
    m.putBalloon('a', { amount_mib: 0, deflate_on_oom: deflateOnOom, stats_polling_interval_s: 1 });
    m.startVm('a');
    return m;
  }

  it('inflates 1 MiB per message at the set rate, the host drops touched free pages, stats as Firecracker names them', () => {
    const m = withBalloon();
    m.setWorkload('a', { bytes: 300 * MiB });
    m.setWorkload('a', { bytes: 100 * MiB }); // 200 MiB free but resident
    m.advanceTo(1 * S);
    m.patchBalloon('a', { amount_mib: 64 });
    m.advanceTo(1.32 * S);
    expect(m.balloonStatistics('a')).toEqual({
      target_pages: 16384,
      actual_pages: 8192,
      target_mib: 64,
      actual_mib: 32,
      free_memory: 380 * MiB,
      total_memory: 480 * MiB, // without DEFLATE_ON_OOM, balloon pages leave the guest's total
      available_memory: 380 * MiB,
    });
    expect(m.vm('a').residentBytes).toBe(268 * MiB);
    expect(m.advanceTo(2 * S)).toEqual([{ type: 'balloon.target_reached', time: 1.64 * S, vm: 'a', targetPages: 16384, actualPages: 16384 }]);
    expect(m.vm('a')).toMatchObject({ residentBytes: 236 * MiB, footprintBytes: 241 * MiB, balloonBytes: 64 * MiB });
    m.patchBalloon('a', { amount_mib: 0 });
    expect(m.advanceTo(3 * S)).toEqual([{ type: 'balloon.target_reached', time: 2.64 * S, vm: 'a', targetPages: 0, actualPages: 0 }]);
    expect(m.vm('a').residentBytes).toBe(236 * MiB); // deflated pages come back untouched
    expect(m.balloon('a')).toEqual({ amount_mib: 0, deflate_on_oom: false, stats_polling_interval_s: 1 });
  });

  it('a guest short of free memory is "out of puff" and retries every 0.2 s', () => {
    const m = withBalloon(false, 64 * MiB);
    m.setWorkload('a', { bytes: 60 * MiB });
    m.patchBalloon('a', { amount_mib: 8 });
    m.advanceTo(40 * MS);
    expect(m.vm('a').balloonBytes).toBe(4 * MiB); // the 4 free MiB, one per 10 ms
    m.advanceTo(300 * MS); // tried at 50 ms and 250 ms: no free page
    expect(m.vm('a').outOfPuff).toBe(2);
    m.setWorkload('a', { bytes: 50 * MiB });
    expect(m.advanceTo(1 * S)).toEqual([{ type: 'balloon.target_reached', time: 480 * MS, vm: 'a', targetPages: 2048, actualPages: 2048 }]);
    expect(m.vm('a').outOfPuff).toBe(2);
  });

  it('deflate-on-OOM gives balloon pages back, 1 MiB per guest OOM notification, before the guest runs out', () => {
    const m = createHostMemory({ ramBytes: 1024 * MiB, balloonBytesPerSecond: 100 * MiB });
    m.addVm('a', { memoryBytes: 64 * MiB });
    m.putBalloon('a', { amount_mib: 16, deflate_on_oom: true, stats_polling_interval_s: 5 });
    m.startVm('a');
    expect(m.advanceTo(1 * S)).toEqual([{ type: 'balloon.target_reached', time: 160 * MS, vm: 'a', targetPages: 4096, actualPages: 4096 }]);
    m.setWorkload('a', { bytes: 56 * MiB });
    const evs = m.advanceTo(1.5 * S);
    expect(evs.filter((e) => e.type === 'balloon.deflated_on_oom')).toEqual(
      Array.from({ length: 8 }, (_, i) => ({ type: 'balloon.deflated_on_oom', time: 1 * S, vm: 'a', pages: 256, actualPages: 4096 - 256 * (i + 1) })),
    );
    expect(m.vm('a')).toMatchObject({ inUseBytes: 56 * MiB, balloonBytes: 8 * MiB, starved: false });
    // The target still says 16 MiB: the driver tries again at 1.01 s, then every 0.2 s.
    expect(m.vm('a').outOfPuff).toBe(3); // 1.01, 1.21, 1.41
    expect(m.balloonStatistics('a')).toMatchObject({ target_mib: 16, actual_mib: 8, total_memory: 64 * MiB, free_memory: 0 });
  });

  it('without deflate-on-OOM the workload starves at guest memory minus the balloon', () => {
    const m = withBalloon(false, 64 * MiB);
    m.patchBalloon('a', { amount_mib: 16 });
    m.advanceTo(1 * S);
    m.setWorkload('a', { bytes: 56 * MiB, bytesPerSecond: 16 * MiB });
    m.advanceTo(10 * S);
    expect(m.vm('a')).toMatchObject({ inUseBytes: 48 * MiB, starved: true });
    m.patchBalloon('a', { amount_mib: 0 }); // the host gives memory back: the workload goes on
    m.advanceTo(20 * S);
    expect(m.vm('a')).toMatchObject({ inUseBytes: 56 * MiB, starved: false, balloonBytes: 0 });
  });

  it('Firecracker’s rules and texts: PUT before boot, PATCH after, target ≤ guest memory, statistics on/off fixed', () => {
    const m = host();
    m.addVm('a', { memoryBytes: 512 * MiB });
    expect(catchError(() => m.putBalloon('a', { amount_mib: 513, deflate_on_oom: false })).message).toBe(fcTooMuchMemory(512));
    expect(fcTooMuchMemory(512)).toBe('Requested memory should be less than 512MiB');
    expect(catchError(() => m.patchBalloon('a', { amount_mib: 1 })).message).toBe(FC_NOT_SUPPORTED_BEFORE_START);
    expect(catchError(() => m.balloon('a')).details).toMatchObject({ fault_message: FC_NO_BALLOON });
    m.putBalloon('a', { amount_mib: 256, deflate_on_oom: true });
    expect(catchError(() => m.setGuestMemory('a', 128 * MiB)).message).toBe(FC_BALLOON_LARGER_THAN_MEMORY);
    m.startVm('a');
    const after = catchError(() => m.putBalloon('a', { amount_mib: 1, deflate_on_oom: false }));
    expect([after.message, after.code]).toEqual([FC_NOT_SUPPORTED_AFTER_START, 'E_INVALID_TRANSITION']);
    expect(() => m.setGuestMemory('a', 1024 * MiB)).toThrow(FC_NOT_SUPPORTED_AFTER_START);
    expect(catchError(() => m.patchBalloon('a', { amount_mib: 600 })).message).toBe('Requested memory should be less than 512MiB');
    expect(() => m.patchBalloon('a', { amount_mib: 2 ** 30 })).toThrow('Requested memory should be less than 16777215MiB');
    expect(() => m.patchBalloonStatistics('a', { stats_polling_interval_s: 1 })).toThrow(FC_STATS_STATE_CHANGE);
    expect(() => m.balloonStatistics('a')).toThrow(FC_STATS_DISABLED);
    expect(m.balloon('a')).toEqual({ amount_mib: 256, deflate_on_oom: true, stats_polling_interval_s: 0 }); // nothing changed
  });
});

describe('the host OOM killer', () => {
  function twoVms(aBytes: number) {
    const killed: VmOomKilledEvent[] = [];
    const m = createHostMemory({ ramBytes: 256 * MiB, overcommitRatio: 2, onOomKill: (e) => killed.push(e) });
    m.addVm('a', { memoryBytes: 200 * MiB });
    m.addVm('b', { memoryBytes: 200 * MiB });
    m.startVm('a');
    m.startVm('b');
    m.setWorkload('a', { bytes: aBytes });
    m.setWorkload('b', { bytes: 200 * MiB, bytesPerSecond: 10 * MiB });
    return { m, killed };
  }

  it('kills the largest footprint, not the one touching, at the first µs the host would pass its RAM', () => {
    const { m, killed } = twoVms(150 * MiB);
    // 160 MiB + b's touches > 256 MiB once b passes 96 MiB: b reaches exactly 96 MiB at 9.6 s, 10 B more 1 µs later.
    expect(m.nextEventTime()).toBe(9_600_001);
    const evs = m.advanceTo(30 * S);
    const kill = { type: 'vm.oom_killed', time: 9_600_001, vm: 'a', footprintBytes: 155 * MiB, hostUsedBytes: 160 * MiB + 96 * MiB + 10, hostRamBytes: 256 * MiB };
    expect(evs).toEqual([kill]);
    expect(killed).toEqual([kill]);
    expect(m.vm('a').phase).toBe('stopped');
    expect(m.vm('b')).toMatchObject({ phase: 'running', footprintBytes: 205 * MiB });
  });

  it('the toucher dies when it is the largest', () => {
    const { m } = twoVms(50 * MiB);
    const evs = m.advanceTo(30 * S);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ type: 'vm.oom_killed', vm: 'b', time: 19_600_001 });
    expect(m.vm('a').footprintBytes).toBe(55 * MiB);
    expect(m.host().usedBytes).toBe(55 * MiB);
  });

  it('an instant touch past RAM kills at once; the fact comes out of the next advanceTo', () => {
    const { m, killed } = twoVms(0);
    m.setWorkload('a', { bytes: 200 * MiB }); // 205 + 5 fits
    m.advanceTo(9 * S); // b at 90 MiB: 300 MiB > 256 MiB happened on the way
    expect(killed.map((e) => e.vm)).toEqual(['a']);
    expect(m.host().usedBytes).toBeLessThanOrEqual(256 * MiB);
  });
});
