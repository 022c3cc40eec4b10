// The zod schema of a program: each step is an object with exactly one step-kind key (YAML reads
// `- cpu: 50ms`) and, on fallible steps, an `on-error` map; parsing yields the typed AST of types.ts.
import { z } from 'zod';
import { NameSchema } from '../host-spec.js';
import { byteRateSchema, durationSchema, kernelSizeSchema } from '../quantity-schemas.js';
import { bytes, bytesPerSecond, micros } from '../units.js';
import { parseKernelSize } from '../kernel-size.js';
import { ValidationError } from '../errors.js';
import { parseHostPort } from './host-port.js';
import type { FreeTarget, OnError, Program, ProgramRef, SignalDisposition, Step } from './types.js';
import {
  ANY_ERRNO,
  CATCHABLE_SIGNALS,
  MAX_FORK_COUNT,
  MAX_LOOP_TIMES,
  MAX_PATH_LENGTH,
  MAX_PRINT_LENGTH,
  MAX_PROGRAM_LENGTH,
  MAX_SERVE_BACKLOG,
  MAX_SERVE_RATE,
  MAX_SERVE_REQUESTS,
  MAX_SERVE_WORKERS,
  MAX_STEP_DURATION,
  SIGNAL_NUMBERS,
  STEP_ERRNOS,
  STEP_KINDS,
  type CatchableSignal,
  type FallibleStepKind,
  type StepKind,
} from './vocabulary.js';

const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' && value !== null ? (Array.isArray(value) ? 'an array' : 'an object') : String(value));

/** A program (a list of steps). Nested programs are parsed through it; `ProgramSchema` adds the whole-document checks. */
export const StepListSchema: z.ZodType<Program> = z.lazy(() => z.array(StepSchema).max(MAX_PROGRAM_LENGTH));

/** The name of a program defined elsewhere (a kernel experiment's `programs`). */
const ProgramNameSchema = NameSchema;

/** A program inline (a list of steps) or by the name of a program defined elsewhere. */
export const ProgramRefSchema = z.union([ProgramNameSchema, StepListSchema]).transform(
  (v): ProgramRef => (typeof v === 'string' ? { kind: 'named', name: v } : { kind: 'inline', steps: v }),
);

/** An allocation name: starts with a letter, so `free: 64M` (a size) and `free: buf` (a name) never collide. */
const REGION_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,62}$/;
const RegionNameSchema = z
  .string()
  .regex(REGION_NAME, { message: 'expected an allocation name: 1-63 letters, digits, ".", "_", "-", starting with a letter' })
  .refine((name) => name !== 'all', { message: '"all" is reserved (free: all releases everything); choose another name' });

const AllocObjectSchema = z.strictObject({
  size: kernelSizeSchema({ min: bytes(1) }).describe('Bytes to allocate and touch: "64M" = 64 MiB as the kernel reads it, or integer bytes.'),
  rate: byteRateSchema({ min: bytesPerSecond(1) }).optional().describe('Bytes touched per CPU-second ("1G/s"); omitted: all at once.'),
  name: RegionNameSchema.optional().describe('A name for free to release it by.'),
});
const AllocSchema = z.union([kernelSizeSchema({ min: bytes(1) }), AllocObjectSchema]).transform((v) =>
  typeof v === 'number' ? { size: v, rate: null } : { size: v.size, rate: v.rate ?? null, ...(v.name === undefined ? {} : { name: v.name }) },
);

const FreeSchema = z.union([z.string(), z.number()]).transform((v, ctx): FreeTarget => {
  if (v === 'all') return { kind: 'all' };
  if (typeof v === 'string' && /^[A-Za-z]/.test(v)) {
    if (REGION_NAME.test(v)) return { kind: 'name', name: v };
    ctx.issues.push({ code: 'custom', input: v, message: `expected an allocation name (1-63 letters, digits, ".", "_", "-", starting with a letter), a size such as "64M", or "all"; got ${shown(v)}` });
    return z.NEVER;
  }
  try {
    const size = typeof v === 'number' ? bytes(v) : parseKernelSize(v);
    if (size > 0) return { kind: 'size', size };
    ctx.issues.push({ code: 'custom', input: v, message: 'expected a size of at least 1 byte, got 0' });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    ctx.issues.push({ code: 'custom', input: v, message: `${error.message}; or an allocation name, or "all"` });
  }
  return z.NEVER;
});

