// A parsed program back to the form a user writes (JSON/YAML-ready), so tools can show, store and
// edit programs; `parseProgram(formatProgram(p))` equals `p`.
import { formatDuration } from '../duration.js';
import { formatByteRate, formatKernelSize } from '../kernel-size.js';
import type { OnError, Program, ProgramRef, Step } from './types.js';

/** One step as written: an object with one step-kind key (and maybe `on-error`). */
export type StepInput = Readonly<Record<string, unknown>>;

function ref(program: ProgramRef): unknown {
  return program.kind === 'named' ? program.name : formatProgram(program.steps);
}

function value(step: Step): unknown {
  switch (step.op) {
    case 'cpu': return formatDuration(step.work);
    case 'sleep': return formatDuration(step.duration);
    case 'alloc':
      if (step.rate === null && step.name === undefined) return formatKernelSize(step.size);
      return { size: formatKernelSize(step.size), ...(step.rate === null ? {} : { rate: formatByteRate(step.rate) }), ...(step.name === undefined ? {} : { name: step.name }) };
    case 'free': return step.target.kind === 'all' ? 'all' : step.target.kind === 'name' ? step.target.name : formatKernelSize(step.target.size);
    case 'read':
    case 'write':
      return { device: step.device, bytes: formatKernelSize(step.bytes), block: formatKernelSize(step.block), direct: step.direct, ...(step.file === undefined ? {} : { file: step.file }) };
    case 'send': return { to: step.host.includes(':') ? `[${step.host}]:${step.port}` : `${step.host}:${step.port}`, bytes: formatKernelSize(step.bytes), protocol: step.protocol };
    case 'listen': return { port: step.port, ...(step.bytes === null ? {} : { bytes: formatKernelSize(step.bytes) }), protocol: step.protocol };
    case 'fork': return { count: step.count, program: ref(step.program) };
    case 'exec': return { program: ref(step.program) };
    case 'wait': return step.count;
    case 'print': return step.stream === 'stdout' ? step.text : { text: step.text, stream: step.stream };
    case 'exit': return step.code;
    case 'loop': return { times: step.times, do: formatProgram(step.body) };
    case 'signal':
      return Object.fromEntries(Object.entries(step.handlers).map(([signal, d]) => [signal, typeof d === 'string' ? d : formatProgram(d)]));
    case 'serve':
      return {
        rate: step.requestsPerSecond,
        cpu: formatDuration(step.cpu),
        memory: formatKernelSize(step.memory),
        workers: step.workers,
        backlog: step.backlog,
        ...(step.duration === null ? {} : { duration: formatDuration(step.duration) }),
        ...(step.requests === null ? {} : { requests: step.requests }),
      };
    default: {
      const never: never = step;
      throw new Error(`unhandled step ${JSON.stringify(never)}`);
    }
  }
}

function onError(handlers: OnError): Record<string, unknown> {
  return Object.fromEntries(Object.entries(handlers).map(([errno, program]) => [errno, formatProgram(program ?? [])]));
}

/** The written form of a program: durations and sizes as their shortest exact text (`"50ms"`, `"64M"`). */
export function formatProgram(program: Program): StepInput[] {
  return program.map((step) => {
    const written: Record<string, unknown> = { [step.op]: value(step) };
    if ('onError' in step && step.onError !== undefined) written['on-error'] = onError(step.onError);
    return written;
  });
}
