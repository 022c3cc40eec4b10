// The API's smaller contracts: `check` judges without applying, refusals name the allowed operations,
// misuse fails to compile.
import { describe, expect, it } from 'vitest';
import { createVmLifecycles, LIBVIRT_TRANSITIONS } from '../../src/index.js';
import { observe, thrown } from './fixture.js';

describe('check', () => {
  it('answers ok / noop without applying, and throws as the command would', () => {
    const l = createVmLifecycles();
    l.define('a');
    l.start('a');
    l.advanceTo(5_000_000);
    l.suspend('a');
    l.takeEvents();
    const before = observe(l);
    expect(l.check('a', 'resume')).toBe('ok');
    expect(l.check('a', 'suspend')).toBe('noop');
    expect(thrown(() => l.check('a', 'shutdown')).message).toBe('Requested operation is not valid: domain is not running');
    expect(observe(l)).toEqual(before);
  });
});

describe('refusals name the phase and what it allows', () => {
  it('libvirt: from, command, libvirt state and reason, allowed operations, error code', () => {
    const l = createVmLifecycles();
    l.define('a');
    const e = thrown(() => l.resume('a'));
    expect(e.details).toEqual({
      from: 'shutoff',
      command: 'resume',
      vm: 'a',
      libvirtState: 'shutoff',
      libvirtReason: 'unknown',
      libvirtCode: 'VIR_ERR_OPERATION_INVALID',
      allowed: ['define', 'start', 'restore', 'undefine', 'snapshot-create', 'snapshot-revert'],
    });
  });
  it('Firecracker: the phase, HTTP 400, the fault message and the allowed requests', () => {
    const l = createVmLifecycles();
    l.createMicroVm('fc');
    const e = thrown(() => l.firecracker('fc', 'pause'));
    expect(e.details).toMatchObject({ from: 'Not started', command: 'pause', httpStatus: 400, faultMessage: 'The requested operation is not supported before starting the microVM.' });
    expect(e.details?.allowed).toContain('instance-start');
    expect(e.details?.allowed).not.toContain('pause');
  });
});

describe('types', () => {
  it('misuse fails to compile', () => {
    const l = createVmLifecycles();
    l.createMicroVm('fc');
    // @ts-expect-error not a Firecracker request
    expect(() => l.firecracker('fc', 'reboot')).toThrow();
    // @ts-expect-error not a crash reason
    expect(() => l.crash('fc', 'cosmic-ray')).toThrow();
    const mutate = (): void => {
      // @ts-expect-error the table is readonly data
      LIBVIRT_TRANSITIONS.start = LIBVIRT_TRANSITIONS.destroy;
    };
    expect(typeof mutate).toBe('function');
  });
});
