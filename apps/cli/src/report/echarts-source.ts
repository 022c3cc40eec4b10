// Where the report's charting library comes from: echarts' minified browser build, read from the
// installed package so the page needs no network.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The text of echarts/dist/echarts.min.js as installed beside the CLI. */
export function readEchartsSource(): string {
  return readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
}
