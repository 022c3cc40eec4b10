// The images every simulated host has: small workloads written in the program language, each with
// a behaviour worth testing Docker against (graceful SIGTERM, OOM, fork limits, a PID 1 that ignores
// SIGTERM, restart policies, the pod infrastructure container). Layer sizes are those of comparable
// public images (rounded, uncompressed as `docker image ls` reports them). Fields left out take
// defineImage's defaults (tag latest, working dir /, root, SIGTERM, no ports or extra programs).
import { parseProgram, type Program } from '@strata/shared-types';
import type { ImageDefinition } from './types.js';

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const env = (...more: string[]): Record<string, string> => Object.fromEntries([PATH, ...more].map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));

/** A program in the language's YAML form, parsed (and so checked) once. */
const program = (steps: unknown[]): Program => parseProgram(steps);

/** Sleeps in one-hour naps forever: the shape of `sleep infinity` or an idle shell. */
const sleepForever = { loop: { times: 'forever', do: [{ sleep: '1h' }] } };

/** The names of the built-in images, each tagged `latest`. */
export const BUILTIN_IMAGE_NAMES = ['web', 'batch', 'memhog', 'forker', 'idle', 'crasher', 'pause'] as const;
/** A built-in image name. */
export type BuiltinImageName = (typeof BUILTIN_IMAGE_NAMES)[number];

function definitions(): Record<BuiltinImageName, ImageDefinition> {
  return {
    // An nginx-like request server: listens on 80, serves 50 req/s of 2ms CPU each on 4 workers;
    // SIGTERM (docker stop) makes it log and exit 0, so a stop is quick and clean.
    web: {
      name: 'web',
      cmd: program([
        { signal: { TERM: [{ print: 'received SIGTERM, shutting down gracefully' }, { exit: 0 }] } },
        { listen: 80 },
        { print: 'listening on :80' },
        { serve: { rate: 50, cpu: '2ms', memory: '256K', workers: 4 } },
      ]),
      programs: {
        burst: program([{ serve: { rate: 500, cpu: '2ms', memory: '256K', workers: 4, duration: '10s' } }]),
      },
      env: env('NGINX_VERSION=1.27.3'),
      exposedPorts: ['80/tcp'],
      labels: { 'org.opencontainers.image.title': 'web', 'org.strata.behaviour': 'request server; exits 0 on SIGTERM' },
      layers: [29_154_000, 41_397_000, 628, 956, 1_202, 1_398, 1_210],
    },
    // A batch job: 5 s of CPU, a line of output, exit 0.
    batch: {
      name: 'batch',
      cmd: program([{ print: 'batch: starting' }, { cpu: '5s' }, { print: 'batch: done' }, { exit: 0 }]),
      programs: { short: program([{ cpu: '500ms' }, { exit: 0 }]), long: program([{ cpu: '60s' }, { exit: 0 }]) },
      env: env('PYTHON_VERSION=3.12.8'),
      workingDir: '/app',
      labels: { 'org.strata.behaviour': 'CPU work, then exit 0' },
      layers: [29_154_000, 3_513_000, 12_610_000, 249, 4_096],
    },
    // Allocates 64 MiB at a time at 512 MiB per CPU-second, forever: runs into its memory limit (OOM kill, 137).
    memhog: {
      name: 'memhog',
      cmd: program([{ print: 'memhog: allocating until killed' }, { loop: { times: 'forever', do: [{ alloc: { size: '64M', rate: '512M/s' } }] } }]),
      env: env(),
      labels: { 'org.strata.behaviour': 'allocates memory until OOM-killed' },
      layers: [7_797_000, 1_120_000],
    },
    // Forks a sleeping child every 100 ms forever; failed forks (pids.max: EAGAIN) are ignored and retried.
    forker: {
      name: 'forker',
      cmd: program([
        { print: 'forker: forking children' },
        { loop: { times: 'forever', do: [{ fork: { program: [sleepForever] }, 'on-error': { EAGAIN: 'ignore' } }, { sleep: '100ms' }] } },
      ]),
      env: env(),
      labels: { 'org.strata.behaviour': 'forks children until pids.max' },
      layers: [7_797_000, 1_024],
    },
    // A shell sleeping forever with no signal handlers: as PID 1 it ignores docker stop's SIGTERM,
    // so stop waits the full timeout and SIGKILLs it (exit 137), as `docker run ubuntu sleep infinity` does.
    idle: {
      name: 'idle',
      cmd: program([sleepForever]),
      programs: { sh: program([sleepForever]) },
      env: env(),
      labels: { 'org.strata.behaviour': 'sleeps forever; no SIGTERM handler (PID 1 ignores SIGTERM)' },
      layers: [78_080_000],
    },
    // Runs one second, complains on stderr, exits 1: for restart policies (on-failure:N, always).
    crasher: {
      name: 'crasher',
      cmd: program([{ print: 'crasher: starting' }, { cpu: '200ms' }, { sleep: '800ms' }, { print: { text: 'crasher: fatal error, exiting', stream: 'stderr' } }, { exit: 1 }]),
      env: env(),
      labels: { 'org.strata.behaviour': 'exits 1 after about 1s' },
      layers: [7_797_000, 512],
    },
    // The pod infrastructure container (registry.k8s.io/pause): holds the namespaces, sleeps forever,
    // exits 0 on SIGINT or SIGTERM (pause.c's sigdown), runs as 65535:65535; one small layer.
    pause: {
      name: 'pause',
      cmd: program([{ signal: { INT: [{ print: { text: 'Shutting down, got signal: Interrupt', stream: 'stderr' } }, { exit: 0 }], TERM: [{ print: { text: 'Shutting down, got signal: Terminated', stream: 'stderr' } }, { exit: 0 }] } }, sleepForever]),
      env: env(),
      user: { uid: 65535, gid: 65535 },
      labels: { 'org.strata.behaviour': 'pod infrastructure: sleeps, exits 0 on SIGTERM' },
      layers: [267_555],
    },
  };
}

let cached: Record<BuiltinImageName, ImageDefinition> | undefined;

/** The built-in image definitions, by name (built once; the objects are shared, never mutated). */
export function builtinImageDefinitions(): Readonly<Record<BuiltinImageName, ImageDefinition>> {
  cached ??= definitions();
  return cached;
}
