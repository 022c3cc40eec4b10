// Every cgroup v2 interface file the model serves, as data: its name, controller, whether it can be
// written, its value in a new cgroup, and how its text is written and read. The kernel model serves
// read(path, file) and write(path, file, text) from this table and keeps only typed values.
import type { Bytes } from '@strata/shared-types';
import {
  formatCgroupEvents,
  formatControllers,
  parseCgroupEventsRead,
  parseControllersRead,
  parseFreezeWrite,
  parseSubtreeControlWrite,
  type CgroupController,
  type CgroupEvents,
} from './core-files.js';
import {
  DEFAULT_CPU_MAX,
  DEFAULT_CPU_SHARES,
  formatCpuMax,
  formatCpuStat,
  formatCpuWeight,
  formatCpuWeightNice,
  parseCpuMaxWrite,
  parseCpuStatRead,
  parseCpuWeightNiceWrite,
  parseCpuWeightWrite,
  type CpuMax,
  type CpuStat,
} from './cpu-files.js';
import { formatBitmapList, parseCpusetCpusWrite, parseCpusetMemsWrite } from './cpuset-files.js';
import {
  DEFAULT_IO_WEIGHT,
  formatIoMax,
  formatIoStat,
  formatIoWeight,
  parseIoMaxWrite,
  parseIoStatRead,
  parseIoWeightWrite,
  type BlockDeviceId,
  type IoMax,
  type IoStat,
  type IoWeight,
} from './io-files.js';
import {
  EMPTY_MEMORY_EVENTS,
  EMPTY_MEMORY_STAT,
  formatCount,
  formatFlag,
  formatMemoryEvents,
  formatMemoryStat,
  parseCountRead,
  parseMemoryEventsRead,
  parseMemoryLimitWrite,
  parseMemoryStatRead,
  parseOomGroupWrite,
  type MemoryEvents,
  type MemoryLimitFile,
  type MemoryStat,
} from './memory-files.js';
import { formatMemoryLimit, PAGE_SIZE, type MemoryLimit } from './memparse.js';
import { EMPTY_PIDS_EVENTS, formatPidsEvents, formatPidsMax, parsePidsEventsRead, parsePidsMaxWrite, type PidsEvents, type PidsLimit } from './pids-files.js';
import { utf8Length } from './utf8-length.js';
import { rejectedWrite } from './write-error.js';

/** The typed value behind each interface file. */
export interface CgroupFileValues {
  'cgroup.controllers': readonly CgroupController[];
  'cgroup.subtree_control': readonly CgroupController[];
  'cgroup.events': CgroupEvents;
  'cgroup.freeze': boolean;
  /** The group's load weight (v1 shares, 1024 = nice 0); cpu.weight.nice is another view of it. */
  'cpu.weight': number;
  /** The same load weight as cpu.weight, read and written as a nice value. */
  'cpu.weight.nice': number;
  'cpu.max': CpuMax;
  'cpu.stat': CpuStat;
  'cpuset.cpus': readonly number[];
  'cpuset.mems': readonly number[];
  'memory.current': Bytes;
  'memory.min': MemoryLimit;
  'memory.low': MemoryLimit;
  'memory.high': MemoryLimit;
  'memory.max': MemoryLimit;
  'memory.peak': Bytes;
  'memory.oom.group': boolean;
  'memory.events': MemoryEvents;
  'memory.stat': MemoryStat;
  'memory.swap.max': MemoryLimit;
  'pids.max': PidsLimit;
  'pids.current': number;
  'pids.peak': number;
  'pids.events': PidsEvents;
  'io.weight': IoWeight;
  'io.max': IoMax;
  'io.stat': IoStat;
}

/** The name of an interface file the model serves, such as "cpu.max". */
export type CgroupFileName = keyof CgroupFileValues;

/** What a write may need to know about the kernel it is made on. */
export interface CgroupWriteContext {
  /** CPUs of the kernel (nr_cpu_ids): cpuset.cpus may name 0..cpus − 1. */
  readonly cpus: number;
  /** Online memory nodes: cpuset.mems may name 0..memoryNodes − 1. */
  readonly memoryNodes: number;
  /** Whole block devices, "MAJ:MIN", that io.weight and io.max may name. */
  readonly blockDevices: readonly BlockDeviceId[];
}

interface CgroupFileCommon<N extends CgroupFileName> {
  readonly name: N;
  /** The controller that adds the file ("cgroup" for the core's own files). */
  readonly controller: CgroupController | 'cgroup';
  /** Whether the root cgroup has the file too (most controller files are `CFTYPE_NOT_ON_ROOT`). */
  readonly onRoot: boolean;
  /** The value in a new cgroup. */
  readonly initial: CgroupFileValues[N];
  /** The text a read returns, exactly as the kernel prints it (trailing newline included). */
  readonly format: (value: CgroupFileValues[N]) => string;
}

