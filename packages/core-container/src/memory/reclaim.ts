// Reclaim in a cgroup's subtree (or the whole machine): page cache first, then anonymous memory to
// swap where memory.swap.max and free swap allow. memory.min is never breached; memory.low only in a
// second pass when the first found nothing unprotected (do_try_to_free_pages' memcg_low_reclaim
// retry), which counts a `low` event per protected cgroup it visits (shrink_node_memcgs).
import { countMemoryEvent, preorder, swapOutAnon, swapRoom, unchargeFile, type MemcgNode, type MemoryState } from './memcg-state.js';
import { mulDiv, ProtectionWalk } from './protection.js';

/** Pages reclaim has freed so far in one command, by how. */
export interface ReclaimCounter {
  filePages: number;
  swappedPages: number;
}

/** A fresh counter. */
export function newReclaimCounter(): ReclaimCounter {
  return { filePages: 0, swappedPages: 0 };
}

type LruKind = 'file' | 'anon';

interface PassResult {
  readonly reclaimed: number;
  readonly lowSkipped: boolean;
}

/**
 * What of a cgroup's own LRU pages one pass may take: apply_proportional_protection()'s
 * own − own × protection / (max(usage, protection) + 1), and for anon the swap room. (Linux also
 * scans at least SWAP_CLUSTER_MAX pages of a protected cgroup; the model does not erode protection.)
 */
function takeable(state: MemoryState, node: MemcgNode, kind: LruKind, protection: number): number {
  const own = kind === 'file' ? node.ownFile : node.ownAnon;
  if (own === 0 || protection === Infinity) return 0;
  const shielded = protection === 0 ? 0 : mulDiv(own, protection, Math.max(node.usage, protection) + 1);
  const allowed = own - shielded;
  return kind === 'file' ? allowed : Math.min(allowed, swapRoom(state, node));
}

function reclaimPass(state: MemoryState, target: MemcgNode, wanted: number, lowReclaim: boolean, counter: ReclaimCounter): PassResult {
  let reclaimed = 0;
  let lowSkipped = false;
  const lowCounted = new Set<MemcgNode>();
  for (const kind of ['file', 'anon'] as const) {
    const protections = new ProtectionWalk(state, target);
    for (const node of preorder(target)) {
      if (reclaimed >= wanted) return { reclaimed, lowSkipped };
      const { emin, elow } = protections.of(node);
      if (node !== target) {
        if (node.usage <= emin) continue;
        if (node.usage <= elow) {
          if (!lowReclaim) {
            lowSkipped = true;
            continue;
          }
          if (!lowCounted.has(node)) {
            lowCounted.add(node);
            countMemoryEvent(node, 'low');
          }
        }
      }
      // Scaling by memory.low above memory.min also marks the pass as having spared low protection,
      // so a fruitless pass is retried with it lifted (apply_proportional_protection()).
      const spareLow = node !== target && !lowReclaim && elow > emin;
      if (spareLow) lowSkipped = true;
      const protection = node === target ? 0 : spareLow ? elow : emin;
      let take = Math.min(takeable(state, node, kind, protection), wanted - reclaimed);
      if (take <= 0) continue;
      if (kind === 'file') {
        unchargeFile(node, take);
        counter.filePages += take;
      } else {
        take = swapOutAnon(node, take);
        counter.swappedPages += take;
      }
      reclaimed += take;
    }
  }
  return { reclaimed, lowSkipped };
}

/**
 * try_to_free_mem_cgroup_pages() / try_to_free_pages() on `target`'s subtree: free up to `wanted`
 * pages and return how many were freed. A pass that freed nothing but skipped memory.low-protected
 * cgroups is repeated with low protection lifted.
 */
export function reclaimPages(state: MemoryState, target: MemcgNode, wanted: number, counter: ReclaimCounter): number {
  const first = reclaimPass(state, target, wanted, false, counter);
  if (first.reclaimed > 0 || !first.lowSkipped) return first.reclaimed;
  return reclaimPass(state, target, wanted, true, counter).reclaimed;
}
