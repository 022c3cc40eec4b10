// `strata container run` as a user runs it: `node dist/bin.js` on the repository's examples and on
// small session files written for each case (refused commands, bad fields, YAML syntax, a spent
// budget). Needs `tsc -b` first (turbo builds before the tests).

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EXPERIMENT_MAX_STEPS } from '@strata/core-container';
import { micros, parseContainerSession } from '@strata/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTAINER_DEFAULT_MAX_STEPS } from '../src/commands/container.ts';
import { dockerCommandLine, dockerTable, formatAt, formatEvent, psTime } from '../src/container-report.ts';
import { run } from '../src/main.ts';
import { memoryIo } from './memory-io.ts';
import { ROOT, strataOutput, type BinaryOutput } from './strata-binary.js';

const DIR = mkdtempSync(join(tmpdir(), 'strata-container-'));

function strata(...args: string[]): BinaryOutput {
  return strataOutput(args, { timeout: 30_000, maxBuffer: 1 << 26 });
}

/** Write `text` to a fresh file in the test directory and return its path. */
function file(name: string, text: string): string {
  const path = join(DIR, name);
  writeFileSync(path, text);
  return path;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface EventJson {
  time: number;
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
}
interface OutcomeJson {
  index: number;
  at: number;
  command: string;
  container?: string;
  status: 'ok' | 'error';
  output?: { type: string } & Record<string, unknown>;
  error?: { message: string; code: string; httpStatus: number };
}
interface ContainerJson {
  duration_us: number;
  events: EventJson[];
  outcomes: OutcomeJson[];
  ps: { id: string; name: string; status: string; statusText: string }[];
  inspect: { Id: string; Name: string; State: Record<string, unknown>; RestartCount: number }[];
  eventsDropped: number;
  outputsOmitted: number;
}

/** The lines of a text section: from its title to the next empty line. */
function section(stdout: string, title: RegExp): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => title.test(l));
  expect(start, `section ${String(title)}`).toBeGreaterThan(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end);
}

