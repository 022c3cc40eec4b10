// `--set KEY=V1,V2` for scenarios: parse the flags, form the cartesian product of their values,
// and write one variant's values into the scenario text (the scenario schema then judges them).

import { ValidationError } from '@strata/shared-types';
import { isMap, isSeq, parse, parseDocument } from 'yaml';
import { SETTABLE_KEYS, SETTING_LIMITS } from './scenario-setting-rules.js';

/** One `--set` flag: a key and the values to try, in the order given. */
export interface ScenarioSetting {
  readonly key: string;
  readonly values: readonly (string | number | boolean)[];
  /** The flag as written, for messages. */
  readonly flag: string;
}

/** One variant: a value per key, in the order of the flags. */
export type ScenarioVariant = ReadonlyArray<readonly [key: string, value: string | number | boolean]>;

/** Keys that are lists or sections of a scenario, not settable with --set. */
const SECTIONS = new Set(['include', 'hosts', 'networks', 'vms', 'containers', 'workloads', 'actions', 'faults', 'metrics']);

const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Parse `--set` flags (`key=v1,v2`); values are YAML scalars (`42` a number, `5m` a string). Throws a ValidationError naming the flag. */
export function parseSettings(flags: readonly string[]): ScenarioSetting[] {
  if (flags.length > SETTING_LIMITS.flags) {
    throw new ValidationError(`--set: expected at most ${SETTING_LIMITS.flags} --set flags, got ${flags.length}`, { path: '--set', accepted: `1..${SETTING_LIMITS.flags} flags` });
  }
  const seen = new Set<string>();
  const settings = flags.map((flag) => {
    const eq = flag.indexOf('=');
    const key = eq === -1 ? flag.trim() : flag.slice(0, eq).trim();
    const bad = (why: string): ValidationError =>
      new ValidationError(`--set ${flag}: ${why}; expected KEY=VALUE[,VALUE...] with KEY one of ${SETTABLE_KEYS}, as in --set placement=first-fit,best-fit`, { path: '--set', value: flag });
    if (eq === -1) throw bad('no "="');
    if (!KEY.test(key)) throw bad(`"${key}" is not a key`);
    if (SECTIONS.has(key)) throw bad(`"${key}" is a list or section of the scenario, not a single value`);
    if (seen.has(key)) throw bad(`"${key}" is set twice; give all its values in one flag`);
    seen.add(key);
    const texts = flag.slice(eq + 1).split(',').map((v) => v.trim());
    if (texts.some((v) => v === '')) throw bad('an empty value');
    if (texts.length > SETTING_LIMITS.values) throw bad(`${texts.length} values, more than the ${SETTING_LIMITS.values} one flag may have`);
    if (new Set(texts).size !== texts.length) throw bad('a value is repeated');
    const values = texts.map((text) => {
      const value: unknown = parse(text);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw bad(`"${text}" is not a single value`);
      return value;
    });
    return { key, values, flag };
  });
  const count = settings.reduce((n, s) => n * s.values.length, 1);
  if (count > SETTING_LIMITS.variants) {
    throw new ValidationError(`--set: ${settings.map((s) => s.values.length).join(' × ')} = ${count} variants, more than the ${SETTING_LIMITS.variants} one comparison may run; give fewer values`, {
      path: '--set',
      accepted: `at most ${SETTING_LIMITS.variants} variants`,
    });
  }
  return settings;
}

/** Every combination of the settings' values, the first flag varying slowest. No settings: one empty variant. */
export function variantsOf(settings: readonly ScenarioSetting[]): ScenarioVariant[] {
  let variants: ScenarioVariant[] = [[]];
  for (const setting of settings) variants = variants.flatMap((v) => setting.values.map((value) => [...v, [setting.key, value] as const]));
  return variants;
}

/** A variant's label: `placement=best-fit fidelity=exact` (`base` when it sets nothing). */
export function variantLabel(variant: ScenarioVariant): string {
  return variant.length === 0 ? 'base' : variant.map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

/**
 * The scenario text `text` (from `path`: JSON when it ends in .json, else YAML, comments kept) with
 * `variant`'s values written in: `policy` sets the hypervisor of every host template that has one
 * (not bare metal, `hypervisor: none`); any other key is set at the top level. Throws a
 * ValidationError when `policy` is set but no host template has a hypervisor or when a key names a
 * list or section of the document.
 */
export function applyVariant(text: string, path: string, variant: ScenarioVariant): string {
  if (variant.length === 0) return text;
  const json = /\.json$/i.test(path);
  const doc = parseDocument(text, { prettyErrors: false });
  // A file that does not parse is left to the scenario loader, which locates the error.
  if (doc.errors.length > 0 || !isMap(doc.contents)) return text;
  for (const [key, value] of variant) {
    if (key === 'policy') {
      const hosts = doc.get('hosts');
      const indices = isSeq(hosts) ? hosts.items.map((_, i) => i).filter((i) => doc.getIn(['hosts', i, 'hypervisor']) !== 'none') : [];
      if (indices.length === 0) {
        throw new ValidationError(`--set policy=${String(value)}: ${path} has no host template with a hypervisor to set the policy of`, { path: '--set', value });
      }
      for (const i of indices) doc.setIn(['hosts', i, 'hypervisor'], value);
    } else {
      const current = doc.get(key, true);
      if (isMap(current) || isSeq(current)) {
        throw new ValidationError(`--set ${key}=${String(value)}: "${key}" is a list or section in ${path}, not a single value`, { path: '--set', value });
      }
      doc.set(key, value);
    }
  }
  return json ? `${JSON.stringify(doc.toJS(), null, 2)}\n` : doc.toString();
}
