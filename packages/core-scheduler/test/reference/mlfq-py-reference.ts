// A deliberately literal, tick-by-tick model of OSTEP's mlfq.py, transcribed from steps 1–7 of
// ostep-scheduler-semantics.md §2.3 with the script's own numbering (level N−1 is the highest).
// It shares no code with the library, so agreeing with it is evidence, not tautology.

export interface RefJob {
  readonly start: number;
  readonly run: number;
  readonly ioFreq: number;
}

export interface RefOptions {
  /** Per-level quanta, highest priority first (as -Q). */
  readonly quanta: readonly number[];
  /** Per-level allotments, highest priority first (as -A). */
  readonly allotments: readonly number[];
  readonly boost: number;
  readonly ioTime: number;
  readonly stay: boolean;
  readonly iobump: boolean;
}

export interface RefResult {
  /** timeline[t] = [job, OSTEP level] for the job that ran in tick t, or null when idle. */
  readonly timeline: ([number, number] | null)[];
  /** runState[t] = [sliceLeft, allotLeft, remaining] after the tick's decrements, null when idle. */
  readonly runState: ([number, number, number] | null)[];
  readonly firstRun: number[];
  readonly endTime: number[];
  readonly ioCount: number[];
  readonly response: number[];
  readonly turnaround: number[];
  readonly readyWait: number[];
}

interface RefJobState {
  currPri: number;
  ticksLeft: number;
  allotLeft: number;
  timeLeft: number;
  firstRun: number;
  endTime: number;
  doingIO: boolean;
  ioCount: number;
}

export function mlfqPyReference(jobs: readonly RefJob[], o: RefOptions): RefResult {
  const N = o.quanta.length;
  const hi = N - 1;
  // Convert the highest-first lists to the script's numbering: quantum[N−1] is the top level's.
  const quantum: number[] = [];
  const allotment: number[] = [];
  for (let lv = 0; lv < N; lv++) {
    quantum[lv] = o.quanta[N - 1 - lv]!;
    allotment[lv] = o.allotments[N - 1 - lv]!;
  }
  const queue: number[][] = [];
  for (let lv = 0; lv < N; lv++) queue.push([]);
  const job: RefJobState[] = jobs.map((j) => ({
    currPri: hi,
    ticksLeft: quantum[hi]!,
    allotLeft: allotment[hi]!,
    timeLeft: j.run,
    firstRun: -1,
    endTime: -1,
    doingIO: false,
    ioCount: 0,
  }));
  const ioDone = new Map<number, [number, 'JOB BEGINS' | 'IO_DONE'][]>();
  const addEvent = (time: number, j: number, type: 'JOB BEGINS' | 'IO_DONE'): void => {
    const list = ioDone.get(time) ?? [];
    list.push([j, type]);
    ioDone.set(time, list);
  };
  jobs.forEach((j, i) => addEvent(j.start, i, 'JOB BEGINS'));

  const timeline: ([number, number] | null)[] = [];
  const runState: ([number, number, number] | null)[] = [];
  let currTime = 0;
  let finished = 0;
  while (finished < jobs.length) {
    // Step 1: boost.
    if (o.boost > 0 && currTime !== 0 && currTime % o.boost === 0) {
      for (let q = 0; q < N - 1; q++) {
        for (const j of queue[q]!) if (!job[j]!.doingIO) queue[hi]!.push(j);
        queue[q] = [];
      }
      for (const js of job) {
        if (js.timeLeft > 0) {
          js.currPri = hi;
          js.ticksLeft = quantum[hi]!;
          js.allotLeft = allotment[hi]!;
        }
      }
    }
    // Step 2: events at this time, in list order.
    for (const [j, type] of ioDone.get(currTime) ?? []) {
      const js = job[j]!;
      js.doingIO = false;
      if (!o.iobump || type === 'JOB BEGINS') queue[js.currPri]!.push(j);
      else queue[js.currPri]!.unshift(j);
    }
    // Step 3: choose.
    let cq = -1;
    for (let q = hi; q >= 0; q--) {
      if (queue[q]!.length > 0) {
        cq = q;
        break;
      }
    }
    if (cq === -1) {
      timeline.push(null);
      runState.push(null);
      currTime++;
      continue;
    }
    // Step 4: run one tick.
    const j = queue[cq]![0]!;
    const js = job[j]!;
    if (js.currPri !== cq) throw new Error('reference: currPri mismatch');
    js.timeLeft--;
    js.ticksLeft--;
    if (js.firstRun === -1) js.firstRun = currTime;
    timeline.push([j, cq]);
    runState.push([js.ticksLeft, js.allotLeft, js.timeLeft]);
    const ticksLeft = js.ticksLeft;
    currTime++;
    // Step 5: finish.
    if (js.timeLeft === 0) {
      finished++;
      js.endTime = currTime;
      queue[cq]!.shift();
      continue;
    }
    // Step 6: I/O.
    let issuedIO = false;
    const ioFreq = jobs[j]!.ioFreq;
    if (ioFreq > 0 && (jobs[j]!.run - js.timeLeft) % ioFreq === 0) {
      issuedIO = true;
      queue[cq]!.shift();
      js.doingIO = true;
      js.ioCount++;
      if (o.stay) {
        js.ticksLeft = quantum[cq]!;
        js.allotLeft = allotment[cq]!;
      }
      addEvent(currTime + o.ioTime, j, 'IO_DONE');
    }
    // Step 7: slice expiry (tested on the value from step 4).
    if (ticksLeft === 0) {
      if (!issuedIO) queue[cq]!.shift();
      js.allotLeft--;
      if (js.allotLeft === 0) {
        if (cq > 0) {
          js.currPri = cq - 1;
          js.ticksLeft = quantum[cq - 1]!;
          js.allotLeft = allotment[cq - 1]!;
          if (!issuedIO) queue[cq - 1]!.push(j);
        } else {
          js.ticksLeft = quantum[cq]!;
          js.allotLeft = allotment[cq]!;
          if (!issuedIO) queue[cq]!.push(j);
        }
      } else {
        js.ticksLeft = quantum[cq]!;
        if (!issuedIO) queue[cq]!.push(j);
      }
    }
  }
  const response = job.map((js, i) => js.firstRun - jobs[i]!.start);
  const turnaround = job.map((js, i) => js.endTime - jobs[i]!.start);
  return {
    timeline,
    runState,
    firstRun: job.map((js) => js.firstRun),
    endTime: job.map((js) => js.endTime),
    ioCount: job.map((js) => js.ioCount),
    response,
    turnaround,
    readyWait: job.map((js, i) => turnaround[i]! - jobs[i]!.run - js.ioCount * o.ioTime),
  };
}
