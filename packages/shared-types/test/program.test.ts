// The program language of kernel experiments: every step in its YAML-ish form (as a YAML parser
// hands it over), the AST it becomes, and every way a step can be wrong, named by its path.
import { describe, expect, it } from 'vitest';
import {
  formatProgram,
  MAX_FORK_COUNT,
  MAX_LOOP_TIMES,
  MAX_PROGRAM_DEPTH,
  MAX_PROGRAM_LENGTH,
  MAX_TOTAL_STEPS,
  parseProgram,
  STEP_ERRNOS,
  STEP_KINDS,
  type SchemaIssue,
  type SignalStep,
  type Step,
} from '@strata/shared-types';
import { validationFailure } from './failure.js';

const MiB = 2 ** 20;
const issues = (input: unknown) => validationFailure(() => parseProgram(input)).details['issues'] as SchemaIssue[];
const one = (step: unknown) => parseProgram([step])[0];

describe('each step, as YAML reads it, and its AST', () => {
  it.each([
    // - cpu: 50ms
    ['cpu', { cpu: '50ms' }, { op: 'cpu', work: 50_000 }],
    // - sleep: 10s
    ['sleep', { sleep: '10s' }, { op: 'sleep', duration: 10_000_000 }],
    // - alloc: 128M            (memparse: 128 MiB, touched at once)
    ['alloc, short', { alloc: '128M' }, { op: 'alloc', size: 128 * MiB, rate: null }],
    // - alloc: { size: 1Gi, rate: 1G/s, name: buf }
    ['alloc, long', { alloc: { size: '1Gi', rate: '1G/s', name: 'buf' } }, { op: 'alloc', size: 2 ** 30, rate: 2 ** 30, name: 'buf' }],
    // - free: all  /  - free: 64M
    ['free all', { free: 'all' }, { op: 'free', target: { kind: 'all' } }],
    ['free a size', { free: '64M' }, { op: 'free', target: { kind: 'size', size: 64 * MiB } }],
    ['free bytes', { free: 4096 }, { op: 'free', target: { kind: 'size', size: 4096 } }],
    // - read: { device: sda, bytes: 10M, file: /data/in }
    ['read', { read: { device: 'sda', bytes: '10M', file: '/data/in' } }, { op: 'read', device: 'sda', bytes: 10 * MiB, block: 4096, direct: false, file: '/data/in' }],
    // - write: { device: "8:0", bytes: 1G, block: 1M, direct: true }
    ['write', { write: { device: '8:0', bytes: '1G', block: '1M', direct: true } }, { op: 'write', device: '8:0', bytes: 2 ** 30, block: MiB, direct: true }],
    // - send: { to: "db:5432", bytes: 1M }
    ['send', { send: { to: 'db:5432', bytes: '1M' } }, { op: 'send', host: 'db', port: 5432, bytes: MiB, protocol: 'tcp' }],
    ['send to IPv6', { send: { to: '[fd00::2]:53', bytes: 512, protocol: 'udp' } }, { op: 'send', host: 'fd00::2', port: 53, bytes: 512, protocol: 'udp' }],
    // - listen: 8080  /  - listen: { port: 9000, bytes: 1M }
    ['listen, short', { listen: 8080 }, { op: 'listen', port: 8080, bytes: null, protocol: 'tcp' }],
    ['listen, long', { listen: { port: 9000, bytes: '1M' } }, { op: 'listen', port: 9000, bytes: MiB, protocol: 'tcp' }],
    // - fork: { count: 10, program: [ { sleep: 10s } ] }
    ['fork', { fork: { count: 10, program: [{ sleep: '10s' }] } }, { op: 'fork', count: 10, program: { kind: 'inline', steps: [{ op: 'sleep', duration: 10_000_000 }] } }],
    // - fork: [ { exit: 3 } ]   /  - fork: worker
    ['fork, short', { fork: [{ exit: 3 }] }, { op: 'fork', count: 1, program: { kind: 'inline', steps: [{ op: 'exit', code: 3 }] } }],
    ['fork, named', { fork: 'worker' }, { op: 'fork', count: 1, program: { kind: 'named', name: 'worker' } }],
    // - exec: server
    ['exec', { exec: 'server' }, { op: 'exec', program: { kind: 'named', name: 'server' } }],
    ['exec, inline', { exec: { program: [{ cpu: '1s' }] } }, { op: 'exec', program: { kind: 'inline', steps: [{ op: 'cpu', work: 1_000_000 }] } }],
    // - wait: all  /  - wait: 3
    ['wait all', { wait: 'all' }, { op: 'wait', count: 'all' }],
    ['wait 3', { wait: 3 }, { op: 'wait', count: 3 }],
    // - print: hello  /  - print: { text: oops, stream: stderr }
    ['print', { print: 'hello' }, { op: 'print', text: 'hello', stream: 'stdout' }],
    ['print to stderr', { print: { text: 'oops', stream: 'stderr' } }, { op: 'print', text: 'oops', stream: 'stderr' }],
    // - exit: 3
    ['exit', { exit: 3 }, { op: 'exit', code: 3 }],
    // - loop: { times: 3, do: [ { cpu: 10ms }, { sleep: 90ms } ] }
    ['loop', { loop: { times: 3, do: [{ cpu: '10ms' }, { sleep: '90ms' }] } }, { op: 'loop', times: 3, body: [{ op: 'cpu', work: 10_000 }, { op: 'sleep', duration: 90_000 }] }],
    ['loop forever', { loop: { times: 'forever', do: [{ cpu: '1ms' }] } }, { op: 'loop', times: 'forever', body: [{ op: 'cpu', work: 1000 }] }],
    // - signal: { TERM: [ { print: bye }, { exit: 0 } ], INT: ignore, SIGHUP: default }
    [
      'signal',
      { signal: { TERM: [{ print: 'bye' }, { exit: 0 }], INT: 'ignore', SIGHUP: 'default' } },
      { op: 'signal', handlers: { SIGTERM: [{ op: 'print', text: 'bye', stream: 'stdout' }, { op: 'exit', code: 0 }], SIGINT: 'ignore', SIGHUP: 'default' } },
    ],
    // - serve: { rate: 100/s, cpu: 2ms, memory: 1M, duration: 10s }
    [
      'serve',
      { serve: { rate: '100/s', cpu: '2ms', memory: '1M', duration: '10s' } },
      { op: 'serve', requestsPerSecond: 100, cpu: 2000, memory: MiB, workers: 1, backlog: 4096, duration: 10_000_000, requests: null },
    ],
    [
      'serve, counted',
      { serve: { rate: 2.5, cpu: 500, workers: 4, backlog: 10, requests: 1000 } },
      { op: 'serve', requestsPerSecond: 2.5, cpu: 500, memory: 0, workers: 4, backlog: 10, duration: null, requests: 1000 },
    ],
    // - fork: { count: 10, program: [ { sleep: 10s } ] }
    //   on-error: { EAGAIN: [ { print: "fork failed" } ], any: ignore }
    [
      'on-error',
      { fork: { count: 10, program: [{ sleep: '10s' }] }, 'on-error': { EAGAIN: [{ print: 'fork failed' }], any: 'ignore' } },
      {
        op: 'fork',
        count: 10,
        program: { kind: 'inline', steps: [{ op: 'sleep', duration: 10_000_000 }] },
        onError: { EAGAIN: [{ op: 'print', text: 'fork failed', stream: 'stdout' }], any: [] },
      },
    ],
  ])('%s', (_name, input, ast) => {
    expect(one(input)).toEqual(ast);
    // JSON and YAML hand over the same object; the written form parses back to the same AST.
    expect(parseProgram(JSON.parse(JSON.stringify([input])))).toEqual([ast]);
    expect(parseProgram(formatProgram(parseProgram([input])))).toEqual([ast]);
  });

  it('covers every step kind', () => {
    const program = parseProgram([
      { cpu: '1ms' }, { sleep: 0 }, { alloc: { size: 4096, name: 'a' } }, { free: 'a' }, { read: { device: 'sda', bytes: 1 } },
      { write: { device: 'sda', bytes: 1 } }, { send: { to: 'x:1', bytes: 1 } }, { listen: 1 }, { fork: 'p' }, { wait: 'all' },
      { print: '' }, { loop: { times: 1, do: [] } }, { signal: {} }, { serve: { rate: 1, cpu: 1 } }, { exit: 0 }, { exec: 'p' },
    ]);
    expect(new Set(program.map((step) => step.op))).toEqual(new Set(STEP_KINDS));
  });
});

