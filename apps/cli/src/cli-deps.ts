// The domain functions the commands call, gathered so tests can swap them (a failing core,
// a canned result) while the binary uses the real ones from @strata/core-scheduler.

import { runExercise, runGroupExperiment } from '@strata/core-scheduler';
import type { ExerciseInput, ExerciseResult } from '@strata/core-scheduler';
import type { GroupExperimentReport } from './group-report.js';

/** What the commands need from the packages. */
export interface CliDeps {
  /** Run one textbook scheduling exercise. */
  readonly runExercise: (input: ExerciseInput) => ExerciseResult;
  /** Validate a group-experiment document (parsed JSON/YAML) and run it; throws ValidationError for a bad spec. */
  readonly runGroupSpec: (document: unknown) => GroupExperimentReport;
}

/** The real implementations. `runGroupExperiment` validates with `parseGroupSpec` itself (and returns its warnings). */
export const defaultDeps: CliDeps = {
  runExercise,
  runGroupSpec: (document) => runGroupExperiment(document),
};
