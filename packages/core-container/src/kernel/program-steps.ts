// The program interpreter: runs a process's steps until one blocks (a CPU burst, a sleep, a wait),
// the process ends, or a signal holds it. Instantaneous steps (print, fork, signal, loop control)
// run in place; each counts against the kernel's step budget, so no program can spin forever.
import type { AllocStep, Errno, ForkStep, FreeStep, ListenStep, OnError, Program, ProcessExit, ReadStep, SendStep, ServeStep, Step, WaitStep, WriteStep } from '@strata/shared-types';
import { isHeld, type Activity, type Proc, type Suspended } from './process.js';

/** What the interpreter needs of the kernel. */
export interface StepHost {
  countStep(): void;
  startCpu(p: Proc, work: number): void;
  startSleep(p: Proc, duration: number): void;
  /** Fork one child running `program`; the errno when it fails. */
  fork(p: Proc, program: Program): 'EAGAIN' | 'ENOMEM' | null;
  /** Begin a wait; false when `p` has no child (ECHILD). */
  startWait(p: Proc, activity: Extract<Activity, { kind: 'wait' }>): boolean;
  resolveProgram(name: string): Program;
  print(p: Proc, stream: 'stdout' | 'stderr', text: string): void;
  terminate(p: Proc, exit: ProcessExit): void;
  /** Start touching memory (the process blocks until done, throttled or failed: see allocate). */
  startAlloc(p: Proc, step: AllocStep): void;
  /** Release anonymous memory; the bytes freed. */
  free(p: Proc, step: FreeStep): void;
  /** A new image: anonymous memory is released. */
  releaseMemory(p: Proc): void;
  /** Start a request server; the errno when its worker threads cannot be created. */
  startServe(p: Proc, step: ServeStep): 'EAGAIN' | null;
  /** Start a read or write (the process blocks until its bytes are transferred); the errno it meets instead. */
  startIo(p: Proc, step: ReadStep | WriteStep): 'ENOENT' | 'EIO' | null;
  /** Start a send (the process blocks until its last byte arrives); the errno it meets at once instead. */
  startSend(p: Proc, step: SendStep): Errno | null;
  /** Listen on a port (with bytes, the process blocks until they arrive); the errno it meets instead. */
  startListen(p: Proc, step: ListenStep): 'EADDRINUSE' | 'EACCES' | null;
  /** Re-arm what a signal handler interrupted. */
  resume(p: Proc, suspended: Suspended): void;
}

/** Steps this kernel model runs; programs with others are refused when started (see kernel-checks.ts). */
export const RUNNABLE_STEPS: ReadonlySet<Step['op']> = new Set(['cpu', 'sleep', 'fork', 'exec', 'wait', 'print', 'exit', 'loop', 'signal', 'serve', 'alloc', 'free', 'read', 'write', 'send', 'listen']);

/** Run `p` until it blocks, is held, or ends. */
export function runSteps(host: StepHost, p: Proc): void {
  while (!p.zombie && p.activity === null && !isHeld(p)) {
    const frame = p.frames[p.frames.length - 1];
    if (frame === undefined) {
      host.terminate(p, { code: 0 });
      return;
    }
    if (frame.index >= frame.steps.length) {
      host.countStep();
      if (frame.kind === 'loop' && (frame.loopsLeft === 'forever' || (frame.loopsLeft ?? 0) > 0)) {
        if (frame.loopsLeft !== 'forever') frame.loopsLeft = (frame.loopsLeft ?? 1) - 1;
        frame.index = 0;
        continue;
      }
      p.frames.pop();
      if (frame.kind === 'handler' && frame.resume !== null) host.resume(p, frame.resume);
      continue;
    }
    const step = frame.steps[frame.index++]!;
    host.countStep();
    execute(host, p, step);
  }
}

