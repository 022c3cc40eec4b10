// uid_map and gid_map of a user namespace: the kernel's parser (kernel/user_namespace.c map_write),
// its printer (uid_m_show, "%10u %10u %10u\n") and translation through the extents. Extents keep
// their outside ids as kernel (initial-namespace) ids, as the kernel stores them after a write.
import { ValidationError } from '@strata/shared-types';
import { isKernelSpace, skipSpaces } from '../cgroupfs/kernel-integers.js';
import { utf8Length } from '../cgroupfs/utf8-length.js';
import { quoteWritten } from '../cgroupfs/write-error.js';

/** The most lines a map may have (`UID_GID_MAP_MAX_EXTENTS`, Linux ≥ 4.15; 5 before). */
export const UID_GID_MAP_MAX_EXTENTS = 340;

/** Maps of at most this many lines print in written order; longer ones print sorted (`UID_GID_MAP_MAX_BASE_EXTENTS`). */
export const UID_GID_MAP_MAX_BASE_EXTENTS = 5;

/** What an id without a mapping reads as (`overflowuid`/`overflowgid`, /proc/sys/kernel/overflowuid). */
export const OVERFLOW_ID = 65534;

/** `(u32)-1`: never a valid id; a map line may not start at it. */
export const INVALID_ID = 0xffffffff;

/** Which map: user ids or group ids. */
export type IdMapFile = 'uid_map' | 'gid_map';

/** One line of a map: ids `first..first+count-1` inside are `lowerFirst..` outside. */
export interface IdExtent {
  readonly first: number;
  readonly lowerFirst: number;
  readonly count: number;
}

/** The initial user namespace's map: every valid id is itself (`0 0 4294967295`). */
export const IDENTITY_ID_MAP: readonly IdExtent[] = [{ first: 0, lowerFirst: 0, count: INVALID_ID }];

// A map write is one page at most: `count >= PAGE_SIZE` is EINVAL.
const MAX_WRITE_BYTES = 4095;
const ACCEPTED = 'write lines "inside outside count" of decimal ids (count >= 1, no range past 4294967294, no two lines overlapping inside or outside), at most 340 lines, fewer than 4096 bytes';

function refuse(file: IdMapFile, text: string, problem: string, errno: 'EINVAL' | 'EPERM', extra: Record<string, unknown> = {}): ValidationError {
  return new ValidationError(`${file}: ${quoteWritten(text)} ${problem} (${errno}): ${ACCEPTED}`, {
    path: file,
    file,
    value: text,
    errno,
    accepted: ACCEPTED,
    ...extra,
  });
}

interface Cursor {
  pos: number;
}

// skip_spaces then simple_strtoul(.., 10): the digits at the cursor (none reads as 0).
function readNumber(line: string, at: Cursor): number {
  at.pos = skipSpaces(line, at.pos);
  const start = at.pos;
  while (at.pos < line.length && line[at.pos]! >= '0' && line[at.pos]! <= '9') at.pos += 1;
  return start === at.pos ? 0 : Number(line.slice(start, at.pos));
}

function overlaps(aFirst: number, aCount: number, bFirst: number, bCount: number): boolean {
  return aFirst <= bFirst + bCount - 1 && aFirst + aCount - 1 >= bFirst;
}

/**
 * Parses a write to `uid_map`/`gid_map` as map_write does: whitespace-separated decimal fields, one
 * line per extent, an optional final newline, no overlap among inside ranges nor among outside
 * ranges, at most 340 lines. The outside ids are still the parent namespace's. Throws a
 * ValidationError (errno EINVAL) naming the line and the rule. Ids above 4294967295 are refused
 * (the kernel would truncate them to 32 bits).
 */
