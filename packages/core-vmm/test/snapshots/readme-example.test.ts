// The README's snapshot example, run as written.
import { expect, it } from 'vitest';
import { applyDiff, createDeviceModel, createHostMemory, createSnapshotter, createVmLifecycles } from '../../src/index.js';
import type { VmSnapshot } from '../../src/index.js';

it('README example: full, diff, merge, load on a fresh host', () => {
  const MiB = 2 ** 20;
  const parts = () => {
    const lifecycles = createVmLifecycles();
    const memory = createHostMemory({ ramBytes: 4096 * MiB });
    const devices = createDeviceModel();
    return { lifecycles, memory, devices, snapshots: createSnapshotter({ lifecycles, memory, devices, diskBytesPerSecond: 256 * MiB }) };
  };
  const a = parts();
  a.lifecycles.createMicroVm('fn');
  a.memory.addVm('fn', { memoryBytes: 128 * MiB });
  a.devices.addVm('fn');
  a.lifecycles.firecracker('fn', 'put-boot-source');
  a.lifecycles.firecracker('fn', 'instance-start');
  a.memory.startVm('fn');
  a.devices.startVm('fn');
  a.memory.setWorkload('fn', { bytes: 64 * MiB });
  a.lifecycles.firecracker('fn', 'pause');
  a.memory.pauseVm('fn');
  const full = a.snapshots.create('fn', { kind: 'full' });
  a.lifecycles.firecracker('fn', 'resume');
  a.memory.resumeVm('fn');
  a.memory.setWorkload('fn', { bytes: 80 * MiB });
  a.lifecycles.firecracker('fn', 'pause');
  a.memory.pauseVm('fn');
  const diff = a.snapshots.create('fn', { kind: 'diff' });
  const lines = [
    [full.sizeBytes / MiB, full.createSeconds, diff.sizeBytes / MiB, diff.createSeconds].join(' '),
  ];
  // prints: 64 0.25 16 0.0625

  const b = parts();
  b.lifecycles.createMicroVm('fn');
  b.memory.addVm('fn', { memoryBytes: 128 * MiB });
  b.devices.addVm('fn');
  b.snapshots.load('fn', JSON.parse(JSON.stringify(applyDiff(full, diff))) as VmSnapshot);
  lines.push([b.lifecycles.inspect('fn').firecracker, b.memory.vm('fn').residentBytes / MiB].join(' '));
  // prints: Paused 80
  expect(lines).toEqual(['64 0.25 16 0.0625', 'Paused 80']);
});
