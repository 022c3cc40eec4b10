// JSON Schema for specs, for OpenAPI, editors and other languages. A spec's transforms (quantity
// parsing) have no JSON form, so the schema describes the input side: what a user may write.
import { z } from 'zod';
import { HostSpecPatchSchema, HostSpecSchema } from './host-spec.js';
import { BandwidthSchema, CpuSchema, DurationSchema, MemorySchema } from './quantity-schemas.js';
import { GroupSpecSchema } from './sched-spec.js';
import { NestedHostSpecSchema } from './nested-host-spec.js';
import { KernelExperimentSchema } from './kernel-experiment-spec.js';
import { ProgramSchema } from './program/parse-program.js';
import { ContainerSpecSchema, ContainerUpdateSpecSchema } from './container-spec.js';
import { ContainerSessionSchema } from './container-session-spec.js';
import { PodSpecSchema } from './pod-spec.js';
import { ClusterCommandSchema, ScenarioSchema } from './scenario-spec.js';

/** A JSON Schema document (draft 2020-12) as emitted by `toJsonSchema`. */
export type JsonSchema = Record<string, unknown>;

/** The JSON Schema (draft 2020-12) of what `schema` accepts as input; throws if it holds an unrepresentable type. */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
}

/** The specs and quantities this package publishes as JSON Schema, by name. */
export const SPEC_SCHEMAS = {
  Duration: DurationSchema,
  Memory: MemorySchema,
  Cpu: CpuSchema,
  Bandwidth: BandwidthSchema,
  HostSpec: HostSpecSchema,
  HostSpecPatch: HostSpecPatchSchema,
  GroupSpec: GroupSpecSchema,
  NestedHostSpec: NestedHostSpecSchema,
  Program: ProgramSchema,
  KernelExperiment: KernelExperimentSchema,
  ContainerSpec: ContainerSpecSchema,
  ContainerUpdate: ContainerUpdateSpecSchema,
  ContainerSession: ContainerSessionSchema,
  PodSpec: PodSpecSchema,
  Scenario: ScenarioSchema,
  ClusterCommand: ClusterCommandSchema,
} as const satisfies Record<string, z.ZodType>;

/** The JSON Schema of each named schema (default: every spec in `SPEC_SCHEMAS`). */
export function jsonSchemas<K extends string = keyof typeof SPEC_SCHEMAS>(
  schemas: Readonly<Record<K, z.ZodType>> = SPEC_SCHEMAS as unknown as Record<K, z.ZodType>,
): Record<K, JsonSchema> {
  const out = {} as Record<K, JsonSchema>;
  for (const name of Object.keys(schemas) as K[]) out[name] = toJsonSchema(schemas[name]);
  return out;
}
