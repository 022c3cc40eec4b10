// ContainerSpecSchema: Docker's `docker run` words into ContainerSpec, Docker's own messages where
// Docker has one (moby daemon/daemon_unix.go, docker/cli opts), every rejection naming its field.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ContainerSpecSchema,
  DOCKER_MIN_MEMORY,
  formatContainerSpec,
  formatRestartPolicy,
  jsonSchemas,
  MAX_CONTAINER_LIST,
  micros,
  parseContainerSpec,
  parseContainerUpdate,
  parseRestartPolicy,
  ValidationError,
  type ContainerSpec,
  type RestartPolicy,
  type SchemaIssue,
} from '@strata/shared-types';
import { validationFailure } from './failure.js';

const MiB = 2 ** 20;
const issues = (input: unknown) => validationFailure(() => parseContainerSpec(input)).details['issues'] as SchemaIssue[];
const only = (input: unknown) => {
  const found = issues(input);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('parseContainerSpec: the accepted words', () => {
  it('reads the brief example into ContainerSpec units', () => {
    const spec = parseContainerSpec({
      image: 'web',
      name: 'w1',
      memory: '64m',
      'memory-swap': '128m',
      'memory-reservation': '32m',
      cpus: 0.5,
      'cpu-shares': 512,
      'cpuset-cpus': '0-2,4',
      'pids-limit': 100,
      'oom-score-adj': -500,
      restart: 'on-failure:3',
      ports: ['8080:80'],
      env: ['A=1', 'B=x=y'],
      labels: { tier: 'front', version: 2 },
      user: '1000:1000',
      workdir: '/srv',
      hostname: 'web-1',
      'stop-signal': 'TERM',
      'stop-timeout': 5,
      volumes: ['/data:/var/data:ro', 'cache:/cache', '/scratch'],
      'device-read-bps': ['/dev/sda:1mb'],
      'device-write-iops': ['/dev/sda:1000'],
    });
    expect(spec).toEqual({
      image: 'web',
      name: 'w1',
      memory: 64 * MiB,
      memorySwap: 128 * MiB,
      memoryReservation: 32 * MiB,
      cpus: 500,
      cpuShares: 512,
      cpusetCpus: '0-2,4',
      pidsLimit: 100,
      oomScoreAdj: -500,
      restart: { name: 'on-failure', maximumRetryCount: 3 },
      ports: ['8080:80'],
      env: { A: '1', B: 'x=y' },
      labels: { tier: 'front', version: '2' },
      user: { uid: 1000, gid: 1000 },
      workingDir: '/srv',
      hostname: 'web-1',
      stopSignal: 'SIGTERM',
      stopTimeout: 5,
      mounts: [
        { type: 'bind', source: '/data', destination: '/var/data', readOnly: true },
        { type: 'volume', source: 'cache', destination: '/cache', readOnly: false },
        { type: 'volume', source: '', destination: '/scratch', readOnly: false },
      ],
      deviceIo: [
        { device: '/dev/sda', kind: 'rbps', value: MiB },
        { device: '/dev/sda', kind: 'wiops', value: 1000 },
      ],
    });
  });

  it('gives only what was written: an image alone is a spec of one field', () => {
    expect(parseContainerSpec({ image: 'idle' })).toEqual({ image: 'idle' });
  });

  it('reads 0 as "not set" for memory, swap, reservation, cpus and shares, as Docker does', () => {
    expect(parseContainerSpec({ image: 'web', memory: 0, 'memory-swap': 0, 'memory-reservation': 0, cpus: 0, 'cpu-shares': 0 })).toEqual({ image: 'web' });
  });

  it('accepts memory-swap -1 (unlimited) in either form, and raises cpu-shares 1 to Docker\'s minimum 2', () => {
    expect(parseContainerSpec({ image: 'web', memory: '64m', 'memory-swap': -1 }).memorySwap).toBe(-1);
    expect(parseContainerSpec({ image: 'web', memory: '64m', 'memory-swap': '-1' }).memorySwap).toBe(-1);
    expect(parseContainerSpec({ image: 'web', 'cpu-shares': 1 }).cpuShares).toBe(2);
  });

  it('reads a stop signal as SIGTERM, TERM, term or 15', () => {
    for (const word of ['SIGTERM', 'TERM', 'term', '15', 15]) expect(parseContainerSpec({ image: 'web', 'stop-signal': word }).stopSignal).toBe('SIGTERM');
    expect(parseContainerSpec({ image: 'web', 'stop-signal': 'usr1' }).stopSignal).toBe('SIGUSR1');
  });

  it('reads env and labels as lists or maps; a bare label is an empty value', () => {
    expect(parseContainerSpec({ image: 'web', env: { A: 'x', N: 3, T: true } }).env).toEqual({ A: 'x', N: '3', T: 'true' });
    expect(parseContainerSpec({ image: 'web', labels: ['a=b', 'flag'] }).labels).toEqual({ a: 'b', flag: '' });
  });

  it('reads user as uid (gid 0, as runc does without a passwd entry), uid:gid or root', () => {
    expect(parseContainerSpec({ image: 'web', user: 1000 }).user).toEqual({ uid: 1000, gid: 0 });
    expect(parseContainerSpec({ image: 'web', user: '1000' }).user).toEqual({ uid: 1000, gid: 0 });
    expect(parseContainerSpec({ image: 'web', user: 'root' }).user).toEqual({ uid: 0, gid: 0 });
  });

  it('reads network modes and networks', () => {
    expect(parseContainerSpec({ image: 'web', network: 'host' })).toEqual({ image: 'web', networkMode: 'host' });
    expect(parseContainerSpec({ image: 'web', network: 'none' })).toEqual({ image: 'web', networkMode: 'none' });
    expect(parseContainerSpec({ image: 'web', network: 'container:db' })).toEqual({ image: 'web', networkMode: 'container:db' });
    expect(parseContainerSpec({ image: 'web', network: 'appnet', 'network-alias': ['api'] }).networks).toEqual([{ name: 'appnet', aliases: ['api'] }]);
    expect(parseContainerSpec({ image: 'web', networks: ['a', { name: 'b', aliases: ['x'] }] }).networks).toEqual([{ name: 'a' }, { name: 'b', aliases: ['x'] }]);
  });

  it('reads pid, ipc and uts modes; a leading slash of the name is dropped', () => {
    const spec = parseContainerSpec({ image: 'web', name: '/web', pid: 'container:db', ipc: 'shareable', uts: 'host' });
    expect(spec).toEqual({ image: 'web', name: 'web', pidMode: 'container:db', ipcMode: 'shareable', utsMode: 'host' });
  });

  it('takes a command as steps of the program language or a program name', () => {
    expect(parseContainerSpec({ image: 'web', command: [{ cpu: '1s' }, { exit: 3 }] }).command).toEqual([
      { op: 'cpu', work: 1_000_000 },
      { op: 'exit', code: 3 },
    ]);
    expect(parseContainerSpec({ image: 'web', command: 'worker' }).command).toBe('worker');
  });

  it('accepts restart "no" with rm (Docker treats it as no policy)', () => {
    expect(parseContainerSpec({ image: 'web', rm: true, restart: 'no' })).toEqual({ image: 'web', autoRemove: true, restart: { name: 'no' } });
  });
});

describe("parseContainerSpec: Docker's own messages", () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['memory below 6MB', { memory: '4m' }, 'memory', 'Minimum memory limit allowed is 6MB'],
    ['swap below memory', { memory: '128m', 'memory-swap': '64m' }, '["memory-swap"]', 'Minimum memoryswap limit should be larger than memory limit, see usage'],
    ['swap without memory', { 'memory-swap': '128m' }, '["memory-swap"]', 'You should always set the Memory limit when using Memoryswap limit, see usage'],
    ['reservation above memory', { memory: '64m', 'memory-reservation': '128m' }, '["memory-reservation"]', 'Minimum memory limit can not be less than memory reservation limit, see usage'],
    ['reservation below 6MB', { 'memory-reservation': '1k' }, '["memory-reservation"]', 'Minimum memory reservation allowed is 6MB'],
    ['oom-score-adj above', { 'oom-score-adj': 1001 }, '["oom-score-adj"]', 'Invalid value 1001, range for oom score adj is [-1000, 1000]'],
    ['oom-score-adj below', { 'oom-score-adj': -1001 }, '["oom-score-adj"]', 'Invalid value -1001, range for oom score adj is [-1000, 1000]'],
    ['restart with rm', { rm: true, restart: 'always' }, 'rm', 'Conflicting options: --restart and --rm'],
    ['name of one character', { name: 'x' }, 'name', 'Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed'],
    ['name with a space', { name: 'my web' }, 'name', 'Invalid container name (my web), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed'],
    ['name starting with a dash', { name: '-web' }, 'name', 'Invalid container name (-web), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed'],
    ['unknown restart policy', { restart: 'sometimes' }, 'restart', "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"],
    ['count on always', { restart: 'always:3' }, 'restart', "invalid restart policy: maximum retry count can only be used with 'on-failure'"],
    ['negative count', { restart: 'on-failure:-1' }, 'restart', 'invalid restart policy: maximum retry count cannot be negative'],
    ['non-integer count', { restart: 'on-failure:x' }, 'restart', 'invalid restart policy format: maximum retry count must be an integer'],
    ['two colons', { restart: 'always:2:3' }, 'restart', 'invalid restart policy format: maximum retry count must be an integer'],
    ['no name before colon', { restart: ':3' }, 'restart', 'invalid restart policy format: no policy provided before colon'],
    ['unknown signal', { 'stop-signal': 'FOO' }, '["stop-signal"]', 'Invalid signal: FOO'],
    ['signal 0', { 'stop-signal': 0 }, '["stop-signal"]', 'Invalid signal: 0'],
    ['ports with container network', { network: 'container:db', publish: ['80'] }, 'publish', 'conflicting options: port publishing and the container type network mode'],
    ['device without colon', { 'device-read-bps': ['/dev/sda'] }, '["device-read-bps"][0]', 'bad format: /dev/sda'],
    ['device outside /dev', { 'device-read-bps': ['sda:1mb'] }, '["device-read-bps"][0]', 'bad format for device path: sda:1mb'],
    [
      'bad bps rate',
      { 'device-write-bps': ['/dev/sda:fast'] },
      '["device-write-bps"][0]',
      'invalid rate for device: /dev/sda:fast. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb',
    ],
    ['bad iops rate', { 'device-read-iops': ['/dev/sda:1k'] }, '["device-read-iops"][0]', 'invalid rate for device: /dev/sda:1k. The correct format is <device-path>:<number>. Number must be a positive integer'],
    ['bad pid mode', { pid: 'shared' }, 'pid', 'invalid PID mode: shared (accepted: host, private, container:NAME)'],
    ['uts container mode', { uts: 'container:db' }, 'uts', 'invalid UTS mode: container:db (accepted: host, private)'],
  ];
  it.each(cases)('%s', (_, fields, path, message) => {
    const issue = only({ image: 'web', ...fields });
    expect(issue).toEqual({ path, message });
  });

  it('puts the message after "invalid container spec (FILE):" and keeps code E_VALIDATION', () => {
    const error = validationFailure(() => parseContainerSpec({ image: 'web', memory: '1m' }, 'run.yaml'));
    expect(error.code).toBe('E_VALIDATION');
    expect(error.message).toBe('invalid container spec (run.yaml): memory: Minimum memory limit allowed is 6MB');
  });

  it('accepts exactly 6MB of memory and of reservation', () => {
    expect(parseContainerSpec({ image: 'web', memory: DOCKER_MIN_MEMORY, 'memory-reservation': '6m' })).toMatchObject({ memory: DOCKER_MIN_MEMORY, memoryReservation: DOCKER_MIN_MEMORY });
  });
});

