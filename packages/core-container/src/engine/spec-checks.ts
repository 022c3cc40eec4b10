// Checks of a ContainerSpec before anything is made: every number with its field and accepted range,
// and Docker's own refusals (hostconfig validation in moby daemon/daemon_unix.go, runconfig) verbatim.
import { SIGNAL_NUMBERS, ValidationError } from '@strata/shared-types';
import type { ContainerSpec, RestartPolicy } from './types.js';

/** Docker's smallest `--memory` (moby linuxMinMemory), bytes. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
/** Largest `--pids-limit` the kernel takes (PID_MAX_LIMIT). */
export const MAX_PIDS_LIMIT = 4_194_304;
/** Largest `--cpu-shares` runc converts (beyond it the weight is 10000 anyway). */
export const MAX_CPU_SHARES = 262_144;
/** Docker's container name rule (moby daemon/names: RestrictedNameChars). */
export const CONTAINER_NAME_PATTERN = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function fail(path: string, value: unknown, accepted: string, message?: string): never {
  throw new ValidationError(message ?? `${path} must be ${accepted}; got ${JSON.stringify(value)}`, { path, value, accepted });
}

/** An integer in lo..hi at `path`, or throws naming the field and the range. */
export function checkInt(value: unknown, path: string, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < lo || value > hi) fail(path, value, `an integer ${lo}..${hi}`);
  return value;
}

