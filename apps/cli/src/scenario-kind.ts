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

/**
 * The parts of `scenario` only the datacenter runs: containers, networks, timed actions, faults,
 * metric sampling, VMs that do not start when created. Empty: hosts, VMs and batch workloads, which
 * the batch engine runs alone with the same results.
 */
export function datacenterParts(scenario: Scenario): string[] {
  return [
    scenario.containers.length > 0 ? 'containers' : '',
    scenario.networks.length > 0 ? 'networks' : '',
    scenario.actions.length > 0 ? 'actions' : '',
    scenario.faults === undefined ? '' : 'faults',
    scenario.metrics === undefined ? '' : 'metrics',
    scenario.vms.some((v) => !v.autostart) ? 'autostart: false' : '',
  ].filter((part) => part !== '');
}

/** Whether `scenario` is batch-only: batch workloads on hosts and VMs, nothing else (the batch engine's fast path). */
export function isBatchOnly(scenario: Scenario): boolean {
  return hasBatchWorkload(scenario) && datacenterParts(scenario).length === 0;
}
