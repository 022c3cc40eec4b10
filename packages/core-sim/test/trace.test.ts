// Trace records, sinks, filters, canonical JSON and the stable trace hash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arrayTraceSink,
  canonicalJson,
  countingTraceSink,
  createSimulation,
  filterTraceSink,
  formatTraceRecord,
  hashingTraceSink,
  traceHash,
} from '@strata/core-sim';
import type { Micros } from '@strata/shared-types';
import type { TraceRecord } from '@strata/core-sim';
import { fnv1a64Of } from '../src/fnv1a.js';

/** FNV-1a 64 the slow, obvious way (BigInt over TextEncoder bytes), to cross-check the fast one. */
function fnvBigInt(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

const rec = (time: number, seq: number, category: string, data: Record<string, unknown> = {}): TraceRecord => ({
  time: time as Micros,
  seq,
  category,
  data,
});

describe('FNV-1a 64', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64Of('')).toBe('cbf29ce484222325');
    expect(fnv1a64Of('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Of('foobar')).toBe('85944171f73967e8');
  });

  it('agrees with a BigInt implementation over UTF-8, including astral and lone surrogates', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      // TextEncoder also encodes lone surrogates as U+FFFD.
      expect(fnv1a64Of(s)).toBe(fnvBigInt(s));
    }), { numRuns: 500 });
    expect(fnv1a64Of('héllo 🌍 \ud800x')).toBe(fnvBigInt('héllo 🌍 \ud800x'));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and otherwise equals JSON.stringify', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ u: undefined, f: () => 1, n: null, x: [undefined] })).toBe('{"n":null,"x":[null]}');
    expect(canonicalJson(10n)).toBe('"10"');
    expect(canonicalJson(NaN)).toBe('null');
  });

  it('round-trips to an equal value and does not depend on key insertion order', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const text = canonicalJson(v);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
      const reversed = JSON.parse(JSON.stringify(v), (_k, val: unknown) =>
        val !== null && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).reverse()) : val,
      ) as unknown;
      expect(canonicalJson(reversed)).toBe(text);
    }));
  });
});

describe('trace records and sinks', () => {
  it('formats a record as one canonical JSON line', () => {
    expect(formatTraceRecord(rec(5, 0, 'cpu.switch', { to: 'b', from: 'a' }))).toBe(
      '{"category":"cpu.switch","data":{"from":"a","to":"b"},"seq":0,"time":5}',
    );
  });

  it('traceHash is the hash of the NDJSON text, and the hashing sink agrees', () => {
    const records = [rec(0, 0, 'a', { x: 1 }), rec(3, 1, 'b.c', { y: [1, 2] })];
    const ndjson = records.map((r) => formatTraceRecord(r) + '\n').join('');
    expect(traceHash(records)).toBe(fnvBigInt(ndjson));
    const sink = hashingTraceSink();
    for (const r of records) sink.record(r);
    expect(sink.hash()).toBe(traceHash(records));
    expect(sink.count()).toBe(2);
    expect(traceHash([])).toBe('cbf29ce484222325');
  });

  it('traceHash changes when any field of any record changes', () => {
    const base = [rec(0, 0, 'a', { x: 1 }), rec(3, 1, 'b', {})];
    const h = traceHash(base);
    expect(traceHash([rec(1, 0, 'a', { x: 1 }), base[1]!])).not.toBe(h);
    expect(traceHash([rec(0, 0, 'a', { x: 2 }), base[1]!])).not.toBe(h);
    expect(traceHash([rec(0, 0, 'A', { x: 1 }), base[1]!])).not.toBe(h);
    expect(traceHash([base[1]!, base[0]!])).not.toBe(h);
  });

  it('the simulation numbers records in emission order, counting filtered ones', () => {
    const all = arrayTraceSink();
    const cpuOnly = arrayTraceSink();
    for (const [sink, filter] of [[all, undefined], [cpuOnly, ['cpu.']]] as const) {
      const sim = createSimulation({ seed: 1, trace: filter === undefined ? sink : filterTraceSink(sink, filter) });
      sim.at(2, (h) => {
        h.trace('cpu.switch', { to: 1 });
        h.trace('net.drop');
        h.trace('cpu.idle');
      });
      sim.run();
    }
    expect(all.records.map((r) => [r.seq, r.category, r.time])).toEqual([
      [0, 'cpu.switch', 2],
      [1, 'net.drop', 2],
      [2, 'cpu.idle', 2],
    ]);
    expect(cpuOnly.records).toEqual([all.records[0], all.records[2]]);
    expect(all.records[1]!.data).toEqual({});
  });

  it('filters by exact category, prefix (x. or x*) or predicate', () => {
    const sink = arrayTraceSink();
    const f = filterTraceSink(sink, ['vm.started', 'cgroup.*', 'net.']);
    for (const c of ['vm.started', 'vm.stopped', 'cgroup.throttled', 'net.flow.dropped', 'network', 'cgroup']) f.record(rec(0, 0, c));
    expect(sink.records.map((r) => r.category)).toEqual(['vm.started', 'cgroup.throttled', 'net.flow.dropped']);
    expect(f.accepts?.('vm.stopped')).toBe(false);

    const counting = countingTraceSink();
    const pred = filterTraceSink(counting, (c) => c === 'keep');
    const sim = createSimulation({ seed: 1, trace: pred });
    sim.at(1, (h) => {
      h.trace('keep', { n: 1 });
      h.trace('drop', { n: 2 });
    });
    sim.run();
    expect(counting.total()).toBe(1);
    expect([...counting.byCategory()]).toEqual([['keep', 1]]);
    expect(() => filterTraceSink(sink, [''])).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
  });

  it('nested filters require both to accept', () => {
    const sink = arrayTraceSink();
    const f = filterTraceSink(filterTraceSink(sink, ['a.']), ['a.b', 'c']);
    expect(f.accepts?.('a.b')).toBe(true);
    expect(f.accepts?.('c')).toBe(false);
    expect(f.accepts?.('a.c')).toBe(false);
  });

  it('a labelled event writes an "event" record with its label when it fires', () => {
    const sink = arrayTraceSink();
    const sim = createSimulation({ seed: 1, trace: sink });
    sim.at(7, () => {}, { label: 'boot' });
    sim.at(3, () => {});
    sim.run();
    expect(sink.records).toEqual([{ time: 7, seq: 0, category: 'event', data: { label: 'boot' } }]);
  });

  it('rejects an empty category and a sink without record()', () => {
    const sim = createSimulation({ seed: 1, trace: arrayTraceSink() });
    expect(() => sim.trace('')).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    expect(() => createSimulation({ seed: 1, trace: {} as never })).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }));
    // Without a sink, tracing is a no-op.
    expect(() => createSimulation({ seed: 1 }).trace('x')).not.toThrow();
  });
});

describe('canonicalJson with integer-like keys', () => {
  it('sorts them as strings, although objects enumerate them numerically', () => {
    expect(canonicalJson({ 10: 'a', 9: 'b', x: 1 })).toBe('{"10":"a","9":"b","x":1}');
    expect(canonicalJson({ b: { 2: true, 10: null }, a: 1 })).toBe('{"a":1,"b":{"10":null,"2":true}}');
  });
});
