// The file of `strata container run FILE`: a scripted Docker session against one simulated host —
// the kernel (CPUs, memory), extra images, and docker commands at simulated times. Structure and
// Docker's flag rules are checked here; what depends on state (a name in use, an unknown image or
// container) is the engine's to report at run time, with Docker's messages, as a real session would.
import { z } from 'zod';
import {
  CONTAINER_NAME_PATTERN,
  CONTAINER_UPDATE_FIELDS,
  ContainerSpecSchema,
  DockerEnvSchema,
  DockerLabelsSchema,
  DockerSignalSchema,
  DockerUserSchema,
  DockerWorkdirSchema,
  MAX_CONTAINER_LIST,
  MAX_CONTAINER_NAME_LENGTH,
  MAX_STOP_TIMEOUT_S,
  checkMemory,
  toUpdate,
  type ContainerSpec,
  type ContainerSpecUpdate,
} from './container-spec.js';
import { formatDuration } from './duration.js';
import { NameSchema } from './host-spec.js';
import { parseWithSchema } from './parse-with-schema.js';
import { ProgramSchema } from './program/parse-program.js';
import { checkProgramSize, type ProgramRoot } from './program/program-size.js';
import type { Program } from './program/types.js';
import type { SignalName } from './program/vocabulary.js';
import { durationSchema, kernelSizeSchema } from './quantity-schemas.js';
import { MAX_SCHED_CPUS, MAX_SCHED_DURATION } from './sched-spec.js';
import { bytes, micros, type Bytes, type Micros } from './units.js';

/** The docker commands a session may give, in the order the documentation lists them. */
export const CONTAINER_SESSION_COMMANDS = [
  'create', 'run', 'start', 'stop', 'kill', 'pause', 'unpause', 'restart', 'exec', 'update', 'wait', 'rename', 'rm', 'logs', 'top', 'inspect', 'stats', 'ps',
] as const;
/** A docker command word (`run`, `stop`, ...). */
export type ContainerSessionCommandKind = (typeof CONTAINER_SESSION_COMMANDS)[number];

/** The most commands one session may give. */
export const MAX_SESSION_COMMANDS = 100_000;
/** The most images one session may define. */
export const MAX_SESSION_IMAGES = 256;
/** The most named programs one image may offer. */
export const MAX_IMAGE_PROGRAMS = 256;
/** The most layers of one image (overlayfs' lower-dir limit in Docker's overlay2 driver is 128). */
export const MAX_IMAGE_LAYERS = 128;
/** The largest layer (1 TiB). */
export const MAX_LAYER_SIZE: Bytes = bytes(2 ** 40);
/** Defaults of the simulated host: 2 CPUs, 4 GiB, no swap, seed 0, fluid fidelity. */
export const DEFAULT_SESSION_HOST = { cpus: 2, memory: bytes(4 * 2 ** 30), swap: bytes(0), seed: 0, fidelity: 'fluid' } as const;

/** Repository path as distribution/reference's grammar has it: lowercase components joined by `/`, with `.`, `_`, `__`, `-` inside. */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** A container named by name, full id or unique id prefix (Docker accepts each). */
const ContainerRefSchema = z
  .string()
  .min(1)
  .max(MAX_CONTAINER_NAME_LENGTH)
  .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { message: 'expected a container name, id or id prefix' });

/** `stop: w1` or `stop: { container: w1 }`: the bare form is the container. */
function refOr<T extends z.ZodRawShape>(shape: T) {
  const object = z.strictObject({ container: ContainerRefSchema, ...shape });
  // The bare form cannot fail past the ref check: every other field is optional or defaulted.
  const bare = ContainerRefSchema.transform((container): z.output<typeof object> => object.parse({ container }));
  return z.union([bare, object]);
}

const TimeoutSchema = z.int().min(-1).max(MAX_STOP_TIMEOUT_S).describe('Seconds to wait before SIGKILL (docker stop -t); -1 waits forever.');

