// Reading a scenario file and the files it names (includes, batch CSVs): every path a scenario
// writes is relative to its folder and may not leave it.

import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ValidationError } from '@strata/shared-types';
import type { CliIo } from './cli-io.js';
import type { ScenarioFileReader } from './cluster-deps.js';
import { readInputText } from './input-file.js';

/** A scenario's text and a reader for the files it names. */
export interface ScenarioSource {
  readonly path: string;
  readonly text: string;
  readonly readFile: ScenarioFileReader;
}

/**
 * Read the scenario at `path`. Its reader takes paths as the scenario writes them (relative to the
 * scenario's folder) and refuses, with a ValidationError, an absolute path or one that leaves the folder.
 */
export function readScenarioSource(io: CliIo, path: string): ScenarioSource {
  const text = readInputText(io, path);
  const folder = dirname(path);
  const root = resolve(folder);
  const readFile: ScenarioFileReader = (name) => {
    const inside = relative(root, resolve(root, name));
    if (isAbsolute(name) || inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new ValidationError(`${path}: "${name}": a scenario may name only files inside its own folder (${folder === '' ? '.' : folder}), by a relative path such as "jobs.csv" or "data/jobs.csv"`, {
        path: name,
        accepted: 'a relative path inside the scenario folder',
      });
    }
    return readInputText(io, join(folder, inside));
  };
  return { path, text, readFile };
}