describe('a bad step is named by its path, with what is accepted', () => {
  it.each([
    ['a bad value', [{ cpu: 'fast' }], '[0].cpu', 'invalid duration "fast"'],
    ['an unknown step kind', [{ spin: '1s' }], '[0].spin', 'unknown field; accepted fields: cpu, sleep, alloc'],
    ['a misspelt step kind', [{ slep: '1s' }], '[0].slep', 'unknown field (did you mean "sleep"?)'],
    ['two kinds in one step', [{ cpu: '1ms', sleep: '1ms' }], '[0]', 'a step does one thing, got cpu and sleep'],
    ['no kind', [{}], '[0]', 'expected a step such as { cpu: "50ms" }: one of cpu, sleep,'],
    ['a step that is not an object', ['cpu'], '[0]', 'expected object, got "cpu"'],
    ['a program that is not a list', { cpu: '1ms' }, '', 'expected array'],
    ['a nested bad field', [{ loop: { times: 2, do: [{ fork: { count: 3, program: [{ exit: 300 }] } }] } }], '[0].loop.do[0].fork.program[0].exit', 'expected at most 255, got 300'],
    ['a fork count of 0', [{ fork: { count: 0, program: [] } }], '[0].fork.count', 'expected at least 1, got 0'],
    ['an unknown fork field', [{ fork: { count: 2, programme: [] } }], '[0].fork.programme', 'did you mean "program"?'],
    ['an alloc of 0 bytes', [{ alloc: 0 }], '[0].alloc', 'expected at least 1, got 0'],
    ['an alloc of decimal megabytes', [{ alloc: '64MB' }], '[0].alloc', 'write "64M" or "64Mi"'],
    ['an alloc of a boolean', [{ alloc: true }], '[0].alloc', 'expected string or number or object, got true'],
    ['an alloc rate without /s', [{ alloc: { size: '1G', rate: '1G' } }], '[0].alloc.rate', 'a rate needs "/s"'],
    ['an alloc named all', [{ alloc: { size: '1G', name: 'all' } }], '[0].alloc.name', '"all" is reserved'],
    ['a free of a bad size', [{ free: '12Q' }], '[0].free', 'unknown suffix "Q"'],
    ['a free of an unknown name', [{ alloc: { size: 1, name: 'a' } }, { free: 'b' }], '[1].free', 'no alloc in this program is named "b"; named allocations: a'],
    ['a read without a device', [{ read: { bytes: '1M' } }], '[0].read.device', 'required'],
    ['a bad device', [{ read: { device: '/dev/sda', bytes: 1 } }], '[0].read.device', 'expected a device name such as "sda"'],
    ['a relative file', [{ write: { device: 'sda', bytes: 1, file: 'data' } }], '[0].write.file', 'expected an absolute file path'],
    ['a block too small', [{ write: { device: 'sda', bytes: 1, block: 100 } }], '[0].write.block', 'expected at least 512, got 100'],
    ['a send without a port', [{ send: { to: 'db', bytes: 1 } }], '[0].send.to', 'expected "host:port" such as "db:5432"'],
    ['a send to port 0', [{ send: { to: 'db:0', bytes: 1 } }], '[0].send.to', '(port 1-65535)'],
    ['a bad IPv4', [{ send: { to: '10.0.0.300:80', bytes: 1 } }], '[0].send.to', '"10.0.0.300" is not an IPv4 address'],
    ['a bad protocol', [{ listen: { port: 80, protocol: 'sctp' } }], '[0].listen.protocol', 'expected "tcp" or "udp", got "sctp"'],
    ['a port out of range', [{ listen: 70000 }], '[0].listen', 'expected at most 65535, got 70000'],
    ['a bad program name', [{ exec: 'no good' }], '[0].exec', 'expected 1-63 letters, digits'],
    ['a wait for 0 children', [{ wait: 0 }], '[0].wait', 'expected at least 1, got 0'],
    ['a wait for some', [{ wait: 'some' }], '[0].wait', `expected "all" or a number of children from 1 to ${MAX_FORK_COUNT}, got "some"`],
    ['a print of two lines', [{ print: 'a\nb' }], '[0].print', 'print writes one line'],
    ['a print of a number', [{ print: 5 }], '[0].print', 'expected string or object, got 5'],
    ['an exit code of 256', [{ exit: 256 }], '[0].exit', 'expected at most 255, got 256'],
    ['an exit code of -1', [{ exit: -1 }], '[0].exit', 'expected at least 0, got -1'],
    ['a loop of 0 passes', [{ loop: { times: 0, do: [] } }], '[0].loop.times', 'expected at least 1, got 0'],
    ['a loop of "always" passes', [{ loop: { times: 'always', do: [] } }], '[0].loop.times', `expected a whole number of passes from 1 to ${MAX_LOOP_TIMES}, or "forever", got "always"`],
    ['a loop without a body', [{ loop: { times: 2 } }], '[0].loop.do', 'required'],
    ['a forever loop that takes no time', [{ loop: { times: 'forever', do: [{ print: 'x' }, { sleep: 0 }] } }], '[0].loop.do', 'a forever loop must take time on every pass'],
    ['a handler for SIGKILL', [{ signal: { KILL: [] } }], '[0].signal.KILL', 'SIGKILL cannot be caught or ignored (signal(7)); accepted: SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGTERM, SIGCONT'],
    ['ignoring SIGSTOP', [{ signal: { SIGSTOP: 'ignore' } }], '[0].signal.SIGSTOP', 'SIGSTOP cannot be caught or ignored'],
    ['an unknown signal', [{ signal: { TERMINATE: [] } }], '[0].signal.TERMINATE', 'unknown signal "TERMINATE"; accepted: SIGHUP'],
    ['a signal given twice', [{ signal: { TERM: [], SIGTERM: 'ignore' } }], '[0].signal.SIGTERM', 'SIGTERM is given twice'],
    ['a bad disposition', [{ signal: { TERM: 'ignor' } }], '[0].signal.TERM', 'expected "default" or "ignore", got "ignor"'],
    ['a bad handler step', [{ signal: { TERM: [{ exit: 'now' }] } }], '[0].signal.TERM[0].exit', 'expected number, got "now"'],
    ['a serve rate of 0', [{ serve: { rate: 0, cpu: '1ms' } }], '[0].serve.rate', 'expected requests per second above 0 and at most 1000000'],
    ['a serve rate per minute', [{ serve: { rate: '100/m', cpu: '1ms' } }], '[0].serve.rate', 'as a number or "100/s", got "100/m"'],
    ['a serve without cpu', [{ serve: { rate: 10 } }], '[0].serve.cpu', 'required'],
    ['too many workers', [{ serve: { rate: 10, cpu: 1, workers: 10_001 } }], '[0].serve.workers', 'expected at most 10000, got 10001'],
    ['on-error on a step that never fails', [{ cpu: '1ms', 'on-error': { any: [] } }], '[0]["on-error"]', 'cpu meets no errors; on-error applies to alloc, read, write, send, listen, fork, exec, wait, serve'],
    ['an errno the step never meets', [{ fork: 'p', 'on-error': { ECONNREFUSED: [] } }], '[0]["on-error"].ECONNREFUSED', 'fork never meets ECONNREFUSED; accepted: EAGAIN, ENOMEM, any'],
    ['a bad handler', [{ send: { to: 'db:1', bytes: 1 }, 'on-error': { ECONNREFUSED: 'retry' } }], '[0]["on-error"].ECONNREFUSED', 'expected "ignore", got "retry"'],
  ])('%s', (_name, input, path, message) => {
    const found = issues(input);
    expect(found.map((issue) => issue.path)).toContain(path);
    expect(found.find((issue) => issue.path === path)!.message).toContain(message);
  });

  it('reports every bad step at once, in the error message and in details', () => {
    const error = validationFailure(() => parseProgram([{ cpu: 'x' }, { sleep: '1s' }, { exit: 999 }]));
    expect(error.code).toBe('E_VALIDATION');
    expect(error.message).toMatch(/^invalid program: \[0\]\.cpu: invalid duration "x".*; \[2\]\.exit: expected at most 255, got 999$/);
    expect((error.details['issues'] as SchemaIssue[]).map((i) => i.path)).toEqual(['[0].cpu', '[2].exit']);
  });

  it('lists for every fallible step exactly the errnos it may meet', () => {
    for (const [kind, errnos] of Object.entries(STEP_ERRNOS)) {
      expect({ kind, errnos: errnos.length > 0 }).toEqual({ kind, errnos: true });
    }
    expect(STEP_ERRNOS.fork).toEqual(['EAGAIN', 'ENOMEM']);
    expect(STEP_ERRNOS.send).toContain('ECONNREFUSED');
  });
});

