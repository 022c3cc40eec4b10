// What `--set` accepts, apart from the code that applies it (so help text can name it without
// loading the YAML library).

/** The most `--set` flags, values per flag and variants of one comparison. */
export const SETTING_LIMITS = { flags: 8, values: 16, variants: 64 } as const;

/** The help text's one-line list of what --set takes. */
export const SETTABLE_KEYS = "placement, fidelity, seed, duration, policy (every host's hypervisor policy), or any other top-level scalar of the scenario";
