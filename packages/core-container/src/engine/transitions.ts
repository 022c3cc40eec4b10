// Which Docker operation each container state allows, as data: state × operation → allowed, or the
// error Docker's daemon returns (moby daemon/{start,stop,kill,pause,unpause,delete,exec}.go; the
// reference §2 error table). The engine asks `checkTransition` first and mutates only when it passes.
import { InvalidTransitionError } from '@strata/shared-types';
import type { ContainerStatus } from './types.js';

/** An operation the transition table judges. `rm-force` is `docker rm -f`. */
export type ContainerOperation = 'start' | 'stop' | 'kill' | 'pause' | 'unpause' | 'rm' | 'rm-force' | 'exec' | 'restart' | 'update' | 'top';

/** What Docker answers: allowed, or its message and HTTP status (304: "not modified", which the CLI treats as success). */
export type TransitionRule = 'ok' | { readonly status: 304 | 409 | 500; readonly message: (c: TransitionSubject) => string };

/** The names a message may quote: the id, and the reference the caller gave. */
export interface TransitionSubject {
  readonly id: string;
  readonly ref: string;
}

const notRunning = (c: TransitionSubject): string => `container ${c.id} is not running`;
const restartingWait = (c: TransitionSubject): string => `Container ${c.id} is restarting, wait until the container is running`;
const markedForRemoval = { status: 409, message: () => 'container is marked for removal and cannot be started' } as const;
const alreadyRunning = { status: 304, message: () => 'container is already running' } as const;
const alreadyStopped = { status: 304, message: () => 'container is already stopped' } as const;
const killNotRunning = { status: 409, message: (c: TransitionSubject) => `cannot kill container: ${c.ref}: ${notRunning(c)}` } as const;
const notPaused = { status: 500, message: (c: TransitionSubject) => `Container ${c.id} is not paused` } as const;
const rmRunning = (what: 'running' | 'restarting') =>
  ({ status: 409, message: (c: TransitionSubject) => `cannot remove container "${c.ref}": container is ${what}: stop the container before removing or force remove` }) as const;
const removing = { status: 409, message: (c: TransitionSubject) => `removal of container ${c.ref} is already in progress` } as const;

/** Docker's answers, per operation and state (v28.2+ texts: rm quotes the name as the caller gave it). */
export const TRANSITIONS = {
  start: { created: 'ok', running: alreadyRunning, paused: { status: 409, message: () => 'cannot start a paused container, try unpause instead' }, restarting: alreadyRunning, exited: 'ok', removing: markedForRemoval, dead: markedForRemoval },
  stop: { created: alreadyStopped, running: 'ok', paused: 'ok', restarting: 'ok', exited: alreadyStopped, removing: alreadyStopped, dead: alreadyStopped },
  kill: { created: killNotRunning, running: 'ok', paused: 'ok', restarting: 'ok', exited: killNotRunning, removing: killNotRunning, dead: killNotRunning },
  pause: {
    created: { status: 409, message: notRunning },
    running: 'ok',
    paused: { status: 409, message: (c) => `container ${c.id} is already paused` },
    restarting: { status: 409, message: restartingWait },
    exited: { status: 409, message: notRunning },
    removing: { status: 409, message: notRunning },
    dead: { status: 409, message: notRunning },
  },
  unpause: { created: notPaused, running: notPaused, paused: 'ok', restarting: notPaused, exited: notPaused, removing: notPaused, dead: notPaused },
  rm: {
    created: 'ok',
    running: rmRunning('running'),
    paused: { status: 409, message: (c) => `cannot remove container "${c.ref}": container is paused and must be unpaused first` },
    restarting: rmRunning('restarting'),
    exited: 'ok',
    removing: removing,
    dead: 'ok',
  },
  'rm-force': { created: 'ok', running: 'ok', paused: 'ok', restarting: 'ok', exited: 'ok', removing: removing, dead: 'ok' },
  exec: {
    created: { status: 409, message: notRunning },
    running: 'ok',
    paused: { status: 409, message: (c) => `Container ${c.id} is paused, unpause the container before exec` },
    restarting: { status: 409, message: restartingWait },
    exited: { status: 409, message: notRunning },
    removing: { status: 409, message: notRunning },
    dead: { status: 409, message: notRunning },
  },
  restart: { created: 'ok', running: 'ok', paused: 'ok', restarting: 'ok', exited: 'ok', removing: markedForRemoval, dead: markedForRemoval },
  update: {
    created: 'ok',
    running: 'ok',
    paused: 'ok',
    restarting: 'ok',
    exited: 'ok',
    removing: { status: 409, message: (c) => `Container ${c.id} is marked for removal and cannot be "update"` },
    dead: { status: 409, message: (c) => `Container ${c.id} is marked for removal and cannot be "update"` },
  },
  top: {
    created: { status: 409, message: (c) => `Container ${c.id} is not running` },
    running: 'ok',
    paused: 'ok',
    restarting: { status: 409, message: restartingWait },
    exited: { status: 409, message: (c) => `Container ${c.id} is not running` },
    removing: { status: 409, message: (c) => `Container ${c.id} is not running` },
    dead: { status: 409, message: (c) => `Container ${c.id} is not running` },
  },
} as const satisfies Record<ContainerOperation, Record<ContainerStatus, TransitionRule>>;

/** The rule for `op` in `state`. */
export function transitionRule(op: ContainerOperation, state: ContainerStatus): TransitionRule {
  return TRANSITIONS[op][state];
}

/**
 * Throws InvalidTransitionError carrying Docker's message (details: `httpStatus`, and `notModified`
 * for Docker's 304 answers, which the docker CLI reports as success) unless `op` is allowed in `state`.
 */
export function checkTransition(op: ContainerOperation, state: ContainerStatus, subject: TransitionSubject): void {
  const rule = transitionRule(op, state);
  if (rule === 'ok') return;
  throw new InvalidTransitionError(state, op, { id: subject.id, httpStatus: rule.status, ...(rule.status === 304 ? { notModified: true } : {}) }, rule.message(subject));
}
