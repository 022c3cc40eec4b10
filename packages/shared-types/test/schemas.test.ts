import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import {
  BandwidthSchema,
  bytes,
  CpuSchema,
  cpuSchema,
  DurationSchema,
  durationSchema,
  formatIssuePath,
  HostSpecPatchSchema,
  HostSpecSchema,
  MemorySchema,
  memorySchema,
  micros,
  parseWithSchema,
  schemaIssues,
  cpuMillis,
  type HostSpec,
  type Micros,
} from '@strata/shared-types';
import { validationFailure } from './failure.js';

describe('quantity schemas', () => {
  it('read strings through the parsers and numbers in the base unit', () => {
    expect(DurationSchema.parse('250ms')).toBe(250_000);
    expect(DurationSchema.parse(1000)).toBe(1000);
    expect(MemorySchema.parse('256Mi')).toBe(268_435_456);
    expect(MemorySchema.parse(4096)).toBe(4096);
    expect(CpuSchema.parse('500m')).toBe(500);
    expect(CpuSchema.parse(0.5)).toBe(500); // a number is CPUs, as in Kubernetes YAML
    expect(BandwidthSchema.parse('100Mbit')).toBe(12_500_000);
    expect(BandwidthSchema.parse(125)).toBe(125);
  });

  it('reject what the parsers reject, with the parser message', () => {
    const cases: [z.ZodType, unknown, RegExp][] = [
      [DurationSchema, '250', /bare number is ambiguous/],
      [DurationSchema, -1, /non-negative safe integer/],
      [DurationSchema, 1.5, /non-negative safe integer/],
      [DurationSchema, Number.NaN, /expected string or number, got NaN/],
      [MemorySchema, '256m', /0\.256 bytes/],
      [CpuSchema, 0.0001, /finer than 1m/],
      [BandwidthSchema, '100', /bits or bytes/],
    ];
    for (const [schema, input, message] of cases) {
      const error = validationFailure(() => parseWithSchema(schema, input, 'value'));
      expect(error.message).toMatch(message);
    }
  });

  it('enforce bounds in the quantity own words', () => {
    const quota = durationSchema({ min: micros(1000), max: micros(1_000_000) });
    expect(quota.parse('1ms')).toBe(1000);
    expect(quota.parse('1s')).toBe(1_000_000);
    expect(validationFailure(() => parseWithSchema(quota, '500us', 'quota')).message).toBe('invalid quota: expected at least 1ms, got 500us');
    expect(validationFailure(() => parseWithSchema(quota, 1_500_000, 'quota')).message).toBe('invalid quota: expected at most 1s, got 1.5s');
    expect(validationFailure(() => parseWithSchema(memorySchema({ min: bytes(1024) }), '1000', 'memory')).message).toBe(
      'invalid memory: expected at least 1Ki, got 1k',
    );
    expect(validationFailure(() => parseWithSchema(cpuSchema({ max: cpuMillis(2000) }), 2.5, 'cpu')).message).toBe(
      'invalid cpu: expected at most 2, got 2500m',
    );
  });

  it('infer branded output types', () => {
    const value: Micros = DurationSchema.parse('1s');
    expect(value).toBe(1_000_000);
  });
});

