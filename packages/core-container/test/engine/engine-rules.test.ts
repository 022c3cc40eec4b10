// The engine's pure rules: HumanDuration and ps STATUS texts, -p words, ids and names, and the
// validation of options and specs (every number named with its range).
import { describe, expect, it } from 'vitest';
import { humanDuration, statusText } from '../../src/engine/human-duration.js';
import { parsePortWord } from '../../src/engine/port-specs.js';
import { generatedName, hexId } from '../../src/engine/ids.js';
import { createContainerEngine, DEFAULT_MAX_CONTAINERS, MAX_CONTAINERS_LIMIT } from '../../src/engine/create-container-engine.js';
import { createKernel } from '../../src/index.js';
import { rig, S, testImages, thrown } from './engine-fixture.js';

const sec = 1_000_000;
const min = 60 * sec;
const hour = 60 * min;
const day = 24 * hour;
const week = 7 * day;
const month = 30 * day;
const year = 365 * day;

describe('humanDuration (docker/go-units duration_test.go cases)', () => {
  const cases: [number, string][] = [
    [450_000, 'Less than a second'],
    [1 * sec, '1 second'],
    [45 * sec, '45 seconds'],
    [59 * sec, '59 seconds'],
    [60 * sec, 'About a minute'],
    [3 * min, '3 minutes'],
    [35 * min + 40 * sec, '35 minutes'],
    [59 * min, '59 minutes'],
    [1 * hour, 'About an hour'],
    [1 * hour + 29 * min, 'About an hour'],
    [1 * hour + 31 * min, '2 hours'],
    [3 * hour + 29 * min, '3 hours'],
    [3 * hour + 31 * min, '4 hours'],
    [24 * hour, '24 hours'],
    [1 * day + 12 * hour, '36 hours'],
    [2 * day, '2 days'],
    [13 * day + 5 * hour, '13 days'],
    [2 * week, '2 weeks'],
    [4 * week + 3 * day, '4 weeks'],
    [1 * month, '4 weeks'],
    [1 * month + 2 * week, '6 weeks'],
    [2 * month, '2 months'],
    [5 * month + 2 * week, '5 months'],
    [24 * month, '24 months'],
    [24 * month + 2 * week, '2 years'],
    [3 * year + 2 * month, '3 years'],
  ];
  for (const [d, text] of cases) it(`${d} µs → ${text}`, () => expect(humanDuration(d)).toBe(text));

  it('statusText follows moby State.String()', () => {
    const base = { running: false, paused: false, restarting: false, removalInProgress: false, dead: false, exitCode: 0, startedAt: null, finishedAt: null };
    expect(statusText(base, 0)).toBe('Created');
    expect(statusText({ ...base, running: true, startedAt: 0 }, 5 * sec)).toBe('Up 5 seconds');
    expect(statusText({ ...base, running: true, paused: true, startedAt: 0 }, 5 * min)).toBe('Up 5 minutes (Paused)');
    expect(statusText({ ...base, running: true, restarting: true, exitCode: 1, startedAt: 0, finishedAt: 1 * sec }, 4 * sec)).toBe('Restarting (1) 3 seconds ago');
    expect(statusText({ ...base, exitCode: 137, startedAt: 0, finishedAt: 1 * sec }, 3 * sec)).toBe('Exited (137) 2 seconds ago');
    expect(statusText({ ...base, removalInProgress: true }, 0)).toBe('Removal In Progress');
    expect(statusText({ ...base, dead: true, startedAt: 0 }, 0)).toBe('Dead');
  });
});

describe('-p words', () => {
  it('reads Docker\'s forms', () => {
    expect(parsePortWord('80', 'n')).toEqual({ namespace: 'n', containerPort: 80 });
    expect(parsePortWord('8080:80', 'n')).toEqual({ namespace: 'n', containerPort: 80, hostPort: 8080 });
    expect(parsePortWord('127.0.0.1:8000-8010:80-90/udp', 'n')).toEqual({ namespace: 'n', containerPort: { start: 80, end: 90 }, hostPort: { start: 8000, end: 8010 }, protocol: 'udp', hostIp: '127.0.0.1' });
    expect(parsePortWord('127.0.0.1::80', 'n')).toEqual({ namespace: 'n', containerPort: 80, hostIp: '127.0.0.1' });
    expect(parsePortWord('[::1]:8080:80/sctp', 'n')).toEqual({ namespace: 'n', containerPort: 80, hostPort: 8080, protocol: 'sctp', hostIp: '::1' });
  });
  it('refuses bad words, naming them', () => {
    expect(() => parsePortWord('80/icmp', 'n')).toThrow('invalid proto: icmp');
    expect(() => parsePortWord('99999:80', 'n')).toThrow(/invalid hostPort in -p "99999:80"/);
    expect(() => parsePortWord('90-80', 'n')).toThrow(/invalid containerPort/);
    expect(() => parsePortWord('1:2:3:4', 'n')).toThrow(/too many colons/);
  });
});

