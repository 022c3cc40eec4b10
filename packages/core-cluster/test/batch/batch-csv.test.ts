// parseBatchCsv: header forms, field forms, and every refusal naming file:line, the column, the
// value and what is accepted.
import { ValidationError } from '@strata/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBatchCsv } from '../../src/batch/index.ts';

const cols = (text: string) => {
  const j = parseBatchCsv(text, 'jobs.csv');
  return { count: j.count, id: Array.from(j.id), lengthMi: Array.from(j.lengthMi), pes: Array.from(j.pes), vm: Array.from(j.vm), submitUs: Array.from(j.submitUs) };
};

function refusal(text: string): ValidationError {
  try {
    parseBatchCsv(text, 'jobs.csv');
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('accepted');
}

describe('parseBatchCsv', () => {
  it('reads the canonical header, CloudSim aliases, any column order, spaces, CRLF and blank lines', () => {
    const expected = { count: 2, id: [0, 1], lengthMi: [23770, 41459.5], pes: [1, 2], vm: [0, 3], submitUs: [0, 1_500_000] };
    expect(cols('id,length_mi,pes,vm,submit_time\n0,23770,1,0,0\n1,41459.5,2,3,1.5\n')).toEqual(expected);
    expect(cols('cloudlet_id,length_mi,pes,vm_id,submit_time\r\n0,23770,1,0,0\r\n1,41459.5,2,3,1.5')).toEqual(expected);
    expect(cols('\n  VM , submit_time,ID,pes,length_mi\n\n0, 0 ,0,1,23770\n   \n3,1.5,1,2,41459.5\n\n')).toEqual(expected);
  });

  it('rounds submit_time to the µs (half up at the 7th decimal) and keeps row order', () => {
    expect(cols('id,length_mi,pes,vm,submit_time\n5,1,1,0,0.0000004\n2,1,1,0,0.0000005\n9,1,1,0,12.3456789\n3,1,1,0,.5\n').submitUs).toEqual([0, 1, 12_345_679, 500_000]);
    expect(cols('id,length_mi,pes,vm,submit_time\n5,1,1,0,0\n2,1,1,0,0\n').id).toEqual([5, 2]);
  });

  it('a header-only file has no jobs', () => {
    expect(cols('id,length_mi,pes,vm,submit_time\n').count).toBe(0);
  });

  it('refuses a bad header, naming the accepted one', () => {
    expect(refusal('').message).toMatch(/^jobs\.csv:1: the file is empty; expected a header id,length_mi,pes,vm,submit_time/);
    expect(refusal('id,length,pes,vm,submit_time\n').message).toMatch(/^jobs\.csv:1: unknown column "length"; the header is id,length_mi,pes,vm,submit_time/);
    expect(refusal('id,length_mi,pes,vm\n').message).toMatch(/^jobs\.csv:1: missing column submit_time/);
    expect(refusal('id,cloudlet_id,length_mi,pes,vm,submit_time\n').message).toMatch(/^jobs\.csv:1: column id appears twice/);
  });

  it('refuses bad rows with file:line, column, value and what is accepted', () => {
    const h = 'id,length_mi,pes,vm,submit_time\n';
    const cases: [string, RegExp][] = [
      ['0,100,1,0,0\nx,100,1,0,0\n', /^jobs\.csv:3 column id: expected a non-negative integer, got "x"$/],
      ['0,-5,1,0,0\n', /^jobs\.csv:2 column length_mi: expected a positive number of MI \(per PE\), got "-5"$/],
      ['0,0,1,0,0\n', /^jobs\.csv:2 column length_mi: expected a positive number of MI \(per PE\), got "0"$/],
      ['0,1e3,1,0,0\n', /column length_mi: .*got "1e3"/],
      ['0,100,0,0,0\n', /^jobs\.csv:2 column pes: expected a positive integer, got "0"$/],
      ['0,100,1.5,0,0\n', /column pes: expected a positive integer, got "1.5"/],
      ['0,100,1,-1,0\n', /^jobs\.csv:2 column vm: expected a non-negative integer VM index, got "-1"$/],
      ['0,100,1,0,-1\n', /^jobs\.csv:2 column submit_time: expected a non-negative decimal number of seconds, like 0 or 12.5, got "-1"$/],
      ['0,100,1,0,\n', /column submit_time: .*got ""/],
      ['0,100,1,0\n', /^jobs\.csv:2: expected 5 comma-separated fields \(id,length_mi,pes,vm,submit_time\), got 4$/],
      ['0,100,1,0,0,7\n', /^jobs\.csv:2: expected 5 comma-separated fields .*got more$/],
      ['\n\n0,100,1,0,0\n0,200,1,0,0\n', /^jobs\.csv: id 0 appears twice \(data rows 1 and 2\); ids must be unique$/],
    ];
    for (const [rows, message] of cases) expect(refusal(h + rows).message).toMatch(message);
    expect(refusal(`${h}0,100,1,0,0\n1,100,x,0,0\n`).details).toMatchObject({ path: 'jobs.csv', line: 3, column: 'pes', value: 'x' });
  });

  it('round-trips random rows written in any column order', () => {
    const row = fc.record({ length: fc.integer({ min: 1, max: 10 ** 9 }), pes: fc.integer({ min: 1, max: 64 }), vm: fc.integer({ min: 0, max: 10 ** 6 }), submitUs: fc.integer({ min: 0, max: 10 ** 12 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 50 }), fc.shuffledSubarray(['id', 'length_mi', 'pes', 'vm', 'submit_time'], { minLength: 5 }), (rows, order) => {
        const field = (r: (typeof rows)[number], i: number, c: string) => (c === 'id' ? String(i) : c === 'length_mi' ? String(r.length) : c === 'pes' ? String(r.pes) : c === 'vm' ? String(r.vm) : (r.submitUs / 1e6).toFixed(6));
        const text = [order.join(','), ...rows.map((r, i) => order.map((c) => field(r, i, c)).join(','))].join('\n');
        const j = parseBatchCsv(text, 'r.csv');
        expect(j.count).toBe(rows.length);
        rows.forEach((r, i) => {
          expect([j.id[i], j.lengthMi[i], j.pes[i], j.vm[i], j.submitUs[i]]).toEqual([i, r.length, r.pes, r.vm, r.submitUs]);
        });
      }),
    );
  });

  it('the one-pass path for plain rows and the general path (spaces, long decimals) read the same values', () => {
    const row = fc.record({ id: fc.nat({ max: 10 ** 12 }), length: fc.oneof(fc.integer({ min: 1, max: 10 ** 9 }).map(String), fc.tuple(fc.nat({ max: 10 ** 6 }), fc.integer({ min: 1, max: 999_999 })).map(([a, b]) => `${a}.${String(b).padStart(6, '0')}`)), pes: fc.integer({ min: 1, max: 999 }), vm: fc.nat({ max: 10 ** 6 }), submit: fc.tuple(fc.nat({ max: 10 ** 6 }), fc.nat({ max: 999_999 })).map(([a, b]) => `${a}.${String(b).padStart(6, '0')}`) });
    fc.assert(
      fc.property(fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 40 }), fc.boolean(), (rows, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const plain = ['id,length_mi,pes,vm,submit_time', ...rows.map((r) => `${r.id},${r.length},${r.pes},${r.vm},${r.submit}`)].join(eol);
        const spaced = ['id,length_mi,pes,vm,submit_time', ...rows.map((r) => ` ${r.id} ,${r.length}\t, ${r.pes},${r.vm} , ${r.submit}0 `)].join(eol);
        const a = parseBatchCsv(plain, 'a.csv');
        const b = parseBatchCsv(spaced, 'b.csv');
        expect([a.id, a.lengthMi, a.pes, a.vm, a.submitUs]).toEqual([b.id, b.lengthMi, b.pes, b.vm, b.submitUs]);
        rows.forEach((r, i) => expect(a.lengthMi[i]).toBe(Number(r.length)));
      }),
    );
    expect(refusal('id,length_mi,pes,vm,submit_time\n0,0.0,1,0,0\n').message).toMatch(/column length_mi: .*got "0\.0"/);
    expect(refusal('id,length_mi,pes,vm,submit_time\n0,5,1,0,1.2.3\n').message).toMatch(/column submit_time: .*got "1\.2\.3"/);
  });
});