const DeviceSchema = z
  .string()
  .regex(/^([a-z][a-z0-9_-]{0,31}|\d{1,4}:\d{1,7})$/, { message: 'expected a device name such as "sda" or "vda", or "MAJ:MIN" such as "8:0"' });
const FilePathSchema = z
  .string()
  .max(MAX_PATH_LENGTH)
  .regex(/^\/[^\0]*$/, { message: 'expected an absolute file path such as "/data/log", without NUL characters' });

const IoSchema = z.strictObject({
  device: DeviceSchema,
  bytes: kernelSizeSchema({ min: bytes(1) }).describe('Bytes to transfer.'),
  block: kernelSizeSchema({ min: bytes(512), max: bytes(64 * 2 ** 20) }).default(bytes(4096)).describe('Bytes per I/O request (512..64M, default 4K): io.max iops count requests.'),
  direct: z.boolean().default(false).describe('Bypass the page cache (O_DIRECT); otherwise reads and writes are charged as file cache.'),
  file: FilePathSchema.optional(),
});

const ProtocolSchema = z.enum(['tcp', 'udp']).default('tcp');
const PortSchema = z.int().min(1).max(65535);

const HostPortSchema = z.string().transform((v, ctx) => {
  const parsed = parseHostPort(v);
  if (typeof parsed !== 'string') return parsed;
  ctx.issues.push({ code: 'custom', input: v, message: parsed });
  return z.NEVER;
});

const SendSchema = z
  .strictObject({ to: HostPortSchema, bytes: kernelSizeSchema({ min: bytes(1) }), protocol: ProtocolSchema })
  .transform(({ to, ...rest }) => ({ host: to.host, port: to.port, ...rest }));

const ListenObjectSchema = z.strictObject({ port: PortSchema, bytes: kernelSizeSchema({ min: bytes(1) }).optional(), protocol: ProtocolSchema });
const ListenSchema = z.union([PortSchema, ListenObjectSchema]).transform((v) =>
  typeof v === 'number' ? { port: v, bytes: null, protocol: 'tcp' as const } : { port: v.port, bytes: v.bytes ?? null, protocol: v.protocol },
);

const ForkObjectSchema = z.strictObject({ count: z.int().min(1).max(MAX_FORK_COUNT).default(1), program: ProgramRefSchema });
const ForkSchema = z.union([ProgramRefSchema, ForkObjectSchema]).transform((v) => ('kind' in v ? { count: 1, program: v } : v));
const ExecSchema = z.union([ProgramRefSchema, z.strictObject({ program: ProgramRefSchema })]).transform((v) => ('kind' in v ? v : v.program));

const WaitSchema = z.union([z.literal('all'), z.int().min(1).max(MAX_FORK_COUNT)], {
  error: (issue) => (issue.input === undefined ? 'required' : `expected "all" or a number of children from 1 to ${MAX_FORK_COUNT}, got ${shown(issue.input)}`),
});

const PrintTextSchema = z
  .string()
  .max(MAX_PRINT_LENGTH)
  .regex(/^[^\n\r]*$/, { message: 'print writes one line: split the text into several print steps' });
const PrintSchema = z
  .union([PrintTextSchema, z.strictObject({ text: PrintTextSchema, stream: z.enum(['stdout', 'stderr']).default('stdout') })])
  .transform((v) => (typeof v === 'string' ? { text: v, stream: 'stdout' as const } : v));

const ExitSchema = z.int().min(0).max(255);

const LoopSchema = z.strictObject({
  times: z.union([z.int().min(1).max(MAX_LOOP_TIMES), z.literal('forever')], {
    error: (issue) => (issue.input === undefined ? 'required' : `expected a whole number of passes from 1 to ${MAX_LOOP_TIMES}, or "forever", got ${shown(issue.input)}`),
  }),
  do: StepListSchema,
});