describe('strata container run (binary)', () => {
  it('--json: restart backoff and the OOM kill, as one JSON object with fixed keys', () => {
    const r = strata('container', 'run', 'examples/container-restart.yaml', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as ContainerJson;
    expect(Object.keys(json)).toEqual(['duration_us', 'events', 'outcomes', 'ps', 'inspect', 'eventsDropped', 'outputsOmitted']);
    expect(json.duration_us).toBe(20_000_000);
    const of = (name: string, action: string) => json.events.filter((e) => e.attributes['name'] === name && e.action === action);
    const dies = of('c1', 'die').map((e) => e.time);
    const starts = of('c1', 'start').map((e) => e.time);
    expect(starts.slice(1).map((t, i) => t - dies[i]!)).toEqual([100_000, 200_000, 400_000]);
    expect(of('hog', 'oom')).toHaveLength(1);
    expect(of('hog', 'die')[0]!.attributes['exitCode']).toBe('137');
    const hog = json.inspect.find((i) => i.Name === '/hog')!;
    expect(hog.State).toMatchObject({ OOMKilled: true, ExitCode: 137, Status: 'exited' });
    expect(json.inspect.find((i) => i.Name === '/c1')!.RestartCount).toBe(3);
    expect(json.outcomes.map((o) => [o.index, o.command, o.status])).toEqual([
      [0, 'run', 'ok'],
      [1, 'run', 'ok'],
      [2, 'wait', 'ok'],
      [3, 'ps', 'ok'],
      [4, 'logs', 'ok'],
      [5, 'inspect', 'ok'],
    ]);
    expect(json.outcomes[2]!.output).toEqual({ type: 'wait', condition: 'not-running', statusCode: 137, at: of('hog', 'die')[0]!.time });
    expect(r.stdout).toBe(`${JSON.stringify(json, null, 2)}\n`);
  });

  it('text: docker events with +seconds, each command and its output, docker ps -a and the inspect summary', () => {
    const r = strata('container', 'run', 'examples/container-lifecycle.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('examples/container-lifecycle.yaml: 15 s simulated, 2 CPUs, 4 GiB memory, fluid fidelity, seed 0; 14 commands, 3 refused');
    const json = JSON.parse(strata('container', 'run', 'examples/container-lifecycle.yaml', '--json').stdout) as ContainerJson;
    const idle = json.inspect.length === 1 ? json.events.find((e) => e.attributes['name'] === 'i1')!.id : '';
    const web = json.inspect[0]!.Id;
    const events = section(r.stdout, /^events /);
    expect(events).toHaveLength(json.events.length);
    // The stop of a handler-less PID 1: SIGTERM at 2 s, SIGKILL and exit 137 ten seconds later.
    expect(events).toContain(`+2.000000s container kill ${idle} (image=idle, name=i1, org.strata.behaviour=sleeps forever; no SIGTERM handler (PID 1 ignores SIGTERM), signal=15)`);
    expect(events).toContain(`+12.000000s container die ${idle} (exitCode=137, image=idle, name=i1, org.strata.behaviour=sleeps forever; no SIGTERM handler (PID 1 ignores SIGTERM))`);
    expect(events.filter((l) => / container (pause|unpause) /.test(l)).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['+3.000000s container pause', '+4.000000s container unpause']);
    const commands = section(r.stdout, /^commands /);
    const after = (line: string, n = 1): string[] => {
      const i = commands.indexOf(line);
      expect(i, line).toBeGreaterThanOrEqual(0);
      return commands.slice(i + 1, i + 1 + n);
    };
    expect(after('+0.000000s $ docker run -d --name w1 -m 256m -p 8080:80 web')).toEqual([`  ${web}`]);
    expect(after('+2.000000s $ docker stop i1')).toEqual(['  i1']);
    expect(after('+3.000000s $ docker exec -d w1 <program of 1 step>')).toEqual([`  Error response from daemon: Container ${web} is paused, unpause the container before exec`]);
    expect(after('+6.000000s $ docker rm w1')).toEqual(['  Error response from daemon: cannot remove container "w1": container is running: stop the container before removing or force remove']);
    expect(after('+6.000000s $ docker stop nosuch')).toEqual(['  Error response from daemon: No such container: nosuch']);
    const [header, row] = after('+5.000000s $ docker stats --no-stream w1', 2);
    expect(header).toBe('  CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS');
    expect(row).toMatch(new RegExp(`^ {2}${web.slice(0, 12)} {3}w1 {8}\\d+\\.\\d\\d% +\\S+ / 256MiB +\\d+\\.\\d\\d% +0B / 0B +0B / 0B +\\d+$`));
    expect(after('+5.000000s $ docker top w1 -eo uid,pid,ppid,stat,time,comm')[0]).toMatch(/^ {2}UID {7}PID {7}PPID {6}STAT {6}TIME {7}COMMAND$/);
    expect(after('+7.000000s $ docker logs w1')).toEqual(['  listening on :80']);
    const ps = section(r.stdout, /^docker ps -a \(at \+15\.000000s\)$/);
    expect(ps).toEqual([
      'CONTAINER ID   IMAGE     COMMAND   CREATED          STATUS                    PORTS     NAMES',
      `${web.slice(0, 12)}   web       "web"     15 seconds ago   Exited (0) 1 second ago             w1`,
    ]);
    const inspect = section(r.stdout, /^docker inspect \(summary/);
    expect(inspect[0]).toMatch(/^NAME +STATUS +EXITCODE +OOMKILLED +RESTARTCOUNT +PID +STARTEDAT +FINISHEDAT +RESTARTPOLICY +MEMORY +IPADDRESS$/);
    expect(inspect[1]).toMatch(/^\/w1 +exited +0 +false +0 +0 +\+0\.000000s +\+14\.000000s +no +256MiB +-$/);
    expect(lines.at(-1)).toBe('');
  });

  it('runs every examples/container-*.yaml to its end, as its comments say', () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((name) => /^container-.*\.yaml$/.test(name));
    expect(examples).toEqual(expect.arrayContaining(['container-restart.yaml', 'container-lifecycle.yaml', 'container-limits.yaml']));
    for (const name of examples) {
      const text = strata('container', 'run', `examples/${name}`);
      expect(text.stderr, name).toBe('');
      expect(text.code, name).toBe(0);
      const json = strata('container', 'run', `examples/${name}`, '--json');
      expect(json.code, name).toBe(0);
      const parsed = JSON.parse(json.stdout) as ContainerJson;
      // Every command of the file has its outcome, in order.
      expect(parsed.outcomes.map((o) => o.index), name).toEqual(parsed.outcomes.map((_, i) => i));
    }
    const limits = strata('container', 'run', 'examples/container-limits.yaml').stdout;
    // docker update --cpus 0.25 on a CPU-bound container: 100% before, 25% after.
    expect(limits).toMatch(/\n {2}[0-9a-f]{12} {3}b1 {8}100\.00% {3}[^\n]*\n\+2\.000000s \$ docker update --cpus 0\.25 b1\n {2}b1\n[^]*\n {2}[0-9a-f]{12} {3}b1 {8}25\.00% {4}/);
    expect(limits).toContain('+4.000000s $ docker wait i1\n  137\n  # returned at +7.000000s\n  # condition next-exit');
    const lifecycle = JSON.parse(strata('container', 'run', 'examples/container-lifecycle.yaml', '--json').stdout) as ContainerJson;
    expect(lifecycle.outcomes.filter((o) => o.status === 'error').map((o) => [o.command, o.error!.code, o.error!.httpStatus])).toEqual([
      ['exec', 'E_INVALID_TRANSITION', 409],
      ['rm', 'E_INVALID_TRANSITION', 409],
      ['stop', 'E_NOT_FOUND', 404],
    ]);
  });

  it('an unknown container: the command\'s error appears and the session goes on', () => {
    const path = file('unknown.yaml', 'duration: 5s\ncommands:\n  - { at: 0s, stop: nosuch }\n  - { at: 1s, run: { image: web, name: w1 } }\n  - { at: 2s, logs: w1 }\n');
    const r = strata('container', 'run', path);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const commands = section(r.stdout, /^commands /);
    expect(commands.slice(0, 2)).toEqual(['+0.000000s $ docker stop nosuch', '  Error response from daemon: No such container: nosuch']);
    expect(commands[2]).toBe('+1.000000s $ docker run -d --name w1 web');
    expect(commands.slice(4)).toEqual(['+2.000000s $ docker logs w1', '  listening on :80']);
    const json = JSON.parse(strata('container', 'run', path, '--json').stdout) as ContainerJson;
    expect(json.outcomes[0]).toEqual({ index: 0, at: 0, command: 'stop', container: 'nosuch', status: 'error', error: { message: 'Error response from daemon: No such container: nosuch', code: 'E_NOT_FOUND', httpStatus: 404 } });
    expect(json.ps.map((p) => [p.name, p.status])).toEqual([['w1', 'running']]);
  });

  it('exits 2 naming the file and the path of a bad field', () => {
    const path = file('bad-memory.yaml', 'duration: 5s\ncommands:\n  - { at: 0s, run: { image: web, name: w1 } }\n  - { at: 1s, run: { image: web, memory: 1m } }\n');
    expect(strata('container', 'run', path)).toEqual({ code: 2, stdout: '', stderr: `strata: ${path}: invalid container session: commands[1].run.memory: Minimum memory limit allowed is 6MB\n` });
    const late = file('late.yaml', 'duration: 5s\ncommands:\n  - { at: 9s, stop: w1 }\n');
    const r = strata('container', 'run', late, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^strata: ${escape(late)}: invalid container session: commands\\[0\\]\\.at: expected a time within the session [^\\n]*\\n$`));
    const word = file('word.yaml', 'duration: 5s\ncommands:\n  - { at: 0s, launch: w1 }\n');
    const w = strata('container', 'run', word);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(new RegExp(`^strata: ${escape(word)}: invalid container session: commands\\[0\\][^\\n]*launch[^\\n]*\\n$`));
  });

  it('exits 2 naming the line of a YAML syntax error, for a bad --max-steps and a missing file', () => {
    const path = file('broken.yaml', 'duration: 5s\ncommands: [ { at: 0s\n');
    const r = strata('container', 'run', path);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^strata: [^\n]*broken\.yaml: not valid YAML: [^\n]*\(line \d+, column \d+\)\n$/);
    expect(strata('container', 'run', 'examples/container-restart.yaml', '--max-steps', '0')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'strata: --max-steps: expected an integer from 1 to 1000000000000 (1e12), got "0"\n',
    });
    expect(strata('container', 'run', 'missing.yaml')).toEqual({ code: 2, stdout: '', stderr: 'strata: missing.yaml: cannot read the file (no such file)\n' });
  });

  it('exits 1 with the remedy when the budget is spent, printing nothing', () => {
    const path = file('spin.yaml', 'duration: 100h\nimages:\n  - { name: spin, layers: [1M], cmd: [ { loop: { times: forever, do: [ { print: tick }, { sleep: 1us } ] } } ] }\ncommands:\n  - { at: 0s, run: { image: spin } }\n');
    const r = strata('container', 'run', path, '--max-steps', '1000');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^strata: [^\n]*spin\.yaml: this session took more than 1,000 steps \(program steps and CPU scheduling work: the budget of the whole run; a container start or exec counts 1,000, an advance of the kernel 100, a row of output 10\) and was stopped after [^;]* of 100 h; nothing was printed; raise the budget with --max-steps \(now 1000\), [^\n]*\n$/);
  });

  it('documents the command in --help', () => {
    expect(CONTAINER_DEFAULT_MAX_STEPS).toBe(DEFAULT_EXPERIMENT_MAX_STEPS);
    expect(strata('--help').stdout).toMatch(/\n {2}container +Docker on the kernel model/);
    const help = strata('container', 'run', '--help');
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage: strata container run \[options\] <file>\n/);
    expect(help.stdout).toMatch(/--max-steps <n> +work budget[^]*default 10000000/);
    expect(help.stdout).toMatch(/strata container run examples\/container-restart\.yaml\n/);
  });
});

describe('strata container run (in-process): any session gets a result or one clean error line', () => {
  const name = fc.constantFrom('n1', 'n2', 'nosuch');
  const command = fc.oneof(
    fc.record({ run: fc.record({ image: fc.constantFrom('web', 'idle', 'crasher', 'memhog', 'forker', 'nosuch'), name: fc.constantFrom('n1', 'n2'), memory: fc.constantFrom('8m', '64m', '1g'), restart: fc.constantFrom('no', 'always', 'on-failure:2'), 'pids-limit': fc.constantFrom(5, 100) }, { requiredKeys: ['image'] }) }),
    ...(['start', 'stop', 'kill', 'pause', 'unpause', 'restart', 'wait', 'rm', 'logs', 'top', 'inspect', 'stats'] as const).map((word) => fc.record({ [word]: name })),
    fc.record({ exec: fc.record({ container: name, command: fc.constantFrom<unknown>([{ print: 'x' }], [{ cpu: '10ms' }, { exit: 2 }], 'sh', [{ loop: { times: 'forever', do: [{ print: 'x' }] } }]) }) }),
    fc.record({ update: fc.record({ container: name, memory: fc.constantFrom('8m', '512m', '1m') }) }),
    fc.constant({ ps: { all: true } }),
    fc.constant({ run: { image: 'web', memory: 'lots' } }),
  );
  const session = fc.record({
    host: fc.record({ cpus: fc.integer({ min: 1, max: 4 }), fidelity: fc.constantFrom('exact', 'fluid') }),
    duration: fc.constantFrom('1s', '5s'),
    steps: fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), command), { maxLength: 8 }),
  });

  it('exits 0 with output, or 1 or 2 with exactly one strata: line and nothing on stdout', async () => {
    const codes = [0, 0, 0];
    await fc.assert(
      fc.asyncProperty(session, fc.boolean(), async ({ host, duration, steps }, json) => {
        const doc = { host, duration, commands: [...steps].sort((a, b) => a[0] - b[0]).map(([ms, c]) => ({ at: `${ms}ms`, ...c })) };
        const io = memoryIo({ 'x.json': JSON.stringify(doc) });
        const code = await run(['container', 'run', 'x.json', '--max-steps', '200000', ...(json ? ['--json'] : [])], io);
        codes[code] = (codes[code] ?? 0) + 1;
        if (code === 0) {
          expect(io.err()).toBe('');
          const out = io.out();
          if (json) expect((JSON.parse(out) as ContainerJson).outcomes).toHaveLength(doc.commands.length);
          else expect(out).toMatch(/^x\.json: /);
          return;
        }
        expect([1, 2]).toContain(code);
        expect(io.out()).toBe('');
        expect(io.err().trimEnd().split('\n')).toHaveLength(1);
        expect(io.err()).toMatch(/^strata: x\.json: /);
        expect(io.err()).not.toMatch(/internal error|this is a bug/);
      }),
      { numRuns: 100 },
    );
    // Most generated sessions must reach the engine, not only the validator.
    expect(codes[0]).toBeGreaterThan(50);
  });
});

describe('container report formatting', () => {
  it('prints tables as the docker CLI\'s tabwriter does: columns at least 10 wide, 3 spaces of padding', () => {
    expect(dockerTable(['CONTAINER ID', 'NAME', 'PIDS'], [['abc', 'a-rather-long-name', '5']])).toEqual(['CONTAINER ID   NAME                 PIDS', 'abc            a-rather-long-name   5']);
  });

  it('prints events as docker events does, attributes sorted, the time as +seconds', () => {
    expect(formatAt(12_345_678)).toBe('+12.345678s');
    expect(formatEvent({ time: micros(1_500_000), type: 'container', action: 'die', id: 'f'.repeat(64), attributes: { name: 'w1', image: 'web', exitCode: '137' } })).toBe(`+1.500000s container die ${'f'.repeat(64)} (exitCode=137, image=web, name=w1)`);
  });

  it('prints ps\'s TIME and the docker command line of each session command', () => {
    expect([0, 59_999_999, 3_600_000_000, 90_061_000_000].map(psTime)).toEqual(['00:00:00', '00:00:59', '01:00:00', '01-01:01:01']);
    const session = parseContainerSession({
      duration: '1s',
      commands: [
        { at: '0s', run: { image: 'web', name: 'w1', memory: '64m', cpus: 0.5, restart: 'on-failure:3', publish: ['8080:80'], env: ['A=b c'] } },
        { at: '0s', stop: { container: 'w1', time: 2 } },
        { at: '0s', kill: { container: 'w1', signal: 'HUP' } },
        { at: '0s', update: { container: 'w1', memory: '128m' } },
        { at: '0s', logs: { container: 'w1', tail: 5 } },
        { at: '0s', rm: { container: 'w1', force: true } },
      ],
    });
    expect(session.commands.map((s) => dockerCommandLine(s.command))).toEqual([
      "docker run -d --name w1 --restart on-failure:3 -m 64m --cpus 0.5 -p 8080:80 -e 'A=b c' web",
      'docker stop -t 2 w1',
      'docker kill -s SIGHUP w1',
      'docker update -m 128m w1',
      'docker logs --tail 5 w1',
      'docker rm -f w1',
    ]);
  });
});
