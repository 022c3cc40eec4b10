import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDeviceModel,
  FC_DRIVE_PATCH_EMPTY,
  FC_NOT_SUPPORTED_AFTER_START,
  FC_NOT_SUPPORTED_BEFORE_START,
  FC_ROOT_DEVICE_EXISTS,
  type DeviceModel,
  type FirecrackerRateLimiterConfig,
} from '../../src/devices/index.ts';
import { catchError } from './catch-error.ts';

const MS = 1000;
const KiB512 = 524_288;
const TEN_MB_S: FirecrackerRateLimiterConfig = { bandwidth: { size: 1_000_000, one_time_burst: 2_000_000, refill_time: 100 } };

function oneDrive(opts: Parameters<typeof createDeviceModel>[0], limiter?: FirecrackerRateLimiterConfig): DeviceModel {
  const m = createDeviceModel(opts);
  m.addVm('vm1');
  m.putDrive('vm1', { drive_id: 'rootfs', path_on_host: '/img/rootfs.ext4', is_root_device: true, ...(limiter ? { rate_limiter: limiter } : {}) });
  m.startVm('vm1');
  return m;
}

function completionTimes(m: DeviceModel, until: number): number[] {
  return m.advanceTo(until).map((e) => e.time / MS);
}

describe('virtio-blk with a Firecracker rate limiter', () => {
  it('a 10 MB/s bucket of 1 MB with a 2 MB one-time burst: 512 KiB reads submitted at once', () => {
    const m = oneDrive({}, TEN_MB_S);
    for (let i = 1; i <= 10; i++) m.submitBlock('vm1', 'rootfs', { id: `r${i}`, type: 'read', bytes: KiB512 });
    // Burst 2,000,000 covers three reads and 427,136 B of the fourth; the bucket (1,000,000) covers the
    // rest of the fourth (97,152) and the fifth, leaving 378,560: the sixth is refused and the queue
    // stops for 100 ms. After 100 ms the lazy refill restores the full size (not +1 MB): one read per
    // 100 ms (475,712 left, too few for a second).
    expect(completionTimes(m, 600 * MS)).toEqual([0, 0, 0, 0, 0, 100, 200, 300, 400, 500]);
    expect(m.drive('vm1', 'rootfs').pending).toBe(0);
    expect(m.counters('vm1', 'rootfs', 'blk')).toEqual({ requests: 10, bytes: 10 * KiB512 });
  });

  it('the same stream on a 50 MiB/s host disk (10 ms per read), Firecracker’s sync engine', () => {
    const m = oneDrive({ hostDisk: { bytesPerSecond: 52_428_800 } }, TEN_MB_S);
    for (let i = 1; i <= 12; i++) m.submitBlock('vm1', 'rootfs', { id: `r${i}`, type: 'read', bytes: KiB512 });
    // Reads 1-3 from the burst at 0, 10, 20 ms (each restarts the refill clock: last at 20 ms); read 4
    // at 30 ms (the burst's last 427,136 + 97,152 from the bucket: 902,848 left); read 5 at 40 ms
    // (378,560); read 6 at 50 ms refills 30 ms = 300,000 (678,560 → 154,272); read 7 at 60 ms gets
    // 100,000 more (254,272) and is refused: 100 ms timer; at 160 ms a full refill time has passed
    // (full: 475,712 after it); read 8 at 170 ms gets +100,000 (575,712 → 51,424); read 9 at 180 ms is
    // refused until 280 ms; and so on.
    expect(completionTimes(m, 1000 * MS)).toEqual([10, 20, 30, 40, 50, 60, 170, 180, 290, 300, 410, 420]);
  });

  it('an ops bucket of 2 per second: 500 ms per op once the first two are spent, on the 100 ms retry grid', () => {
    const m = oneDrive({}, { ops: { size: 2, refill_time: 1000 } });
    for (let i = 1; i <= 5; i++) m.submitBlock('vm1', 'rootfs', { id: `w${i}`, type: 'write', bytes: 4096 });
    expect(completionTimes(m, 3000 * MS)).toEqual([0, 0, 500, 1000, 1500]);
  });

  it('a flush takes an op but no bytes', () => {
    const m = oneDrive({}, { bandwidth: { size: 1000, refill_time: 1000 } });
    m.submitBlock('vm1', 'rootfs', { id: 'w', type: 'write', bytes: 1000 });
    m.submitBlock('vm1', 'rootfs', { id: 'f', type: 'flush', bytes: 0 });
    expect(m.advanceTo(0).map((e) => e.request)).toEqual(['w', 'f']);
  });

  it('an oversize request passes and blocks the queue for (excess/size)·refill_time', () => {
    const m = oneDrive({}, { bandwidth: { size: 1_000_000, refill_time: 100 } });
    m.submitBlock('vm1', 'rootfs', { id: 'big', type: 'write', bytes: 2_500_000 });
    m.submitBlock('vm1', 'rootfs', { id: 'small', type: 'write', bytes: 1000 });
    const evs = m.advanceTo(1000 * MS);
    expect(evs.map((e) => [e.request, e.time / MS])).toEqual([['big', 0], ['small', 150]]);
    expect(evs[1]).toEqual({ type: 'device.io_completed', time: 150_000, vm: 'vm1', device: 'rootfs', queue: 'blk', request: 'small', bytes: 1000, admittedAt: 150_000 });
  });

  it('the host disk bounds every drive: two VMs share it first come, first served; IOPS bound a small request', () => {
    const m = createDeviceModel({ hostDisk: { bytesPerSecond: 100_000_000, iops: 1000 } });
    for (const vm of ['a', 'b']) {
      m.addVm(vm);
      m.putDrive(vm, { drive_id: 'd', path_on_host: `/img/${vm}`, is_root_device: true });
      m.startVm(vm);
    }
    m.submitBlock('a', 'd', { id: '1', type: 'read', bytes: 1_000_000 }); // 10 ms
    m.submitBlock('b', 'd', { id: '1', type: 'read', bytes: 512 }); // 1 ms (1/iops) after a's
    m.submitBlock('a', 'd', { id: '2', type: 'read', bytes: 512 }); // waits for a's first (sync engine), then b's
    expect(m.advanceTo(100 * MS).map((e) => [e.vm, e.request, e.time])).toEqual([
      ['a', '1', 10_000],
      ['b', '1', 11_000],
      ['a', '2', 12_000],
    ]);
  });

  it('PATCH after boot replaces the limiter and the queue goes on under the new one', () => {
    const m = oneDrive({}, { bandwidth: { size: 1000, refill_time: 1000 } });
    for (let i = 1; i <= 3; i++) m.submitBlock('vm1', 'rootfs', { id: `r${i}`, type: 'read', bytes: 1000 });
    expect(m.advanceTo(50 * MS).map((e) => e.time)).toEqual([0]);
    // At 50 ms a 10× larger bucket arrives full, but the timer armed at 0 holds the queue to 100 ms.
    m.patchDrive('vm1', { drive_id: 'rootfs', rate_limiter: { bandwidth: { size: 10_000, refill_time: 1000 } } });
    expect(m.drive('vm1', 'rootfs').config.rate_limiter).toEqual({ bandwidth: { size: 10_000, one_time_burst: 0, refill_time: 1000 } });
    expect(m.advanceTo(200 * MS).map((e) => e.time)).toEqual([100_000, 100_000]);
    m.patchDrive('vm1', { drive_id: 'rootfs', path_on_host: '/img/other.ext4' });
    expect(m.drive('vm1', 'rootfs').config.path_on_host).toBe('/img/other.ext4');
  });
});

