// Bounds a program document before it is parsed: nesting depth and the total number of steps are
// counted on the raw input without recursion, so any input is rejected as a ValidationError
// rather than a stack overflow or a parse that never ends.
import type { z } from 'zod';
import { MAX_PROGRAM_DEPTH, MAX_TOTAL_STEPS } from './vocabulary.js';

/** A raw program to measure and where it sits in the document. */
export interface ProgramRoot {
  readonly program: unknown;
  readonly path: readonly PropertyKey[];
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The programs nested in one raw step, with their paths relative to the step (malformed parts are skipped: the schema reports them). */
function nestedPrograms(step: Record<string, unknown>): [PropertyKey[], unknown[]][] {
  const out: [PropertyKey[], unknown[]][] = [];
  for (const kind of ['fork', 'exec'] as const) {
    const value = step[kind];
    if (Array.isArray(value)) out.push([[kind], value]);
    else if (isRecord(value) && Array.isArray(value['program'])) out.push([[kind, 'program'], value['program']]);
  }
  const loop = step['loop'];
  if (isRecord(loop) && Array.isArray(loop['do'])) out.push([['loop', 'do'], loop['do']]);
  for (const kind of ['signal', 'on-error'] as const) {
    const map = step[kind];
    if (!isRecord(map)) continue;
    for (const [key, handler] of Object.entries(map)) if (Array.isArray(handler)) out.push([[kind, key], handler]);
  }
  return out;
}

/**
 * Add an issue when a program in `roots` nests deeper than `MAX_PROGRAM_DEPTH` (a root is at depth 1),
 * or when all of them together hold more than `MAX_TOTAL_STEPS` steps. Visits in document order, so the
 * first offending list is the one reported; stops at the first problem.
 */
export function checkProgramSize(roots: readonly ProgramRoot[], ctx: z.core.$RefinementCtx): void {
  let total = 0;
  const stack: { program: unknown[]; path: PropertyKey[]; depth: number }[] = [];
  for (let r = roots.length - 1; r >= 0; r--) {
    const { program, path } = roots[r]!;
    if (Array.isArray(program)) stack.push({ program, path: [...path], depth: 1 });
  }
  while (stack.length > 0) {
    const { program, path, depth } = stack.pop()!;
    if (depth > MAX_PROGRAM_DEPTH) {
      ctx.addIssue({ code: 'custom', path, input: program, message: `expected programs nested at most ${MAX_PROGRAM_DEPTH} deep, got one at depth ${depth}` });
      return;
    }
    total += program.length;
    if (total > MAX_TOTAL_STEPS) {
      ctx.addIssue({ code: 'custom', path, input: program, message: `expected at most ${MAX_TOTAL_STEPS} steps in all, counting nested ones; this list passes the limit` });
      return;
    }
    for (let i = program.length - 1; i >= 0; i--) {
      const step: unknown = program[i];
      if (!isRecord(step)) continue;
      const nested = nestedPrograms(step);
      for (let n = nested.length - 1; n >= 0; n--) {
        const [relative, list] = nested[n]!;
        stack.push({ program: list, path: [...path, i, ...relative], depth: depth + 1 });
      }
    }
  }
}
