// docker/go-units' HumanDuration and moby's State.String(): the STATUS column of `docker ps`.

const SECOND = 1_000_000;

/** go-units HumanDuration of `us` (its rules and rounding: whole seconds and minutes, rounded hours). */
export function humanDuration(us: number): string {
  const seconds = Math.trunc(us / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(us / (60 * SECOND));
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hoursExact = us / (3600 * SECOND);
  const hours = Math.round(hoursExact); // Go's math.Round: half away from zero (durations are ≥ 0 here)
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(hoursExact) / 24 / 365)} years`;
}

/** The flags `statusText` reads. */
export interface StatusFlags {
  readonly running: boolean;
  readonly paused: boolean;
  readonly restarting: boolean;
  readonly removalInProgress: boolean;
  readonly dead: boolean;
  readonly exitCode: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/** moby's State.String() at `now`: `Up 5 seconds`, `Up 5 minutes (Paused)`, `Restarting (1) 3 seconds ago`, `Exited (137) 2 seconds ago`, `Created`. */
export function statusText(s: StatusFlags, now: number): string {
  if (s.running) {
    if (s.paused) return `Up ${humanDuration(now - (s.startedAt ?? now))} (Paused)`;
    if (s.restarting) return `Restarting (${s.exitCode}) ${humanDuration(now - (s.finishedAt ?? now))} ago`;
    return `Up ${humanDuration(now - (s.startedAt ?? now))}`;
  }
  if (s.removalInProgress) return 'Removal In Progress';
  if (s.dead) return 'Dead';
  if (s.startedAt === null) return 'Created';
  if (s.finishedAt === null) return '';
  return `Exited (${s.exitCode}) ${humanDuration(now - s.finishedAt)} ago`;
}
