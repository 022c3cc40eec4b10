// `@strata/core-cluster/batch` resolves (package.json exports) and offers the same functions as the
// package's main entry.
import { describe, expect, it } from 'vitest';
import * as batch from '@strata/core-cluster/batch';
import * as main from '@strata/core-cluster';

describe('@strata/core-cluster/batch', () => {
  it('exports the loader and the batch functions, identical to the main entry', () => {
    const names = Object.keys(batch).sort();
    expect(names).toEqual(['concatBatchJobs', 'createBatchModel', 'expandInstances', 'formatJobsCsv', 'formatJobsCsvBytes', 'formatSecondsText', 'generateCloudletWorkload', 'jobRows', 'loadScenario', 'parseBatchCsv', 'runBatchScenario', 'secondsAtMicros']);
    for (const name of names) expect((batch as Record<string, unknown>)[name]).toBe((main as Record<string, unknown>)[name]);
  });
});