function execute(host: StepHost, p: Proc, step: Step): void {
  switch (step.op) {
    case 'cpu':
      if (step.work > 0) host.startCpu(p, step.work);
      return;
    case 'sleep':
      if (step.duration > 0) host.startSleep(p, step.duration);
      return;
    case 'fork':
      return fork(host, p, step);
    case 'exec': {
      const program = step.program.kind === 'inline' ? step.program.steps : host.resolveProgram(step.program.name);
      // execve: a new image; caught signals go back to their default, ignored ones stay ignored.
      p.frames = [{ steps: program, index: 0, loopsLeft: null, kind: 'program', resume: null }];
      host.releaseMemory(p);
      for (const [sig, d] of [...p.handlers]) if (d !== 'ignore') p.handlers.delete(sig);
      return;
    }
    case 'wait':
      return wait(host, p, step);
    case 'alloc':
      host.startAlloc(p, step);
      return;
    case 'free':
      host.free(p, step);
      return;
    case 'serve': {
      const errno = host.startServe(p, step);
      if (errno !== null) fail(host, p, step.onError, errno);
      return;
    }
    case 'read':
    case 'write': {
      const errno = host.startIo(p, step);
      if (errno !== null) fail(host, p, step.onError, errno);
      return;
    }
    case 'send': {
      const errno = host.startSend(p, step);
      if (errno !== null) fail(host, p, step.onError, errno);
      return;
    }
    case 'listen': {
      const errno = host.startListen(p, step);
      if (errno !== null) fail(host, p, step.onError, errno);
      return;
    }
    case 'print':
      host.print(p, step.stream, step.text);
      return;
    case 'exit':
      host.terminate(p, { code: step.code });
      return;
    case 'loop':
      if (step.times === 0 || step.body.length === 0) return;
      p.frames.push({ steps: step.body, index: 0, loopsLeft: step.times === 'forever' ? 'forever' : step.times - 1, kind: 'loop', resume: null });
      return;
    case 'signal':
      for (const [sig, d] of Object.entries(step.handlers) as [keyof typeof step.handlers, (typeof step.handlers)[keyof typeof step.handlers]][]) {
        if (d === undefined || d === 'default') p.handlers.delete(sig);
        else p.handlers.set(sig, d);
      }
      return;
    default: {
      // Every op is handled above; a parsed step of another op is a bug.
      const unknown: never = step;
      throw new Error(`kernel model: step '${(unknown as Step).op}' cannot run here (internal invariant broken)`);
    }
  }
}

/** Fork `count` children one by one; a failure runs its handler (then the remaining forks) or ends the process. */
function fork(host: StepHost, p: Proc, step: ForkStep): void {
  const program = step.program.kind === 'inline' ? step.program.steps : host.resolveProgram(step.program.name);
  for (let i = 0; i < step.count; i++) {
    if (i > 0) host.countStep();
    const errno = host.fork(p, program);
    if (errno === null) {
      p.forksOk++;
      continue;
    }
    p.forksFailed++;
    p.forkErrno = errno;
    const rest = step.count - i - 1;
    // The remaining attempts run after the handler, as the next fork() calls of the program would.
    if (rest > 0 && handlerFor(step.onError, errno) !== undefined) p.frames.push({ steps: [{ ...step, count: rest }], index: 0, loopsLeft: null, kind: 'program', resume: null });
    fail(host, p, step.onError, errno);
    return;
  }
}

function wait(host: StepHost, p: Proc, step: WaitStep): void {
  if (!host.startWait(p, { kind: 'wait', need: step.count, step })) fail(host, p, step.onError, 'ECHILD');
}

function handlerFor(onError: OnError | undefined, errno: Errno): Program | undefined {
  return onError?.[errno] ?? onError?.any;
}

/** A step met `errno`: run its handler, or end the process with status 1 (an unhandled error is fatal). */
export function fail(host: StepHost, p: Proc, onError: OnError | undefined, errno: Errno): void {
  const handler = handlerFor(onError, errno);
  if (handler === undefined) {
    host.print(p, 'stderr', `${errno}`);
    host.terminate(p, { code: 1 });
    return;
  }
  p.frames.push({ steps: handler, index: 0, loopsLeft: null, kind: 'on-error', resume: null });
}