describe('ranges', () => {
  it('bounds times at 100 years and sizes at 2^53 - 1 bytes', () => {
    expect(one({ cpu: '876600h' })).toEqual({ op: 'cpu', work: 876_600 * 3600e6 });
    expect(issues([{ sleep: '876601h' }])).toEqual([{ path: '[0].sleep', message: 'expected at most 876600h, got 876601h' }]);
    expect(issues([{ cpu: 0 }])).toEqual([{ path: '[0].cpu', message: 'expected at least 1us, got 0s' }]);
    expect(one({ alloc: Number.MAX_SAFE_INTEGER })).toMatchObject({ size: Number.MAX_SAFE_INTEGER });
    expect(issues([{ alloc: 2 ** 53 }])[0]!.message).toContain('9007199254740992');
    expect(issues([{ alloc: '8P' }])[0]!.message).toContain('exceeds the largest exact integer');
  });

  it('bounds loop passes at 10^9 and forks at PID_MAX_LIMIT', () => {
    expect(one({ loop: { times: MAX_LOOP_TIMES, do: [] } })).toMatchObject({ times: 1e9 });
    expect(issues([{ loop: { times: MAX_LOOP_TIMES + 1, do: [] } }])[0]!.path).toBe('[0].loop.times');
    expect(issues([{ loop: { times: 1.5, do: [] } }])[0]!.path).toBe('[0].loop.times');
    expect(one({ fork: { count: MAX_FORK_COUNT, program: [] } })).toMatchObject({ count: 2 ** 22 });
    expect(issues([{ fork: { count: MAX_FORK_COUNT + 1, program: [] } }])).toEqual([{ path: '[0].fork.count', message: 'expected at most 4194304, got 4194305' }]);
  });

  it(`allows ${MAX_PROGRAM_LENGTH} steps in one list`, () => {
    const steps = (n: number) => Array.from({ length: n }, () => ({ cpu: '1ms' }));
    expect(parseProgram(steps(MAX_PROGRAM_LENGTH))).toHaveLength(MAX_PROGRAM_LENGTH);
    expect(issues(steps(MAX_PROGRAM_LENGTH + 1))).toEqual([{ path: '', message: 'expected at most 10000 items, got an array' }]);
  });

  it(`allows ${MAX_TOTAL_STEPS} steps in all, counting nested ones, and rejects more before parsing`, () => {
    const list = Array.from({ length: MAX_PROGRAM_LENGTH }, () => ({ print: 'x' }));
    const wide = (n: number) => Array.from({ length: n }, () => ({ loop: { times: 1, do: list } }));
    // 100 loops of 10,000 steps each, plus the 100 loop steps themselves: just over the limit.
    expect(issues(wide(100))).toEqual([{ path: '[99].loop.do', message: 'expected at most 1000000 steps in all, counting nested ones; this list passes the limit' }]);
    expect(MAX_TOTAL_STEPS).toBe(1_000_000);
  });
});

