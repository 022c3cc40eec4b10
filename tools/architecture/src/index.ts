// The monorepo's dependency policy, as a library the architecture test runs.
export { checkArchitecture } from './check.js';
export type { Violation } from './check.js';
export { ALLOWED_DEPENDENCIES, LIBRARY_PACKAGES, FORBIDDEN_IN_CORE, NODE_BUILTINS } from './layers.js';
export { blankComments, findImports } from './source-text.js';
export { buildImportGraph, cyclicComponents, findImportCycles, formatCycle, resolveRelative } from './import-cycles.js';
export type { ImportCycle, ImportGraph } from './import-cycles.js';
