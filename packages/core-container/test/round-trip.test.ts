// Round trips over random valid values for every file: writing back what a read printed restores
// the value (a save and restore of a cgroup's settings), and captured reads parse back exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CGROUP_FILES, CGROUP_FILE_NAMES, initialCgroupFileValue, readCgroupFile, writeCgroupFile, type CgroupFileName, type CgroupFileValues } from '../src/index.ts';
import { FILE_VALUES } from './cgroupfs-arbitraries.ts';
import { CONTEXT } from './write-helpers.ts';

/**
 * The writes that restore a printed value: each printed line is a valid write for these files, one
 * device or setting per line (io.weight, io.max); subtree_control needs a "+" before each name.
 */
function restoringWrites(name: CgroupFileName, printed: string): string[] {
  if (name === 'cgroup.subtree_control') return printed === '' ? [] : [printed.trim().split(' ').map((c) => `+${c}`).join(' ')];
  if (printed === '') return [];
  return printed.slice(0, -1).split('\n').map((line) => `${line}\n`);
}

function restore<N extends CgroupFileName>(name: N, value: CgroupFileValues[N]): CgroupFileValues[N] {
  let restored = initialCgroupFileValue(name);
  for (const text of restoringWrites(name, readCgroupFile(name, value))) restored = writeCgroupFile(name, text, restored, CONTEXT);
  return restored;
}

const writable = CGROUP_FILE_NAMES.filter((n) => CGROUP_FILES[n].writable);
const readOnly = CGROUP_FILE_NAMES.filter((n) => !CGROUP_FILES[n].writable);

describe('writable files: write(read(v)) = v', () => {
  it.each(writable)('%s', (name) => {
    fc.assert(
      fc.property(FILE_VALUES[name] as fc.Arbitrary<CgroupFileValues[typeof name]>, (value) => {
        const restored = restore(name, value);
        expect(restored).toEqual(value);
        expect(readCgroupFile(name, restored)).toBe(readCgroupFile(name, value));
      }),
    );
  });
});

describe('read-only files: parseRead(format(v)) = v', () => {
  it.each(readOnly)('%s', (name) => {
    const file = CGROUP_FILES[name];
    if (file.writable) throw new Error(`${name} is writable`);
    fc.assert(
      fc.property(FILE_VALUES[name] as fc.Arbitrary<CgroupFileValues[typeof name]>, (value) => {
        expect(file.parseRead(file.format(value as never))).toEqual(value);
      }),
    );
  });
});

describe('every print ends where the kernel ends it', () => {
  it.each(CGROUP_FILE_NAMES)('%s is empty or ends in one newline per line', (name) => {
    fc.assert(
      fc.property(FILE_VALUES[name] as fc.Arbitrary<CgroupFileValues[typeof name]>, (value) => {
        const text = readCgroupFile(name, value);
        expect(text === '' || text.endsWith('\n')).toBe(true);
        expect(text).not.toMatch(/ \n|\n\n(?!$)| {2}/);
      }),
    );
  });
});

describe('memory sizes', () => {
  it('a size with any suffix reads back as the whole pages it holds', () => {
    const shifts = { '': 0n, K: 10n, k: 10n, M: 20n, m: 20n, G: 30n, g: 30n, T: 40n, t: 40n } as const;
    fc.assert(
      fc.property(fc.nat({ max: 1 << 20 }), fc.constantFrom(...(Object.keys(shifts) as (keyof typeof shifts)[])), (n, suffix) => {
        const expected = ((BigInt(n) << shifts[suffix]) / 4096n) * 4096n;
        expect(readCgroupFile('memory.max', writeCgroupFile('memory.max', `${n}${suffix}`, 'max', CONTEXT))).toBe(`${expected}\n`);
      }),
    );
  });
});

describe('cpu.max', () => {
  it('a lone $MAX keeps whatever period was set', () => {
    fc.assert(
      fc.property(FILE_VALUES['cpu.max'], fc.integer({ min: 1000, max: 1_000_000 }), (current, quota) => {
        expect(writeCgroupFile('cpu.max', String(quota), current, CONTEXT)).toEqual({ quota, period: current.period });
      }),
    );
  });
});
