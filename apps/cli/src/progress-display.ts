// Progress of a long run on a terminal: a bar on stderr, drawn only when stderr is a TTY and only
// once a run has reported progress (runs shorter than one report interval never show it), and
// erased when the run ends so that the terminal keeps only the result.

import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';

// Loaded when a bar is first drawn: most runs end before that, and --help never gets there.
const load = (): typeof CliProgress => createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

/** A progress display: `update` as the run goes on, `stop` when it ends (either way). */
export interface ProgressDisplay {
  /** `fraction` of the work done (0..1) and a short detail ("2,000,000 slices"). */
  update(fraction: number, detail: string): void;
  /** Erase the bar. Safe to call more than once, or when nothing was drawn. */
  stop(): void;
}

/** A bar drawn on `stream` (a TTY) with the maintained cli-progress library. */
export function terminalProgress(stream: NodeJS.WriteStream, label: string): ProgressDisplay {
  let bar: CliProgress.SingleBar | undefined;
  return {
    update(fraction, detail) {
      const value = Math.round(Math.min(1, Math.max(0, fraction)) * 1000);
      if (bar === undefined) {
        const cliProgress = load();
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} {bar} {percentage}% | {detail}`,
            barsize: 30,
            clearOnComplete: true,
            hideCursor: true,
            // The run is synchronous: redraw from update() rather than from a timer.
            synchronousUpdate: true,
            fps: 10,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1000, value, { detail });
      } else {
        bar.update(value, { detail });
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** The progress hook of one run, and `stop` to erase its bar; both do nothing without a display. */
export interface RunWatch {
  readonly onProgress?: (p: { readonly steps: number; readonly fraction: number }) => void;
  stop(): void;
}

/** Watch a run on `display` (absent: no progress shown), labelled with its count of `unit` ("slices", "decisions"). */
export function watchRun(display: ProgressDisplay | undefined, unit = 'slices'): RunWatch {
  if (display === undefined) return { stop: () => undefined };
  return {
    onProgress: ({ steps, fraction }) => display.update(fraction, `${steps.toLocaleString('en-US')} ${unit}`),
    stop: () => display.stop(),
  };
}
