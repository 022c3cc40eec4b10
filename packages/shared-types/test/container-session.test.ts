// The `strata container run FILE` format: the brief's example, each command word, file order of
// times, bounds, and every rejection naming its path (`commands[3].run.memory: ...`).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CONTAINER_SESSION_COMMANDS,
  ContainerSessionSchema,
  jsonSchemas,
  MAX_SESSION_IMAGES,
  parseContainerSession,
  SPEC_SCHEMAS,
  type SchemaIssue,
} from '@strata/shared-types';
import { validationFailure } from './failure.js';
import { conforms } from './json-schema-check.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const issues = (input: unknown) => validationFailure(() => parseContainerSession(input)).details['issues'] as SchemaIssue[];
const one = (input: unknown) => {
  const found = issues(input);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const session = (commands: unknown[], extra: Record<string, unknown> = {}) => ({ duration: '60s', commands, ...extra });

/**
 * The brief's example:
 *   host: { cpus: 4, memory: 8Gi }
 *   duration: 60s
 *   commands:
 *     - at: 0s
 *       run: { image: web, name: w1, memory: 64m, cpus: 0.5, restart: on-failure:3, ports: ["8080:80"] }
 *     - at: 5s
 *       exec: { container: w1, command: [...] }
 *     - at: 20s
 *       stop: w1
 */
const example = {
  host: { cpus: 4, memory: '8Gi' },
  duration: '60s',
  commands: [
    { at: '0s', run: { image: 'web', name: 'w1', memory: '64m', cpus: 0.5, restart: 'on-failure:3', ports: ['8080:80'] } },
    { at: '5s', exec: { container: 'w1', command: [{ cpu: '100ms' }] } },
    { at: '20s', stop: 'w1' },
  ],
};

describe('parseContainerSession: the example', () => {
  it('parses into integer units with defaults applied', () => {
    expect(parseContainerSession(example, 'session.yaml')).toEqual({
      host: { cpus: 4, memory: 8 * GiB, swap: 0, seed: 0, fidelity: 'fluid' },
      duration: 60_000_000,
      images: [],
      commands: [
        { at: 0, command: { type: 'run', spec: { image: 'web', name: 'w1', memory: 64 * MiB, cpus: 500, restart: { name: 'on-failure', maximumRetryCount: 3 }, ports: ['8080:80'] } } },
        { at: 5_000_000, command: { type: 'exec', container: 'w1', command: [{ op: 'cpu', work: 100_000 }] } },
        { at: 20_000_000, command: { type: 'stop', container: 'w1' } },
      ],
    });
  });

  it('defaults the host to 2 CPUs, 4Gi, fluid', () => {
    expect(parseContainerSession({ duration: '1s', commands: [] }).host).toEqual({ cpus: 2, memory: 4 * GiB, swap: 0, seed: 0, fidelity: 'fluid' });
  });
});

describe('each command word', () => {
  const cases: [string, unknown, unknown][] = [
    ['create', { image: 'idle', name: 'i1' }, { type: 'create', spec: { image: 'idle', name: 'i1' } }],
    ['start', 'i1', { type: 'start', container: 'i1' }],
    ['start', { container: 'i1' }, { type: 'start', container: 'i1' }],
    ['stop', { container: 'w1', time: 5, signal: 'USR1' }, { type: 'stop', container: 'w1', time: 5, signal: 'SIGUSR1' }],
    ['kill', 'w1', { type: 'kill', container: 'w1', signal: 'SIGKILL' }],
    ['kill', { container: 'w1', signal: 'TERM' }, { type: 'kill', container: 'w1', signal: 'SIGTERM' }],
    ['pause', 'w1', { type: 'pause', container: 'w1' }],
    ['unpause', 'w1', { type: 'unpause', container: 'w1' }],
    ['restart', { container: 'w1', time: 0 }, { type: 'restart', container: 'w1', time: 0 }],
    ['exec', { container: 'w1', command: 'worker', user: '1000:1000', env: ['A=1'] }, { type: 'exec', container: 'w1', command: 'worker', user: { uid: 1000, gid: 1000 }, env: { A: '1' } }],
    ['update', { container: 'w1', memory: '128m', cpus: '1.5', 'pids-limit': 50 }, { type: 'update', container: 'w1', update: { memory: 128 * MiB, cpus: 1500, pidsLimit: 50 } }],
    ['wait', 'w1', { type: 'wait', container: 'w1', condition: 'not-running' }],
    ['wait', { container: 'w1', condition: 'removed' }, { type: 'wait', container: 'w1', condition: 'removed' }],
    ['rename', { container: 'w1', name: 'web-1' }, { type: 'rename', container: 'w1', name: 'web-1' }],
    ['rm', 'w1', { type: 'rm', container: 'w1', force: false }],
    ['rm', { container: 'w1', force: true }, { type: 'rm', container: 'w1', force: true }],
    ['logs', { container: 'w1', tail: 10, since: '1s' }, { type: 'logs', container: 'w1', tail: 10, since: 1_000_000 }],
    ['top', 'w1', { type: 'top', container: 'w1' }],
    ['inspect', 'w1', { type: 'inspect', container: 'w1' }],
    ['stats', 'w1', { type: 'stats', container: 'w1' }],
    ['ps', null, { type: 'ps', all: false }],
    ['ps', { all: true }, { type: 'ps', all: true }],
  ];
  it.each(cases)('%s %j', (word, value, command) => {
    expect(parseContainerSession(session([{ at: 0, [word]: value }])).commands).toEqual([{ at: 0, command }]);
  });

  it('covers every word of CONTAINER_SESSION_COMMANDS', () => {
    expect([...new Set(cases.map(([word]) => word)), 'run'].sort()).toEqual([...CONTAINER_SESSION_COMMANDS].sort());
  });
});

describe('rejections name their path', () => {
  it('a bad run field, with Docker\'s message', () => {
    const bad = session([{ at: 0, run: { image: 'web' } }, { at: 0, ps: null }, { at: 0, ps: null }, { at: '1s', run: { image: 'web', memory: '1m' } }]);
    expect(one(bad)).toEqual({ path: 'commands[3].run.memory', message: 'Minimum memory limit allowed is 6MB' });
  });

  it('update keeps Docker\'s memory rules', () => {
    expect(one(session([{ at: 0, update: { container: 'w1', memory: '64m', 'memory-reservation': '128m' } }]))).toEqual({
      path: 'commands[0].update["memory-reservation"]',
      message: 'Minimum memory limit can not be less than memory reservation limit, see usage',
    });
  });

  it('rename checks Docker\'s name pattern', () => {
    expect(one(session([{ at: 0, rename: { container: 'w1', name: 'a b' } }]))).toEqual({
      path: 'commands[0].rename.name',
      message: 'Invalid container name (a b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed',
    });
  });

  it('a command entry without a word, or with two', () => {
    expect(one(session([{ at: 0 }])).message).toMatch(/^expected a command such as/);
    expect(one(session([{ at: 0, start: 'a', stop: 'b' }])).message).toBe('a command entry gives one docker command, got start and stop: write them as separate entries (the same "at" keeps file order)');
    expect(one(session([{ at: 0, strat: 'a' }])).message).toMatch(/^unknown field \(did you mean "start"\?\)/);
  });

  it('names the field inside a command, through the shorthand union', () => {
    const at = (c: Record<string, unknown>) => issues(session([{ at: 0, ...c }]));
    expect(at({ stop: { container: 'w1', time: -5 } })).toEqual([{ path: 'commands[0].stop.time', message: 'expected at least -1, got -5' }]);
    expect(at({ stop: 5 })).toEqual([{ path: 'commands[0].stop', message: 'expected string or object, got 5' }]);
    expect(at({ kill: { container: 'w1', signal: 'FOO' } })).toEqual([{ path: 'commands[0].kill.signal', message: 'Invalid signal: FOO' }]);
    expect(at({ stop: { contianer: 'w1' } })).toContainEqual({ path: 'commands[0].stop.contianer', message: 'unknown field (did you mean "container"?); accepted fields: container, time, signal' });
    expect(at({ exec: { container: 'w1' } })).toEqual([{ path: 'commands[0].exec.command', message: 'required' }]);
  });

  it('times must not decrease and must stay within the duration', () => {
    expect(one(session([{ at: '5s', ps: null }, { at: '1s', ps: null }]))).toEqual({
      path: 'commands[1].at',
      message: 'expected at or after 5s (commands[0].at): commands run in file order, so times must not decrease',
    });
    expect(one(session([{ at: '61s', ps: null }])).path).toBe('commands[0].at');
  });

  it('duration is required and bounded; the host is bounded', () => {
    expect(issues({ commands: [] })).toContainEqual({ path: 'duration', message: 'required' });
    expect(one({ duration: 0, commands: [] }).path).toBe('duration');
    expect(one({ host: { cpus: 0 }, duration: '1s', commands: [] }).path).toBe('host.cpus');
    expect(one({ host: { memory: '1M' }, duration: '1s', commands: [] }).path).toBe('host.memory');
    expect(one({ host: { fidelity: 'rough' }, duration: '1s', commands: [] }).path).toBe('host.fidelity');
  });

  it('an image is defined once per name:tag, with a valid repository name and layers', () => {
    const image = { name: 'app', cmd: [{ cpu: '1s' }], layers: ['5M'] };
    expect(one(session([], { images: [image, { ...image }] }))).toEqual({ path: 'images[1].name', message: 'image app:latest is defined twice (also images[0])' });
    expect(one(session([], { images: [{ ...image, name: 'App' }] })).path).toBe('images[0].name');
    expect(one(session([], { images: [{ ...image, layers: [] }] })).path).toBe('images[0].layers');
    expect(one(session([], { images: Array.from({ length: MAX_SESSION_IMAGES + 1 }, (_, i) => ({ ...image, tag: `t${i}` })) })).path).toBe('images');
  });
});

describe('images', () => {
  it('parses an image with defaults', () => {
    const parsed = parseContainerSession(session([], { images: [{ name: 'registry.local/team/app', tag: 'v1', cmd: [{ serve: { rate: 10, cpu: '1ms' } }], layers: ['5M', 1024], 'exposed-ports': [80, '53/udp'], 'stop-signal': 'SIGINT' }] }));
    expect(parsed.images).toEqual([
      {
        name: 'registry.local/team/app',
        tag: 'v1',
        cmd: [{ op: 'serve', requestsPerSecond: 10, cpu: 1000, memory: 0, workers: 1, backlog: 4096, duration: null, requests: null }],
        programs: {},
        env: {},
        user: { uid: 0, gid: 0 },
        workingDir: '/',
        exposedPorts: ['80/tcp', '53/udp'],
        stopSignal: 'SIGINT',
        layers: [5 * MiB, 1024],
        labels: {},
      },
    ]);
  });
});

describe('ContainerSessionSchema', () => {
  it('is published as JSON Schema', () => {
    expect(Object.keys(SPEC_SCHEMAS)).toContain('ContainerSession');
    expect(jsonSchemas({ s: ContainerSessionSchema }).s).toMatchObject({ type: 'object' });
  });

  it('accepts any non-decreasing times and rejects any decrease (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60_000_000 }), { maxLength: 20 }), (times) => {
        const result = ContainerSessionSchema.safeParse(session(times.map((at) => ({ at, ps: null }))));
        const sorted = times.every((t, i) => i === 0 || times[i - 1]! <= t);
        expect(result.success).toBe(sorted);
      }),
    );
  });
});

describe('JSON Schema of the session file', () => {
  it('accepts the example and the shorthand forms, rejects an unknown command word', () => {
    const schemas = jsonSchemas();
    expect(conforms(schemas.ContainerSession, example)).toBe(true);
    expect(conforms(schemas.ContainerSession, session([{ at: '1s', kill: 'w1' }, { at: '2s', ps: null }, { at: '3s', rm: { container: 'w1', force: true } }]))).toBe(true);
    expect(conforms(schemas.ContainerSession, session([{ at: '1s', destroy: 'w1' }]))).toBe(false);
    expect(conforms(schemas.ContainerSpec, { image: 'web', memory: '64m', 'memory-swap': -1, cpus: 0.5, env: ['A=1'] })).toBe(true);
    expect(conforms(schemas.ContainerSpec, { image: 'web', memoryLimit: '64m' })).toBe(false);
  });
});