describe('virtio-net', () => {
  it('tx and rx queues have their own limiters; a NIC maps to core-network vNIC limiters', () => {
    const m = createDeviceModel();
    m.addVm('vm1');
    m.putNetworkInterface('vm1', {
      iface_id: 'eth0',
      host_dev_name: 'tap0',
      tx_rate_limiter: { bandwidth: { size: 3000, refill_time: 100 } },
      rx_rate_limiter: { ops: { size: 1, refill_time: 100 } },
    });
    m.startVm('vm1');
    for (let i = 1; i <= 3; i++) m.sendFrame('vm1', 'eth0', { id: `t${i}`, bytes: 1500 });
    for (let i = 1; i <= 2; i++) m.receiveFrame('vm1', 'eth0', { id: `r${i}`, bytes: 1500 });
    expect(m.advanceTo(300 * MS).map((e) => [e.queue, e.request, e.time / MS])).toEqual([
      ['tx', 't1', 0],
      ['tx', 't2', 0],
      ['rx', 'r1', 0],
      ['tx', 't3', 100],
      ['rx', 'r2', 100],
    ]);
    expect(m.vnicLimiterSpecs('vm1', 'eth0')).toEqual([{ id: 'vm1/eth0/tx', bandwidth: { size: 3000, refillTimeMs: 100, oneTimeBurst: 0 } }]);
    m.patchNetworkInterface('vm1', { iface_id: 'eth0', rx_rate_limiter: { bandwidth: { size: 100_000, refill_time: 1000, one_time_burst: 5 } } });
    expect(m.networkInterface('vm1', 'eth0').config.rx_rate_limiter).toEqual({
      bandwidth: { size: 100_000, one_time_burst: 5, refill_time: 1000 },
      ops: { size: 1, one_time_burst: 0, refill_time: 100 }, // not in the patch: kept
    });
    expect(m.vnicLimiterSpecs('vm1', 'eth0').map((s) => s.id)).toEqual(['vm1/eth0/tx', 'vm1/eth0/rx']);
  });
});

