// Validation of kernel options and spawn specs: every number has a range, every error names the
// field and what is accepted, and nothing is created before all checks pass.
import { ValidationError, type Program, type Step } from '@strata/shared-types';
import { RUNNABLE_STEPS } from './program-steps.js';
import { checkSpeed } from './cpu-speed.js';
import { normalizePath } from '../namespaces/mount-table.js';
import { checkUtsName } from '../namespaces/uts-names.js';
import { checkDevices } from './block-io.js';
import { MAX_KERNEL_PROCESSES_LIMIT, type KernelOptions, type SpawnSpec } from './types.js';

function int(value: unknown, path: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${path} must be an integer in ${min}..${max}, got ${String(value)}`, { path, value, accepted: `integer ${min}..${max}` });
  }
}

export function checkKernelOptions(o: KernelOptions): void {
  if (o === null || typeof o !== 'object') throw new ValidationError('kernel options must be an object { cpus, memory, ... }', { path: '', value: o, accepted: '{ cpus, memory, swap?, fidelity?, tick?, start?, programs?, maxProcesses?, maxSteps?, devices? }' });
  int(o.cpus, 'cpus', 1, 1024);
  int(o.memory, 'memory', 4096, Number.MAX_SAFE_INTEGER);
  if (o.cpuSpeed !== undefined) checkSpeed(o.cpuSpeed, 'cpuSpeed');
  if (o.cpuCapacity !== undefined) {
    if (!Array.isArray(o.cpuCapacity) || o.cpuCapacity.length !== o.cpus) {
      throw new ValidationError(`cpuCapacity must be an array of ${o.cpus} numbers (one per CPU), got ${Array.isArray(o.cpuCapacity) ? `${o.cpuCapacity.length} entries` : String(o.cpuCapacity)}`, { path: 'cpuCapacity', value: o.cpuCapacity, accepted: `an array of ${o.cpus} numbers 0..1` });
    }
    o.cpuCapacity.forEach((c: unknown, i) => checkCapacity(c, `cpuCapacity[${i}]`));
  }
  if (o.onCpuDemandChange !== undefined && typeof o.onCpuDemandChange !== 'function') {
    throw new ValidationError(`onCpuDemandChange must be a function, got ${typeof o.onCpuDemandChange}`, { path: 'onCpuDemandChange', value: o.onCpuDemandChange, accepted: 'a function () => void' });
  }
  if (o.swap !== undefined) int(o.swap, 'swap', 0, Number.MAX_SAFE_INTEGER);
  if (o.fidelity !== undefined && o.fidelity !== 'exact' && o.fidelity !== 'fluid') {
    throw new ValidationError(`fidelity must be "exact" or "fluid", got ${String(o.fidelity)}`, { path: 'fidelity', value: o.fidelity, accepted: '"exact" | "fluid"' });
  }
  if (o.tick !== undefined) int(o.tick, 'tick', 100, 100_000);
  if (o.start !== undefined) int(o.start, 'start', 0, Number.MAX_SAFE_INTEGER);
  if (o.maxProcesses !== undefined) int(o.maxProcesses, 'maxProcesses', 1, MAX_KERNEL_PROCESSES_LIMIT);
  if (o.maxSteps !== undefined) int(o.maxSteps, 'maxSteps', 1, 1e12);
  if (o.seed !== undefined && typeof o.seed !== 'string') int(o.seed, 'seed', 0, Number.MAX_SAFE_INTEGER);
  if (typeof o.seed === 'string' && o.seed.length > 256) throw new ValidationError(`seed must be at most 256 characters, got ${o.seed.length}`, { path: 'seed', value: o.seed, accepted: 'an integer >= 0 or a string of at most 256 characters' });
  checkDevices(o.devices);
  for (const [name, program] of Object.entries(o.programs ?? {})) checkProgram(program, `programs.${name}`);
}

/** A CPU's capacity: a number 0..1 (the fraction of a full CPU it delivers). */
export function checkCapacity(capacity: unknown, path: string): void {
  if (typeof capacity !== 'number' || !(capacity >= 0 && capacity <= 1)) {
    throw new ValidationError(`${path} must be a number in 0..1 (the fraction of a full CPU it delivers), got ${String(capacity)}`, { path, value: capacity, accepted: '0..1' });
  }
}

/** A CPU index of a kernel of `cpus` CPUs (`what`: the call, for the message). */
export function checkCpuIndex(cpu: unknown, cpus: number, what: string): void {
  if (typeof cpu !== 'number' || !Number.isSafeInteger(cpu) || cpu < 0 || cpu >= cpus) {
    throw new ValidationError(`${what}: cpu must be an integer in 0..${cpus - 1} (this kernel has ${cpus} CPU${cpus === 1 ? '' : 's'}), got ${String(cpu)}`, { path: 'cpu', value: cpu, accepted: `integer 0..${cpus - 1}` });
  }
}

export function checkSpawnSpec(spec: SpawnSpec, programs: ReadonlyMap<string, Program>): void {
  if (spec === null || typeof spec !== 'object') throw new ValidationError('a spawn spec must be an object { name, program, cgroup?, nice?, oomScoreAdj? }', { path: '', value: spec, accepted: '{ name, program, cgroup?, nice?, oomScoreAdj? }' });
  if (typeof spec.name !== 'string' || spec.name.length < 1 || spec.name.length > 64) {
    throw new ValidationError(`name must be 1..64 characters, got ${JSON.stringify(spec.name)}`, { path: 'name', value: spec.name, accepted: 'a string of 1..64 characters' });
  }
  if (spec.nice !== undefined) int(spec.nice, 'nice', -20, 19);
  if (spec.oomScoreAdj !== undefined) int(spec.oomScoreAdj, 'oomScoreAdj', -1000, 1000);
  const own = (type: 'uts' | 'mnt'): boolean => spec.namespaces?.[type] === 'private';
  if (spec.hostname !== undefined) {
    if (!own('uts')) throw new ValidationError('hostname needs its own uts namespace: add namespaces.uts "private" (setting it in the host\'s would rename the host)', { path: 'hostname', value: spec.hostname, accepted: 'with namespaces.uts: "private"' });
    if (typeof spec.hostname !== 'string') throw new ValidationError(`hostname must be a string, got ${typeof spec.hostname}`, { path: 'hostname', value: spec.hostname, accepted: 'a string of at most 64 bytes' });
    checkUtsName('hostname', spec.hostname);
  }
  if ((spec.rootfs !== undefined || (spec.mounts?.length ?? 0) > 0) && !own('mnt')) {
    throw new ValidationError('rootfs and mounts need their own mount namespace: add namespaces.mnt "private"', { path: spec.rootfs !== undefined ? 'rootfs' : 'mounts', accepted: 'with namespaces.mnt: "private"' });
  }
  for (const [i, m] of [...(spec.rootfs === undefined ? [] : [spec.rootfs]), ...(spec.mounts ?? [])].entries()) {
    const path = spec.rootfs !== undefined && i === 0 ? 'rootfs' : `mounts[${spec.rootfs === undefined ? i : i - 1}]`;
    if (m === null || typeof m !== 'object' || typeof m.mountPoint !== 'string') throw new ValidationError(`${path} must be { mountPoint, source, readOnly? }`, { path, value: m, accepted: '{ mountPoint: "/abs/path", source: { kind: "overlay" | "volume" | "bind" | "tmpfs" | "device", ... }, readOnly? }' });
    normalizePath(m.mountPoint, `${path}.mountPoint`);
  }
  if (spec.user !== undefined) {
    if (spec.user === null || typeof spec.user !== 'object') throw new ValidationError('user must be { uid, gid }', { path: 'user', value: spec.user, accepted: '{ uid: 0..4294967294, gid: 0..4294967294 }' });
    int(spec.user.uid, 'user.uid', 0, 4_294_967_294);
    int(spec.user.gid, 'user.gid', 0, 4_294_967_294);
  }
  if (spec.idMaps !== undefined) {
    if (spec.namespaces?.user !== 'private') throw new ValidationError('idMaps need their own user namespace: add namespaces.user "private"', { path: 'idMaps', accepted: 'with namespaces.user: "private"' });
    if (spec.idMaps === null || typeof spec.idMaps !== 'object' || typeof spec.idMaps.uid !== 'string' || typeof spec.idMaps.gid !== 'string') {
      throw new ValidationError('idMaps must be { uid: "inside outside count ...", gid: "..." }', { path: 'idMaps', value: spec.idMaps, accepted: 'uid_map and gid_map texts' });
    }
  }
  if (spec.network !== undefined) {
    if (spec.namespaces?.net !== 'private') throw new ValidationError('network needs its own net namespace: add namespaces.net "private"', { path: 'network', value: spec.network, accepted: 'with namespaces.net: "private"' });
    if (typeof spec.network !== 'string' || spec.network.length < 1 || spec.network.length > 128) throw new ValidationError(`network must name a core-network namespace (1..128 characters), got ${JSON.stringify(spec.network)}`, { path: 'network', value: spec.network, accepted: 'a namespace name of the kernel\'s network model' });
  }
  if (typeof spec.program === 'string') {
    if (!programs.has(spec.program)) throw new ValidationError(`no program is named '${spec.program}'`, { path: 'program', value: spec.program, accepted: [...programs.keys()].join(', ') || 'none defined (pass programs to createKernel)' });
  } else checkProgram(spec.program, 'program');
}

/**
 * A program must be parsed (parseProgram's steps) and use only steps this kernel runs; nested
 * programs (loop bodies, fork/exec programs, signal and error handlers) are checked too.
 */
export function checkProgram(program: unknown, path: string, depth = 0): void {
  if (!Array.isArray(program)) throw new ValidationError(`${path} must be a list of steps (a parsed program), got ${typeof program}`, { path, value: program, accepted: 'the result of parseProgram' });
  if (depth > 64) throw new ValidationError(`${path} nests programs more than 64 deep`, { path, accepted: 'at most 64 levels' });
  for (const [i, raw] of program.entries()) {
    const at = `${path}[${i}]`;
    if (raw === null || typeof raw !== 'object' || typeof (raw as { op?: unknown }).op !== 'string') {
      throw new ValidationError(`${at} is not a parsed step (no op); parse programs with parseProgram`, { path: at, value: raw, accepted: 'a step of parseProgram' });
    }
    const step = raw as Step;
    if (!RUNNABLE_STEPS.has(step.op)) {
      throw new ValidationError(`${at}: this kernel model does not run '${step.op}' steps yet; it runs ${[...RUNNABLE_STEPS].join(', ')}`, { path: at, value: step.op, accepted: [...RUNNABLE_STEPS].join(', ') });
    }
    for (const [key, nested] of nestedPrograms(step)) checkProgram(nested, `${at}.${key}`, depth + 1);
  }
}

function nestedPrograms(step: Step): [string, Program][] {
  const out: [string, Program][] = [];
  if (step.op === 'loop') out.push(['loop', step.body]);
  if ((step.op === 'fork' || step.op === 'exec') && step.program.kind === 'inline') out.push([step.op, step.program.steps]);
  if (step.op === 'signal') for (const [sig, d] of Object.entries(step.handlers)) if (Array.isArray(d)) out.push([`signal.${sig}`, d as Program]);
  const onError = (step as { onError?: Record<string, Program | undefined> }).onError;
  if (onError !== undefined) for (const [errno, h] of Object.entries(onError)) if (h !== undefined) out.push([`on-error.${errno}`, h]);
  return out;
}


/** `advanceTo(time)` of a passive model at `now`: a whole µs, not in the past (the kernel, the engine and the pod manager share it). */
export function checkAdvanceTime(time: unknown, now: number): asserts time is number {
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < now) {
    throw new ValidationError(`advanceTo: time must be an integer µs >= now (${now}), got ${String(time)}`, { path: 'time', value: time, accepted: `integer ${now}..${Number.MAX_SAFE_INTEGER}` });
  }
}
