// A cgroup resolved once for samplers (`Kernel.cgroupHandle`): its getters read the live counters
// (`cpu.stat` usage_usec, `memory.current`) with no path lookup, no text and no allocation per read.
import type { MemoryCgroupRef, MemoryModel } from '../memory/types.js';
import { cpuUsage, type CgroupFileHost } from './cgroup-files.js';
import type { CgroupNode } from './cgroup-tree.js';
import type { CgroupHandle } from './types.js';

/** The kernel's `CgroupHandle`: reads 0 once its cgroup is removed. */
export class CgroupUsageHandle implements CgroupHandle {
  constructor(
    private readonly host: CgroupFileHost,
    private readonly node: CgroupNode,
    private readonly mem: MemoryModel,
    private readonly memRef: MemoryCgroupRef,
  ) {}

  get path(): string {
    return this.node.path;
  }

  get exists(): boolean {
    return !this.node.removed;
  }

  get cpuUsec(): number {
    return this.node.removed ? 0 : cpuUsage(this.host, this.node);
  }

  get memoryBytes(): number {
    return this.node.removed ? 0 : this.mem.currentBytes(this.memRef);
  }
}
