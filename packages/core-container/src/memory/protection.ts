// memory.min and memory.low as reclaim sees them: effective protection relative to the reclaim's
// target, computed top-down as mm/page_counter.c page_counter_calculate_protection() and
// effective_protection() do, so that siblings over-claiming their parent's protection share it in
// proportion to their protected usage.
import type { MemcgNode, MemoryState } from './memcg-state.js';

/** A cgroup's effective protection in pages (emin, elow). */
export interface EffectiveProtection {
  readonly emin: number;
  readonly elow: number;
}

const UNPROTECTED: EffectiveProtection = { emin: 0, elow: 0 };

/** floor(a × b / c) without losing integers past 2^53. */
export function mulDiv(a: number, b: number, c: number): number {
  const product = a * b;
  if (Number.isSafeInteger(product)) return Math.floor(product / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

function effectiveProtection(
  usage: number,
  parentUsage: number,
  setting: number,
  parentEffective: number,
  siblingsProtected: number,
  recursive: boolean,
): number {
  const claimed = Math.min(usage, setting);
  // Siblings claim more than the parent is afforded: share the parent's protection by protected usage.
  if (siblingsProtected > parentEffective) return mulDiv(claimed, parentEffective, siblingsProtected);
  if (!recursive) return claimed;
  // memory_recursiveprot: protection the children leave unclaimed goes to their unprotected usage.
  if (parentEffective > siblingsProtected && parentUsage > siblingsProtected && usage > claimed) {
    if (parentEffective === Infinity) return Infinity;
    return claimed + mulDiv(parentEffective - siblingsProtected, usage - claimed, parentUsage - siblingsProtected);
  }
  return claimed;
}

/** Σ over a parent's children of min(usage, setting): children_min_usage / children_low_usage. */
function childrenProtectedUsage(parent: MemcgNode, which: 'min' | 'low'): number {
  let sum = 0;
  for (const child of parent.children) sum += Math.min(child.usage, child.limits[which]);
  return sum;
}

/**
 * Effective protections of the target's strict descendants, computed as a reclaim walk visits them
 * (parents first). The target itself is never protected against its own reclaim; its children get
 * their own settings; deeper cgroups get a share of their parent's effective protection.
 */
export class ProtectionWalk {
  private readonly computed = new Map<MemcgNode, EffectiveProtection>();

  constructor(
    private readonly state: MemoryState,
    private readonly target: MemcgNode,
  ) {}

  /** The protection of `node`, a member of the target's subtree, whose parent was asked first. */
  of(node: MemcgNode): EffectiveProtection {
    const parent = node.parent;
    if (node === this.target || parent === null) return UNPROTECTED;
    let result: EffectiveProtection;
    if (parent === this.target) {
      result = { emin: node.limits.min, elow: node.limits.low };
    } else {
      const p = this.computed.get(parent) ?? this.of(parent);
      const recursive = this.state.recursiveProtection;
      result = {
        emin: effectiveProtection(node.usage, parent.usage, node.limits.min, p.emin, childrenProtectedUsage(parent, 'min'), recursive),
        elow: effectiveProtection(node.usage, parent.usage, node.limits.low, p.elow, childrenProtectedUsage(parent, 'low'), recursive),
      };
    }
    this.computed.set(node, result);
    return result;
  }
}
