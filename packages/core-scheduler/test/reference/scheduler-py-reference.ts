// A literal model of OSTEP's scheduler.py (FIFO, SJF, RR) from ostep-scheduler-semantics.md §1:
// the same double arithmetic in the same order, so float lengths match bit for bit.

export interface SchedulerPyJobStats {
  readonly id: number;
  readonly response: number;
  readonly turnaround: number;
  readonly wait: number;
}

export interface SchedulerPyResult {
  /** Per-job statistics by id. */
  readonly jobs: SchedulerPyJobStats[];
  readonly avg: { readonly response: number; readonly turnaround: number; readonly wait: number };
}

export function schedulerPyReference(policy: 'FIFO' | 'SJF' | 'RR', lengths: readonly number[], quantum = 1): SchedulerPyResult {
  const byId: SchedulerPyJobStats[] = [];
  let sums = { response: 0, turnaround: 0, wait: 0 };
  if (policy === 'FIFO' || policy === 'SJF') {
    const joblist = lengths.map((l, i) => [i, l] as const);
    if (policy === 'SJF') joblist.sort((a, b) => a[1] - b[1]); // Array.prototype.sort is stable, like Python's
    let t = 0.0;
    for (const [id, runtime] of joblist) {
      const stats = { id, response: t, turnaround: t + runtime, wait: t };
      byId[id] = stats;
      sums = { response: sums.response + stats.response, turnaround: sums.turnaround + stats.turnaround, wait: sums.wait + stats.wait };
      t += runtime;
    }
  } else {
    const n = lengths.length;
    const response: number[] = new Array<number>(n).fill(-1);
    const lastran: number[] = new Array<number>(n).fill(0);
    const wait: number[] = new Array<number>(n).fill(0);
    const turnaround: number[] = new Array<number>(n).fill(0);
    const runlist: [number, number][] = lengths.map((l, i) => [i, l]);
    let thetime = 0.0;
    let jobcount = n;
    while (jobcount > 0) {
      const [jobnum, runtime0] = runlist.shift()!;
      let runtime = runtime0;
      if (response[jobnum] === -1) response[jobnum] = thetime;
      wait[jobnum]! += thetime - lastran[jobnum]!;
      let ranfor: number;
      if (runtime > quantum) {
        runtime -= quantum;
        ranfor = quantum;
        runlist.push([jobnum, runtime]);
      } else {
        ranfor = runtime;
        turnaround[jobnum] = thetime + ranfor;
        jobcount--;
      }
      thetime += ranfor;
      lastran[jobnum] = thetime;
    }
    for (let i = 0; i < n; i++) {
      byId[i] = { id: i, response: response[i]!, turnaround: turnaround[i]!, wait: wait[i]! };
      sums = { response: sums.response + response[i]!, turnaround: sums.turnaround + turnaround[i]!, wait: sums.wait + wait[i]! };
    }
  }
  const n = lengths.length;
  return { jobs: byId, avg: { response: sums.response / n, turnaround: sums.turnaround / n, wait: sums.wait / n } };
}
