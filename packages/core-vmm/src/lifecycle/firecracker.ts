// Firecracker's API face over the same VM phases: which request each phase allows (FC
// rpc_interface.rs, reference §2.2) with Firecracker's fault messages (§2.3), and the machine-config
// limits (§2.4). Every refusal is HTTP 400 with `{"fault_message": ...}`.
import { shownValue, ValidationError } from '@strata/shared-types';
import type { FirecrackerConfig, FirecrackerPhase, VmPhase } from './types.js';

/** A Firecracker API request the table judges (resource-level; bodies are checked separately). */
export type FirecrackerOperation =
  | 'put-boot-source'
  | 'put-machine-config'
  | 'patch-machine-config'
  | 'put-cpu-config'
  | 'put-vsock'
  | 'put-entropy'
  | 'put-serial'
  | 'put-mmds-config'
  | 'put-logger'
  | 'put-metrics'
  | 'put-balloon'
  | 'put-drive'
  | 'put-network-interface'
  | 'patch-drive'
  | 'patch-network-interface'
  | 'patch-balloon'
  | 'patch-balloon-statistics'
  | 'instance-start'
  | 'send-ctrl-alt-del'
  | 'flush-metrics'
  | 'pause'
  | 'resume'
  | 'snapshot-create'
  | 'snapshot-load'
  | 'get';

/** Firecracker's fault messages (FC parsed_request.rs, rpc_interface.rs; reference §2.3). */
export const FIRECRACKER_MESSAGES = {
  afterStart: 'The requested operation is not supported after starting the microVM.',
  beforeStart: 'The requested operation is not supported before starting the microVM.',
  snapshotWhileRunning: 'Create snapshot error: Cannot save the microVM state: Operation not allowed: save/restore unavailable while running',
  loadAfterBootResources: 'Load snapshot error: Loading a microVM snapshot not allowed after configuring boot-specific resources.',
  vcpus: 'Machine config error: The number of vCPUs must be greater than 0, less than 32 and must be 1 or an even number if SMT is enabled.',
  /** FC machine_config.rs `InvalidMemorySize`; not quoted by the reference (UNVERIFIED wording). */
  memory: 'Machine config error: The memory size (MiB) is either 0, or not a multiple of the configured page size.',
  /** Reference §4 (balloon errors). */
  memoryBelowBalloon: 'Machine config error: The memory size (MiB) is smaller than the previously set balloon device target size.',
  /** Reference §4. */
  balloonTooLarge: (memMib: number): string => `Requested memory should be less than ${memMib}MiB`,
  /** FC `StartMicrovmError::MissingKernelConfig`; not quoted by the reference (UNVERIFIED wording). */
  missingKernel: 'Start microVM error: Cannot start microvm without kernel configuration.',
} as const;

/** `ok`, `noop` (idempotent success, HTTP 204 and nothing changes), or the fault message. */
export type FirecrackerRule = 'ok' | 'noop' | { readonly fault: string };

type Row = Readonly<Record<FirecrackerPhase, FirecrackerRule>>;
const preBoot: Row = { 'Not started': 'ok', Running: { fault: FIRECRACKER_MESSAGES.afterStart }, Paused: { fault: FIRECRACKER_MESSAGES.afterStart } };
const postBoot: Row = { 'Not started': { fault: FIRECRACKER_MESSAGES.beforeStart }, Running: 'ok', Paused: 'ok' };

/** Firecracker's answers per request and phase (v1.15; PUT drives / NICs after boot is v1.16's PCI preview, not modelled). */
export const FIRECRACKER_TRANSITIONS = {
  'put-boot-source': preBoot,
  'put-machine-config': preBoot,
  'patch-machine-config': preBoot,
  'put-cpu-config': preBoot,
  'put-vsock': preBoot,
  'put-entropy': preBoot,
  'put-serial': preBoot,
  'put-mmds-config': preBoot,
  'put-logger': preBoot,
  'put-metrics': preBoot,
  'put-balloon': preBoot,
  'put-drive': preBoot,
  'put-network-interface': preBoot,
  'patch-drive': postBoot,
  'patch-network-interface': postBoot,
  'patch-balloon': postBoot,
  'patch-balloon-statistics': postBoot,
  'instance-start': preBoot,
  'send-ctrl-alt-del': postBoot,
  'flush-metrics': postBoot,
  pause: { ...postBoot, Paused: 'noop' },
  resume: { ...postBoot, Running: 'noop' },
  'snapshot-create': { ...postBoot, Running: { fault: FIRECRACKER_MESSAGES.snapshotWhileRunning } },
  'snapshot-load': preBoot,
  get: { 'Not started': 'ok', Running: 'ok', Paused: 'ok' },
} as const satisfies Record<FirecrackerOperation, Row>;

/** Every Firecracker request, in table order. */
export const FIRECRACKER_OPERATIONS = Object.keys(FIRECRACKER_TRANSITIONS) as FirecrackerOperation[];

