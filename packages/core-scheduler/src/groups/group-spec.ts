// Reading a group experiment spec: schema validation (shared-types) plus the warnings for values
// the kernel accepts but silently changes (cpu.shares outside 2..262144).
import { CGROUP_CPU_LIMITS, GroupSpecSchema, parseWithSchema, type GroupNodeSpec, type GroupSpec } from '@strata/shared-types';
import { clampShares } from './cpu-weight.js';

/** A validated spec and what the kernel would have changed silently. */
export interface ParsedGroupSpec {
  readonly spec: GroupSpec;
  /** One line per silent clamp, e.g. `groups[0].cpu.shares: 1 is outside 2..262144; the kernel clamps it to 2`. */
  readonly warnings: string[];
}

/**
 * Validate a group experiment spec (parsed YAML/JSON, or an already validated spec). Throws
 * `ValidationError` whose message lists every bad field as `path: problem`
 * (`groups[0].cpu.quota: expected at least 1ms, got 500us`) and whose `details.issues` holds
 * `{ path, message }` for each.
 */
export function parseGroupSpec(input: unknown): ParsedGroupSpec {
  const spec = parseWithSchema(GroupSpecSchema, input, 'group spec');
  return { spec, warnings: shareClampWarnings(spec.groups, 'groups') };
}

/**
 * One line per group of the tree under `path` whose `cpu.shares` the kernel would clamp silently
 * into 2..262144 (`groups[0].cpu.shares: 1 is outside 2..262144; the kernel clamps it to 2`).
 */
export function shareClampWarnings(groups: readonly GroupNodeSpec[], path: string): string[] {
  const warnings: string[] = [];
  const walk = (list: readonly GroupNodeSpec[], at: string): void => {
    list.forEach((g, i) => {
      const here = `${at}[${i}]`;
      const shares = g.cpu.shares;
      if (shares !== undefined && clampShares(shares) !== shares) {
        warnings.push(`${here}.cpu.shares: ${shares} is outside ${CGROUP_CPU_LIMITS.sharesMin}..${CGROUP_CPU_LIMITS.sharesMax}; the kernel clamps it to ${clampShares(shares)}`);
      }
      walk(g.groups, `${here}.groups`);
    });
  };
  walk(groups, path);
  return warnings;
}
