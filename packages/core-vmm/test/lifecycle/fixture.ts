// Shared fixtures of the lifecycle tests: a host with VM `web` in any phase, an observable snapshot,
// and a dispatcher from operation names to the API.
import { expect } from 'vitest';
import { createVmLifecycles } from '../../src/index.js';
import type { LibvirtOperation, SavedImage, VmLifecycles, VmPhase } from '../../src/index.js';

export const GiB = 1024 * 1024 * 1024;

/** A host, VM `web` (persistent, on_crash preserve, 1 GiB, one inactive snapshot) in `phase`, and a written image of `web`. */
export function inPhase(phase: VmPhase): { l: VmLifecycles; image: SavedImage } {
  const l = createVmLifecycles();
  l.define('web', { memoryBytes: GiB, onCrash: 'preserve' });
  l.start('web');
  l.advanceTo(l.nextEventTime());
  const image = l.save('web');
  l.advanceTo(l.nextEventTime());
  l.snapshotCreate('web');
  const boot = (): void => {
    l.start('web');
    l.advanceTo(l.nextEventTime());
  };
  switch (phase) {
    case 'shutoff':
      break;
    case 'starting':
      l.start('web');
      break;
    case 'running':
      boot();
      break;
    case 'paused':
      boot();
      l.suspend('web');
      break;
    case 'shutting-down':
      boot();
      l.shutdown('web');
      break;
    case 'crashed':
      boot();
      l.crash('web', 'guest-panic');
      break;
    case 'saving':
      boot();
      l.save('web');
      break;
    case 'restoring':
      boot();
      l.managedSave('web');
      l.advanceTo(l.nextEventTime());
      l.start('web');
      break;
    case 'snapshotting':
      boot();
      l.snapshotCreate('web');
      break;
    case 'migrating':
      boot();
      l.migrate('web');
      break;
  }
  l.takeEvents();
  expect(l.inspect('web').phase).toBe(phase);
  return { l, image };
}

/** Everything observable about the host (takes the pending events). */
export const observe = (l: VmLifecycles): unknown => JSON.parse(JSON.stringify({ now: l.now(), next: String(l.nextEventTime()), vms: l.list(), events: l.takeEvents() }));

/** Apply libvirt operation `op` to `web`. */
export function run(l: VmLifecycles, op: LibvirtOperation, image: SavedImage): void {
  switch (op) {
    case 'define': return l.define('web');
    case 'start': return l.start('web');
    case 'create': return l.create('web');
    case 'shutdown': return l.shutdown('web');
    case 'reboot': return l.reboot('web');
    case 'reset': return l.reset('web');
    case 'destroy': return l.destroy('web');
    case 'suspend': return l.suspend('web');
    case 'resume': return l.resume('web');
    case 'save': { l.save('web'); return; }
    case 'managedsave': return l.managedSave('web');
    case 'restore': return l.restore(image);
    case 'undefine': return l.undefine('web');
    case 'snapshot-create': return l.snapshotCreate('web');
    case 'snapshot-revert': return l.snapshotRevert('web');
    case 'migrate': return l.migrate('web');
    case 'crash': return l.crash('web', 'guest-panic');
  }
}

/** The error `f` throws (fails the test when it throws none). */
export function thrown(f: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a throw');
}
