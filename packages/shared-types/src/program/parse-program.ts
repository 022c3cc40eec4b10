// The program language's entry points: the whole-document schema and `parseProgram`.
import { z } from 'zod';
import { parseWithSchema } from '../parse-with-schema.js';
import { checkProgram } from './program-checks.js';
import { checkProgramSize } from './program-size.js';
import { StepListSchema } from './step-schema.js';
import type { Program } from './types.js';

/**
 * A whole program document: size and depth are bounded before parsing (`MAX_PROGRAM_DEPTH`,
 * `MAX_TOTAL_STEPS`), every step is checked, then the program as a whole (forever loops that take
 * no time, `free` of unknown names). Named program references are not resolved here.
 */
export const ProgramSchema: z.ZodType<Program> = z.preprocess(
  (input, ctx) => {
    checkProgramSize([{ program: input, path: [] }], ctx);
    return input;
  },
  // Whole-program checks read the AST: run them only when every step parsed.
  StepListSchema.superRefine((program, ctx) => checkProgram(program, [], {}, ctx), { when: (payload) => payload.issues.length === 0 }),
);

/**
 * Parse a program (the already-parsed YAML or JSON value: a list of steps) into its typed AST. Throws
 * `ValidationError` whose message and `details.issues` name the path of each bad field
 * (`[3].fork.count`) and what is accepted. References to named programs are left unresolved.
 */
export function parseProgram(value: unknown): Program {
  return parseWithSchema(ProgramSchema, value, 'program');
}
