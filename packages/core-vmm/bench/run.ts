// Bench entry (`pnpm bench`): each part's benchmark prints its figures and a met / NOT met verdict.
export {};
