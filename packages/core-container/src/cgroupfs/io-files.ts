// The io controller's files: io.weight (iocost: a default weight and per-device overrides) and io.max
// (blk-throttle: rbps/wbps/riops/wiops per device). Both address a device as "MAJ:MIN".
import { isKernelSpace, scanUnsigned, scanWord, skipSpaces, U32_MAX, U64_MAX } from './kernel-integers.js';
import { fail, ok, rejectedWrite, unreadableText, type KernelResult } from './write-error.js';

/** A whole block device as the kernel names it in io files: "MAJ:MIN", e.g. "8:16". */
export type BlockDeviceId = `${number}:${number}`;

/** `io.weight`: the cgroup's default weight and per-device overrides (1..10000 each). */
export interface IoWeight {
  readonly default: number;
  readonly devices: Readonly<Record<BlockDeviceId, number>>;
}

/** A new cgroup's `io.weight`: "default 100". */
export const DEFAULT_IO_WEIGHT: IoWeight = { default: 100, devices: {} };

/** One device's `io.max` limits: bytes/s and IO/s, "max" = no limit. */
export interface IoLimits {
  readonly rbps: number | 'max';
  readonly wbps: number | 'max';
  readonly riops: number | 'max';
  readonly wiops: number | 'max';
}

/** `io.max`: the limits of each device that has one (a device with every field "max" is not listed, as the kernel does not print it). */
export type IoMax = Readonly<Record<BlockDeviceId, IoLimits>>;

const UNLIMITED: IoLimits = { rbps: 'max', wbps: 'max', riops: 'max', wiops: 'max' };

function compareDevices(a: string, b: string): number {
  const [am = 0, an = 0] = a.split(':').map(Number);
  const [bm = 0, bn = 0] = b.split(':').map(Number);
  return am - bm || an - bn;
}

/** Device keys in the order the model prints them (major, then minor; the kernel walks its blkg list). */
function sortedDevices<T>(record: Readonly<Record<BlockDeviceId, T>>): BlockDeviceId[] {
  return (Object.keys(record) as BlockDeviceId[]).sort(compareDevices);
}

/**
 * `blkg_conf_open_bdev()`: sscanf "%u:%u", then whitespace must follow (a trailing newline counts),
 * and the device must be one of `devices` (whole disks; partitions and unknown numbers are ENODEV).
 * Returns the device and where its settings start.
 */
function openDevice(text: string, devices: readonly BlockDeviceId[]): KernelResult<{ device: BlockDeviceId; body: number }> {
  const major = scanUnsigned(text, 0, 32);
  if (major === undefined || text[major.end] !== ':') return fail('EINVAL');
  const minor = scanUnsigned(text, major.end + 1, 32);
  if (minor === undefined || !isKernelSpace(text[minor.end])) return fail('EINVAL');
  const device = `${major.value}:${minor.value}` as BlockDeviceId;
  if (!devices.includes(device)) return fail('ENODEV');
  return ok({ device, body: skipSpaces(text, minor.end) });
}

const WEIGHT_ACCEPTS = 'write "default W", "W", "MAJ:MIN W" or "MAJ:MIN default" with a weight W of 1..10000';

// sscanf(buf, "default %u"): the literal must match from the first character; the space skips any whitespace.
function scanDefaultWeight(text: string): bigint | undefined {
  if (!text.startsWith('default')) return undefined;
  return scanUnsigned(text, skipSpaces(text, 'default'.length), 32)?.value;
}

/**
 * A write to `io.weight` (`ioc_weight_write()`): without a ':' it sets the default ("default 100" or
 * "100"); with one, "MAJ:MIN W" sets a device's weight and "MAJ:MIN default" removes it. Weights
 * outside 1..10000 are EINVAL; numbers are read as sscanf %u reads them (leading digits).
 */