/** Requests that configure boot-specific resources: after any of them, a snapshot load is refused (logger and metrics are not). */
export const BOOT_SPECIFIC_REQUESTS: ReadonlySet<FirecrackerOperation> = new Set([
  'put-boot-source',
  'put-machine-config',
  'patch-machine-config',
  'put-cpu-config',
  'put-vsock',
  'put-entropy',
  'put-serial',
  'put-mmds-config',
  'put-balloon',
  'put-drive',
  'put-network-interface',
]);

/**
 * How a model phase reads to Firecracker: a microVM that was never started is `Not started`; a boot,
 * a running guest and a guest shutting down (after SendCtrlAltDel) are `Running`; paused and
 * snapshotting are `Paused`. A stopped microVM has no phase: its process is gone (the VM vanishes).
 */
export function firecrackerPhaseOf(phase: VmPhase): FirecrackerPhase {
  switch (phase) {
    case 'shutoff':
      return 'Not started';
    case 'starting':
    case 'running':
    case 'shutting-down':
    case 'migrating':
      return 'Running';
    case 'paused':
    case 'crashed':
    case 'saving':
    case 'restoring':
    case 'snapshotting':
      return 'Paused';
    default: {
      const never: never = phase;
      return never;
    }
  }
}

/** A machine-config body (`PUT /machine-config`; PATCH merges into the current one). */
export interface MachineConfigBody {
  readonly vcpu_count?: number;
  readonly mem_size_mib?: number;
  readonly smt?: boolean;
  readonly huge_pages?: 'None' | '2M';
}

/** The most MiB a machine may have: its memory in bytes stays a safe integer. */
const MAX_MACHINE_MIB = Math.floor(Number.MAX_SAFE_INTEGER / (1024 * 1024));

/** Firecracker's defaults: 1 vCPU, 128 MiB, no SMT, 4 KiB pages (reference §2.4). */
export const FIRECRACKER_DEFAULT_MACHINE = { vcpus: 1, memMib: 128, smt: false, hugePages: 'None' } as const;

/**
 * The machine config `body` makes of `current` (PUT starts from the defaults, PATCH from `current`),
 * or a ValidationError (details `httpStatus: 400`, `faultMessage`) with Firecracker's text: vCPUs
 * 1..32 and 1 or even with SMT; memory > 0 MiB and a multiple of the page (2 MiB with huge pages);
 * memory not below a configured balloon target.
 */
export function applyMachineConfig(current: FirecrackerConfig, body: MachineConfigBody, mode: 'put' | 'patch'): Pick<FirecrackerConfig, 'vcpus' | 'memMib' | 'smt' | 'hugePages'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const message = `the machine-config body must be an object { vcpu_count?, mem_size_mib?, smt?, huge_pages? }, got ${shownValue(body)}`;
    throw new ValidationError(message, { path: 'body', value: body, httpStatus: 400, faultMessage: message });
  }
  const base = mode === 'put' ? FIRECRACKER_DEFAULT_MACHINE : current;
  const next = {
    vcpus: body.vcpu_count ?? base.vcpus,
    memMib: body.mem_size_mib ?? base.memMib,
    smt: body.smt ?? base.smt,
    hugePages: body.huge_pages ?? base.hugePages,
  };
  const fail = (fault: string, details: Record<string, unknown> = {}): never => {
    throw new ValidationError(fault, { ...details, httpStatus: 400, faultMessage: fault });
  };
  // serde's type checks first (a plain-JavaScript body may carry anything).
  if (typeof next.smt !== 'boolean') fail(`smt must be true or false, got ${shownValue(next.smt)}`, { path: 'smt', value: next.smt });
  if (next.hugePages !== 'None' && next.hugePages !== '2M') fail(`huge_pages must be 'None' or '2M', got ${shownValue(next.hugePages)}`, { path: 'huge_pages', value: next.hugePages });
  if (!Number.isInteger(next.vcpus) || next.vcpus < 1 || next.vcpus > 32 || (next.smt && next.vcpus !== 1 && next.vcpus % 2 !== 0)) fail(FIRECRACKER_MESSAGES.vcpus);
  const pageMib = next.hugePages === '2M' ? 2 : 1;
  if (!Number.isInteger(next.memMib) || next.memMib <= 0 || next.memMib % pageMib !== 0) fail(FIRECRACKER_MESSAGES.memory);
  if (next.memMib > MAX_MACHINE_MIB) {
    const message = `mem_size_mib must be at most ${MAX_MACHINE_MIB} (its bytes a safe integer), got ${next.memMib}`;
    throw new ValidationError(message, { path: 'mem_size_mib', value: next.memMib, accepted: `1..${MAX_MACHINE_MIB}`, httpStatus: 400, faultMessage: message });
  }

  if (current.balloonMib !== null && next.memMib < current.balloonMib) fail(FIRECRACKER_MESSAGES.memoryBelowBalloon);
  return next;
}
