// The memory-management constants of Linux that the model reproduces, each with where it is defined,
// so that a number in a test can be traced back to the kernel rather than to taste.

/** include/linux/memcontrol.h (64 since v6.1; 32 before): pages a task charges ahead; memory.high is checked per batch. */
export const MEMCG_CHARGE_BATCH = 64;

/** mm/internal.h: how many fruitless reclaim rounds try_charge_memcg and memory.high handling allow. */
export const MAX_RECLAIM_RETRIES = 16;

/** include/linux/swap.h: the least a reclaim call tries to free (try_to_free_mem_cgroup_pages' nr_to_reclaim floor). */
export const SWAP_CLUSTER_MAX = 32;

/** include/linux/mmzone.h: allocations above order 3 do not retry after partial reclaim (1 << 3 pages). */
export const COSTLY_ORDER_PAGES = 8;

/** include/uapi/linux/oom.h: the range of /proc/PID/oom_score_adj; the minimum means "never kill". */
export const OOM_SCORE_ADJ_MIN = -1000;
export const OOM_SCORE_ADJ_MAX = 1000;

/** mm/memcontrol.c: memory.high's sleep per allocation batch is clamped to 2 s (2 × HZ jiffies). */
export const MEMCG_MAX_HIGH_DELAY_SECONDS = 2;

/** mm/memcontrol.c calculate_overage / calculate_high_delay fixed-point shifts. */
export const MEMCG_DELAY_PRECISION_SHIFT = 20n;
export const MEMCG_DELAY_SCALING_SHIFT = 14n;

/** The timer frequencies a kernel config offers (CONFIG_HZ); 250 is the common distribution default. */
export const KERNEL_HZ_CHOICES: readonly number[] = [100, 250, 300, 1000];
export const DEFAULT_HZ = 250;
