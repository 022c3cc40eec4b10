// A host's readings held for a run of consecutive sampling instants, then recorded series by series
// (`MetricsRecorder.sampleRun`): a series' column is written in one stretch, instead of one value per
// instant between the host's events, each a cache miss on the column.
import type { MetricsRecorder } from '../metrics/metrics-recorder.js';

/** Where a reading goes: its series id and value. */
export interface SeriesWriter {
  put(id: number, value: number): void;
}

/** Instants a host's readings are held for before they are recorded. */
export const READING_RUN = 16;

/**
 * One host's readings of up to `READING_RUN` consecutive instants: the series of an instant in the
 * order its reading visits them (the same order at every instant while the layout holds), each series'
 * values side by side.
 */
export class ReadingRuns implements SeriesWriter {
  private ids = new Int32Array(16);
  private values = new Float64Array(16 * READING_RUN);
  /** Series per instant (set by the run's first instant). */
  private width = 0;
  /** The run's first instant, and the instants held. */
  private start = 0;
  private held = 0;
  /** The next series of the instant being read. */
  private at = 0;

  constructor(private readonly recorder: MetricsRecorder) {}

  /** Begin the readings of instant `time`: the next of the run, or the first of a new one (the held run is recorded first). */
  begin(time: number): void {
    if (this.held > 0 && time !== this.start + this.held * this.recorder.interval) this.flush();
    if (this.held === 0) this.start = time;
    this.at = 0;
  }

  put(id: number, value: number): void {
    const j = this.at++;
    if (this.held === 0) {
      if (j >= this.ids.length) this.grow();
      this.ids[j] = id;
    } else if (j >= this.width || this.ids[j] !== id) {
      throw new Error(`internal: a host's readings changed series within a run (series ${id} at place ${j})`);
    }
    this.values[j * READING_RUN + this.held] = value;
  }

  /** End the instant's readings; a full run is recorded. */
  end(): void {
    if (this.held === 0) this.width = this.at;
    else if (this.at !== this.width) throw new Error(`internal: a host's readings changed width within a run (${this.at} series, ${this.width} before)`);
    if (++this.held === READING_RUN) this.flush();
  }

  /** Record the held instants, series by series. */
  flush(): void {
    const n = this.held;
    if (n === 0) return;
    this.held = 0;
    for (let j = 0; j < this.width; j++) this.recorder.sampleRun(this.start, this.ids[j]!, this.values.subarray(j * READING_RUN, j * READING_RUN + n));
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    const values = new Float64Array(ids.length * READING_RUN);
    values.set(this.values);
    this.ids = ids;
    this.values = values;
  }
}