describe('pre-boot and post-boot configuration (Firecracker’s rules and texts)', () => {
  it('PUT only before boot, PATCH only after, with the API’s texts; a failed command changes nothing', () => {
    const m = createDeviceModel();
    m.addVm('vm1');
    const e1 = catchError(() => m.patchDrive('vm1', { drive_id: 'rootfs', path_on_host: '/x' }));
    expect(e1.message).toBe(FC_NOT_SUPPORTED_BEFORE_START);
    expect(e1.code).toBe('E_INVALID_TRANSITION');
    expect(() => m.patchNetworkInterface('vm1', { iface_id: 'eth0' })).toThrow(FC_NOT_SUPPORTED_BEFORE_START);
    m.putDrive('vm1', { drive_id: 'rootfs', path_on_host: '/img/a', is_root_device: true });
    expect(() => m.putDrive('vm1', { drive_id: 'data', path_on_host: '/img/b', is_root_device: true })).toThrow(FC_ROOT_DEVICE_EXISTS);
    m.putDrive('vm1', { drive_id: 'rootfs', path_on_host: '/img/a2', is_root_device: true }); // PUT again replaces
    m.putNetworkInterface('vm1', { iface_id: 'eth0', host_dev_name: 'tap0' });
    m.startVm('vm1');
    const e2 = catchError(() => m.putDrive('vm1', { drive_id: 'data', path_on_host: '/img/b', is_root_device: false }));
    expect(e2.message).toBe(FC_NOT_SUPPORTED_AFTER_START);
    expect(e2.code).toBe('E_INVALID_TRANSITION');
    expect(() => m.putNetworkInterface('vm1', { iface_id: 'eth1', host_dev_name: 'tap1' })).toThrow(FC_NOT_SUPPORTED_AFTER_START);
    expect(() => m.startVm('vm1')).toThrow(FC_NOT_SUPPORTED_AFTER_START);
    expect(() => m.patchDrive('vm1', { drive_id: 'rootfs', is_read_only: true } as never)).toThrow('unknown field `is_read_only`, expected one of `drive_id`, `path_on_host`, `rate_limiter`');
    expect(() => m.patchDrive('vm1', { drive_id: 'rootfs' })).toThrow(FC_DRIVE_PATCH_EMPTY);
    expect(() => m.patchNetworkInterface('vm1', { iface_id: 'eth0', host_dev_name: 'tap9' } as never)).toThrow(
      'unknown field `host_dev_name`, expected one of `iface_id`, `rx_rate_limiter`, `tx_rate_limiter`',
    );
    const e3 = catchError(() => m.patchDrive('vm1', { drive_id: 'rootfs', path_on_host: '/new', rate_limiter: { bandwidth: { size: 1.5, refill_time: 1 } } }));
    expect(e3.code).toBe('E_VALIDATION');
    expect(m.drive('vm1', 'rootfs').config.path_on_host).toBe('/img/a2'); // nothing changed
    expect(catchError(() => m.patchDrive('vm1', { drive_id: 'nope', path_on_host: '/x' })).code).toBe('E_NOT_FOUND');
  });
});

describe('properties', () => {
  it('a queue never gets more than size + burst + rate·t bytes through (oversize requests aside), and serves in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 50_000 }), bytes: fc.integer({ min: 1, max: 1000 }) }), { minLength: 1, maxLength: 80 }),
        (size, burst, refill, reqs) => {
          const m = oneDrive({}, { bandwidth: { size, one_time_burst: burst, refill_time: refill } });
          const done: { time: number; request: string; bytes: number }[] = [];
          let t = 0;
          reqs.forEach((r, i) => {
            t += r.gap;
            done.push(...m.advanceTo(t));
            m.submitBlock('vm1', 'rootfs', { id: `r${i}`, type: 'read', bytes: r.bytes });
          });
          done.push(...m.advanceTo(t + 10_000_000));
          expect(done.map((e) => e.request)).toEqual(reqs.map((_, i) => `r${i}`));
          let served = 0;
          for (const e of done) {
            served += e.bytes;
            // Every request ≤ 1000 ≤ size: no over-consumption. Bound: size + burst + size·t/refill.
            expect(served).toBeLessThanOrEqual(size + burst + (size * e.time) / (refill * 1000));
          }
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it('determinism: the same commands give the same completions', () => {
    const run = (): string => {
      const m = oneDrive({ hostDisk: { bytesPerSecond: 10_000_000, iops: 500 } }, TEN_MB_S);
      const out: unknown[] = [];
      for (let i = 0; i < 200; i++) {
        out.push(...m.advanceTo(i * 7_000));
        m.submitBlock('vm1', 'rootfs', { id: `r${i}`, type: i % 5 === 0 ? 'flush' : 'write', bytes: (i * 7919) % 300_000 });
      }
      out.push(...m.advanceTo(100_000_000));
      return JSON.stringify(out);
    };
    expect(run()).toBe(run());
  });
});
