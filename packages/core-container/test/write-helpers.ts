// Shared by the cgroupfs tests: a kernel context and an assertion that a write fails like the kernel.
import { isStrataError } from '@strata/shared-types';
import { expect } from 'vitest';
import { initialCgroupFileValue, writeCgroupFile, type CgroupErrno, type CgroupFileName, type CgroupFileValues, type CgroupWriteContext } from '../src/index.ts';

/** A 4-CPU, 2-node kernel with one disk (8:16) and one NVMe drive (259:0). */
export const CONTEXT: CgroupWriteContext = { cpus: 4, memoryNodes: 2, blockDevices: ['8:16', '259:0'] };

/** Write `text` to `name` starting from the file's initial value (or `current`). */
export function write<N extends CgroupFileName>(name: N, text: string, current: CgroupFileValues[N] = initialCgroupFileValue(name)): CgroupFileValues[N] {
  return writeCgroupFile(name, text, current, CONTEXT);
}

/** Assert that writing `text` to `name` fails with E_VALIDATION and `errno`, naming the file and quoting the text. */
export function expectRejected<N extends CgroupFileName>(name: N, text: string, errno: CgroupErrno, current?: CgroupFileValues[N]): void {
  let caught: unknown;
  try {
    write(name, text, current);
  } catch (error) {
    caught = error;
  }
  expect(isStrataError(caught), `${name} ← ${JSON.stringify(text)} should be refused`).toBe(true);
  const error = caught as Error & { code: string; details: Record<string, unknown> };
  expect(error.code).toBe('E_VALIDATION');
  expect(error.details.errno).toBe(errno);
  expect(error.details.file).toBe(name);
  expect(error.message.startsWith(`${name}: `)).toBe(true);
  expect(error.message).toContain(`(${errno})`);
  if (text.length <= 80) expect(error.message).toContain(JSON.stringify(text));
}
