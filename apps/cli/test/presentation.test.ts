import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExerciseSegment } from '@strata/core-scheduler';
import { jobSymbol, niceCeil, renderAsciiGantt } from '../src/gantt-ascii.js';
import { escapeXml, renderGanttSvg } from '../src/gantt-svg.js';
import { describeSettings, renderSchedText, schedJson } from '../src/sched-report.js';
import { renderTable, visibleWidth } from '../src/text-table.js';
import { FIFO_INPUT, FIFO_RESULT, MLFQ_INPUT, MLFQ_RESULT, SJF_INPUT, SJF_RESULT, TWO_CPU_RESULT } from './sample-results.js';

describe('renderTable', () => {
  it('aligns columns, right or left, with a rule under the header', () => {
    const lines = renderTable(
      [
        { header: 'name', align: 'left' },
        { header: 'n', align: 'right' },
      ],
      [
        ['a', '1'],
        ['bbb', '100'],
      ],
    );
    expect(lines).toEqual(['name    n', '----  ---', 'a       1', 'bbb   100']);
  });

  it('ignores ANSI colors when measuring', () => {
    expect(visibleWidth('\x1b[1;32m12.5 *\x1b[0m')).toBe(6);
    const lines = renderTable([{ header: 'v', align: 'right' }], [['\x1b[1m10\x1b[0m'], ['200']]);
    expect(lines[2]).toBe(' \x1b[1m10\x1b[0m');
  });
});

describe('ASCII Gantt chart', () => {
  it('draws one row per CPU, one column per tick, with a labelled ruler', () => {
    expect(renderAsciiGantt(FIFO_RESULT.timeline, { cpus: 1 })).toEqual([
      "Gantt chart (1 column = 1 tick, '.' = idle):",
      'CPU 0 |000001111111111222222222222222|',
      '      +----+----+----+----+----+----+',
      '      0    5    10   15   20   25   30',
    ]);
  });

  it('marks idle time with "." and gives every CPU its row', () => {
    const lines = renderAsciiGantt(TWO_CPU_RESULT.timeline, { cpus: 2 });
    expect(lines[1]).toBe('CPU 0 |00220022|');
    expect(lines[2]).toBe('CPU 1 |113311..|');
    const mlfq = renderAsciiGantt(MLFQ_RESULT.timeline, { cpus: 1 });
    expect(mlfq[1]).toBe('CPU 0 |00011101110000..0000|');
    expect(renderAsciiGantt(FIFO_RESULT.timeline, { cpus: 3 }).filter((l) => l.startsWith('CPU'))).toHaveLength(3);
  });

  it('scales long runs down to the width, choosing 1, 2 or 5 times a power of ten ticks per column', () => {
    const timeline: ExerciseSegment[] = [
      { start: 0, end: 600, cpu: 0, job: 0 },
      { start: 600, end: 1000, cpu: 0, job: 1 },
    ];
    const lines = renderAsciiGantt(timeline, { cpus: 1, width: 72 });
    expect(lines[0]).toContain('1 column = 20 ticks');
    expect(lines[1]).toBe(`CPU 0 |${'0'.repeat(30)}${'1'.repeat(20)}|`);
    expect(lines[3]?.startsWith('      0')).toBe(true);
    expect(lines[3]).toContain('1000');
  });

  it('keeps rows within the width for any run length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 10, max: 200 }), (end, width) => {
        const lines = renderAsciiGantt([{ start: 0, end, cpu: 0, job: 0 }], { cpus: 1, width });
        const row = lines[1] ?? '';
        const columns = row.length - 'CPU 0 ||'.length;
        expect(columns).toBeLessThanOrEqual(width);
        expect(columns).toBeGreaterThan(0);
        expect(row).toMatch(/^CPU 0 \|0+\|$/);
      }),
    );
  });

  it('uses one symbol per job id and a key beyond job 9', () => {
    expect([0, 9, 10, 35, 36, 61, 62].map(jobSymbol).join('')).toBe('09AZaz#');
    const lines = renderAsciiGantt([{ start: 0, end: 2, cpu: 0, job: 11 }], { cpus: 1 });
    expect(lines[1]).toBe('CPU 0 |BB|');
    expect(lines.at(-1)).toMatch(/^key: 0-9 = jobs 0-9, A-Z = jobs 10-35/);
  });

  it('niceCeil returns the smallest 1/2/5 x 10^k at or above x', () => {
    expect([0.3, 1, 1.5, 2, 3, 7, 11, 49, 51, 101].map(niceCeil)).toEqual([1, 1, 2, 2, 5, 10, 20, 50, 100, 200]);
  });
});

