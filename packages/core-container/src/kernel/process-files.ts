// The cgroup core files about processes rather than settings: cgroup.procs (read: the PIDs in the
// cgroup; write a PID: move that process here) and cgroup.kill (write 1: SIGKILL the whole subtree).
// They act on the kernel's process table, so they are served here, not by the cgroupfs registry.
import { ValidationError } from '@strata/shared-types';
import { rejectedWrite } from '../cgroupfs/write-error.js';
import type { CgroupNode } from './cgroup-tree.js';
import type { Proc } from './process.js';

/** The files this module serves. */
export const PROCESS_FILES = ['cgroup.procs', 'cgroup.kill'] as const;

/** What the files need of the kernel. */
export interface ProcessFileHost {
  liveProcesses(): Iterable<Proc>;
  moveProcess(pid: number, cgroup: string): void;
  killSubtree(node: CgroupNode): void;
}

export function isProcessFile(file: string): file is (typeof PROCESS_FILES)[number] {
  return (PROCESS_FILES as readonly string[]).includes(file);
}

/** `cat cgroup.procs`: the live processes directly in the cgroup, one PID per line, ascending. */
export function readProcessFile(host: ProcessFileHost, node: CgroupNode, file: (typeof PROCESS_FILES)[number]): string {
  if (file === 'cgroup.kill') throw rejectedWrite('cgroup.kill', '', 'EINVAL', 'cgroup.kill is write-only: write 1 to kill every process of the cgroup and its descendants');
  const pids: number[] = [];
  for (const p of host.liveProcesses()) if (p.cgroup === node && !p.zombie) pids.push(p.pid);
  pids.sort((a, b) => a - b);
  return pids.map((pid) => `${pid}\n`).join('');
}

/** `echo PID > cgroup.procs` moves a process here; `echo 1 > cgroup.kill` SIGKILLs the subtree. */
export function writeProcessFile(host: ProcessFileHost, node: CgroupNode, file: (typeof PROCESS_FILES)[number], text: string): void {
  if (typeof text !== 'string') throw new ValidationError(`${file}: a write must be text, got ${typeof text}`, { path: file, value: text, accepted: 'a string' });
  const value = text.trim();
  if (file === 'cgroup.kill') {
    if (node.parent === null) throw rejectedWrite('cgroup.kill', text, 'EINVAL', 'the root cgroup cannot be killed; write 1 to a child cgroup');
    if (value !== '1') throw rejectedWrite('cgroup.kill', text, 'ERANGE', 'write 1 to kill every process of the cgroup and its descendants');
    host.killSubtree(node);
    return;
  }
  if (!/^\d{1,10}$/.test(value)) throw rejectedWrite('cgroup.procs', text, 'EINVAL', 'write one PID (as the host sees it) to move that process here');
  host.moveProcess(Number(value), node.path);
}
