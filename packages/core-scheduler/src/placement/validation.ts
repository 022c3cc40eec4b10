// Checks for placement inputs: every host and request is validated in full before anything changes,
// and a bad field is reported by its path.
import { shownValue, ValidationError } from '@strata/shared-types';
import type { AffinityTerm, HostPreference, Labels, PlacementHostSpec, PlacementRequest, Taint, Toleration, WeightedAffinityTerm } from './types.js';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

function fail(path: string, message: string, value: unknown, accepted: unknown): never {
  throw new ValidationError(`${path} ${message}, got ${shownValue(value)}`, { path, value, accepted });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws unless `value` is a non-negative safe integer. */
export function requireQuantity(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(path, 'must be a non-negative integer', value, 'safe integer >= 0');
}

/** Throws unless `value` is a finite number > 0 (an overcommit ratio). */
export function requireRatio(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(path, 'must be a finite number > 0', value, 'finite number > 0 (1 = no overcommit)');
}

function requireName(value: unknown, path: string): void {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string', value, 'non-empty string');
}

function requireLabels(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) fail(path, 'must be an object of string labels', value, 'Record<string, string>');
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') fail(`${path}.${k}`, 'must be a string', v, 'string');
}

function requireSelector(value: unknown, path: string): void {
  if (!isRecord(value)) fail(path, 'must be an object of string labels', value, 'Record<string, string>');
  requireLabels(value, path);
}

function requireArray(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array', value, 'array');
  return value as readonly unknown[];
}

function requireWeight(value: unknown, path: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) fail(path, 'must be an integer from 1 to 100', value, 'integer 1..100');
}

function requireTaint(t: unknown, path: string): void {
  if (!isRecord(t)) fail(path, 'must be a taint object', t, '{ key, value?, effect }');
  const taint = t as unknown as Taint;
  requireName(taint.key, `${path}.key`);
  if (taint.value !== undefined && typeof taint.value !== 'string') fail(`${path}.value`, 'must be a string', taint.value, 'string');
  if (!EFFECTS.includes(taint.effect)) fail(`${path}.effect`, 'must be a taint effect', taint.effect, EFFECTS);
}

function requireToleration(t: unknown, path: string): void {
  if (!isRecord(t)) fail(path, 'must be a toleration object', t, '{ key?, operator?, value?, effect? }');
  const tol = t as unknown as Toleration;
  if (tol.key !== undefined && typeof tol.key !== 'string') fail(`${path}.key`, 'must be a string', tol.key, 'string');
  if (tol.operator !== undefined && tol.operator !== 'Equal' && tol.operator !== 'Exists') fail(`${path}.operator`, 'must be Equal or Exists', tol.operator, ['Equal', 'Exists']);
  if ((tol.operator ?? 'Equal') === 'Equal' && (tol.key === undefined || tol.key === '')) fail(`${path}.key`, 'is required with operator Equal (use Exists to tolerate every key)', tol.key, 'non-empty string');
  if (tol.operator === 'Exists' && tol.value !== undefined) fail(`${path}.value`, 'must be absent with operator Exists', tol.value, 'undefined');
  if (tol.value !== undefined && typeof tol.value !== 'string') fail(`${path}.value`, 'must be a string', tol.value, 'string');
  if (tol.effect !== undefined && !EFFECTS.includes(tol.effect)) fail(`${path}.effect`, 'must be a taint effect', tol.effect, EFFECTS);
}

function requireTerm(t: unknown, path: string, weighted: boolean): void {
  if (!isRecord(t)) fail(path, 'must be an affinity term', t, '{ selector, topologyKey? }');
  const term = t as unknown as WeightedAffinityTerm;
  requireSelector(term.selector, `${path}.selector`);
  if (term.topologyKey !== undefined) requireName(term.topologyKey, `${path}.topologyKey`);
  if (weighted) requireWeight(term.weight, `${path}.weight`);
}

function requireAffinity(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) fail(path, 'must be an object', value, '{ required?, preferred? }');
  const a = value as { required?: readonly AffinityTerm[]; preferred?: readonly WeightedAffinityTerm[] };
  requireArray(a.required, `${path}.required`).forEach((t, k) => requireTerm(t, `${path}.required[${k}]`, false));
  requireArray(a.preferred, `${path}.preferred`).forEach((t, k) => requireTerm(t, `${path}.preferred[${k}]`, true));
}

/** Throws ValidationError (field path in `details.path`) unless `spec` is a valid host. */
export function validateHost(spec: PlacementHostSpec, path = 'host'): void {
  if (!isRecord(spec)) fail(path, 'must be a host object', spec, '{ name, cpu, memory, ... }');
  requireName(spec.name, `${path}.name`);
  requireQuantity(spec.cpu, `${path}.cpu`);
  requireQuantity(spec.memory, `${path}.memory`);
  requireLabels(spec.labels, `${path}.labels`);
  requireArray(spec.taints, `${path}.taints`).forEach((t, k) => requireTaint(t, `${path}.taints[${k}]`));
  if (spec.cpuOvercommit !== undefined) requireRatio(spec.cpuOvercommit, `${path}.cpuOvercommit`);
  if (spec.memoryOvercommit !== undefined) requireRatio(spec.memoryOvercommit, `${path}.memoryOvercommit`);
}

/** Throws ValidationError (field path in `details.path`) unless `req` is a valid request. */
export function validateRequest(req: PlacementRequest, path = 'request'): void {
  if (!isRecord(req)) fail(path, 'must be a request object', req, '{ name, cpu, memory, ... }');
  requireName(req.name, `${path}.name`);
  requireQuantity(req.cpu, `${path}.cpu`);
  requireQuantity(req.memory, `${path}.memory`);
  requireLabels(req.labels, `${path}.labels`);
  requireArray(req.tolerations, `${path}.tolerations`).forEach((t, k) => requireToleration(t, `${path}.tolerations[${k}]`));
  if (req.hostSelector !== undefined) requireSelector(req.hostSelector, `${path}.hostSelector`);
  requireArray(req.hostPreferences, `${path}.hostPreferences`).forEach((p, k) => {
    if (!isRecord(p)) fail(`${path}.hostPreferences[${k}]`, 'must be a preference', p, '{ selector, weight }');
    const pref = p as unknown as HostPreference;
    requireSelector(pref.selector, `${path}.hostPreferences[${k}].selector`);
    requireWeight(pref.weight, `${path}.hostPreferences[${k}].weight`);
  });
  requireAffinity(req.affinity, `${path}.affinity`);
  requireAffinity(req.antiAffinity, `${path}.antiAffinity`);
}

/** Labels or an empty object. */
export function labelsOf(labels: Labels | undefined): Labels {
  return labels ?? EMPTY_LABELS;
}

const EMPTY_LABELS: Labels = Object.freeze({});