describe('SVG Gantt chart', () => {
  function tagsBalanced(svg: string): boolean {
    const stack: string[] = [];
    for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
      const [, closing, name, , selfClosing] = match;
      if (selfClosing === '/') continue;
      if (closing === '/') {
        if (stack.pop() !== name) return false;
      } else stack.push(name ?? '');
    }
    return stack.length === 0;
  }

  it('is a balanced SVG document with one <rect> per segment and finite numbers', () => {
    for (const result of [FIFO_RESULT, MLFQ_RESULT, TWO_CPU_RESULT, SJF_RESULT]) {
      const svg = renderGanttSvg(result.timeline, { cpus: 2, title: 'a <b> & "c"' });
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(tagsBalanced(svg)).toBe(true);
      expect(svg.match(/<rect\b/g)).toHaveLength(result.timeline.length);
      const numbers = [...svg.matchAll(/\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)"/g)].map((m) => Number(m[1]));
      expect(numbers.length).toBeGreaterThan(0);
      expect(numbers.every(Number.isFinite)).toBe(true);
      expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    }
  });

  it('gives each segment a tooltip with its job, interval and MLFQ level', () => {
    const svg = renderGanttSvg(MLFQ_RESULT.timeline, { cpus: 1 });
    expect(svg).toContain('<title>job 0 [12,14) level 1</title>');
    expect(renderGanttSvg(FIFO_RESULT.timeline, { cpus: 1 })).toContain('<title>job 1 [5,15)</title>');
  });

  it('puts segments on their CPU lane and in time order along x', () => {
    const svg = renderGanttSvg(TWO_CPU_RESULT.timeline, { cpus: 2 });
    const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: Number(m[3]) }));
    const lanes = new Set(rects.map((r) => r.y));
    expect(lanes.size).toBe(2);
    // Segments of equal length have equal widths.
    expect(new Set(rects.map((r) => r.w)).size).toBe(1);
  });

  it('stays well-formed for random timelines', () => {
    const segment = fc.record({ start: fc.integer({ min: 0, max: 1000 }), len: fc.integer({ min: 1, max: 100 }), cpu: fc.integer({ min: 0, max: 3 }), job: fc.integer({ min: 0, max: 70 }) });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 40 }), (segs) => {
        const timeline = segs.map((s) => ({ start: s.start, end: s.start + s.len, cpu: s.cpu, job: s.job }));
        const svg = renderGanttSvg(timeline, { cpus: 4 });
        expect(tagsBalanced(svg)).toBe(true);
        expect(svg.match(/<rect\b/g) ?? []).toHaveLength(timeline.length);
        expect(svg).not.toMatch(/NaN|Infinity/);
      }),
    );
  });

  it('escapes XML', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});