export function parseIoWeightWrite(text: string, current: IoWeight, devices: readonly BlockDeviceId[]): IoWeight {
  const reject = (errno: 'EINVAL' | 'ENODEV') => rejectedWrite('io.weight', text, errno, WEIGHT_ACCEPTS);
  const inRange = (w: bigint | undefined): w is bigint => w !== undefined && w >= 1n && w <= 10_000n;
  if (!text.includes(':')) {
    const weight = scanDefaultWeight(text) ?? scanUnsigned(text, 0, 32)?.value;
    if (!inRange(weight)) throw reject('EINVAL');
    return { default: Number(weight), devices: current.devices };
  }
  const opened = openDevice(text, devices);
  if (!opened.ok) throw reject(opened.errno === 'ENODEV' ? 'ENODEV' : 'EINVAL');
  const { device, body } = opened.value;
  const rest = { ...current.devices };
  if (text.startsWith('default', body)) {
    delete rest[device];
    return { default: current.default, devices: rest };
  }
  const weight = scanUnsigned(text, body, 32)?.value;
  if (!inRange(weight)) throw reject('EINVAL');
  return { default: current.default, devices: { ...rest, [device]: Number(weight) } };
}

/** `io.weight` as read: "default 100\n", then "MAJ:MIN W\n" per override. */
export function formatIoWeight(value: IoWeight): string {
  return `default ${value.default}\n${sortedDevices(value.devices).map((d) => `${d} ${value.devices[d]}\n`).join('')}`;
}

/** Read captured `io.weight` text. */
export function parseIoWeightRead(text: string): IoWeight {
  const expected = '"default W\\n" then "MAJ:MIN W\\n" lines, W in 1..10000';
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : [];
  const [first = '', ...rest] = lines;
  const head = /^default (\d+)$/.exec(first);
  const devices: Record<BlockDeviceId, number> = {};
  const valid = (w: number) => Number.isInteger(w) && w >= 1 && w <= 10_000;
  if (!head || !valid(Number(head[1]))) throw unreadableText('io.weight', text, expected);
  for (const line of rest) {
    const m = /^(\d+:\d+) (\d+)$/.exec(line);
    if (!m || !valid(Number(m[2]))) throw unreadableText('io.weight', text, expected);
    devices[m[1] as BlockDeviceId] = Number(m[2]);
  }
  return { default: Number(head[1]), devices };
}

const IO_MAX_ACCEPTS = 'write "MAJ:MIN" and any of rbps=, wbps=, riops=, wiops= set to a positive integer or "max", such as "8:16 wbps=1048576"';
const IO_MAX_KEYS = ['rbps', 'wbps', 'riops', 'wiops'] as const;
type IoMaxKey = (typeof IO_MAX_KEYS)[number];

// Strata keeps rates as doubles: byte rates past 2^53 − 1 would not read back exactly, so they are refused.
const STRATA_RATE_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

function toLimit(key: IoMaxKey, value: bigint): number | 'max' | undefined {
  if (key === 'riops' || key === 'wiops') {
    const clamped = value < U32_MAX ? value : U32_MAX; // min_t(u64, val, UINT_MAX): UINT_MAX means no limit
    return clamped === U32_MAX ? 'max' : Number(clamped);
  }
  if (value === U64_MAX) return 'max';
  return value <= STRATA_RATE_LIMIT ? Number(value) : undefined;
}

/**
 * A write to `io.max` (`tg_set_limit()`): "MAJ:MIN" then key=value tokens (sscanf "%26s"); only the
 * named keys change, "max" removes a limit, 0 is ERANGE, an unknown key or a value that is neither
 * "max" nor digits EINVAL; iops above 2^32 − 2 mean "max". Any bad token rejects the whole write.
 * A byte rate above 2^53 − 1 (which Linux would keep) is refused: Strata cannot hold it exactly.
 */
export function parseIoMaxWrite(text: string, current: IoMax, devices: readonly BlockDeviceId[]): IoMax {
  const reject = (errno: 'EINVAL' | 'ERANGE' | 'ENODEV') => rejectedWrite('io.max', text, errno, IO_MAX_ACCEPTS);
  const opened = openDevice(text, devices);
  if (!opened.ok) throw reject(opened.errno === 'ENODEV' ? 'ENODEV' : 'EINVAL');
  const { device } = opened.value;
  const next: Record<IoMaxKey, number | 'max'> = { ...(current[device] ?? UNLIMITED) };
  let at = opened.value.body;
  for (;;) {
    const token = scanWord(text, at, 26);
    if (token === undefined || token.value === '') break;
    at = token.end;
    const eq = token.value.indexOf('=');
    if (eq === -1) throw reject('EINVAL');
    const key = token.value.slice(0, eq);
    const raw = token.value.slice(eq + 1);
    const scanned = scanUnsigned(raw, 0, 64);
    if (scanned === undefined && raw !== 'max') throw reject('EINVAL');
    const value = scanned?.value ?? U64_MAX;
    if (value === 0n) throw reject('ERANGE');
    if (!(IO_MAX_KEYS as readonly string[]).includes(key)) throw reject('EINVAL');
    const limit = toLimit(key as IoMaxKey, value);
    if (limit === undefined) {
      throw rejectedWrite('io.max', text, 'ERANGE', `Strata keeps byte rates up to ${Number.MAX_SAFE_INTEGER} (2^53 - 1); ${IO_MAX_ACCEPTS}`);
    }
    next[key as IoMaxKey] = limit;
  }
  const rest: Record<BlockDeviceId, IoLimits> = { ...current };
  delete rest[device];
  return IO_MAX_KEYS.every((k) => next[k] === 'max') ? rest : { ...rest, [device]: next };
}

