// The engine's read-only views of a container: `docker inspect` and a `docker ps` row, as Docker
// builds them from its state (moby's container inspect and the CLI's ps formatter).
import type { Micros } from '@strata/shared-types';
import { containerStatus, stopSignalOf, type Rec } from './container-record.js';
import { statusText } from './human-duration.js';
import { DEFAULT_STOP_TIMEOUT_S, type ContainerInspect, type ContainerSummary } from './types.js';

/** The parent cgroup of every container's, as Docker's cgroupfs driver names it. */
export const DOCKER_CGROUP_PARENT = '/docker';

/** `docker inspect` of `rec`. */
export function inspectContainer(rec: Rec): ContainerInspect {
  const s = rec.spec;
  const l = rec.limits;
  const cmd = s.command ?? rec.image.cmd;
  return {
    Id: rec.id,
    Name: `/${rec.name}`,
    Created: rec.created,
    Image: rec.image.id,
    State: {
      Status: containerStatus(rec),
      Running: rec.running,
      Paused: rec.paused,
      Restarting: rec.restarting,
      OOMKilled: rec.oomKilled,
      Dead: rec.dead,
      Pid: rec.pid,
      ExitCode: rec.exitCode,
      Error: rec.error,
      StartedAt: rec.startedAt,
      FinishedAt: rec.finishedAt,
    },
    RestartCount: rec.rm.restartCount,
    Config: {
      Hostname: s.hostname ?? rec.id.slice(0, 12),
      User: s.user === undefined ? '' : `${s.user.uid}:${s.user.gid}`,
      Env: Object.entries({ ...rec.image.env, ...(s.env ?? {}) }).map(([k, v]) => `${k}=${v}`),
      Cmd: typeof cmd === 'string' ? (Object.hasOwn(rec.image.programs, cmd) ? rec.image.programs[cmd]! : []) : cmd,
      Labels: { ...rec.labels },
      StopSignal: stopSignalOf(rec),
      StopTimeout: s.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S,
    },
    HostConfig: {
      Memory: l.memory ?? 0,
      MemorySwap: l.memorySwap ?? (l.memory !== undefined && l.memory > 0 ? 2 * l.memory : 0),
      MemoryReservation: l.memoryReservation ?? 0,
      NanoCpus: (l.cpus ?? 0) * 1_000_000,
      CpuShares: l.cpuShares ?? 0,
      CpusetCpus: l.cpusetCpus ?? '',
      PidsLimit: l.pidsLimit === undefined || l.pidsLimit <= 0 ? null : l.pidsLimit,
      OomScoreAdj: s.oomScoreAdj ?? 0,
      RestartPolicy: { Name: rec.policy.name, MaximumRetryCount: rec.policy.name === 'on-failure' ? rec.policy.maximumRetryCount : 0 },
      AutoRemove: s.autoRemove === true,
      PortBindings: rec.ports,
    },
    Mounts: s.mounts ?? [],
    NetworkSettings: { Networks: { ...rec.networks } },
    CgroupPath: `${s.cgroupParent ?? DOCKER_CGROUP_PARENT}/${rec.id}`,
  };
}

/** One `docker ps -a` row of `rec` at `now` (STATUS as the CLI words it). */
export function psRow(r: Rec, now: Micros): ContainerSummary {
  return {
    id: r.id,
    name: r.name,
    image: r.imageRef,
    command: typeof (r.spec.command ?? null) === 'string' ? (r.spec.command as string) : r.spec.command === undefined ? `${r.image.name}` : 'program',
    created: r.created,
    status: containerStatus(r),
    statusText: statusText({ running: r.running, paused: r.paused, restarting: r.restarting, removalInProgress: false, dead: r.dead, exitCode: r.exitCode, startedAt: r.startedAt, finishedAt: r.finishedAt }, now),
    ports: r.ports.map((p) => `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', '),
  };
}
