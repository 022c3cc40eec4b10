// Nested host experiment benchmark (`strata vm host`): the figures the README and the changeset
// state, no target. A guest of 10,000 tasks that start at 0 (build and 1 s of fluid); and a guest
// of 10,000 bursty tasks under the default work budget in each fidelity: how long until the budget
// stops it (its guest's own bookkeeping counted in its steps); and a host of 1,024 VMs × 16 vCPUs
// under per-vCPU cfs quotas, where one instant is costly: how soon a budget of 1 step stops exact,
// and what a whole fluid second costs and counts.
import { performance } from 'node:perf_hooks';
import { isWorkBudgetError } from '@strata/core-scheduler';
import { runNestedExperiment } from '../src/index.js';

const TASKS = 10_000;

function guestOf(tasks: number, bursty: boolean): unknown {
  return {
    cpus: 8,
    duration: bursty ? '20s' : '1s',
    vms: [{ name: 'v', vcpus: 16, guest: { tasks: Array.from({ length: tasks }, (_, k) => ({ name: `t${k}`, ...(bursty ? { bursts: [{ run: '1ms', sleep: '1ms' }] } : {}) })) } }],
  };
}

/** 1,024 VMs of 16 vCPUs on 1,024 pCPUs, each vCPU under a 1 ms cfs quota, one busy guest task each. */
function quotaHost(fidelity: 'exact' | 'fluid'): unknown {
  const vms = Array.from({ length: 1024 }, (_, i) => ({ name: `v${i}`, vcpus: 16, quota: '1ms', guest: { tasks: [{ name: 't' }] } }));
  return { cpus: 1024, policy: 'cfs', fidelity, duration: '1s', vms };
}

/** Print the figures. */
export function runNestedExperimentBench(): void {
  let t0 = performance.now();
  const r = runNestedExperiment(guestOf(TASKS, false));
  console.log(`nested experiment: one guest of ${TASKS.toLocaleString('en')} busy tasks on 16 vCPUs, 8 pCPUs, 1 s fluid: ${(performance.now() - t0).toFixed(0)} ms wall, ${r.steps.toLocaleString('en')} steps (no target)`);
  for (const fidelity of ['fluid', 'exact'] as const) {
    t0 = performance.now();
    let outcome = 'finished';
    try {
      runNestedExperiment(guestOf(TASKS, true), { fidelity });
    } catch (e) {
      if (!isWorkBudgetError(e)) throw e;
      outcome = `stopped by the default budget at ${(e.details.at ?? 0) / 1000} ms simulated`;
    }
    console.log(`nested experiment: ${TASKS.toLocaleString('en')} bursty tasks (1 ms run, 1 ms sleep) in one guest, 20 s ${fidelity}: ${outcome} after ${((performance.now() - t0) / 1000).toFixed(1)} s wall (no target)`);
  }
  t0 = performance.now();
  let stopped = 'finished';
  try {
    runNestedExperiment(quotaHost('exact'), { maxSteps: 1 });
  } catch (e) {
    if (!isWorkBudgetError(e)) throw e;
    stopped = `stopped at ${e.details.steps.toLocaleString('en')} steps`;
  }
  console.log(`nested experiment: 1,024 VMs x 16 vCPUs under per-vCPU cfs quotas, exact, budget 1 step: ${stopped} after ${(performance.now() - t0).toFixed(0)} ms wall (no target)`);
  t0 = performance.now();
  const q = runNestedExperiment(quotaHost('fluid'));
  console.log(`nested experiment: the same host, 1 s fluid: ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${q.steps.toLocaleString('en')} steps (no target)`);
}
