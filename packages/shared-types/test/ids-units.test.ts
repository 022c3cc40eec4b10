import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import {
  bytes,
  bytesPerSecond,
  containerId,
  cpuMillis,
  groupId,
  hostId,
  ID_PATTERN,
  micros,
  networkId,
  taskId,
  vmId,
  type HostId,
  type Micros,
  type VmId,
} from '@strata/shared-types';
import { validationFailure } from './failure.js';

const constructors = { hostId, vmId, containerId, networkId, taskId, groupId };

describe('branded ids', () => {
  it('accept well-formed ids unchanged', () => {
    for (const make of Object.values(constructors)) {
      for (const id of ['h1', 'web-1', 'rack1/host.7', 'vm:42', 'A_b', 'x'.repeat(128)]) expect(make(id)).toBe(id);
    }
  });

  it('reject malformed ids, naming the kind and the accepted form', () => {
    for (const [name, make] of Object.entries(constructors)) {
      for (const bad of ['', '-x', '.x', 'has space', 'é', 'x'.repeat(129), 'a\n']) {
        const error = validationFailure(() => make(bad));
        expect(error.message).toContain(name.replace(/^./, (c) => c.toUpperCase()));
        expect(error.details.accepted).toBe(ID_PATTERN.source);
      }
      expect(validationFailure(() => make(5 as unknown as string)).details.value).toBe(5);
    }
  });

  it('accept exactly the strings ID_PATTERN describes', () => {
    const idChars = fc.constantFrom(...'aZ09._:/- é\n'.split(''));
    fc.assert(
      fc.property(fc.array(idChars, { maxLength: 130 }).map((chars) => chars.join('')), (text) => {
        const ok = (() => {
          try {
            hostId(text);
            return true;
          } catch {
            return false;
          }
        })();
        expect(ok).toBe(ID_PATTERN.test(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('do not mix at compile time', () => {
    const h: HostId = hostId('h1');
    // @ts-expect-error a HostId is not a VmId
    const v: VmId = h;
    // @ts-expect-error a plain string is not a HostId
    const plain: HostId = 'h1';
    expectTypeOf(h).toExtend<string>();
    expect([v, plain]).toEqual(['h1', 'h1']);
  });
});

describe('unit constructors', () => {
  it('accept non-negative safe integers and reject the rest', () => {
    for (const make of [micros, bytes, bytesPerSecond, cpuMillis]) {
      expect(make(0)).toBe(0);
      expect(make(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
      for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
        expect(validationFailure(() => make(bad)).code).toBe('E_VALIDATION');
      }
    }
  });

  it('brand at compile time', () => {
    // @ts-expect-error a plain number is not Micros
    const t: Micros = 5;
    expectTypeOf(micros(5)).toEqualTypeOf<Micros>();
    expect(t).toBe(5);
  });
});