/** `ignore` is shorthand for an empty handler: carry on after the failed attempt. */
const HandlerSchema = z.union([z.string().pipe(z.literal('ignore')), StepListSchema]).transform((v): Program => (v === 'ignore' ? [] : v));
const DispositionSchema: z.ZodType<SignalDisposition> = z.union([z.string().pipe(z.enum(['default', 'ignore'])), StepListSchema]);

/** Accepted spellings of a signal: `TERM` or `SIGTERM`. */
function signalName(key: string): CatchableSignal | 'SIGKILL' | 'SIGSTOP' | undefined {
  const name = key.startsWith('SIG') ? key : `SIG${key}`;
  return Object.hasOwn(SIGNAL_NUMBERS, name) ? (name as CatchableSignal | 'SIGKILL' | 'SIGSTOP') : undefined;
}

const SignalSchema = z.record(z.string(), DispositionSchema).transform((map, ctx) => {
  const handlers: Partial<Record<CatchableSignal, SignalDisposition>> = {};
  for (const [key, disposition] of Object.entries(map)) {
    const name = signalName(key);
    if (name === 'SIGKILL' || name === 'SIGSTOP') {
      ctx.issues.push({ code: 'custom', path: [key], input: key, message: `${name} cannot be caught or ignored (signal(7)); accepted: ${CATCHABLE_SIGNALS.join(', ')}` });
    } else if (name === undefined) {
      ctx.issues.push({ code: 'custom', path: [key], input: key, message: `unknown signal ${JSON.stringify(key)}; accepted: ${CATCHABLE_SIGNALS.join(', ')} (or without "SIG")` });
    } else if (handlers[name] !== undefined) {
      ctx.issues.push({ code: 'custom', path: [key], input: key, message: `${name} is given twice in one signal step` });
    } else {
      handlers[name] = disposition;
    }
  }
  return handlers;
});

const ServeRateSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const text = typeof v === 'string' ? /^(\d+(?:\.\d+)?|\.\d+)\/s$/.exec(v)?.[1] : undefined;
  const rate = typeof v === 'number' ? v : text === undefined ? Number.NaN : Number(text);
  if (Number.isFinite(rate) && rate > 0 && rate <= MAX_SERVE_RATE) return rate;
  ctx.issues.push({ code: 'custom', input: v, message: `expected requests per second above 0 and at most ${MAX_SERVE_RATE}, as a number or "100/s", got ${shown(v)}` });
  return z.NEVER;
});

const ServeSchema = z
  .strictObject({
    rate: ServeRateSchema.describe('Mean request arrivals per second (Poisson): 100 or "100/s".'),
    cpu: durationSchema({ min: micros(1), max: MAX_STEP_DURATION }).describe('CPU time each request needs.'),
    memory: kernelSizeSchema().default(bytes(0)).describe('Memory each request holds while it is served.'),
    workers: z.int().min(1).max(MAX_SERVE_WORKERS).default(1).describe('Worker threads (each counts in pids.current).'),
    backlog: z.int().min(1).max(MAX_SERVE_BACKLOG).default(4096).describe('Requests queued at most; more are dropped (default 4096, somaxconn).'),
    duration: durationSchema({ min: micros(1), max: MAX_STEP_DURATION }).optional().describe('Stop taking requests after this long.'),
    requests: z.int().min(1).max(MAX_SERVE_REQUESTS).optional().describe('Stop after this many arrivals.'),
  })
  .transform(({ rate, duration, requests, ...rest }) => ({ requestsPerSecond: rate, ...rest, duration: duration ?? null, requests: requests ?? null }));

const OnErrorSchema = z.record(z.string(), HandlerSchema);

/** The value schema of each step kind. */
const STEP_VALUES = {
  cpu: durationSchema({ min: micros(1), max: MAX_STEP_DURATION }).describe('CPU time to run (CPU-µs at speed 1.0): "50ms".'),
  sleep: durationSchema({ max: MAX_STEP_DURATION }).describe('Wall time to sleep: "10s".'),
  alloc: AllocSchema,
  free: FreeSchema,
  read: IoSchema,
  write: IoSchema,
  send: SendSchema,
  listen: ListenSchema,
  fork: ForkSchema,
  exec: ExecSchema,
  wait: WaitSchema,
  print: PrintSchema,
  exit: ExitSchema,
  loop: LoopSchema,
  signal: SignalSchema,
  serve: ServeSchema,
} as const satisfies Record<StepKind, z.ZodType>;

