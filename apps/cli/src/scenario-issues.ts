// A scenario that does not load: the loader's located problems, one per line
// (`file:line:col path: message`), for `strata run` and `strata validate` alike.

import { ValidationError } from '@strata/shared-types';
import { oneLine } from './error-report.js';

/** One problem the scenario loader found (core-cluster's `ScenarioIssue`). */
export interface LocatedIssue {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** The path inside the file (`vms[2].memory`; '' for the file as a whole). */
  readonly at: string;
  readonly message: string;
}

/** The located problems a loader's ValidationError carries (`details.issues`), or undefined for any other error. */
export function locatedIssues(error: unknown): LocatedIssue[] | undefined {
  if (!(error instanceof ValidationError)) return undefined;
  const issues = error.details['issues'];
  return Array.isArray(issues) && issues.length > 0 ? (issues as LocatedIssue[]) : undefined;
}

/** A problem as one line: `scenario.yaml:14:7 vms[2].memory: expected a quantity like 4Gi, got "4 gigs"`. */
export function formatIssue(issue: LocatedIssue): string {
  return oneLine(`${issue.path}:${issue.line}:${issue.column}${issue.at === '' ? '' : ` ${issue.at}`}: ${issue.message}`);
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The error that ends a command after its problems were listed: `FILE is not valid: N problems (listed above)` (exit 2). */
export function notValidError(file: string, count: number, listed: boolean): ValidationError {
  return new ValidationError(`${file} is not valid: ${plural(count, 'problem')}${listed ? ' (listed above)' : ''}`, { path: file, issues: count });
}

/**
 * Load through `load`; when it throws the loader's located problems, write each on its own line to
 * `writeErr` and throw `notValidError` (exit 2). Other errors pass through unchanged.
 */
export function loadOrListIssues<T>(file: string, load: () => T, writeErr: (text: string) => void): T {
  try {
    return load();
  } catch (error) {
    const issues = locatedIssues(error);
    if (issues === undefined) throw error;
    writeErr(issues.map((i) => `${formatIssue(i)}\n`).join(''));
    throw notValidError(file, issues.length, true);
  }
}
