// The number flags of the scenario commands (`--until`, `--seed`), each with its range; a bad value
// is a ValidationError (exit 2) naming the flag, what it accepts and what was given.

import { DURATION_FORMS, isStrataError, parseDuration } from '@strata/shared-types';
import { NON_NEGATIVE_INT, invalid, parseIntegerText } from './parse-numbers.js';

/** The longest `--until`: 1000 hours of simulated time, µs. */
export const MAX_UNTIL_US = 1000 * 3_600_000_000;

const UNTIL_ACCEPTED = `a duration from 1us to 1000h such as ${DURATION_FORMS.slice(0, 5).join(', ')}`;

/** `--until`: a duration 1 µs .. 1000 h, returned in µs. */
export function parseUntil(text: string): number {
  let us: number;
  try {
    us = parseDuration(text);
  } catch (error) {
    if (isStrataError(error) && error.code === 'E_VALIDATION') throw invalid('--until', UNTIL_ACCEPTED, text);
    throw error;
  }
  if (us < 1 || us > MAX_UNTIL_US) throw invalid('--until', UNTIL_ACCEPTED, text);
  return us;
}

/** `--seed`: an integer 0 .. 2^53 − 1. */
export function parseSeed(text: string): number {
  return parseIntegerText('--seed', text, NON_NEGATIVE_INT);
}