describe('formatIssuePath', () => {
  it('uses dots for keys and brackets for indices and odd keys', () => {
    expect(formatIssuePath(['groups', 0, 'cpu', 'quota'])).toBe('groups[0].cpu.quota');
    expect(formatIssuePath([0, 'name'])).toBe('[0].name');
    expect(formatIssuePath(['labels', 'app.kubernetes.io/name'])).toBe('labels["app.kubernetes.io/name"]');
    expect(formatIssuePath(['a', 1, 2, 'b'])).toBe('a[1][2].b');
    expect(formatIssuePath([])).toBe('');
  });

  it('round-trips identifier and index paths through a simple reader', () => {
    const segment = fc.oneof(fc.nat({ max: 99 }), fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,5}$/));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (path) => {
        const text = formatIssuePath(path);
        const read = [...text.matchAll(/\[(\d+)\]|\.?([A-Za-z_$][\w$]*)/g)].map((m) => (m[1] === undefined ? m[2] : Number(m[1])));
        expect(read).toEqual(path);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseWithSchema', () => {
  const Spec = z.strictObject({
    groups: z.array(z.strictObject({ name: z.string(), cpu: z.strictObject({ quota: durationSchema({ min: micros(1000) }), period: DurationSchema }) })),
    mode: z.enum(['exact', 'fluid']).optional(),
    seed: z.union([z.int(), z.string()]).optional(),
  });

  it('lists each bad field with its path, as the issue asks', () => {
    const error = validationFailure(() =>
      parseWithSchema(Spec, { groups: [{ name: 'a', cpu: { quota: '500us', period: '100ms' } }] }, 'scheduler spec'),
    );
    expect(error.message).toBe('invalid scheduler spec: groups[0].cpu.quota: expected at least 1ms, got 500us');
    expect(error.code).toBe('E_VALIDATION');
    expect(error.details.issues).toEqual([{ path: 'groups[0].cpu.quota', message: 'expected at least 1ms, got 500us' }]);
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });

  it('reports every problem at once: missing, wrong type, enum, unknown keys with a suggestion, unions', () => {
    const error = validationFailure(() =>
      parseWithSchema(
        Spec,
        { groups: [{ cpu: { quota: '2ms', perod: '1s' } }, 'x'], mode: 'fast', seed: true, extra: 1 },
        'spec',
      ),
    );
    expect(error.details.issues).toEqual([
      { path: 'groups[0].name', message: 'required' },
      { path: 'groups[0].cpu.period', message: 'required' },
      { path: 'groups[0].cpu.perod', message: 'unknown field (did you mean "period"?); accepted fields: quota, period' },
      { path: 'groups[1]', message: 'expected object, got "x"' },
      { path: 'mode', message: 'expected "exact" or "fluid", got "fast"' },
      { path: 'seed', message: 'expected number or string, got true' },
      { path: 'extra', message: 'unknown field; accepted fields: groups, mode, seed' },
    ]);
    expect(error.message.startsWith('invalid spec: groups[0].name: required; ')).toBe(true);
  });

  it('descends into the union branch that got furthest', () => {
    const Shape = z.union([z.strictObject({ kind: z.literal('a'), size: z.int() }), z.strictObject({ kind: z.literal('b') })]);
    const issues = validationFailure(() => parseWithSchema(Shape, { kind: 'a', size: 'big' }, 'shape')).details.issues;
    expect(issues).toEqual([{ path: 'size', message: 'expected number, got "big"' }]);
  });

  it('passes over a branch that is itself a union failing on the type alone (a quantity beside its long form)', () => {
    const Size = z.union([memorySchema(), z.strictObject({ size: memorySchema(), name: z.string().optional() })]);
    const issues = (input: unknown) => validationFailure(() => parseWithSchema(Size, input, 'size')).details.issues;
    expect(issues({ size: 'big' })).toEqual([{ path: 'size', message: expect.stringContaining('invalid Kubernetes memory quantity "big"') as unknown }]);
    expect(issues({ sise: '1Gi' })).toEqual([
      { path: 'size', message: 'required' },
      { path: 'sise', message: 'unknown field (did you mean "size"?); accepted fields: size, name' },
    ]);
    expect(issues(true)).toEqual([{ path: '', message: 'expected string or number or object, got true' }]);
  });

  it('flattens a ZodError from a plain parse too', () => {
    const result = Spec.safeParse({ groups: 3 });
    expect(result.success).toBe(false);
    if (!result.success) expect(schemaIssues(result.error).map((i) => i.path)).toEqual(['groups']);
  });

  it('returns the typed output and lets non-schema errors through', () => {
    expect(parseWithSchema(DurationSchema, '2s', 'timeout')).toBe(2_000_000);
    const Boom = z.string().transform(() => {
      throw new RangeError('not a validation problem');
    });
    expect(() => parseWithSchema(Boom, 'x', 'boom')).toThrow(RangeError);
  });
});

describe('HostSpecSchema and HostSpecPatchSchema', () => {
  it('parse a host into integer units with defaults', () => {
    const host: HostSpec = parseWithSchema(HostSpecSchema, { name: 'h1', cpus: 16, memory: '64Gi', bandwidth: '10Gbit' }, 'host spec');
    expect(host).toEqual({ name: 'h1', cpus: 16, cpuSpeed: 1, memory: 64 * 2 ** 30, bandwidth: 1_250_000_000 });
  });

  it('reject a bad host with every field named', () => {
    const error = validationFailure(() =>
      parseWithSchema(HostSpecSchema, { name: '-h', cpus: 0, cpuSpeed: 0, memroy: '1Gi', labels: { 'bad key': 'x' } }, 'host spec'),
    );
    const paths = (error.details.issues as { path: string }[]).map((issue) => issue.path);
    expect(paths).toEqual(['name', 'cpus', 'cpuSpeed', 'memory', 'labels["bad key"]', 'memroy']);
    expect(error.message).toContain('memroy: unknown field (did you mean "memory"?)');
    expect(error.message).toContain('memory: required');
  });

  it('patch: every field optional, nothing defaulted, unknown keys rejected', () => {
    expect(parseWithSchema(HostSpecPatchSchema, {}, 'host patch')).toEqual({});
    expect(parseWithSchema(HostSpecPatchSchema, { memory: '128Gi' }, 'host patch')).toEqual({ memory: 128 * 2 ** 30 });
    expect(validationFailure(() => parseWithSchema(HostSpecPatchSchema, { cpuSpeed: 2, mem: '1Gi' }, 'host patch')).details.issues).toEqual([
      { path: 'mem', message: 'unknown field (did you mean "memory"?); accepted fields: name, cpus, cpuSpeed, memory, bandwidth, labels' },
    ]);
  });

  it('patch and spec accept the same values field by field', () => {
    const memory = fc.oneof(fc.constantFrom('1Gi', '256m', '8Pi', '', -1, 1.5), fc.maxSafeNat());
    fc.assert(
      fc.property(memory, (value) => {
        const spec = HostSpecSchema.safeParse({ name: 'h', cpus: 1, memory: value });
        const patch = HostSpecPatchSchema.safeParse({ memory: value });
        expect(patch.success).toBe(spec.success && value !== 0);
      }),
      { numRuns: 200 },
    );
  });
});
