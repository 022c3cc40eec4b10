// The files a scenario run writes (--trace, --results, --report): checked before the run so a typo
// never overwrites the scenario itself or makes two outputs share one file.

import { resolve } from 'node:path';
import { ValidationError } from '@strata/shared-types';
import { CliFailure } from './error-report.js';

/** Refuse output paths that are the scenario file or that two flags share. */
export function checkOutputPaths(scenario: string, outputs: Readonly<Record<string, string | undefined>>): void {
  const seen = new Map<string, string>([[resolve(scenario), 'the scenario file']]);
  for (const [flag, path] of Object.entries(outputs)) {
    if (path === undefined) continue;
    if (path.trim() === '') throw new ValidationError(`${flag}: expected a file path, got ""`, { path: flag, accepted: 'a file path' });
    const key = resolve(path);
    const other = seen.get(key);
    if (other !== undefined) {
      throw new ValidationError(`${flag} ${path}: is also ${other}; give each output its own file`, { path: flag, value: path });
    }
    seen.set(key, flag);
  }
}

/** Write an output file through `write`, turning Node's error into a one-line CliFailure naming the flag. */
export function writeOutput(flag: string, path: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliFailure(`${flag} ${path}: cannot write the file (${why})`, { cause: error });
  }
}