const ExposedPortSchema = z.union([z.int().min(1).max(65535), z.string().regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/, { message: 'expected a port such as 80, "80/tcp" or "53/udp"' })]).transform((v, ctx) => {
  const [port = '', proto = 'tcp'] = String(v).split('/');
  const n = Number(port);
  if (n < 1 || n > 65535) {
    ctx.issues.push({ code: 'custom', input: v, message: `expected a port from 1 to 65535, got ${port}` });
    return z.NEVER;
  }
  return `${n}/${proto}`;
});

/** An image to add to the built-in ones (`web`, `batch`, `memhog`, `forker`, `idle`, `crasher`, `pause`). */
export const ContainerSessionImageSchema = z
  .strictObject({
    name: z.string().max(255).regex(REPOSITORY, { message: 'expected a repository name: lowercase letters and digits, with ".", "_", "__" or "-" inside and "/" between components (Docker: "repository name must be lowercase")' }),
    tag: z.string().regex(TAG, { message: 'expected a tag: up to 128 letters, digits, "_", "." or "-", not starting with "." or "-"' }).default('latest'),
    cmd: ProgramSchema.describe('What the container runs when no command is given (CMD).'),
    programs: z.record(NameSchema, ProgramSchema).default({}).refine((p) => Object.keys(p).length <= MAX_IMAGE_PROGRAMS, { message: `expected at most ${MAX_IMAGE_PROGRAMS} programs` }).describe('Named programs a command may name.'),
    env: DockerEnvSchema.default({}).describe('ENV: "KEY=VALUE" list or map.'),
    user: DockerUserSchema.default({ uid: 0, gid: 0 }).describe('USER: "UID[:GID]" (default root).'),
    workdir: DockerWorkdirSchema.default('/').describe('WORKDIR: an absolute path (default "/").'),
    'exposed-ports': z.array(ExposedPortSchema).max(MAX_CONTAINER_LIST).default([]).describe('EXPOSE: 80, "80/tcp", "53/udp".'),
    'stop-signal': DockerSignalSchema.default('SIGTERM').describe('STOPSIGNAL (default SIGTERM).'),
    layers: z.array(kernelSizeSchema({ min: bytes(1), max: MAX_LAYER_SIZE })).min(1).max(MAX_IMAGE_LAYERS).describe('Sizes of the read-only layers, bottom first ("5M", "80M").'),
    labels: DockerLabelsSchema.default({}),
  })
  .transform((i) => ({
    name: i.name,
    tag: i.tag,
    cmd: i.cmd,
    programs: i.programs,
    env: i.env,
    user: i.user,
    workingDir: i.workdir,
    exposedPorts: i['exposed-ports'],
    stopSignal: i['stop-signal'],
    layers: i.layers,
    labels: i.labels,
  }));

/** An image defined by a session: sizes of layers rather than digests (the registry derives those). */
export type ContainerSessionImage = z.output<typeof ContainerSessionImageSchema>;

const UpdateCommandSchema = z
  .strictObject({ container: ContainerRefSchema, ...CONTAINER_UPDATE_FIELDS })
  .superRefine((raw, ctx) => checkMemory(raw, true, ctx), { when: (payload) => payload.issues.length === 0 })
  .transform(({ container, ...flags }) => ({ container, update: toUpdate(flags) }));

const ExecCommandSchema = z.strictObject({
  container: ContainerRefSchema,
  command: z.union([NameSchema, ProgramSchema]).describe('Program steps, or the name of a program of the image.'),
  user: DockerUserSchema.optional(),
  env: DockerEnvSchema.optional(),
});