/** `io.max` as read: one "MAJ:MIN rbps=… wbps=… riops=… wiops=…\n" line per limited device; nothing when none is. */
export function formatIoMax(value: IoMax): string {
  return sortedDevices(value)
    .map((d) => `${d}${IO_MAX_KEYS.map((k) => ` ${k}=${value[d]![k]}`).join('')}\n`)
    .join('');
}

/** Read captured `io.max` text. */
export function parseIoMaxRead(text: string): IoMax {
  const expected = 'lines "MAJ:MIN rbps=V wbps=V riops=V wiops=V", V a positive integer or max';
  if (text !== '' && !text.endsWith('\n')) throw unreadableText('io.max', text, expected);
  const result: Record<BlockDeviceId, IoLimits> = {};
  const field = (v: string | undefined) => (v === 'max' ? 'max' : Number(v));
  for (const line of text === '' ? [] : text.slice(0, -1).split('\n')) {
    const m = /^(\d+:\d+) rbps=(max|[1-9]\d*) wbps=(max|[1-9]\d*) riops=(max|[1-9]\d*) wiops=(max|[1-9]\d*)$/.exec(line);
    if (!m) throw unreadableText('io.max', text, expected);
    result[m[1] as BlockDeviceId] = { rbps: field(m[2]), wbps: field(m[3]), riops: field(m[4]), wiops: field(m[5]) };
  }
  return result;
}

/** One device's `io.stat` counters: bytes and requests read, written and discarded. */
export interface IoStatCounters {
  readonly rbytes: number;
  readonly wbytes: number;
  readonly rios: number;
  readonly wios: number;
  readonly dbytes: number;
  readonly dios: number;
}

/** `io.stat`: the counters of each device the cgroup's subtree has done I/O on (others are not listed). */
export type IoStat = Readonly<Record<BlockDeviceId, IoStatCounters>>;

const IO_STAT_KEYS = ['rbytes', 'wbytes', 'rios', 'wios', 'dbytes', 'dios'] as const;

/** `io.stat` as read: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N\n" per device; nothing when none did I/O. */
export function formatIoStat(value: IoStat): string {
  return sortedDevices(value)
    .map((d) => `${d}${IO_STAT_KEYS.map((k) => ` ${k}=${value[d]![k]}`).join('')}\n`)
    .join('');
}

/**
 * Read captured `io.stat` text: the six blk-cgroup counters per device line. Lines with more fields
 * (iocost's `cost.*`, iolatency's `depth`, `avg_lat` ...) are refused: the model prints none of them.
 */
export function parseIoStatRead(text: string): IoStat {
  const expected = 'lines "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N"';
  if (text !== '' && !text.endsWith('\n')) throw unreadableText('io.stat', text, expected);
  const result: Record<BlockDeviceId, IoStatCounters> = {};
  for (const line of text === '' ? [] : text.slice(0, -1).split('\n')) {
    const m = /^(\d+:\d+) rbytes=(\d+) wbytes=(\d+) rios=(\d+) wios=(\d+) dbytes=(\d+) dios=(\d+)$/.exec(line);
    const n = m?.slice(2).map(Number);
    if (!m || n === undefined || !n.every((x) => Number.isSafeInteger(x))) throw unreadableText('io.stat', text, expected);
    result[m[1] as BlockDeviceId] = { rbytes: n[0]!, wbytes: n[1]!, rios: n[2]!, wios: n[3]!, dbytes: n[4]!, dios: n[5]! };
  }
  return result;
}
