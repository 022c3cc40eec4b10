// The layer graph of ARCHITECTURE.md as data: which workspace package may depend on which.
// A dependency only ever points down; core-vmm and core-container never see each other.

/** Allowed `@strata/*` dependencies per package folder name. Apps may use any package but no other app. */
export const ALLOWED_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  'shared-types': [],
  'core-sim': ['shared-types'],
  'core-scheduler': ['shared-types', 'core-sim'],
  'core-network': ['shared-types', 'core-sim', 'core-scheduler'],
  'core-container': ['shared-types', 'core-sim', 'core-scheduler', 'core-network'],
  'core-vmm': ['shared-types', 'core-sim', 'core-scheduler', 'core-network'],
  'core-cluster': ['shared-types', 'core-sim', 'core-scheduler', 'core-network', 'core-container', 'core-vmm'],
};

/** Every library package folder name, in layer order (lowest first). */
export const LIBRARY_PACKAGES = Object.keys(ALLOWED_DEPENDENCIES);

/** Node built-in modules a core package could reach without the `node:` prefix. */
export const NODE_BUILTINS = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'path', 'perf_hooks', 'process',
  'querystring', 'readline', 'stream', 'string_decoder', 'timers', 'tls', 'tty', 'url', 'util', 'v8', 'vm',
  'worker_threads', 'zlib',
];

/** Globals and members that bring real time, real randomness or the host platform into a core. */
export const FORBIDDEN_IN_CORE: readonly { readonly pattern: RegExp; readonly what: string; readonly instead: string }[] = [
  { pattern: /\bMath\s*\.\s*random\b/, what: 'Math.random', instead: 'a seeded stream: sim.rng(name)' },
  { pattern: /\bDate\s*\.\s*now\b/, what: 'Date.now', instead: 'simulated time: sim.now()' },
  { pattern: /\bnew\s+Date\s*\(/, what: 'new Date()', instead: 'simulated time: sim.now()' },
  { pattern: /\bperformance\s*\.\s*now\b/, what: 'performance.now', instead: 'simulated time: sim.now()' },
  { pattern: /\bsetTimeout\s*\(/, what: 'setTimeout', instead: 'a simulation event: sim.after()' },
  { pattern: /\bsetInterval\s*\(/, what: 'setInterval', instead: 'a periodic simulation event: sim.every()' },
  { pattern: /\bsetImmediate\s*\(/, what: 'setImmediate', instead: 'a simulation event at sim.now()' },
  { pattern: /\bprocess\s*\.\s*(?:env|argv|exit|hrtime|stdout|stderr|stdin|nextTick|cwd|platform|memoryUsage|on)\b/, what: 'the Node process object', instead: 'options passed in by the app' },
  { pattern: /\brequire\s*\(/, what: 'require()', instead: 'an ESM import' },
];