/** A file that can be written: `parseWrite` takes the written text and the current value and returns the next value or throws (changing nothing). */
export interface WritableCgroupFile<N extends CgroupFileName> extends CgroupFileCommon<N> {
  readonly writable: true;
  readonly parseWrite: (text: string, current: CgroupFileValues[N], context: CgroupWriteContext) => CgroupFileValues[N];
}

/** A read-only file (EACCES on write): `parseRead` reads text a kernel printed, e.g. a capture from a real machine. */
export interface ReadOnlyCgroupFile<N extends CgroupFileName> extends CgroupFileCommon<N> {
  readonly writable: false;
  readonly parseRead: (text: string) => CgroupFileValues[N];
}

/** One interface file of the registry. */
export type CgroupFile<N extends CgroupFileName> = WritableCgroupFile<N> | ReadOnlyCgroupFile<N>;

type Registry = { readonly [N in CgroupFileName]: CgroupFile<N> };

function memoryLimit<N extends MemoryLimitFile>(name: N, initial: MemoryLimit): WritableCgroupFile<N> {
  return {
    name,
    controller: 'memory',
    onRoot: false,
    writable: true,
    initial,
    format: (value) => formatMemoryLimit(value),
    parseWrite: (text) => parseMemoryLimitWrite(name, text),
  };
}

function counter<N extends 'memory.current' | 'memory.peak' | 'pids.current' | 'pids.peak'>(name: N, controller: 'memory' | 'pids'): ReadOnlyCgroupFile<N> {
  return {
    name,
    controller,
    onRoot: false,
    writable: false,
    initial: 0 as CgroupFileValues[N],
    format: (value) => formatCount(value),
    parseRead: (text) => parseCountRead(name, text) as CgroupFileValues[N],
  };
}

/**
 * The registry: one entry per interface file. memory.peak is served read-only: its write, which resets
 * the peak for the writer's open file only, needs open-file handles the path-level API does not have.
 */
export const CGROUP_FILES = {
  'cgroup.controllers': {
    name: 'cgroup.controllers',
    controller: 'cgroup',
    onRoot: true,
    writable: false,
    initial: [],
    format: formatControllers,
    parseRead: (text) => parseControllersRead('cgroup.controllers', text),
  },
  'cgroup.subtree_control': {
    name: 'cgroup.subtree_control',
    controller: 'cgroup',
    onRoot: true,
    writable: true,
    initial: [],
    format: formatControllers,
    parseWrite: (text, current) => parseSubtreeControlWrite(text, current),
  },
  'cgroup.events': {
    name: 'cgroup.events',
    controller: 'cgroup',
    onRoot: false,
    writable: false,
    initial: { populated: false, frozen: false },
    format: formatCgroupEvents,
    parseRead: parseCgroupEventsRead,
  },
  'cgroup.freeze': {
    name: 'cgroup.freeze',
    controller: 'cgroup',
    onRoot: false,
    writable: true,
    initial: false,
    format: formatFlag,
    parseWrite: (text) => parseFreezeWrite(text),
  },
  'cpu.weight': {
    name: 'cpu.weight',
    controller: 'cpu',
    onRoot: false,
    writable: true,
    initial: DEFAULT_CPU_SHARES,
    format: formatCpuWeight,
    parseWrite: (text) => parseCpuWeightWrite(text),
  },
  'cpu.weight.nice': {
    name: 'cpu.weight.nice',
    controller: 'cpu',
    onRoot: false,
    writable: true,
    initial: DEFAULT_CPU_SHARES,
    format: formatCpuWeightNice,
    parseWrite: (text) => parseCpuWeightNiceWrite(text),
  },
  'cpu.max': {
    name: 'cpu.max',
    controller: 'cpu',
    onRoot: false,
    writable: true,
    initial: DEFAULT_CPU_MAX,
    format: formatCpuMax,
    parseWrite: (text, current) => parseCpuMaxWrite(text, current),
  },
  'cpu.stat': {
    name: 'cpu.stat',
    // A core file (cgroup_base_files): every cgroup has it, usage from rstat; the cpu controller
    // only adds the bandwidth lines.
    controller: 'cgroup',
    onRoot: true,
    writable: false,
    initial: { usage_usec: 0, user_usec: 0, system_usec: 0 },
    format: formatCpuStat,
    parseRead: parseCpuStatRead,
  },
  'cpuset.cpus': {
    name: 'cpuset.cpus',
    controller: 'cpuset',
    onRoot: false,
    writable: true,
    initial: [],
    format: formatBitmapList,
    parseWrite: (text, _current, context) => parseCpusetCpusWrite(text, context.cpus),
  },
  'cpuset.mems': {
    name: 'cpuset.mems',
    controller: 'cpuset',
    onRoot: false,
    writable: true,
    initial: [],
    format: formatBitmapList,
    parseWrite: (text, _current, context) => parseCpusetMemsWrite(text, context.memoryNodes),
  },
  'memory.current': counter('memory.current', 'memory'),
  'memory.min': memoryLimit('memory.min', 0 as Bytes),
  'memory.low': memoryLimit('memory.low', 0 as Bytes),
  'memory.high': memoryLimit('memory.high', 'max'),
  'memory.max': memoryLimit('memory.max', 'max'),
  'memory.peak': counter('memory.peak', 'memory'),
  'memory.oom.group': {
    name: 'memory.oom.group',
    controller: 'memory',
    onRoot: false,
    writable: true,
    initial: false,
    format: formatFlag,
    parseWrite: (text) => parseOomGroupWrite(text),
  },
  'memory.events': {
    name: 'memory.events',
    controller: 'memory',
    onRoot: false,
    writable: false,
    initial: EMPTY_MEMORY_EVENTS,
    format: formatMemoryEvents,
    parseRead: parseMemoryEventsRead,
  },
  'memory.stat': {
    name: 'memory.stat',
    controller: 'memory',
    onRoot: true,
    writable: false,
    initial: EMPTY_MEMORY_STAT,
    format: formatMemoryStat,
    parseRead: parseMemoryStatRead,
  },
  'memory.swap.max': memoryLimit('memory.swap.max', 'max'),
  'pids.max': {
    name: 'pids.max',
    controller: 'pids',
    onRoot: false,
    writable: true,
    initial: 'max',
    format: formatPidsMax,
    parseWrite: (text) => parsePidsMaxWrite(text),
  },
  'pids.current': counter('pids.current', 'pids'),
  'pids.peak': counter('pids.peak', 'pids'),
  'pids.events': {
    name: 'pids.events',
    controller: 'pids',
    onRoot: false,
    writable: false,
    initial: EMPTY_PIDS_EVENTS,
    format: formatPidsEvents,
    parseRead: parsePidsEventsRead,
  },
  'io.weight': {
    name: 'io.weight',
    controller: 'io',
    onRoot: false,
    writable: true,
    initial: DEFAULT_IO_WEIGHT,
    format: formatIoWeight,
    parseWrite: (text, current, context) => parseIoWeightWrite(text, current, context.blockDevices),
  },
  'io.max': {
    name: 'io.max',
    controller: 'io',
    onRoot: false,
    writable: true,
    initial: {},
    format: formatIoMax,
    parseWrite: (text, current, context) => parseIoMaxWrite(text, current, context.blockDevices),
  },
  'io.stat': {
    name: 'io.stat',
    controller: 'io',
    onRoot: true,
    writable: false,
    initial: {},
    format: formatIoStat,
    parseRead: parseIoStatRead,
  },
} as const satisfies Registry;