const NewNameSchema = z.string().max(MAX_CONTAINER_NAME_LENGTH).transform((v, ctx) => {
  if (CONTAINER_NAME_PATTERN.test(v)) return v.replace(/^\//, '');
  ctx.issues.push({ code: 'custom', input: v, message: `Invalid container name (${v}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed` });
  return z.NEVER;
});

/** The value schema of each command word. */
const COMMAND_VALUES = {
  create: ContainerSpecSchema.describe('docker create: a container spec in docker run\'s flag words.'),
  run: ContainerSpecSchema.describe('docker run -d: create then start.'),
  start: refOr({}),
  stop: refOr({ time: TimeoutSchema.optional(), signal: DockerSignalSchema.optional() }),
  kill: refOr({ signal: DockerSignalSchema.default('SIGKILL') }),
  pause: refOr({}),
  unpause: refOr({}),
  restart: refOr({ time: TimeoutSchema.optional() }),
  exec: ExecCommandSchema,
  update: UpdateCommandSchema,
  wait: refOr({ condition: z.enum(['not-running', 'next-exit', 'removed']).default('not-running') }),
  rename: z.strictObject({ container: ContainerRefSchema, name: NewNameSchema }),
  rm: refOr({ force: z.boolean().default(false) }),
  logs: refOr({ tail: z.int().min(0).max(1_000_000).optional(), since: durationSchema({ max: MAX_SCHED_DURATION }).optional() }),
  top: refOr({}),
  inspect: refOr({}),
  stats: refOr({}),
  ps: z.union([z.null(), z.strictObject({ all: z.boolean().default(false) })]).transform((v) => ({ all: v?.all ?? false })),
} as const satisfies Record<ContainerSessionCommandKind, z.ZodType>;

type CommandValues = { [K in ContainerSessionCommandKind]: z.output<(typeof COMMAND_VALUES)[K]> };

/** One docker command of a session, discriminated by `type` (the docker word). */
export type ContainerSessionCommand =
  | { readonly type: 'create' | 'run'; readonly spec: ContainerSpec }
  | { readonly type: 'start' | 'pause' | 'unpause' | 'top' | 'inspect' | 'stats'; readonly container: string }
  | { readonly type: 'stop'; readonly container: string; readonly time?: number; readonly signal?: SignalName }
  | { readonly type: 'kill'; readonly container: string; readonly signal: SignalName }
  | { readonly type: 'restart'; readonly container: string; readonly time?: number }
  | { readonly type: 'exec'; readonly container: string; readonly command: Program | string; readonly user?: { readonly uid: number; readonly gid: number }; readonly env?: Readonly<Record<string, string>> }
  | { readonly type: 'update'; readonly container: string; readonly update: ContainerSpecUpdate }
  | { readonly type: 'wait'; readonly container: string; readonly condition: 'not-running' | 'next-exit' | 'removed' }
  | { readonly type: 'rename'; readonly container: string; readonly name: string }
  | { readonly type: 'rm'; readonly container: string; readonly force: boolean }
  | { readonly type: 'logs'; readonly container: string; readonly tail?: number; readonly since?: Micros }
  | { readonly type: 'ps'; readonly all: boolean };

/** A command with its time: `at` in simulated µs from the start of the session. */
export interface ContainerSessionStep {
  readonly at: Micros;
  readonly command: ContainerSessionCommand;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function toCommand(kind: ContainerSessionCommandKind, v: Partial<CommandValues>): ContainerSessionCommand {
  switch (kind) {
    case 'create':
    case 'run':
      return { type: kind, spec: v[kind]! };
    case 'start':
    case 'pause':
    case 'unpause':
    case 'top':
    case 'inspect':
    case 'stats':
      return { type: kind, container: v[kind]!.container };
    case 'stop':
      return dropUndefined({ type: kind, ...v.stop! });
    case 'kill':
      return { type: kind, ...v.kill! };
    case 'restart':
      return dropUndefined({ type: kind, ...v.restart! });
    case 'exec':
      return dropUndefined({ type: kind, ...v.exec! });
    case 'update':
      return { type: kind, ...v.update! };
    case 'wait':
      return { type: kind, ...v.wait! };
    case 'rename':
      return { type: kind, ...v.rename! };
    case 'rm':
      return { type: kind, ...v.rm! };
    case 'logs':
      return dropUndefined({ type: kind, ...v.logs! });
    case 'ps':
      return { type: kind, ...v.ps! };
    default: {
      const never: never = kind;
      throw new Error(`unhandled command ${String(never)}`);
    }
  }
}

const COMMAND_SHAPE = {
  at: durationSchema({ max: MAX_SCHED_DURATION }).describe('When the command is given, from the start of the session ("5s").'),
  ...Object.fromEntries(CONTAINER_SESSION_COMMANDS.map((kind) => [kind, COMMAND_VALUES[kind].optional()])),
} as { at: ReturnType<typeof durationSchema> } & { [K in ContainerSessionCommandKind]: z.ZodOptional<(typeof COMMAND_VALUES)[K]> };

/** One timed command: `at` and exactly one docker word. */
export const ContainerSessionStepSchema = z
  .strictObject(COMMAND_SHAPE)
  .meta({ oneOf: CONTAINER_SESSION_COMMANDS.map((kind) => ({ required: ['at', kind] })) })
  .transform((raw, ctx): ContainerSessionStep => {
    const kinds = CONTAINER_SESSION_COMMANDS.filter((kind) => raw[kind] !== undefined);
    const [kind] = kinds;
    if (kind === undefined) {
      if (ctx.issues.length === 0) ctx.issues.push({ code: 'custom', input: raw, message: `expected a command such as { at: 0s, run: { image: web } }: one of ${CONTAINER_SESSION_COMMANDS.join(', ')}, got none` });
      return z.NEVER;
    }
    if (kinds.length > 1) {
      ctx.issues.push({ code: 'custom', input: raw, message: `a command entry gives one docker command, got ${kinds.join(' and ')}: write them as separate entries (the same "at" keeps file order)` });
      return z.NEVER;
    }
    return { at: raw.at, command: toCommand(kind, raw) };
  });

const FidelitySchema = z.enum(['exact', 'fluid']);

const HostSchema = z.strictObject({
  cpus: z.int().min(1).max(MAX_SCHED_CPUS).default(DEFAULT_SESSION_HOST.cpus).describe('CPUs of the simulated kernel (default 2).'),
  memory: kernelSizeSchema({ min: bytes(64 * 2 ** 20), max: bytes(2 ** 50) }).default(DEFAULT_SESSION_HOST.memory).describe('Memory of the kernel: "8Gi" or "8G" (both GiB, as the kernel reads sizes); default 4Gi.'),
  swap: kernelSizeSchema({ max: bytes(2 ** 50) }).default(DEFAULT_SESSION_HOST.swap).describe('Swap space (default none).'),
  seed: z.union([z.int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().max(256)]).default(DEFAULT_SESSION_HOST.seed).describe('Seed of every random stream (request arrivals, container ids).'),
  fidelity: FidelitySchema.default(DEFAULT_SESSION_HOST.fidelity).describe('exact (per-tick scheduling) or fluid (default).'),
});

const SessionObjectSchema = z
  .strictObject({
    host: HostSchema.prefault({}).describe('The simulated kernel.'),
    duration: durationSchema({ min: micros(1), max: MAX_SCHED_DURATION }).describe('Run the session until this time.'),
    images: z.array(ContainerSessionImageSchema).max(MAX_SESSION_IMAGES).default([]).describe('Images to add to the built-in ones.'),
    commands: z.array(ContainerSessionStepSchema).max(MAX_SESSION_COMMANDS).describe('Docker commands, in file order; "at" must not decrease.'),
  })
  .superRefine(
    (session, ctx) => {
      const cpuTime = session.host.cpus * session.duration;
      if (cpuTime > Number.MAX_SAFE_INTEGER) {
        ctx.addIssue({ code: 'custom', path: ['duration'], input: session.duration, message: `expected cpus × duration below 2^53 µs; with ${session.host.cpus} CPUs at most ${formatDuration(micros(Math.floor(Number.MAX_SAFE_INTEGER / session.host.cpus / 1e6) * 1e6))}` });
      }
      const seen = new Map<string, number>();
      session.images.forEach((image, i) => {
        const ref = `${image.name}:${image.tag}`;
        const first = seen.get(ref);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['images', i, 'name'], input: image.name, message: `image ${ref} is defined twice (also images[${first}])` });
        else seen.set(ref, i);
      });
      let previous = micros(0);
      session.commands.forEach((step, i) => {
        if (step.at < previous) {
          ctx.addIssue({ code: 'custom', path: ['commands', i, 'at'], input: step.at, message: `expected at or after ${formatDuration(previous)} (commands[${i - 1}].at): commands run in file order, so times must not decrease` });
        }
        if (step.at > session.duration) {
          ctx.addIssue({ code: 'custom', path: ['commands', i, 'at'], input: step.at, message: `expected a time within the session (at most duration ${formatDuration(session.duration)}), got ${formatDuration(step.at)}` });
        }
        previous = step.at > previous ? step.at : previous;
      });
    },
    { when: (payload) => payload.issues.length === 0 },
  );

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Every program of a raw session document, for the whole-document size bound before parsing. */
function programRoots(input: unknown): ProgramRoot[] {
  if (!isRecord(input)) return [];
  const roots: ProgramRoot[] = [];
  if (Array.isArray(input['images'])) {
    input['images'].forEach((image: unknown, i) => {
      if (!isRecord(image)) return;
      roots.push({ program: image['cmd'], path: ['images', i, 'cmd'] });
      if (isRecord(image['programs'])) for (const [name, program] of Object.entries(image['programs'])) roots.push({ program, path: ['images', i, 'programs', name] });
    });
  }
  if (Array.isArray(input['commands'])) {
    input['commands'].forEach((step: unknown, i) => {
      if (!isRecord(step)) return;
      for (const kind of ['create', 'run', 'exec'] as const) {
        const value = step[kind];
        if (isRecord(value)) roots.push({ program: value['command'], path: ['commands', i, kind, 'command'] });
      }
    });
  }
  return roots;
}

