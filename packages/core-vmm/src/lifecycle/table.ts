// Which libvirt operation each VM phase allows, as data: phase × operation → allowed, idempotent
// success, or libvirt's error (reference vmm-semantics.md §1.2; LV qemu_driver.c). Guards that depend
// on more than the phase (transient, managed-save image, snapshots) are `LIBVIRT_GUARDS`, checked after.
import type { LibvirtDomainState, LibvirtReason, VmPhase } from './types.js';

/** A libvirt domain operation (virsh's command names; `snapshot-revert` loads a snapshot). */
export type LibvirtOperation =
  | 'define'
  | 'start'
  | 'create'
  | 'shutdown'
  | 'reboot'
  | 'reset'
  | 'destroy'
  | 'suspend'
  | 'resume'
  | 'save'
  | 'managedsave'
  | 'restore'
  | 'undefine'
  | 'snapshot-create'
  | 'snapshot-revert'
  | 'migrate'
  | 'crash';

/** Every operation the table judges, in row order. */
export const LIBVIRT_OPERATIONS = [
  'define',
  'start',
  'create',
  'shutdown',
  'reboot',
  'reset',
  'destroy',
  'suspend',
  'resume',
  'save',
  'managedsave',
  'restore',
  'undefine',
  'snapshot-create',
  'snapshot-revert',
  'migrate',
  'crash',
] as const satisfies readonly LibvirtOperation[];

/** A refusal: libvirt's error class (`virsh` prints `<prefix>: <message>`) and the full text. */
export interface Refusal {
  readonly code: 'VIR_ERR_OPERATION_INVALID' | 'VIR_ERR_OPERATION_TIMEOUT';
  readonly message: (vm: string) => string;
}

/** `ok`: allowed, it changes the VM; `noop`: libvirt answers success and nothing changes; else the refusal. */
export type LibvirtRule = 'ok' | 'noop' | Refusal;

/** libvirt's VIR_ERR_OPERATION_INVALID prefix (LV virerror.c). */
export const OPERATION_INVALID_PREFIX = 'Requested operation is not valid: ';

const invalid = (text: string): Refusal => ({ code: 'VIR_ERR_OPERATION_INVALID', message: () => OPERATION_INVALID_PREFIX + text });
const notRunning = invalid('domain is not running');
const alreadyRunning = invalid('domain is already running');
const alreadyActive: Refusal = { code: 'VIR_ERR_OPERATION_INVALID', message: (vm) => `${OPERATION_INVALID_PREFIX}domain '${vm}' is already active` };
/** `create` of a name that exists (inactive): libvirt refuses; the exact text is UNVERIFIED (reference "Could not verify"). */
const alreadyExists: Refusal = { code: 'VIR_ERR_OPERATION_INVALID', message: (vm) => `${OPERATION_INVALID_PREFIX}domain '${vm}' already exists` };

/**
 * A command that needs the domain's job while an async job (save, restore, snapshot, migration) holds
 * it: libvirt waits 30 s for the lock, then fails (LV qemu_domainjob.c). The `monitor=` API name is
 * the job's; the text's exact form is UNVERIFIED (not in the reference).
 */
function jobLock(api: string): Refusal {
  return { code: 'VIR_ERR_OPERATION_TIMEOUT', message: () => `Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatch${api})` };
}
const saveLock = jobLock('DomainSave');
const restoreLock = jobLock('DomainRestore');
const snapshotLock = jobLock('DomainSnapshotCreateXML');
const migrationLock = jobLock('DomainMigratePerform3Params');

type Row = Readonly<Record<VmPhase, LibvirtRule>>;

/** A row for an operation valid in every active phase, refused inactive, lock-refused during jobs. */
const activeRow = (rule: LibvirtRule = 'ok'): Row => ({
  shutoff: notRunning,
  starting: rule,
  running: rule,
  paused: rule,
  'shutting-down': rule,
  crashed: rule,
  saving: saveLock,
  restoring: restoreLock,
  snapshotting: snapshotLock,
  migrating: migrationLock,
});

/**
 * libvirt's answers per operation and phase. Phases read to libvirt as `LIBVIRT_STATE_OF_PHASE` says:
 * `starting` and `shutting-down` are RUNNING (libvirt cannot see the guest boot or shut down), so
 * `resume` there is "already running" and `shutdown` is accepted (a guest that is still booting
 * ignores the request, one already shutting down gets a redundant one; a timeout still applies).
 */
