// The flags of `strata compare`, in a file of their own: the command, its dispatch and both runners
// read them, and none of those may import another that loads it.

/** The flags of `strata compare`, as commander hands them over. */
export interface CompareOptions {
  readonly json?: boolean;
  readonly maxSlices?: string;
  readonly set?: readonly string[];
}
