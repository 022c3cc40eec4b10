// The pids controller's files (kernel/cgroup/pids.c): pids.max ("max" or a count), and the
// read-only pids.current, pids.peak and pids.events.
import { kstrtoll, strstrip } from './kernel-integers.js';
import { formatKeyedLines, parseKeyedLines, type KeyedLayout } from './keyed-lines.js';
import { rejectedWrite, unreadableText, valueOrReject } from './write-error.js';

/** `PIDS_MAX` = PID_MAX_LIMIT + 1 on 64-bit: the largest accepted pids.max is one less. */
export const PIDS_MAX = 4_194_305;

/** `pids.max`: a task count, or no limit. */
export type PidsLimit = number | 'max';

const PIDS_MAX_ACCEPTS = `write "max" or a number of tasks 0..${PIDS_MAX - 1}`;

/** A write to `pids.max`: stripped, "max", or kstrtoll's integer in 0..PIDS_MAX − 1 (EINVAL outside; kstrtoll's own errors as they come). */
export function parsePidsMaxWrite(text: string): PidsLimit {
  const stripped = strstrip(text);
  if (stripped === 'max') return 'max';
  const limit = valueOrReject(kstrtoll(stripped), 'pids.max', text, PIDS_MAX_ACCEPTS);
  if (limit < 0n || limit >= BigInt(PIDS_MAX)) throw rejectedWrite('pids.max', text, 'EINVAL', PIDS_MAX_ACCEPTS);
  return Number(limit);
}

/** `pids.max` as read: "max\n" or the count and "\n". */
export function formatPidsMax(limit: PidsLimit): string {
  return `${limit}\n`;
}

/** Read captured `pids.max` text. */
export function parsePidsMaxRead(text: string): PidsLimit {
  if (text === 'max\n') return 'max';
  const m = /^(\d+)\n$/.exec(text);
  const value = m ? Number(m[1]) : NaN;
  if (!(value < PIDS_MAX)) throw unreadableText('pids.max', text, `"max\\n" or 0..${PIDS_MAX - 1} and "\\n"`);
  return value;
}

/** `pids.events`: `max` counts forks refused because this cgroup's limit (or, hierarchically, a descendant's) was hit. */
export interface PidsEvents {
  readonly max: number;
}

/** A new cgroup's `pids.events`. */
export const EMPTY_PIDS_EVENTS: PidsEvents = { max: 0 };

/** pids.events' layout: mainline prints the single line "max N" (the proposed `max.imposed` line never merged). */
export const PIDS_EVENTS_LAYOUT: KeyedLayout = { file: 'pids.events', keys: ['max'] };

/** `pids.events` as read: "max 0\n". */
export function formatPidsEvents(events: PidsEvents): string {
  return formatKeyedLines(PIDS_EVENTS_LAYOUT, events);
}

/** Read captured `pids.events` text. */
export function parsePidsEventsRead(text: string): PidsEvents {
  return parseKeyedLines<PidsEvents>(PIDS_EVENTS_LAYOUT, text);
}