describe('nesting depth', () => {
  /** A program nested `depth` deep through loops (the outermost program is at depth 1). */
  function nested(depth: number): unknown[] {
    let program: unknown[] = [{ cpu: '1ms' }];
    for (let d = 1; d < depth; d++) program = [{ loop: { times: 2, do: program } }];
    return program;
  }

  it(`allows programs nested ${MAX_PROGRAM_DEPTH} deep`, () => {
    expect(MAX_PROGRAM_DEPTH).toBe(32);
    expect(parseProgram(nested(32))).toHaveLength(1);
  });

  it('rejects deeper nesting, however deep, as a ValidationError naming the first list too deep', () => {
    const path = Array.from({ length: 32 }, () => '[0].loop.do').join('');
    expect(issues(nested(33))).toEqual([{ path, message: 'expected programs nested at most 32 deep, got one at depth 33' }]);
    // Deep enough to overflow the stack of a recursive parser: rejected before parsing.
    expect(issues(nested(200_000))[0]!.message).toBe('expected programs nested at most 32 deep, got one at depth 33');
  });

  it('counts every kind of nesting: fork, exec, signal handlers, on-error handlers', () => {
    let program: unknown[] = [{ cpu: '1ms' }];
    const wrappers = [
      (p: unknown[]) => [{ fork: p }],
      (p: unknown[]) => [{ exec: { program: p } }],
      (p: unknown[]) => [{ signal: { TERM: p } }],
      (p: unknown[]) => [{ wait: 'all', 'on-error': { ECHILD: p } }],
    ];
    for (let d = 1; d < 33; d++) program = wrappers[d % 4]!(program);
    expect(issues(program)[0]!.message).toBe('expected programs nested at most 32 deep, got one at depth 33');
  });
});