describe('ids and names', () => {
  it('64 hex digits, deterministic per seed and count, never 12 leading decimals', () => {
    const a = hexId(1, 'container', 0);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hexId(1, 'container', 0)).toBe(a);
    expect(hexId(2, 'container', 0)).not.toBe(a);
    expect(hexId(1, 'container', 1)).not.toBe(a);
    for (let i = 0; i < 2000; i++) expect(hexId('s', 'container', i)).not.toMatch(/^[0-9]{12}/);
  });
  it('generated names are adjective_noun, unique within the engine', () => {
    expect(generatedName(hexId(1, 'c', 0), 0)).toMatch(/^[a-z]+_[a-z]+$/);
    const { engine } = rig();
    const names = new Set<string>();
    for (let i = 0; i < 300; i++) names.add(engine.inspect(engine.create({ image: 'idle' })).Name);
    expect(names.size).toBe(300);
  });
});

describe('validation', () => {
  const kernel = () => createKernel({ cpus: 2, memory: 2 ** 30 });
  it('maxContainers: default, bound, and the refusal past it', () => {
    expect(DEFAULT_MAX_CONTAINERS).toBe(1000);
    for (const bad of [0, -1, 1.5, MAX_CONTAINERS_LIMIT + 1, '3']) {
      const e = thrown(() => createContainerEngine({ kernel: kernel(), images: testImages(), maxContainers: bad as number }));
      expect(e.message).toBe(`maxContainers must be an integer 1..${MAX_CONTAINERS_LIMIT}; got ${JSON.stringify(bad)}`);
      expect(e.details).toMatchObject({ path: 'maxContainers' });
    }
    const engine = createContainerEngine({ kernel: kernel(), images: testImages(), maxContainers: 2 });
    engine.create({ image: 'idle' });
    engine.create({ image: 'idle' });
    const e = thrown(() => engine.create({ image: 'idle' }));
    expect(e.code).toBe('E_LIMIT_EXCEEDED');
    expect(e.message).toContain("maxContainers (2)");
    expect(engine.ps({ all: true })).toHaveLength(2);
  });

  it('every number of a spec is named with its range, and nothing is created', () => {
    const { engine } = rig();
    const cases: [Record<string, unknown>, string][] = [
      [{ memory: 1000 }, 'Minimum memory limit allowed is 6MB'],
      [{ memory: 64 * 2 ** 20, memorySwap: 2 ** 20 }, 'Minimum memoryswap limit should be larger than memory limit, see usage'],
      [{ memorySwap: 64 * 2 ** 20 }, 'You should always set the Memory limit when using Memoryswap limit, see usage'],
      [{ memory: 64 * 2 ** 20, memoryReservation: 128 * 2 ** 20 }, 'Minimum memory limit can not be less than memory reservation limit, see usage'],
      [{ cpus: 3000 }, 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'],
      [{ cpuShares: -1 }, 'cpuShares must be an integer 0..262144; got -1'],
      [{ pidsLimit: 1.5 }, 'pidsLimit must be an integer -1..4194304; got 1.5'],
      [{ oomScoreAdj: 1001 }, 'Invalid value 1001, range for oom score adj is [-1000, 1000]'],
      [{ stopTimeout: -2 }, 'stopTimeout must be an integer -1..2147483647; got -2'],
      [{ name: 'a' }, 'Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed'],
      [{ restart: { name: 'on-failure', maximumRetryCount: -1 } }, 'invalid restart policy: maximum retry count cannot be negative'],
      [{ restart: { name: 'always', maximumRetryCount: 2 } }, "invalid restart policy: maximum retry count can only be used with 'on-failure'"],
    ];
    for (const [extra, message] of cases) {
      const e = thrown(() => engine.create({ image: 'idle', ...extra }));
      expect(e.code).toBe('E_VALIDATION');
      expect(e.message).toContain(message);
    }
    expect(engine.ps({ all: true })).toEqual([]);
    expect(engine.takeEvents()).toEqual([]);
  });

  it('Docker\'s words are read by parseContainerSpec', () => {
    const { engine } = rig();
    const id = engine.run({ image: 'idle', name: 'w1', memory: '64m', cpus: 0.5, restart: 'on-failure:2', 'stop-timeout': 3 });
    expect(engine.inspect(id).HostConfig).toMatchObject({ Memory: 64 * 2 ** 20, NanoCpus: 500_000_000, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } });
    expect(engine.inspect(id).Config.StopTimeout).toBe(3);
  });

  it('advanceTo refuses the past; options need a known network host', () => {
    const { engine } = rig();
    engine.advanceTo(S);
    expect(() => engine.advanceTo(0)).toThrow('advanceTo: time must be an integer µs >= now (1000000), got 0');
    expect(() => createContainerEngine({ kernel: kernel(), images: testImages(), network: rig().net })).toThrow('options.host is required');
  });
});

describe('misuse', () => {
  it('fails to compile, and throws when forced', () => {
    const { engine } = rig();
    engine.create({ image: 'idle', name: 'tt' });
    // @ts-expect-error: not a signal of the model
    expect(() => engine.kill('tt', 'SIGFOO')).toThrow('invalid signal: SIGFOO');
    // @ts-expect-error: Docker's wait conditions are not-running, next-exit and removed
    expect(() => engine.wait('tt', 'exited')).toThrow('wait: condition must be not-running, next-exit or removed; got "exited"');
    // @ts-expect-error: a stop timeout is seconds, a number
    expect(() => engine.stop('tt', { timeout: '10' })).toThrow('timeout must be an integer -1..2147483647; got "10"');
  });
});
