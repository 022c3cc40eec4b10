// Checks on a parsed program that no single step can make: forever loops that would spin at one
// instant, `free` of a name no `alloc` gives, and references to programs that are not defined.
import type { Program, ProgramRef, Step } from './types.js';

/** Where issues go (a zod refinement context, or a collector). */
export interface IssueSink {
  readonly issues: { push(issue: { code: 'custom'; path: PropertyKey[]; message: string; input: unknown }): void };
}

/** True when one pass of `program` surely advances simulated time (so a forever loop of it cannot spin). */
function takesTime(program: Program): boolean {
  return program.some((step) => {
    switch (step.op) {
      case 'cpu':
      case 'serve':
        return true;
      case 'sleep':
        return step.duration > 0;
      case 'alloc':
        return step.rate !== null;
      case 'loop':
        return takesTime(step.body);
      default:
        return false;
    }
  });
}

interface Image {
  readonly allocs: Set<string>;
  readonly frees: { name: string; path: PropertyKey[] }[];
}

/** Programs a step runs in the same process image (loop bodies, handlers), and those that start a new one (fork, exec). */
function children(step: Step): { same: [PropertyKey[], Program][]; fresh: [PropertyKey[], ProgramRef][] } {
  const same: [PropertyKey[], Program][] = [];
  const fresh: [PropertyKey[], ProgramRef][] = [];
  if (step.op === 'loop') same.push([['loop', 'do'], step.body]);
  if (step.op === 'signal') {
    for (const [signal, disposition] of Object.entries(step.handlers)) if (typeof disposition !== 'string') same.push([['signal', signal], disposition]);
  }
  if (step.op === 'fork' || step.op === 'exec') fresh.push([[step.op, 'program'], step.program]);
  if ('onError' in step && step.onError !== undefined) {
    for (const [errno, handler] of Object.entries(step.onError)) if (handler !== undefined) same.push([['on-error', errno], handler]);
  }
  return { same, fresh };
}

/** What a program may refer to; an omitted set is not checked. */
export interface ProgramContext {
  /** Names of the programs `fork`/`exec` may name. */
  readonly programs?: ReadonlySet<string>;
  /** Device names and `MAJ:MIN` ids `read`/`write` may use. */
  readonly devices?: ReadonlySet<string>;
}

function known(set: ReadonlySet<string>, where: string): string {
  return set.size === 0 ? `none are defined (add it under ${where})` : `defined: ${[...set].join(', ')}`;
}

function walk(program: Program, path: PropertyKey[], image: Image, context: ProgramContext, sink: IssueSink, images: [PropertyKey[], Program][]): void {
  program.forEach((step, i) => {
    const here = [...path, i];
    if (step.op === 'alloc' && step.name !== undefined) image.allocs.add(step.name);
    if (step.op === 'free' && step.target.kind === 'name') image.frees.push({ name: step.target.name, path: [...here, 'free'] });
    if ((step.op === 'read' || step.op === 'write') && context.devices !== undefined && !context.devices.has(step.device)) {
      sink.issues.push({ code: 'custom', path: [...here, step.op, 'device'], input: step.device, message: `no device is named "${step.device}"; ${known(context.devices, 'devices')}` });
    }
    if (step.op === 'loop' && step.times === 'forever' && !takesTime(step.body)) {
      sink.issues.push({
        code: 'custom',
        path: [...here, 'loop', 'do'],
        input: step.body,
        message: 'a forever loop must take time on every pass: put a cpu, sleep (> 0), alloc with a rate, or serve step in its body, else it spins at one instant',
      });
    }
    const { same, fresh } = children(step);
    for (const [relative, body] of same) walk(body, [...here, ...relative], image, context, sink, images);
    for (const [relative, ref] of fresh) {
      if (ref.kind === 'inline') images.push([[...here, ...relative], ref.steps]);
      else if (context.programs !== undefined && !context.programs.has(ref.name)) {
        sink.issues.push({ code: 'custom', path: [...here, ...relative], input: ref.name, message: `no program is named "${ref.name}"; ${known(context.programs, 'programs')}` });
      }
    }
  });
}

/**
 * Check `program` (at `path` in its document) and every program nested in it, with what it may refer
 * to in `context` (references to sets left undefined are not checked). Each process image (the program,
 * and each inline fork or exec program) is checked on its own: `free: name` needs an `alloc` of that
 * name in the same image, since a child or a new image starts with no allocations.
 */
export function checkProgram(program: Program, path: readonly PropertyKey[], context: ProgramContext, sink: IssueSink): void {
  const images: [PropertyKey[], Program][] = [[[...path], program]];
  for (let next = images.pop(); next !== undefined; next = images.pop()) {
    const image: Image = { allocs: new Set(), frees: [] };
    walk(next[1], next[0], image, context, sink, images);
    for (const { name, path: at } of image.frees) {
      if (image.allocs.has(name)) continue;
      const names = image.allocs.size === 0 ? 'no alloc in this program has a name' : `named allocations: ${[...image.allocs].join(', ')}`;
      sink.issues.push({ code: 'custom', path: at, input: name, message: `no alloc in this program is named "${name}"; ${names}` });
    }
  }
}
