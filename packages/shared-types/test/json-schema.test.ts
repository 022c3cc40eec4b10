import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import {
  BANDWIDTH_PATTERN,
  CPU_PATTERN,
  DOCKER_MEMORY_PATTERN,
  DURATION_PATTERN,
  HostSpecPatchSchema,
  HostSpecSchema,
  jsonSchemas,
  MEMORY_PATTERN,
  parseBandwidth,
  parseCpu,
  parseDockerMemory,
  parseDuration,
  parseMemory,
  SPEC_SCHEMAS,
  GroupSpecSchema,
  toJsonSchema,
  ValidationError,
} from '@strata/shared-types';
import { conforms, unknownKeywords } from './json-schema-check.js';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

describe('jsonSchemas', () => {
  const schemas = jsonSchemas();

  it('emits one draft 2020-12 document per published spec, using only understood keywords', () => {
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(SPEC_SCHEMAS).sort());
    for (const [name, schema] of Object.entries(schemas)) {
      expect({ name, dialect: schema.$schema }).toEqual({ name, dialect: DRAFT_2020_12 });
      expect({ name, unknown: unknownKeywords(schema) }).toEqual({ name, unknown: [] });
      expect(() => JSON.parse(JSON.stringify(schema)) as unknown).not.toThrow();
    }
  });

  it('describes the strict spec: closed object, required fields, defaults', () => {
    const host = schemas.HostSpec;
    expect(host.type).toBe('object');
    expect(host.additionalProperties).toBe(false);
    expect(host.required).toEqual(['name', 'cpus', 'memory']);
    const properties = host.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(HostSpecSchema.shape).sort());
    expect(properties.cpuSpeed?.default).toBe(1);
    expect(properties.memory?.anyOf).toEqual([
      { type: 'string', pattern: MEMORY_PATTERN },
      { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    ]);
  });

  it('describes the patch: closed object, nothing required, nothing defaulted', () => {
    const patch = schemas.HostSpecPatch;
    expect(patch.additionalProperties).toBe(false);
    expect(patch.required ?? []).toEqual([]);
    expect(Object.keys(patch.properties as object).sort()).toEqual(Object.keys(HostSpecPatchSchema.shape).sort());
    expect(JSON.stringify(patch)).not.toContain('"default"');
  });

  it('describes the input side of a quantity: a patterned string or an integer', () => {
    expect(schemas.Duration.anyOf).toEqual([
      { type: 'string', pattern: DURATION_PATTERN },
      { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    ]);
    expect(schemas.Cpu.anyOf).toEqual([{ type: 'string', pattern: CPU_PATTERN }, { type: 'number', minimum: 0 }]);
  });

  it('refuses a schema it cannot represent instead of emitting a wrong one', () => {
    expect(() => toJsonSchema(z.date())).toThrow();
  });
});

/** A field value: usually valid, sometimes wrong in one of the ways users get it wrong. */
function field<T>(valid: readonly T[], invalid: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
}

const hostFields = {
  name: field(['h1', 'rack-1.host_2', 'a'.repeat(63)], ['', '-h', 'a'.repeat(64), 5]),
  cpus: field([1, 8, 4096], [0, 4097, 1.5, '4', -1]),
  cpuSpeed: field([1, 0.5, 2.25, 1000], [0, -1, 1001, '1']),
  memory: field(['64Gi', '512Mi', '1e9', 1024, 1, Number.MAX_SAFE_INTEGER], [0, -1, 1.5, '256m', '8Pi', '1GB', '', true]),
  bandwidth: field(['10Gbit', '100MB/s', 0, 125], ['1bit', '100', '10MB', -5, 2.5]),
  labels: field([{}, { zone: 'a' }], [{ 'bad key': 'x' }, { zone: 5 }, { zone: 'x'.repeat(257) }, []]),
};

/** Host-spec-like documents: complete or partial, now and then with a key no spec has. */
const hostDocument = fc
  .tuple(
    fc.oneof(fc.record(hostFields, { requiredKeys: ['name', 'cpus', 'memory'] }), fc.record(hostFields, { requiredKeys: [] })),
    fc.nat(9),
  )
  .map(([doc, roll]) => (roll === 0 ? { ...doc, extra: 'surprise' } : doc));

/** Messages of checks that JSON Schema cannot express: whole bytes, range of a parsed quantity. */
const SEMANTIC_ONLY = /not a whole number|exceeds the largest|finer than|expected at least|expected at most/;