describe('process images', () => {
  it('checks free names per image: a forked child or an exec starts with no allocations', () => {
    expect(parseProgram([{ alloc: { size: '1M', name: 'buf' } }, { loop: { times: 2, do: [{ free: 'buf' }] } }])).toHaveLength(2);
    expect(issues([{ alloc: { size: '1M', name: 'buf' } }, { fork: [{ free: 'buf' }] }])).toEqual([
      { path: '[1].fork.program[0].free', message: 'no alloc in this program is named "buf"; no alloc in this program has a name' },
    ]);
  });

  it('accepts a forever loop whose time is spent in a nested loop, an alloc with a rate, or serve', () => {
    for (const body of [[{ loop: { times: 3, do: [{ sleep: '1ms' }] } }], [{ alloc: { size: '1M', rate: '1G/s' } }, { free: 'all' }], [{ serve: { rate: 1, cpu: 1 } }]]) {
      expect(parseProgram([{ loop: { times: 'forever', do: body } }])).toHaveLength(1);
    }
    expect(issues([{ loop: { times: 'forever', do: [{ alloc: '1M' }, { free: 'all' }] } }])[0]!.path).toBe('[0].loop.do');
  });
});

describe('the README example', () => {
  it('parses as documented (the YAML as a parser hands it over)', () => {
    const program = parseProgram([
      { signal: { TERM: [{ print: 'bye' }, { exit: 0 }] } },
      { alloc: { size: '64M', rate: '1G/s', name: 'buf' } },
      { fork: { count: 10, program: [{ sleep: '10s' }] }, 'on-error': { EAGAIN: [{ print: 'fork refused' }] } },
      { wait: 'all' },
      { loop: { times: 'forever', do: [{ cpu: '10ms' }, { sleep: '90ms' }] } },
    ]);
    expect(program.map((step) => step.op)).toEqual(['signal', 'alloc', 'fork', 'wait', 'loop']);
    expect(program[1]).toEqual({ op: 'alloc', size: 67_108_864, rate: 2 ** 30, name: 'buf' });
    expect(program[2]).toMatchObject({ count: 10, onError: { EAGAIN: [{ op: 'print', text: 'fork refused' }] } });
  });
});

describe('types', () => {
  it('refuse at compile time what the parser refuses at run time', () => {
    // @ts-expect-error SIGKILL cannot be handled or ignored
    const kill: SignalStep = { op: 'signal', handlers: { SIGKILL: 'ignore' } };
    // @ts-expect-error on-error belongs to fallible steps only
    const cpu: Step = { op: 'cpu', work: 1 as never, onError: {} };
    // @ts-expect-error an errno the step kind does not list is not an Errno
    const fork: Step = { op: 'fork', count: 1, program: { kind: 'named', name: 'w' }, onError: { EPERM: [] } };
    expect([kill, cpu, fork]).toHaveLength(3);
  });

  it('narrow a step by op', () => {
    const describeStep = (step: Step): string => {
      switch (step.op) {
        case 'cpu': return `cpu ${step.work}`;
        case 'fork': return `fork ${step.count}`;
        default: return step.op;
      }
    };
    expect(parseProgram([{ cpu: '1ms' }, { fork: 'w' }, { exit: 0 }]).map(describeStep)).toEqual(['cpu 1000', 'fork 1', 'exit']);
  });
});