export function parseIdMap(file: IdMapFile, text: string): IdExtent[] {
  if (utf8Length(text) > MAX_WRITE_BYTES) throw refuse(file, text, 'is too long: a map is written in one write of fewer than 4096 bytes', 'EINVAL');
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  const extents: IdExtent[] = [];
  for (const [index, line] of lines.entries()) {
    const lineNo = index + 1;
    const bad = (problem: string): ValidationError => refuse(file, text, `line ${lineNo} ${JSON.stringify(line)} ${problem}`, 'EINVAL', { line: lineNo });
    if (extents.length === UID_GID_MAP_MAX_EXTENTS) throw refuse(file, text, `has more than ${UID_GID_MAP_MAX_EXTENTS} lines`, 'EINVAL');
    const at: Cursor = { pos: 0 };
    const first = readNumber(line, at);
    if (!isKernelSpace(line[at.pos])) throw bad('is not three numbers: "inside outside count"');
    const lowerFirst = readNumber(line, at);
    if (!isKernelSpace(line[at.pos])) throw bad('is not three numbers: "inside outside count"');
    const count = readNumber(line, at);
    if (at.pos < line.length && !isKernelSpace(line[at.pos])) throw bad('is not three numbers: "inside outside count"');
    at.pos = skipSpaces(line, at.pos);
    if (at.pos < line.length) throw bad('has text after the count');
    if (first > INVALID_ID || lowerFirst > INVALID_ID || count > INVALID_ID) throw bad('has an id above 4294967295');
    if (first === INVALID_ID || lowerFirst === INVALID_ID) throw bad('starts a range at 4294967295, which is no id');
    if (count === 0) throw bad('maps no ids: the count must be at least 1');
    if (first + count > INVALID_ID || lowerFirst + count > INVALID_ID) throw bad('runs past id 4294967294');
    const clash = extents.findIndex((e) => overlaps(e.first, e.count, first, count) || overlaps(e.lowerFirst, e.count, lowerFirst, count));
    if (clash >= 0) {
      const side = overlaps(extents[clash]!.first, extents[clash]!.count, first, count) ? 'inside' : 'outside';
      throw bad(`overlaps line ${clash + 1} in the ${side} range`);
    }
    extents.push({ first, lowerFirst, count });
  }
  return extents;
}

/** The id `id` of a namespace with `map` as a kernel id (map_id_down), or undefined when unmapped. */
export function mapIdDown(map: readonly IdExtent[], id: number): number | undefined {
  for (const e of map) if (id >= e.first && id - e.first < e.count) return e.lowerFirst + (id - e.first);
  return undefined;
}

/** The kernel id `kernelId` as a namespace with `map` sees it (map_id_up), or undefined when unmapped. */
export function mapIdUp(map: readonly IdExtent[], kernelId: number): number | undefined {
  for (const e of map) if (kernelId >= e.lowerFirst && kernelId - e.lowerFirst < e.count) return e.first + (kernelId - e.lowerFirst);
  return undefined;
}

/** The kernel id of a whole range, when one extent of `map` holds all of it (map_id_range_down). */
export function mapIdRangeDown(map: readonly IdExtent[], id: number, count: number): number | undefined {
  for (const e of map) if (id >= e.first && id - e.first + count <= e.count) return e.lowerFirst + (id - e.first);
  return undefined;
}

/**
 * The text a read prints: one `%10u %10u %10u` line per extent, outside ids as `lowerView` sees the
 * kernel ids (4294967295 when it cannot). Up to 5 lines print as written; longer maps print sorted
 * by inside id, as the kernel keeps them.
 */
export function formatIdMap(map: readonly IdExtent[], lowerView: (kernelId: number) => number | undefined): string {
  const lines = map.length > UID_GID_MAP_MAX_BASE_EXTENTS ? [...map].sort((a, b) => a.first - b.first) : map;
  const pad = (n: number): string => String(n).padStart(10, ' ');
  return lines.map((e) => `${pad(e.first)} ${pad(lowerView(e.lowerFirst) ?? INVALID_ID)} ${pad(e.count)}\n`).join('');
}
