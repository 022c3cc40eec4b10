// A Kubernetes pod in the manifest's own words (`spec.containers[i].resources.limits.memory: 128Mi`,
// `restartPolicy: OnFailure`), trimmed to what the pod model runs: containers of built-in images, their
// resources, the restart policy and PID sharing. Messages follow Kubernetes' apis/core/validation where
// noted (the request ≤ limit text read in validation.go; the RFC 1123 texts from apimachinery's
// IsDNS1123Label/IsDNS1123Subdomain, from memory, unverified).
import { z } from 'zod';
import { parseWithSchema } from './parse-with-schema.js';
import { ProgramSchema } from './program/parse-program.js';
import type { Program } from './program/types.js';
import { cpuSchema, memorySchema } from './quantity-schemas.js';
import { formatCpu, formatMemory } from './kubernetes-quantity.js';
import type { Bytes, CpuMillis } from './units.js';

/** Containers a pod may have (the model's bound; Kubernetes sets none). */
export const MAX_POD_CONTAINERS = 64;
/** Kubernetes' default `terminationGracePeriodSeconds`. */
export const DEFAULT_POD_GRACE_PERIOD_S = 30;
/** Largest `terminationGracePeriodSeconds` accepted (one year, the model's bound). */
export const MAX_POD_GRACE_PERIOD_S = 31_536_000;
/** `restartPolicy` values, Kubernetes' spelling. */
export const POD_RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
/** A pod's `restartPolicy`. */
export type PodRestartPolicy = (typeof POD_RESTART_POLICIES)[number];

/** CPU and memory of one side of `resources` (absent: not set). */
export interface PodResourceList {
  readonly cpu?: CpuMillis;
  readonly memory?: Bytes;
}

/** One app container of a pod. `resources.requests` already defaulted from `limits` (the API server's defaulting). */
export interface PodContainerSpec {
  readonly name: string;
  readonly image: string;
  /** Replaces the image's cmd: program steps, or the name of a program the image offers. */
  readonly command?: Program | string;
  readonly resources: { readonly requests: PodResourceList; readonly limits: PodResourceList };
}

/** A pod as the pod model runs it (parsed by `PodSpecSchema`). */
export interface PodSpec {
  readonly name: string;
  readonly containers: readonly PodContainerSpec[];
  readonly restartPolicy: PodRestartPolicy;
  readonly shareProcessNamespace: boolean;
  /** Seconds between SIGTERM and SIGKILL at deletion. */
  readonly terminationGracePeriodSeconds: number;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
const SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";

const PodNameSchema = z.string().min(1, { message: 'Required value' }).max(253, { message: 'must be no more than 253 characters' }).regex(SUBDOMAIN, { message: SUBDOMAIN_MESSAGE });
const ContainerNameSchema = z.string().min(1, { message: 'Required value' }).max(63, { message: 'must be no more than 63 characters' }).regex(LABEL, { message: LABEL_MESSAGE });

const ResourceListSchema = z.strictObject({
  cpu: cpuSchema().optional().describe('Kubernetes CPU quantity: "500m", "0.5", 2.'),
  memory: memorySchema().optional().describe('Kubernetes memory quantity: "128Mi", "1G", bytes.'),
});

const PodContainerObjectSchema = z.strictObject({
  name: ContainerNameSchema.describe('DNS-1123 label, unique in the pod.'),
  image: z.string().min(1).max(512).regex(/^\S+$/, { message: 'invalid reference format' }),
  command: z.union([z.string().min(1).max(64), ProgramSchema]).optional().describe("Replaces the image's cmd: the name of a program of the image, or program steps."),
  resources: z.strictObject({ requests: ResourceListSchema.optional(), limits: ResourceListSchema.optional() }).optional(),
});

const PodSpecObjectSchema = z.strictObject({
  name: PodNameSchema.describe("metadata.name: a DNS-1123 subdomain; the pod's hostname (its first 63 characters)."),
  containers: z.array(PodContainerObjectSchema).min(1, { message: 'Required value: at least one container' }).max(MAX_POD_CONTAINERS),
  restartPolicy: z.enum(POD_RESTART_POLICIES, { message: 'Unsupported value: supported values: "Always", "OnFailure", "Never"' }).optional().describe('Always (default), OnFailure or Never.'),
  shareProcessNamespace: z.boolean().optional().describe('One PID namespace for the pod (the pause container is its PID 1).'),
  terminationGracePeriodSeconds: z.int().min(0).max(MAX_POD_GRACE_PERIOD_S).optional().describe('Default 30.'),
});

type RawPod = z.output<typeof PodSpecObjectSchema>;

function checkPod(raw: RawPod, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  raw.containers.forEach((c, i) => {
    if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['containers', i, 'name'], message: `Duplicate value: ${JSON.stringify(c.name)}`, input: c.name });
    seen.set(c.name, i);
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    // apis/core/validation ValidateResourceRequirements: "must be less than or equal to %s limit of %s".
    for (const key of ['cpu', 'memory'] as const) {
      const req = requests[key];
      const lim = limits[key];
      if (req !== undefined && lim !== undefined && req > lim) {
        const shown = key === 'cpu' ? formatCpu(lim as CpuMillis) : formatMemory(lim as Bytes);
        ctx.addIssue({ code: 'custom', path: ['containers', i, 'resources', 'requests', key], message: `must be less than or equal to ${key} limit of ${shown}`, input: req });
      }
    }
  });
}

function toPod(raw: RawPod): PodSpec {
  return {
    name: raw.name,
    containers: raw.containers.map((c): PodContainerSpec => {
      const limits: PodResourceList = { ...(c.resources?.limits ?? {}) };
      // The API server's defaulting (apis/core/v1 defaults.go): a limit without a request sets the request.
      const requests: PodResourceList = { ...(limits.cpu === undefined ? {} : { cpu: limits.cpu }), ...(limits.memory === undefined ? {} : { memory: limits.memory }), ...(c.resources?.requests ?? {}) };
      return { name: c.name, image: c.image, ...(c.command === undefined ? {} : { command: c.command }), resources: { requests, limits } };
    }),
    restartPolicy: raw.restartPolicy ?? 'Always',
    shareProcessNamespace: raw.shareProcessNamespace ?? false,
    terminationGracePeriodSeconds: raw.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_PERIOD_S,
  };
}

/** A pod as written (Kubernetes' field names; quantities as strings or numbers). */
export type PodSpecInput = z.input<typeof PodSpecObjectSchema>;

/**
 * A pod in Kubernetes' words: `name`, `containers[]` (`name`, `image`, `command`, `resources.requests` /
 * `resources.limits` with `cpu` and `memory` quantities), `restartPolicy` (default Always),
 * `shareProcessNamespace` (default false), `terminationGracePeriodSeconds` (default 30). Unknown keys are
 * rejected; names must be RFC 1123 (pod: subdomain, container: label, unique); a request above its limit is
 * refused; requests default to limits. Yields a `PodSpec`.
 */
export const PodSpecSchema: z.ZodType<PodSpec, PodSpecInput> = PodSpecObjectSchema.superRefine(checkPod, { when: (payload) => payload.issues.length === 0 }).transform(toPod);

/** Parse a pod (already-parsed YAML/JSON); throws `ValidationError` naming each bad field's path (`containers[0].resources.limits.memory: ...`). */
export function parsePodSpec(input: unknown, source?: string): PodSpec {
  return parseWithSchema(PodSpecSchema, input, source === undefined ? 'pod spec' : `pod spec (${source})`);
}