type StepValues = { [K in StepKind]?: z.output<(typeof STEP_VALUES)[K]> };

const isFallible = (kind: StepKind): kind is FallibleStepKind => Object.hasOwn(STEP_ERRNOS, kind);

function onErrorFor(kind: StepKind, raw: Record<string, Program> | undefined, ctx: z.core.$RefinementCtx<unknown>): OnError | undefined {
  if (raw === undefined) return undefined;
  if (!isFallible(kind)) {
    ctx.issues.push({ code: 'custom', path: ['on-error'], input: raw, message: `${kind} meets no errors; on-error applies to ${Object.keys(STEP_ERRNOS).join(', ')}` });
    return undefined;
  }
  const accepted: readonly string[] = [...STEP_ERRNOS[kind], ANY_ERRNO];
  for (const key of Object.keys(raw)) {
    if (!accepted.includes(key)) {
      ctx.issues.push({ code: 'custom', path: ['on-error', key], input: key, message: `${kind} never meets ${key}; accepted: ${accepted.join(', ')}` });
    }
  }
  return raw;
}

function toStep(kind: StepKind, v: StepValues): Step {
  switch (kind) {
    case 'cpu': return { op: 'cpu', work: v.cpu! };
    case 'sleep': return { op: 'sleep', duration: v.sleep! };
    case 'alloc': return { op: 'alloc', ...v.alloc! };
    case 'free': return { op: 'free', target: v.free! };
    case 'read': return { op: 'read', ...v.read! };
    case 'write': return { op: 'write', ...v.write! };
    case 'send': return { op: 'send', ...v.send! };
    case 'listen': return { op: 'listen', ...v.listen! };
    case 'fork': return { op: 'fork', ...v.fork! };
    case 'exec': return { op: 'exec', program: v.exec! };
    case 'wait': return { op: 'wait', count: v.wait! };
    case 'print': return { op: 'print', ...v.print! };
    case 'exit': return { op: 'exit', code: v.exit! };
    case 'loop': return { op: 'loop', times: v.loop!.times, body: v.loop!.do };
    case 'signal': return { op: 'signal', handlers: v.signal! };
    case 'serve': return { op: 'serve', ...v.serve! };
    default: {
      const never: never = kind;
      throw new Error(`unhandled step kind ${String(never)}`);
    }
  }
}

const STEP_SHAPE = {
  ...Object.fromEntries(STEP_KINDS.map((kind) => [kind, STEP_VALUES[kind].optional()])),
  'on-error': OnErrorSchema.optional().describe('Handlers per errno (or "any") for the errors this step may meet; otherwise an error is fatal.'),
} as { [K in StepKind]: z.ZodOptional<(typeof STEP_VALUES)[K]> } & { 'on-error': z.ZodOptional<typeof OnErrorSchema> };

/** One step: exactly one step-kind key, plus `on-error` on a fallible step. */
export const StepSchema: z.ZodType<Step> = z
  .strictObject(STEP_SHAPE)
  .meta({ oneOf: STEP_KINDS.map((kind) => ({ required: [kind] })) })
  .transform((raw, ctx): Step => {
    const kinds = STEP_KINDS.filter((kind) => raw[kind] !== undefined);
    const [kind] = kinds;
    if (kind === undefined) {
      // An unknown key (reported with "did you mean") is most likely the intended kind: say nothing more.
      if (ctx.issues.length > 0) return z.NEVER;
      ctx.issues.push({ code: 'custom', input: raw, message: `expected a step such as { cpu: "50ms" }: one of ${STEP_KINDS.join(', ')}, got none` });
      return z.NEVER;
    }
    if (kinds.length > 1) {
      ctx.issues.push({ code: 'custom', input: raw, message: `a step does one thing, got ${kinds.join(' and ')}: write them as separate steps` });
      return z.NEVER;
    }
    const onError = onErrorFor(kind, raw['on-error'], ctx);
    const step = toStep(kind, raw);
    return onError === undefined ? step : ({ ...step, onError } as Step);
  });
