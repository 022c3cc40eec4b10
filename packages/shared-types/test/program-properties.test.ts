// Properties of the program language: random valid programs parse to themselves through their
// written form, and random damage to a program is either accepted or rejected with a path, never a crash.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bytes,
  bytesPerSecond,
  CATCHABLE_SIGNALS,
  formatIssuePath,
  formatProgram,
  jsonSchemas,
  MAX_FORK_COUNT,
  MAX_STEP_DURATION,
  micros,
  parseProgram,
  STEP_ERRNOS,
  ValidationError,
  type Program,
  type SchemaIssue,
  type Step,
} from '@strata/shared-types';
import { conforms } from './json-schema-check.js';

const duration = (min: number) => fc.integer({ min, max: MAX_STEP_DURATION }).map(micros);
const size = (min = 1) => fc.oneof(fc.integer({ min, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: Math.max(1, min), max: 4096 }).map((n) => n * 4096)).map(bytes);
const rate = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map(bytesPerSecond);
const port = fc.integer({ min: 1, max: 65535 });
const protocol = fc.constantFrom('tcp' as const, 'udp' as const);
const line = fc.string({ maxLength: 40 }).filter((s) => !/[\n\r]/.test(s));

function withErrors(kind: keyof typeof STEP_ERRNOS, step: fc.Arbitrary<Step>, program: fc.Arbitrary<Program>): fc.Arbitrary<Step> {
  const keys = [...STEP_ERRNOS[kind], 'any'];
  const handlers = fc.dictionary(fc.constantFrom(...keys), program, { maxKeys: 2 });
  return fc.tuple(step, fc.option(handlers, { nil: undefined })).map(([s, onError]) => (onError === undefined ? s : { ...s, onError }));
}

/** Random valid programs, in AST form, nested a few levels. */
const { program } = fc.letrec<{ program: Program; step: Step }>((tie) => {
  const inner = tie('program');
  const ref = fc.oneof(inner.map((steps) => ({ kind: 'inline' as const, steps })), fc.constantFrom({ kind: 'named' as const, name: 'worker' }));
  const io = <Op extends 'read' | 'write'>(op: Op) =>
    fc.record(
      { op: fc.constant(op), device: fc.constantFrom('sda', 'vdb', '8:16'), bytes: size(), block: fc.integer({ min: 512, max: 64 * 2 ** 20 }).map(bytes), direct: fc.boolean(), file: fc.constantFrom('/data/x', '/tmp/a b') },
      { requiredKeys: ['op', 'device', 'bytes', 'block', 'direct'] },
    );
  const steps: fc.Arbitrary<Step>[] = [
    fc.record({ op: fc.constant('cpu' as const), work: duration(1) }),
    fc.record({ op: fc.constant('sleep' as const), duration: duration(0) }),
    withErrors('alloc', fc.record({ op: fc.constant('alloc' as const), size: size(), rate: fc.option(rate, { nil: null }), name: fc.constantFrom('buf', 'A.b-c_1') }, { requiredKeys: ['op', 'size', 'rate'] }), inner),
    fc.record({ op: fc.constant('free' as const), target: fc.oneof(fc.constant({ kind: 'all' as const }), size().map((s) => ({ kind: 'size' as const, size: s }))) }),
    withErrors('read', io('read'), inner),
    withErrors('write', io('write'), inner),
    withErrors('send', fc.record({ op: fc.constant('send' as const), host: fc.constantFrom('db', '10.0.0.2', 'fd00::2', 'web.svc.cluster.local'), port, bytes: size(), protocol }), inner),
    withErrors('listen', fc.record({ op: fc.constant('listen' as const), port, bytes: fc.option(size(), { nil: null }), protocol }), inner),
    withErrors('fork', fc.record({ op: fc.constant('fork' as const), count: fc.integer({ min: 1, max: MAX_FORK_COUNT }), program: ref }), inner),
    withErrors('exec', fc.record({ op: fc.constant('exec' as const), program: ref }), inner),
    withErrors('wait', fc.record({ op: fc.constant('wait' as const), count: fc.oneof(fc.constant('all' as const), fc.integer({ min: 1, max: MAX_FORK_COUNT })) }), inner),
    fc.record({ op: fc.constant('print' as const), text: line, stream: fc.constantFrom('stdout' as const, 'stderr' as const) }),
    fc.record({ op: fc.constant('exit' as const), code: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ op: fc.constant('loop' as const), times: fc.integer({ min: 1, max: 1e9 }), body: inner }),
    // A forever loop must take time: its body starts with a cpu step.
    fc.record({ op: fc.constant('loop' as const), times: fc.constant('forever' as const), body: fc.tuple(duration(1), inner).map(([work, rest]) => [{ op: 'cpu' as const, work }, ...rest]) }),
    fc.record({ op: fc.constant('signal' as const), handlers: fc.dictionary(fc.constantFrom(...CATCHABLE_SIGNALS), fc.oneof(fc.constantFrom('default' as const, 'ignore' as const), inner), { maxKeys: 3 }) }),
    withErrors(
      'serve',
      fc.record({
        op: fc.constant('serve' as const),
        requestsPerSecond: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        cpu: duration(1),
        memory: size(0),
        workers: fc.integer({ min: 1, max: 10_000 }),
        backlog: fc.integer({ min: 1, max: 1e6 }),
        duration: fc.option(duration(1), { nil: null }),
        requests: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: null }),
      }),
      inner,
    ),
  ];
  return {
    step: fc.oneof({ depthSize: 'small', withCrossShrink: true }, ...steps),
    program: fc.array(tie('step'), { maxLength: 4, depthIdentifier: 'program' }),
  };
}) as { program: fc.Arbitrary<Program> };

