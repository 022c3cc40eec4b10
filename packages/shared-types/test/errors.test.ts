import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ERROR_CODES,
  InsufficientResourcesError,
  InternalError,
  InvalidTransitionError,
  isStrataError,
  shownValue,
  LimitExceededError,
  NotFoundError,
  ScheduleInPastError,
  StrataError,
  ValidationError,
  type ErrorCode,
} from '@strata/shared-types';

/** One instance of every subclass, as a user would meet it. */
const samples: StrataError[] = [
  new ValidationError('invalid duration "5x": unknown unit', { reason: 'unknown-suffix' }),
  new NotFoundError('host', 'h1'),
  new ConflictError('a host named "h1" already exists'),
  new InvalidTransitionError('running', 'start'),
  new InsufficientResourcesError('no host has 64Gi free'),
  new ScheduleInPastError(5, 10),
  new LimitExceededError('pids.max (64) reached'),
  new InternalError('run queue lost a task'),
];

/** The rows of the table in ERRORS.md: code → HTTP status and class name. */
function documentedCodes(): Map<string, { status: number; className: string }> {
  const text = readFileSync(new URL('../ERRORS.md', import.meta.url), 'utf8');
  const rows = new Map<string, { status: number; className: string }>();
  for (const line of text.split('\n')) {
    const match = /^\|\s*`(E_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*`(\w+)`\s*\|/.exec(line);
    if (match) rows.set(match[1]!, { status: Number(match[2]), className: match[3]! });
  }
  return rows;
}

describe('error registry', () => {
  it('ERRORS.md documents every code with its status and class, and no unknown code', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const sample of samples) {
      expect(documented.get(sample.code)).toEqual({ status: ERROR_CODES[sample.code].httpStatus, className: sample.name });
    }
  });

  it('has exactly one subclass per code', () => {
    const codes = samples.map((sample) => sample.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('maps codes to 4xx statuses, except internal failures to 5xx', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES) as [ErrorCode, (typeof ERROR_CODES)[ErrorCode]][]) {
      const expected = code === 'E_INTERNAL' ? [500, 599] : [400, 499];
      expect(entry.httpStatus).toBeGreaterThanOrEqual(expected[0]!);
      expect(entry.httpStatus).toBeLessThanOrEqual(expected[1]!);
      expect(entry.description.length).toBeGreaterThan(20);
    }
  });
});

describe('StrataError', () => {
  it('carries code, name, status, details and a JSON form', () => {
    for (const sample of samples) {
      expect(sample).toBeInstanceOf(Error);
      expect(sample).toBeInstanceOf(StrataError);
      expect(sample.name).toBe(sample.constructor.name);
      expect(sample.httpStatus).toBe(ERROR_CODES[sample.code].httpStatus);
      expect(JSON.parse(JSON.stringify(sample))).toEqual({ code: sample.code, message: sample.message, details: sample.details });
    }
  });

  it('says what to change and keeps machine details', () => {
    const transition = new InvalidTransitionError('stopped', 'pause');
    expect(transition.message).toBe('cannot pause while stopped');
    expect(transition.details).toEqual({ from: 'stopped', command: 'pause' });
    expect(new ScheduleInPastError(5, 10).message).toContain('schedule at or after now');
    expect(new NotFoundError('vm', 'web-1').details).toEqual({ kind: 'vm', id: 'web-1' });
  });

  it('keeps the cause when wrapping, and has none otherwise', () => {
    const root = new Error('disk full');
    expect(new ValidationError('bad', {}, { cause: root }).cause).toBe(root);
    expect(new InternalError('lost', {}, { cause: root }).cause).toBe(root);
    expect(new ConflictError('taken', {}, { cause: root }).cause).toBe(root);
    expect('cause' in new ValidationError('bad')).toBe(false);
  });

  it('is recognised across copies by shape, and only with a known code', () => {
    for (const sample of samples) expect(isStrataError(sample)).toBe(true);
    const foreign = Object.assign(new Error('from another copy'), { code: 'E_NOT_FOUND' });
    expect(isStrataError(foreign)).toBe(true);
    expect(isStrataError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(isStrataError({ code: 'E_NOT_FOUND', message: 'plain object' })).toBe(false);
    expect(isStrataError(undefined)).toBe(false);
  });
});

describe('shownValue: a rejected value in a message', () => {
  it.each([
    ['2', '"2"'],
    [2, '2'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'true'],
    [[], '[]'],
    [[1, NaN], '[1,"NaN"]'],
    [{ a: 1 }, '{"a":1}'],
    [10n, '10'],
    [() => 1, '(function)'],
    [new Map(), '(object)'],
  ] as [unknown, string][])('%s → %s', (value, text) => {
    expect(shownValue(value)).toBe(text);
  });

  it('cuts long values at 60 characters, and does not throw on cycles', () => {
    const long = shownValue('x'.repeat(1000));
    expect(long).toHaveLength(60);
    expect(long.endsWith('…')).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(shownValue(cyclic)).toBe('(object)');
  });
});