describe('parseContainerSpec: bounds and structure', () => {
  it('requires the image and rejects unknown keys with a suggestion', () => {
    expect(issues({})).toContainEqual({ path: 'image', message: 'required' });
    expect(only({ image: 'web', memroy: '1g' }).message).toMatch(/^unknown field \(did you mean "memory"\?\)/);
    expect(only({ image: 'web', memoryLimit: '1g' }).path).toBe('memoryLimit');
  });

  it('states every numeric bound', () => {
    expect(only({ image: 'web', memory: '2p' }).message).toBe('expected at most 1p (2^50 bytes), got 2p');
    expect(only({ image: 'web', cpus: 2000 }).message).toBe('expected at most 1024 CPUs, got 2000');
    expect(only({ image: 'web', 'pids-limit': 5_000_000 }).message).toBe('expected at most 4194304, got 5000000');
    expect(only({ image: 'web', 'pids-limit': -2 }).message).toBe('expected at least -1, got -2');
    expect(only({ image: 'web', 'cpu-shares': 300_000 }).message).toBe('expected at most 262144, got 300000');
    expect(only({ image: 'web', 'stop-timeout': -2 }).message).toBe('expected at least -1, got -2');
    expect(only({ image: 'web', 'stop-timeout': 1e9 }).message).toBe('expected at most 31536000, got 1000000000');
    expect(only({ image: 'web', restart: 'on-failure:3000000000' }).message).toMatch(/at most 2147483647/);
  });

  it('bounds every list', () => {
    const long = Array.from({ length: MAX_CONTAINER_LIST + 1 }, (_, i) => `K${i}=v`);
    expect(only({ image: 'web', env: long }).message).toBe(`expected at most ${MAX_CONTAINER_LIST} items, got an array`);
    expect(only({ image: 'web', ports: long.map(() => '80') }).path).toBe('ports');
    expect(only({ image: 'web', volumes: long.map((_, i) => `/d${i}`) }).path).toBe('volumes');
  });

  it('rejects a bare env name, an empty env name, an empty label name', () => {
    expect(only({ image: 'web', env: ['HOME'] }).message).toMatch(/^expected KEY=VALUE, got "HOME"/);
    expect(only({ image: 'web', env: ['=x'] })).toEqual({ path: 'env[0]', message: 'invalid environment variable: =x' });
    expect(only({ image: 'web', labels: ['=x'] })).toEqual({ path: 'labels[0]', message: "invalid label '=x': empty name" });
  });

  it('rejects bad volumes, workdirs, users, cpusets and networks', () => {
    expect(only({ image: 'web', volumes: ['a:b:c:d'] }).message).toBe("invalid volume specification: 'a:b:c:d'");
    expect(only({ image: 'web', volumes: ['/a:/b:rx'] }).message).toBe('invalid mode: rx');
    expect(only({ image: 'web', volumes: ['/a:/b', '/c:/b'] })).toEqual({ path: 'volumes[1]', message: 'Duplicate mount point: /b' });
    expect(only({ image: 'web', workdir: 'srv' }).message).toBe("the working directory 'srv' is invalid, it needs to be an absolute path");
    expect(only({ image: 'web', user: 'nobody' }).message).toMatch(/^expected "UID" or "UID:GID"/);
    expect(only({ image: 'web', 'cpuset-cpus': '0-x' }).message).toMatch(/^Invalid value 0-x for cpuset cpus: /);
    expect(only({ image: 'web', network: 'a', networks: ['b'] }).path).toBe('networks');
    expect(only({ image: 'web', networks: ['a', 'a'] }).message).toBe('network "a" is listed twice');
    expect(only({ image: 'web', 'network-alias': ['api'] }).message).toBe('network-scoped alias is supported only for containers in user defined networks');
    expect(only({ image: 'web', publish: ['80'], ports: ['81'] }).path).toBe('ports');
    expect(only({ image: 'web', network: 'container:db', hostname: 'h1' }).message).toBe('conflicting options: hostname and the network mode');
  });

  it('rejects a signal the kernel model does not deliver by name', () => {
    expect(only({ image: 'web', 'stop-signal': 'SIGQUIT' }).message).toMatch(/^SIGQUIT is not one the simulated kernel delivers/);
    expect(only({ image: 'web', 'stop-signal': 3 }).message).toMatch(/^signal 3 is not one the simulated kernel delivers/);
  });

  it('has a JSON schema of the input side', () => {
    const schema = jsonSchemas({ ContainerSpec: ContainerSpecSchema }).ContainerSpec;
    expect(schema).toMatchObject({ type: 'object', required: ['image'] });
  });
});