const jsonSchema = jsonSchemas().Program;

describe('random valid programs', () => {
  it('parse back from their written form (JSON round trip included) to the same AST', () => {
    let nested = 0;
    fc.assert(
      fc.property(program, (p) => {
        if (JSON.stringify(p).includes('"onError"') && JSON.stringify(p).includes('"inline"')) nested++;
        const written = JSON.parse(JSON.stringify(formatProgram(p))) as unknown;
        expect(parseProgram(written)).toEqual(p);
        expect(conforms(jsonSchema, written)).toBe(true);
      }),
      { numRuns: 300 },
    );
    // The generator must reach nested programs and error handlers, or the property proves little.
    expect(nested).toBeGreaterThan(10);
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in a JSON tree. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function replaced(value: Json, path: readonly (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, replacement) : v));
  const object = value as Record<string, Json>;
  const copy: Record<string, Json> = {};
  for (const [k, v] of Object.entries(object)) {
    if (k !== head) copy[k] = v;
    else if (rest.length > 0 || replacement !== undefined) copy[k] = replaced(v, rest, replacement);
  }
  return copy;
}

/** Values users (and YAML) put in the wrong place. `undefined` deletes the field. */
const junk = fc.oneof(
  fc.constantFrom<Json | undefined>(undefined, null, true, 0, -1, 1.5, 2 ** 53, 1e300, '', 'x', '0', 'all', 'forever', 'ignore', '__proto__', 'constructor', '64M', '1ms', [], {}, [{}], { cpu: '1ms', sleep: '1ms' }),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.dictionary(fc.constantFrom('cpu', 'sleep', 'on-error', 'count', 'program', 'do', 'times', 'bogus'), fc.constantFrom<Json>('1ms', 1, [], {}, 'x'), { maxKeys: 2 }),
);

/** Whether issue path `issue` is within the damaged value's parent (the damage, or a sibling it broke). */
function related(issue: string, damaged: readonly (string | number)[]): boolean {
  const parent = formatIssuePath(damaged.slice(0, -1));
  if (parent === '') return true;
  return issue.startsWith(parent) && ['', '.', '['].includes(issue.charAt(parent.length));
}

describe('random damage to a valid program', () => {
  it('is accepted, or rejected as a ValidationError whose issues name a path near the damage', () => {
    let rejected = 0;
    fc.assert(
      fc.property(program, fc.nat(), junk, (p, pick, replacement) => {
        const written = JSON.parse(JSON.stringify(formatProgram(p))) as Json;
        const all = paths(written);
        const target = all[pick % all.length]!;
        const damaged = replaced(written, target, replacement);
        const jsonOk = conforms(jsonSchema, damaged);
        try {
          parseProgram(damaged);
          // The JSON Schema accepts everything zod accepts.
          expect({ damaged, jsonOk }).toMatchObject({ jsonOk: true });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          rejected++;
          const found = error.details['issues'] as SchemaIssue[];
          expect(found.length).toBeGreaterThan(0);
          for (const issue of found) {
            expect(issue.message.length).toBeGreaterThan(0);
            // A message about a value that was never parsed (a check run on raw input) would show these.
            expect(issue.message).not.toMatch(/undefined|NaN|\[object /);
          }
          expect({ target, paths: found.map((i) => i.path), near: found.some((i) => related(i.path, target)) }).toMatchObject({ near: true });
        }
      }),
      { numRuns: 1000 },
    );
    expect(rejected).toBeGreaterThan(300);
  });
});