/**
 * A container session (`strata container run FILE`) as the already-parsed YAML or JSON value:
 * `host` (cpus 1..1024, default 2; memory 64Mi..1Pi, default 4Gi; swap; seed; fidelity, default fluid),
 * `duration` (required, 1us..876600h, cpus × duration < 2^53 µs), `images` (≤ 256, each name:tag once),
 * and `commands` (≤ 100,000): each `{ at, <docker word>: value }` with exactly one word of
 * `CONTAINER_SESSION_COMMANDS`. Commands run in file order; `at` must not decrease (equal times keep
 * file order) and must not pass `duration`. `run`/`create` take a container spec in docker run's flag
 * words (`ContainerSpecSchema`); `stop: w1` is short for `stop: { container: w1 }` (likewise start,
 * kill, pause, unpause, restart, wait, rm, logs, top, inspect, stats). All programs together hold at
 * most 1,000,000 steps. References to containers and images are checked by the engine when the
 * command runs, with Docker's messages, as a real session reports them.
 */
export const ContainerSessionSchema = z.preprocess((input, ctx) => {
  checkProgramSize(programRoots(input), ctx);
  return input;
}, SessionObjectSchema);

/** A validated container session (integer units, defaults applied). */
export type ContainerSession = z.output<typeof SessionObjectSchema>;
/** A container session as written. */
export type ContainerSessionInput = z.input<typeof SessionObjectSchema>;
/** The simulated host of a session. */
export type ContainerSessionHost = ContainerSession['host'];

/**
 * Parse a container session into its typed form. Throws `ValidationError` whose message and
 * `details.issues` name the path of each bad field (`commands[3].run.memory: Minimum memory limit
 * allowed is 6MB`); `source` (the file name) goes into the message.
 */
export function parseContainerSession(input: unknown, source?: string): ContainerSession {
  return parseWithSchema(ContainerSessionSchema, input, source === undefined ? 'container session' : `container session (${source})`);
}
