// Label selectors compiled once into predicates: matchLabels and matchExpressions, all ANDed.
import type { LabelSelector, Labels } from '@strata/shared-types';

/** A compiled selector: true when `labels` satisfy it. */
export type LabelPredicate = (labels: Labels) => boolean;

const ALL: LabelPredicate = () => true;

/**
 * Compile a Kubernetes label selector. `{}` (no requirements) selects everything. `In` and
 * `NotIn` compare the label's value; `NotIn` and `DoesNotExist` also hold when the key is absent.
 */
export function compileLabelSelector(selector: LabelSelector): LabelPredicate {
  const tests: LabelPredicate[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    tests.push((labels) => labels[key] === value);
  }
  for (const req of selector.matchExpressions ?? []) {
    const key = req.key;
    const values = new Set(req.values ?? []);
    switch (req.operator) {
      case 'In':
        tests.push((labels) => Object.hasOwn(labels, key) && values.has(labels[key]!));
        break;
      case 'NotIn':
        tests.push((labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]!));
        break;
      case 'Exists':
        tests.push((labels) => Object.hasOwn(labels, key));
        break;
      case 'DoesNotExist':
        tests.push((labels) => !Object.hasOwn(labels, key));
        break;
    }
  }
  if (tests.length === 0) return ALL;
  if (tests.length === 1) return tests[0]!;
  return (labels) => {
    for (const test of tests) if (!test(labels)) return false;
    return true;
  };
}

/** True when the selector has no requirements and so selects everything. */
export function selectsEverything(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** A short text form for reasons: `{}`, `app=web,tier in (a,b)`. */
export function formatLabelSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = `(${(req.values ?? []).join(',')})`;
    if (req.operator === 'In') parts.push(`${req.key} in ${values}`);
    else if (req.operator === 'NotIn') parts.push(`${req.key} notin ${values}`);
    else if (req.operator === 'Exists') parts.push(req.key);
    else parts.push(`!${req.key}`);
  }
  return parts.length === 0 ? '{}' : parts.join(',');
}
