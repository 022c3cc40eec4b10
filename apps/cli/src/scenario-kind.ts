// Telling a datacenter scenario from the other files the CLI reads, and what a scenario contains.

import type { Scenario } from '@strata/shared-types';

/** Whether a parsed document is a datacenter scenario: an object with a `hosts` list. */
export function isScenarioDocument(document: unknown): boolean {
  return typeof document === 'object' && document !== null && !Array.isArray(document) && 'hosts' in document;
}

/** Whether `scenario` has a CloudSim-style batch workload. */
export function hasBatchWorkload(scenario: Scenario): boolean {
  return scenario.workloads.some((w) => w.kind === 'batch');
}