describe('parseContainerUpdate (the patch)', () => {
  it('allows swap without memory (docker update) and keeps Docker\'s other memory rules', () => {
    expect(parseContainerUpdate({ 'memory-swap': '1g' })).toEqual({ memorySwap: 2 ** 30 });
    expect(parseContainerUpdate({ cpus: '1.5', restart: 'always' })).toEqual({ cpus: 1500, restart: { name: 'always' } });
    expect(() => parseContainerUpdate({ memory: '1m' })).toThrow('Minimum memory limit allowed is 6MB');
    expect(() => parseContainerUpdate({ image: 'web' })).toThrow(ValidationError);
  });
});

describe('parseRestartPolicy / formatRestartPolicy', () => {
  it('parses the four policies', () => {
    expect(parseRestartPolicy('no')).toEqual({ name: 'no' });
    expect(parseRestartPolicy('always')).toEqual({ name: 'always' });
    expect(parseRestartPolicy('unless-stopped')).toEqual({ name: 'unless-stopped' });
    expect(parseRestartPolicy('on-failure')).toEqual({ name: 'on-failure', maximumRetryCount: 0 });
    expect(parseRestartPolicy('on-failure:5')).toEqual({ name: 'on-failure', maximumRetryCount: 5 });
    expect(parseRestartPolicy('always:0')).toEqual({ name: 'always' });
  });

  it('throws ValidationError with Docker\'s text', () => {
    const error = validationFailure(() => parseRestartPolicy('never'));
    expect(error.message).toBe("invalid restart policy: unknown policy 'never'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
  });

  it('round-trips every policy (property)', () => {
    const policy: fc.Arbitrary<RestartPolicy> = fc.oneof(
      fc.constantFrom<RestartPolicy>({ name: 'no' }, { name: 'always' }, { name: 'unless-stopped' }),
      fc.integer({ min: 0, max: 2_147_483_647 }).map((n): RestartPolicy => ({ name: 'on-failure', maximumRetryCount: n })),
    );
    fc.assert(
      fc.property(policy, (p) => {
        expect(parseRestartPolicy(formatRestartPolicy(p))).toEqual(p);
      }),
    );
  });

  it('never throws anything but ValidationError on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          const p = parseRestartPolicy(text);
          expect(['no', 'always', 'unless-stopped', 'on-failure']).toContain(p.name);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });
});