// The same table seen through its mapped type, so that a generic name N looks up a CgroupFile<N>.
const REGISTRY: Registry = CGROUP_FILES;

/** Every file name of the registry, in registry order. */
export const CGROUP_FILE_NAMES = Object.keys(CGROUP_FILES) as CgroupFileName[];

/** True when `name` is a file the model serves (for names that arrive as text, e.g. from a scenario). */
export function isCgroupFileName(name: string): name is CgroupFileName {
  return Object.hasOwn(CGROUP_FILES, name);
}

/** The files a cgroup shows: the core's, then those of each controller in `controllers` (its parent's subtree_control); the root shows only `onRoot` files. */
export function cgroupFilesFor(controllers: readonly CgroupController[], isRoot: boolean): CgroupFileName[] {
  return CGROUP_FILE_NAMES.filter((name) => {
    const file = REGISTRY[name];
    return (file.controller === 'cgroup' || controllers.includes(file.controller)) && (!isRoot || file.onRoot);
  });
}

/**
 * The registry entry of `name`, typed for a generic name: `CGROUP_FILES[name]` with `name: N` loses
 * the link between N and its value type, this keeps it (`parseWrite` takes `CgroupFileValues[N]`).
 */
export function cgroupFile<N extends CgroupFileName>(name: N): CgroupFile<N> {
  return REGISTRY[name];
}

/** The value of `name` in a new cgroup. */
export function initialCgroupFileValue<N extends CgroupFileName>(name: N): CgroupFileValues[N] {
  return REGISTRY[name].initial;
}

/** The text a read of `name` returns for `value`. */
export function readCgroupFile<N extends CgroupFileName>(name: N, value: CgroupFileValues[N]): string {
  const file = REGISTRY[name];
  return file.format(value);
}

/**
 * Apply a write of `text` to `name` whose value is `current`: the next value, or a ValidationError
 * carrying the kernel's errno (EACCES for a read-only file, E2BIG past one page, the file's own
 * errors otherwise). Pure: on failure nothing has changed.
 */
export function writeCgroupFile<N extends CgroupFileName>(name: N, text: string, current: CgroupFileValues[N], context: CgroupWriteContext): CgroupFileValues[N] {
  const file = REGISTRY[name];
  if (!file.writable) throw rejectedWrite(name, text, 'EACCES', 'read it instead; only the cgroup\'s settings files can be written');
  if (utf8Length(text) > PAGE_SIZE) throw rejectedWrite(name, text, 'E2BIG', `write at most ${PAGE_SIZE} bytes`);
  return file.parseWrite(text, current, context);
}