/** Docker's name rule; the message is moby's. */
export function checkContainerName(name: unknown): string {
  if (typeof name !== 'string' || !CONTAINER_NAME_PATTERN.test(name)) {
    fail('name', name, '[a-zA-Z0-9][a-zA-Z0-9_.-]+', `Invalid container name (${String(name)}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.startsWith('/') ? name.slice(1) : name;
}

/** A restart policy's shape and Docker's rules for it. */
export function checkRestartPolicy(p: unknown, path = 'restart'): RestartPolicy {
  const r = p as { name?: unknown; maximumRetryCount?: unknown } | null;
  if (r === null || typeof r !== 'object') fail(path, p, '{ name: "no" | "on-failure" | "always" | "unless-stopped" }');
  if (r.name !== 'no' && r.name !== 'on-failure' && r.name !== 'always' && r.name !== 'unless-stopped') {
    fail(`${path}.name`, r.name, 'no, on-failure, always or unless-stopped', `invalid restart policy: unknown policy '${String(r.name)}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  }
  if (r.name === 'on-failure') {
    const n = r.maximumRetryCount ?? 0;
    if (typeof n === 'number' && n < 0) fail(`${path}.maximumRetryCount`, n, 'an integer >= 0', 'invalid restart policy: maximum retry count cannot be negative');
    return { name: 'on-failure', maximumRetryCount: checkInt(n, `${path}.maximumRetryCount`, 0, Number.MAX_SAFE_INTEGER) };
  }
  if (r.maximumRetryCount !== undefined && r.maximumRetryCount !== 0) {
    fail(`${path}.maximumRetryCount`, r.maximumRetryCount, '0 (or omitted)', `invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  }
  return { name: r.name };
}

/** The limit fields shared by create and update. `cpus` is the kernel's CPU count (the `--cpus` ceiling). */
export function checkLimits(s: Partial<ContainerSpec>, cpus: number, current: Partial<ContainerSpec> = {}): void {
  if (s.memory !== undefined) {
    checkInt(s.memory, 'memory', 0, Number.MAX_SAFE_INTEGER);
    if (s.memory > 0 && s.memory < MIN_MEMORY_BYTES) fail('memory', s.memory, `0 or >= ${MIN_MEMORY_BYTES} bytes`, 'Minimum memory limit allowed is 6MB');
  }
  if (s.memorySwap !== undefined) {
    checkInt(s.memorySwap, 'memorySwap', -1, Number.MAX_SAFE_INTEGER);
    const memory = s.memory ?? current.memory ?? 0;
    if (s.memorySwap > 0 && memory === 0) fail('memorySwap', s.memorySwap, 'set together with memory', 'You should always set the Memory limit when using Memoryswap limit, see usage');
    if (s.memorySwap > 0 && s.memorySwap < memory) fail('memorySwap', s.memorySwap, `-1, 0 or >= memory (${memory})`, 'Minimum memoryswap limit should be larger than memory limit, see usage');
  } else if (s.memory !== undefined && s.memory > 0 && current.memorySwap !== undefined && current.memorySwap > 0 && s.memory > current.memorySwap) {
    fail('memory', s.memory, `<= memorySwap (${current.memorySwap})`, 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
  }
  if (s.memoryReservation !== undefined) {
    checkInt(s.memoryReservation, 'memoryReservation', 0, Number.MAX_SAFE_INTEGER);
    const memory = s.memory ?? current.memory ?? 0;
    if (memory > 0 && s.memoryReservation > memory) fail('memoryReservation', s.memoryReservation, `<= memory (${memory})`, 'Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (s.cpus !== undefined) {
    if (typeof s.cpus !== 'number' || !Number.isSafeInteger(s.cpus) || s.cpus < 0 || s.cpus > cpus * 1000 || (s.cpus > 0 && s.cpus < 10)) {
      fail('cpus', s.cpus, `millicpus 0 or 10..${cpus * 1000}`, `Range of CPUs is from 0.01 to ${cpus}.00, as there are only ${cpus} CPUs available (cpus is in millicpus: 10..${cpus * 1000}; got ${JSON.stringify(s.cpus)})`);
    }
  }
  if (s.cpuShares !== undefined) checkInt(s.cpuShares, 'cpuShares', 0, MAX_CPU_SHARES);
  if (s.cpusetCpus !== undefined && typeof s.cpusetCpus !== 'string') fail('cpusetCpus', s.cpusetCpus, 'a CPU list such as "0-2,4"');
  if (s.pidsLimit !== undefined) checkInt(s.pidsLimit, 'pidsLimit', -1, MAX_PIDS_LIMIT);
}

/** Every field of a spec the engine reads, with Docker's cross-field refusals. */
export function checkContainerSpec(s: ContainerSpec, cpus: number): void {
  if (s === null || typeof s !== 'object') fail('spec', s, 'a ContainerSpec object');
  if (typeof s.image !== 'string' || s.image.length === 0) fail('image', s.image, 'an image reference such as "web" or "web:1.0"');
  if (s.name !== undefined) checkContainerName(s.name);
  checkLimits(s, cpus);
  if (s.oomScoreAdj !== undefined) {
    if (typeof s.oomScoreAdj !== 'number' || !Number.isSafeInteger(s.oomScoreAdj) || s.oomScoreAdj < -1000 || s.oomScoreAdj > 1000) {
      fail('oomScoreAdj', s.oomScoreAdj, 'an integer -1000..1000', `Invalid value ${String(s.oomScoreAdj)}, range for oom score adj is [-1000, 1000]`);
    }
  }
  if (s.stopTimeout !== undefined) checkInt(s.stopTimeout, 'stopTimeout', -1, 2_147_483_647);
  if (s.stopSignal !== undefined && !Object.hasOwn(SIGNAL_NUMBERS, s.stopSignal)) fail('stopSignal', s.stopSignal, Object.keys(SIGNAL_NUMBERS).join(', '));
  if (s.user !== undefined) {
    checkInt(s.user.uid, 'user.uid', 0, 4_294_967_294);
    checkInt(s.user.gid, 'user.gid', 0, 4_294_967_294);
  }
  if (s.hostname !== undefined && (typeof s.hostname !== 'string' || s.hostname.length === 0 || s.hostname.length > 64)) fail('hostname', s.hostname, '1..64 characters');
  const restart = s.restart === undefined ? undefined : checkRestartPolicy(s.restart);
  if (s.autoRemove === true && restart !== undefined && restart.name !== 'no') {
    fail('autoRemove', true, 'false when restart is not "no"', "can't create 'AutoRemove' container with restart policy");
  }
  for (const [i, d] of (s.deviceIo ?? []).entries()) {
    if (d.kind !== 'rbps' && d.kind !== 'wbps' && d.kind !== 'riops' && d.kind !== 'wiops') fail(`deviceIo[${i}].kind`, d.kind, 'rbps, wbps, riops or wiops');
    checkInt(d.value, `deviceIo[${i}].value`, 1, Number.MAX_SAFE_INTEGER);
  }
  for (const [i, m] of (s.mounts ?? []).entries()) {
    if (m.type !== 'bind' && m.type !== 'volume') fail(`mounts[${i}].type`, m.type, 'bind or volume');
    if (typeof m.destination !== 'string' || !m.destination.startsWith('/')) fail(`mounts[${i}].destination`, m.destination, 'an absolute path');
    if (m.type === 'bind' && (typeof m.source !== 'string' || !m.source.startsWith('/'))) fail(`mounts[${i}].source`, m.source, 'an absolute host path for a bind mount');
  }
  if (s.cgroupParent !== undefined && (typeof s.cgroupParent !== 'string' || !/^(\/[^/\s]{1,255})+$/.test(s.cgroupParent) || s.cgroupParent.split('/').some((x) => x === '.' || x === '..'))) {
    fail('cgroupParent', s.cgroupParent, 'an absolute cgroup path such as /kubepods/besteffort/pod1 (no empty, . or .. segments, no trailing slash)');
  }
  const mode = (field: 'pidMode' | 'networkMode' | 'ipcMode' | 'utsMode', allowed: readonly string[]): void => {
    const v = s[field];
    if (v === undefined) return;
    if (typeof v !== 'string' || !(allowed.includes(v) || (v.startsWith('container:') && v.length > 'container:'.length))) fail(field, v, `${allowed.join(', ')} or container:NAME`);
  };
  mode('pidMode', ['host', 'private']);
  mode('networkMode', ['bridge', 'host', 'none', 'default']);
  mode('ipcMode', ['host', 'private', 'shareable', 'none']);
  mode('utsMode', ['host', 'private']);
  if (s.networkMode?.startsWith('container:') === true && (s.ports ?? []).length > 0) {
    fail('ports', s.ports, 'no ports with networkMode container:NAME', 'conflicting options: port publishing and the container type network mode');
  }
  if ((s.networkMode === 'host' || s.networkMode === 'none') && (s.networks ?? []).length > 0 && s.networks!.some((n) => n.name !== s.networkMode)) {
    fail('networks', s.networks, `none with networkMode ${s.networkMode}`, `conflicting options: cannot attach both user-defined and non-user-defined network-modes`);
  }
}