describe('ContainerSpecSchema properties', () => {
  it('memory in Docker words parses to the bytes it names, and the 6MB floor holds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 20 }), fc.constantFrom(['k', 2 ** 10], ['m', MiB], ['g', 2 ** 30]), (n, [unit, factor]) => {
        const want = n * (factor);
        const run = () => parseContainerSpec({ image: 'web', memory: `${n}${unit as string}` });
        if (want > 2 ** 50) return;
        if (want < DOCKER_MIN_MEMORY) expect(() => run()).toThrow('Minimum memory limit allowed is 6MB');
        else expect(run().memory).toBe(want);
      }),
    );
  });

  it('accepts exactly the names Docker\'s pattern accepts (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '.', '-', ' ', '/', '!'), maxLength: 8 }), (name) => {
        const ok = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name);
        const result = ContainerSpecSchema.safeParse({ image: 'web', name });
        expect(result.success).toBe(ok);
      }),
    );
  });
});

describe('formatContainerSpec', () => {
  const MIN = DOCKER_MIN_MEMORY;
  const name = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{1,20}$/).filter((n) => !['host', 'none', 'bridge'].includes(n));
  const alias = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
  const memoryTriple = fc
    .record({ memory: fc.integer({ min: MIN, max: 2 ** 40 }), extra: fc.integer({ min: 0, max: 2 ** 30 }), swapUnlimited: fc.boolean(), reserve: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }) })
    .map(({ memory, extra, swapUnlimited, reserve }) => ({
      memory,
      memorySwap: swapUnlimited ? -1 : memory + extra,
      ...(reserve === undefined ? {} : { memoryReservation: MIN + (reserve % (memory - MIN + 1)) }),
    }));
  const spec: fc.Arbitrary<ContainerSpec> = fc
    .record(
      {
        name,
        env: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), fc.string({ maxLength: 10 }), { maxKeys: 4 }),
        hostname: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/),
        user: fc.record({ uid: fc.integer({ min: 0, max: 70000 }), gid: fc.integer({ min: 0, max: 70000 }) }),
        workingDir: fc.stringMatching(/^\/[a-z]{0,8}$/),
        mem: memoryTriple,
        cpus: fc.integer({ min: 1, max: 64_000 }),
        cpuShares: fc.integer({ min: 2, max: 262_144 }),
        cpusetCpus: fc.constantFrom('0', '0-3', '0,2', '1-2,5'),
        pidsLimit: fc.integer({ min: -1, max: 4_194_304 }),
        oomScoreAdj: fc.integer({ min: -1000, max: 1000 }),
        deviceIo: fc.array(
          fc.record({ device: fc.constantFrom('/dev/sda', '/dev/vdb'), kind: fc.constantFrom('rbps', 'wbps', 'riops', 'wiops' as const), value: fc.integer({ min: 0, max: 2 ** 40 }) }),
          { maxLength: 3 },
        ),
        net: fc.oneof(
          fc.constantFrom({ networkMode: 'host' }, { networkMode: 'none' }, { networkMode: 'container:db' }),
          fc.record({ networks: fc.uniqueArray(fc.record({ name, aliases: fc.option(fc.array(alias, { minLength: 1, maxLength: 2 }), { nil: undefined }) }), { minLength: 1, maxLength: 3, selector: (n) => n.name }) }),
        ),
        ports: fc.array(fc.constantFrom('80', '8080:80', '127.0.0.1:53:53/udp'), { maxLength: 2 }),
        mounts: fc.uniqueArray(
          fc.oneof(
            fc.record({ type: fc.constant('bind' as const), source: fc.stringMatching(/^\/[a-z]{1,6}$/), destination: fc.stringMatching(/^\/[a-z]{1,6}$/), readOnly: fc.boolean() }),
            fc.record({ type: fc.constant('volume' as const), source: fc.stringMatching(/^[a-z][a-z0-9]{1,6}$/), destination: fc.stringMatching(/^\/[a-z]{1,6}$/), readOnly: fc.boolean() }),
            fc.record({ type: fc.constant('volume' as const), source: fc.constant(''), destination: fc.stringMatching(/^\/[a-z]{1,6}$/), readOnly: fc.constant(false) }),
          ),
          { maxLength: 3, selector: (m) => m.destination },
        ),
        restart: fc.constantFrom<RestartPolicy>({ name: 'no' }, { name: 'always' }, { name: 'unless-stopped' }, { name: 'on-failure', maximumRetryCount: 0 }, { name: 'on-failure', maximumRetryCount: 5 }),
        stopSignal: fc.constantFrom('SIGTERM', 'SIGINT', 'SIGUSR1', 'SIGKILL' as const),
        stopTimeout: fc.integer({ min: -1, max: 3600 }),
        labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,8}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
        pidMode: fc.constantFrom('host', 'private', 'container:db'),
        ipcMode: fc.constantFrom('host', 'private', 'shareable', 'none'),
        utsMode: fc.constantFrom('host', 'private'),
        cgroupParent: fc.constantFrom('/docker', '/kubepods/burstable/pod1234', '/a.slice'),
        command: fc.constantFrom<ContainerSpec['command']>('worker', [{ op: 'cpu', work: micros(1000) }]),
      },
      { requiredKeys: [] },
    )
    .map(({ mem, net, ...rest }) => {
      const out: Record<string, unknown> = { image: 'web', ...rest, ...(mem ?? {}), ...(net ?? {}) };
      if (out['networkMode'] === 'container:db') delete out['ports'];
      if (out['networkMode'] === 'container:db') delete out['hostname'];
      if (Array.isArray(out['deviceIo']) && out['deviceIo'].length === 0) delete out['deviceIo'];
      // One published-ports list, and the canonical order of device limits (by kind, as the parser emits them).
      if (Array.isArray(out['deviceIo'])) out['deviceIo'] = ['rbps', 'wbps', 'riops', 'wiops'].flatMap((k) => (out['deviceIo'] as { kind: string }[]).filter((d) => d.kind === k));
      return out as unknown as ContainerSpec;
    });

  it('round-trips through parseContainerSpec (property)', () => {
    fc.assert(
      fc.property(spec, (s) => {
        expect(parseContainerSpec(formatContainerSpec(s))).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('writes Docker words', () => {
    expect(formatContainerSpec(parseContainerSpec({ image: 'web', memory: '64m', cpus: 0.5, restart: 'on-failure:3', user: 1000 }))).toEqual({
      image: 'web',
      memory: '64m',
      cpus: '0.5',
      restart: 'on-failure:3',
      user: '1000:0',
    });
  });
});