describe('sched report', () => {
  it('projects JSON with exactly the documented keys, jobs in id order', () => {
    const json = schedJson({ ...SJF_RESULT, jobs: [...SJF_RESULT.jobs].reverse() });
    expect(Object.keys(json)).toEqual(['policy', 'jobs', 'avg', 'timeline']);
    expect(json.jobs.map((j) => j.id)).toEqual([0, 1]);
    expect(Object.keys(json.jobs[0] ?? {})).toEqual(['id', 'arrival', 'length', 'firstRun', 'completion', 'response', 'turnaround', 'wait']);
    expect(json.timeline[0]).toEqual({ start: 0, end: 2.5, cpu: 0, job: 1 });
    expect(schedJson(MLFQ_RESULT).timeline[5]).toEqual({ start: 12, end: 14, cpu: 0, job: 0, level: 1 });
  });

  it('prints the per-job table, averages with two decimals and the Gantt chart', () => {
    const text = renderSchedText(FIFO_INPUT, FIFO_RESULT);
    expect(text).toContain('policy fifo · 3 jobs · 1 CPU');
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.trimStart().startsWith('job'));
    expect(lines.slice(header, header + 6)).toEqual([
      '    job  arrival  length  first run  completion  response  turnaround  wait',
      '-------  -------  ------  ---------  ----------  --------  ----------  ----',
      '      0        0       5          0           5         0           5     0',
      '      1        0      10          5          15         5          15     5',
      '      2        0      15         15          30        15          30    15',
      'average                                              6.67       16.67  6.67',
    ]);
    expect(text).toContain('makespan 30 ticks · CPU utilization 100.0% · fairness (Jain) 0.800');
    expect(text).toContain('CPU 0 |000001111111111222222222222222|');
    expect(text).not.toContain('first ran in the order');
  });

  it('notes the execution order when it differs from id order, and prints fractional values', () => {
    const text = renderSchedText(SJF_INPUT, SJF_RESULT);
    expect(text).toContain('(rows in job-id order; jobs first ran in the order 1, 0)');
    expect(text).toMatch(/\n +0 +0 +10 +2\.50 +12\.50 +2\.50 +12\.50 +2\.50\n/);
  });

  it('shows MLFQ settings and an I/O column when jobs did I/O', () => {
    const text = renderSchedText(MLFQ_INPUT, MLFQ_RESULT);
    expect(describeSettings(MLFQ_INPUT)).toBe('policy mlfq · 2 queues (quanta 3,3, allotments 2,2; highest first) · boost every 15 · io-time 2 · 2 jobs · 1 CPU');
    expect(text).toContain('I/Os');
    expect(text).toContain('MLFQ queue level of the running job (0 = highest priority):\nCPU 0 |00000000000011..0000|\n');
    expect(renderSchedText(FIFO_INPUT, FIFO_RESULT)).not.toContain('MLFQ queue level');
    expect(text).toMatch(/\n +0 +0 +12 +2 +0 +20 +0 +20 +4\n/);
  });
});

describe('ASCII Gantt chart of shared columns', () => {
  it("marks columns shared by several jobs, none for more than half, with '*'", () => {
    // RR q=1 on two jobs of 400 ticks, scaled to 10 ticks per column: every column is 5/5.
    const timeline: ExerciseSegment[] = Array.from({ length: 800 }, (_, t) => ({ start: t, end: t + 1, cpu: 0, job: t % 2 }));
    const lines = renderAsciiGantt(timeline, { cpus: 1, width: 80 });
    expect(lines[0]).toBe("Gantt chart (1 column = 10 ticks, '.' = idle, '*' = several jobs, none for more than half the column):");
    expect(lines[1]).toBe(`CPU 0 |${'*'.repeat(80)}|`);
  });

  it('shows the majority job when one ran more than half the column', () => {
    const timeline: ExerciseSegment[] = [
      { start: 0, end: 6, cpu: 0, job: 3 },
      { start: 6, end: 10, cpu: 0, job: 4 },
      { start: 10, end: 200, cpu: 0, job: 5 },
    ];
    expect(renderAsciiGantt(timeline, { cpus: 1, width: 20 })[1]).toBe(`CPU 0 |3${'5'.repeat(19)}|`);
    // Decimal lengths split a 1-tick column evenly between two jobs.
    expect(renderAsciiGantt(SJF_RESULT.timeline, { cpus: 1 })[1]).toBe('CPU 0 |11*0000000000|');
  });
});
