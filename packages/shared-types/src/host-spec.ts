// The first strict-spec / patch pair: a physical host as a user writes it in a scenario or an
// API call. The strict spec rejects unknown keys; the patch has every field optional and no defaults.
import { z } from 'zod';
import { bandwidthSchema, memorySchema } from './quantity-schemas.js';
import { bytes } from './units.js';

/** The accepted form of a user-facing name: 1 to 63 letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A user-facing name, unique within its scope (hosts in a datacenter, VMs on a host, ...). */
export const NameSchema = z.string().regex(NAME_PATTERN, {
  error: (issue) =>
    `expected 1-63 letters, digits, ".", "_" or "-" starting with a letter or digit, got ${JSON.stringify(issue.input)}`,
});

/** The most CPUs one host may declare. */
export const MAX_HOST_CPUS = 4096;

const hostFields = {
  /** Unique name of the host within its datacenter. */
  name: NameSchema.describe('Unique name of the host within its datacenter.'),
  /** Number of physical CPUs (cores) the host offers. */
  cpus: z.int().min(1).max(MAX_HOST_CPUS).describe('Number of physical CPUs (cores).'),
  /** Speed factor of each CPU relative to the reference CPU (1.0): work in CPU-µs at speed 1 runs `cpuSpeed` times faster. */
  cpuSpeed: z.number().positive().max(1000).describe('Speed of each CPU relative to the reference CPU (1.0 = reference).'),
  /** Physical memory: a Kubernetes quantity ("64Gi") or integer bytes. */
  memory: memorySchema({ min: bytes(1) }).describe('Physical memory: a Kubernetes quantity ("64Gi") or integer bytes.'),
  /** Bandwidth of the host's network uplink; omitted means unlimited. */
  bandwidth: bandwidthSchema().describe('Bandwidth of the host network uplink ("10Gbit"); omitted means unlimited.'),
  /** Free-form labels for placement filters and reports. */
  labels: z.record(z.string().regex(NAME_PATTERN), z.string().max(256)).describe('Free-form labels used by placement filters.'),
};

/** A host as the user writes it: `name`, `cpus`, `memory` required; `cpuSpeed` defaults to 1; unknown keys rejected. */
export const HostSpecSchema = z.strictObject({
  name: hostFields.name,
  cpus: hostFields.cpus,
  cpuSpeed: hostFields.cpuSpeed.default(1),
  memory: hostFields.memory,
  bandwidth: hostFields.bandwidth.optional(),
  labels: hostFields.labels.optional(),
});

/** A change to a host: every field optional, nothing defaulted (an absent field is left as it is); unknown keys rejected. */
export const HostSpecPatchSchema = z.strictObject({
  name: hostFields.name.optional(),
  cpus: hostFields.cpus.optional(),
  cpuSpeed: hostFields.cpuSpeed.optional(),
  memory: hostFields.memory.optional(),
  bandwidth: hostFields.bandwidth.optional(),
  labels: hostFields.labels.optional(),
});

/** A validated host spec (integer units, defaults applied). */
export type HostSpec = z.output<typeof HostSpecSchema>;
/** A host spec as written (strings such as "64Gi" allowed, defaults optional). */
export type HostSpecInput = z.input<typeof HostSpecSchema>;
/** A validated host patch. */
export type HostSpecPatch = z.output<typeof HostSpecPatchSchema>;
/** A host patch as written. */
export type HostSpecPatchInput = z.input<typeof HostSpecPatchSchema>;