function zodIssues(schema: z.ZodType, doc: unknown): string[] {
  const result = schema.safeParse(doc);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('JSON Schema agrees with the zod schema', () => {
  for (const [name, schema] of [['HostSpec', HostSpecSchema], ['HostSpecPatch', HostSpecPatchSchema]] as const) {
    it(`${name}: accepts all zod accepts, and rejects only beyond syntax what zod rejects`, () => {
      const json = toJsonSchema(schema);
      let accepted = 0;
      fc.assert(
        fc.property(hostDocument, (doc) => {
          const issues = zodIssues(schema, doc);
          if (issues.length === 0) accepted++;
          const jsonOk = conforms(json, doc);
          if (issues.length === 0) expect(jsonOk).toBe(true);
          if (!jsonOk) expect(issues.length).toBeGreaterThan(0);
          if (jsonOk && issues.length > 0) for (const message of issues) expect(message).toMatch(SEMANTIC_ONLY);
        }),
        { numRuns: 1000 },
      );
      // Both outcomes must be well represented, or the property proves little.
      expect(accepted).toBeGreaterThan(100);
      expect(accepted).toBeLessThan(900);
    });
  }
});

/** Whether `parse` accepts `text`, or the reason it gives. */
function verdict(parse: (text: string) => unknown, text: string): true | string {
  try {
    parse(text);
    return true;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return String(error.details.reason);
  }
}

const SEMANTIC_REASONS = ['fractional', 'overflow', 'too-long'];

const PATTERN_CASES = [
  { name: 'duration', pattern: DURATION_PATTERN, parse: (t: string) => parseDuration(t), tokens: ['0', '1', '5', '.', '+', '-', 'ns', 'us', 'µs', 'ms', 's', 'm', 'h', 'x', ' ', 'e', 'S'] },
  { name: 'memory', pattern: MEMORY_PATTERN, parse: parseMemory, tokens: ['0', '1', '7', '.', '+', '-', 'e', 'E', 'n', 'u', 'm', 'k', 'K', 'M', 'G', 'P', 'Ei', 'Ki', 'Mi', 'i', 'B', ' '] },
  { name: 'cpu', pattern: CPU_PATTERN, parse: (t: string) => parseCpu(t), tokens: ['0', '1', '5', '.', '+', '-', 'e', 'E', 'n', 'u', 'm', 'k', 'K', 'M', 'Ki', 'i', ' '] },
  { name: 'bandwidth', pattern: BANDWIDTH_PATTERN, parse: parseBandwidth, tokens: ['0', '1', '8', '.', '+', '-', ' ', 'k', 'K', 'M', 'm', 'G', 'i', 'bit', '/s', 'bps', 'b/s', 'B/s', 'Bps', 'B', 'b', 's'] },
  { name: 'Docker memory', pattern: DOCKER_MEMORY_PATTERN, parse: parseDockerMemory, tokens: ['0', '1', '6', '.', '+', '-', ' ', 'b', 'B', 'k', 'K', 'm', 'M', 'g', 'i', 'I', 'p', 'x'] },
];

describe('each quantity pattern is exactly the syntax its parser reads', () => {
  for (const { name, pattern, parse, tokens } of PATTERN_CASES) {
    it(name, () => {
      const regex = new RegExp(pattern, 'u');
      const text = fc.array(fc.constantFrom(...tokens), { maxLength: 7 }).map((parts) => parts.join(''));
      fc.assert(
        fc.property(text, (t) => {
          const outcome = verdict(parse, t);
          if (outcome === true || SEMANTIC_REASONS.includes(outcome)) expect({ t, matches: regex.test(t) }).toEqual({ t, matches: true });
          else expect({ t, outcome, matches: regex.test(t) }).toEqual({ t, outcome, matches: false });
        }),
        { numRuns: 1000 },
      );
    });
  }
});

describe('the group experiment spec as JSON Schema', () => {
  const schema = jsonSchemas().GroupSpec;
  const valid = {
    cpus: 2,
    fidelity: 'fluid',
    duration: '9s',
    groups: [
      { name: 'A', cpu: { shares: 1024, quota: '30ms', period: '100ms' }, tasks: [{ name: 'a1', nice: 5 }], groups: [{ name: 'A1', tasks: [{ name: 'x' }] }] },
      { name: 'B', cpu: { weight: 100 }, tasks: [{ name: 'b1' }] },
    ],
  };

  it('accepts what the zod schema accepts, including nested groups through $ref', () => {
    expect(GroupSpecSchema.safeParse(valid).success).toBe(true);
    expect(conforms(schema, valid)).toBe(true);
  });

  it.each([
    ['an unknown top-level key', { ...valid, colour: 'red' }],
    ['an unknown fidelity', { ...valid, fidelity: 'approximate' }],
    ['an unknown key in a nested group', { ...valid, groups: [{ name: 'A', groups: [{ name: 'A1', bogus: 1 }] }] }],
    ['a task nice out of range', { ...valid, tasks: [{ name: 't', nice: 20 }] }],
  ])('rejects %s, as zod does', (_what, doc) => {
    expect(GroupSpecSchema.safeParse(doc).success).toBe(false);
    expect(conforms(schema, doc)).toBe(false);
  });
});