export const LIBVIRT_TRANSITIONS = {
  // Any phase: the new config applies at the next boot; a running transient domain becomes persistent.
  define: { shutoff: 'ok', starting: 'ok', running: 'ok', paused: 'ok', 'shutting-down': 'ok', crashed: 'ok', saving: 'ok', restoring: 'ok', snapshotting: 'ok', migrating: 'ok' },
  start: { ...activeRow(alreadyRunning), shutoff: 'ok' },
  // A name that does not exist is created (registry level); an existing one clashes.
  create: { ...activeRow(alreadyActive), shutoff: alreadyExists, saving: alreadyActive, restoring: alreadyActive, snapshotting: alreadyActive, migrating: alreadyActive },
  // RUNNING only (LV qemuDomainShutdownFlags: state != RUNNING → "domain is not running").
  shutdown: { ...activeRow('ok'), paused: notRunning, crashed: notRunning },
  reboot: activeRow(),
  reset: activeRow(),
  destroy: { ...activeRow(), saving: 'ok', restoring: 'ok', snapshotting: 'ok', migrating: 'ok' },
  // Already paused: success, no change. During a migration the VM may be paused (that is `migrate --timeout`).
  suspend: { ...activeRow(), paused: 'noop', migrating: 'ok' },
  // PAUSED or CRASHED(PANICKED) only; running: "already running" (LV commit 3e044e6).
  resume: { ...activeRow(alreadyRunning), paused: 'ok', crashed: 'ok' },
  save: activeRow(),
  managedsave: activeRow(),
  // Restores an image into the name: refused while a domain of that name is active.
  restore: { ...activeRow(alreadyActive), shutoff: 'ok', saving: alreadyActive, restoring: alreadyActive, snapshotting: alreadyActive, migrating: alreadyActive },
  // Any phase, subject to the guards (transient, managed-save image, snapshots).
  undefine: { shutoff: 'ok', starting: 'ok', running: 'ok', paused: 'ok', 'shutting-down': 'ok', crashed: 'ok', saving: 'ok', restoring: 'ok', snapshotting: 'ok', migrating: 'ok' },
  // Any non-job phase (inactive: a disk-only snapshot, at once).
  'snapshot-create': { ...activeRow(), shutoff: 'ok' },
  'snapshot-revert': { ...activeRow(), shutoff: 'ok' },
  migrate: activeRow(),
  // Not a user command: the host or the guest fails. Any active phase, including jobs (they abort).
  crash: { ...activeRow(), saving: 'ok', restoring: 'ok', snapshotting: 'ok', migrating: 'ok' },
} as const satisfies Record<LibvirtOperation, Row>;

/** The rule for `op` in `phase`. */
export function libvirtRule(op: LibvirtOperation, phase: VmPhase): LibvirtRule {
  return LIBVIRT_TRANSITIONS[op][phase];
}

/** The texts of the refusals that depend on more than the phase (LV qemu_driver.c). */
export const LIBVIRT_GUARDS = {
  managedSaveTransient: OPERATION_INVALID_PREFIX + 'cannot do managed save for transient domain',
  undefineTransient: OPERATION_INVALID_PREFIX + 'cannot undefine transient domain',
  undefineManagedSave: OPERATION_INVALID_PREFIX + 'Refusing to undefine while domain managed save image exists',
  undefineSnapshots: (n: number): string => `${OPERATION_INVALID_PREFIX}cannot delete inactive domain with ${n} snapshots`,
  /** libvirt's VIR_ERR_NO_DOMAIN_SNAPSHOT text (`snapshot-revert` of a domain without snapshots). */
  noSnapshot: (vm: string): string => `Domain snapshot not found: no domain snapshot with matching name '${vm}'`,
  /** libvirt's VIR_ERR_NO_DOMAIN text. */
  noDomain: (vm: string): string => `Domain not found: no domain with matching name '${vm}'`,
} as const;

/**
 * How each phase reads to libvirt (`virsh domstate --reason`). `starting` is RUNNING: QEMU's vCPUs
 * start when `virsh start` returns (RUNNING/BOOTED) and the guest's boot is invisible to libvirt;
 * PAUSED/STARTING_UP lasts only while QEMU is launched, which the model folds into the start.
 * `shutting-down` is RUNNING too: libvirt's SHUTDOWN/USER is set only by QEMU's SHUTDOWN event, when
 * the guest has powered off, an instant the model does not separate from SHUTOFF/SHUTDOWN.
 * Jobs: saving PAUSED/SAVE, restoring PAUSED/STARTING_UP (QEMU waits, paused, for the incoming
 * image), snapshotting PAUSED/SNAPSHOT (an internal snapshot with RAM), migrating as the phase it
 * left (live migration runs the guest) or PAUSED/MIGRATION when suspended meanwhile.
 */
export const LIBVIRT_STATE_OF_PHASE = {
  shutoff: 'shutoff',
  starting: 'running',
  running: 'running',
  paused: 'paused',
  'shutting-down': 'running',
  crashed: 'crashed',
  saving: 'paused',
  restoring: 'paused',
  snapshotting: 'paused',
  migrating: 'running',
} as const satisfies Record<VmPhase, LibvirtDomainState>;

/** Reasons the job phases report (the others keep the reason they were entered with). */
export const JOB_PHASE_REASON = { saving: 'save', restoring: 'starting_up', snapshotting: 'snapshot' } as const satisfies Record<string, LibvirtReason>;
