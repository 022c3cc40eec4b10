// The HTML report in a real browser (Debian's chromium through playwright-core): it opens without
// console errors or network requests, every chart with data draws a canvas, and the event log filters.
// Skipped, saying why, where /usr/bin/chromium is absent (CI installs it: see .ci/run).

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioSchema } from '@strata/shared-types';
import type { ClusterEvent } from '@strata/core-cluster';
import { batchJson } from '../src/batch-summary.js';
import { jobRowsOf } from '../src/job-results.js';
import { readEchartsSource } from '../src/report/echarts-source.js';
import { renderReportHtml } from '../src/report/report-page.js';
import { fakeBatch, fakeDatacenter } from './fake-datacenter.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`report-browser.test.ts: skipped: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)`);

/** A report page from the fake datacenter: 4 hosts, 14 VMs (more lines than a chart shows). */
function datacenterPage(): { html: string; events: ClusterEvent[] } {
  const scenario = ScenarioSchema.parse({
    name: 'browser',
    duration: '30s',
    hosts: [{ name: 'h', count: 4, cpus: 8, memory: '32Gi' }],
    vms: [{ name: 'vm', count: 14, vcpus: 1, memory: '1Gi' }],
  });
  const events: ClusterEvent[] = [];
  const dc = fakeDatacenter(scenario, { onEvent: (e) => void events.push(e) });
  const report = dc.run();
  const html = renderReportHtml({ report, series: dc.metrics(), events, source: 'browser.yaml' }, { echarts: readEchartsSource() });
  return { html, events };
}

/** A batch run's page: the summary and the completion CDF. */
function batchPage(): string {
  const scenario = ScenarioSchema.parse({
    name: 'batchpage',
    hosts: [{ name: 'h', count: 2, cpus: 8, memory: '32Gi' }],
    vms: [{ name: 'vm', count: 3, vcpus: 2, memory: '4Gi' }],
    workloads: [{ kind: 'batch', file: 'jobs.csv' }],
  });
  const run = fakeBatch(scenario);
  return renderReportHtml({ batch: batchJson(scenario, run), series: [], events: [], jobs: jobRowsOf(run.rows(), run.vmNames) }, { echarts: readEchartsSource() });
}

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof chromium.launch>>['newPage']>>;

/** Open `html` in `page` from a file, collecting console errors and warnings, page errors and any request that is not the file. */
async function open(page: Page, html: string): Promise<{ problems: string[]; requests: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'strata-report-')), 'report.html');
  writeFileSync(file, html);
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { problems, requests };
}

/** Wait until every chart in `ids` has drawn a canvas of a useful size and echarts holds an instance for it. */
async function expectCharts(page: Page, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await page.waitForSelector(`#chart-${id} canvas`, { timeout: 10_000 });
    // Expressions as text: this package's type checking has no DOM library.
    const size = await page.evaluate<number[]>(`(() => { const c = document.querySelector('#chart-${id} canvas'); return [c.width, c.height]; })()`);
    expect(size[0]).toBeGreaterThan(100);
    expect(size[1]).toBeGreaterThan(100);
  }
  const instances = await page.evaluate<number>(`${JSON.stringify(ids)}.filter((id) => echarts.getInstanceByDom(document.getElementById('chart-' + id)) !== undefined).length`);
  expect(instances).toBe(ids.length);
}

describe.skipIf(!present)(`the HTML report in chromium${present ? '' : ` (skipped: ${CHROMIUM} is absent)`}`, () => {
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a datacenter page opens without errors, draws every chart and filters the event log', async () => {
    const { html, events } = datacenterPage();
    const page = await browser.newPage();
    const { problems, requests } = await open(page, html);
    await expectCharts(page, ['host-cpu', 'vm-steal', 'container-memory', 'energy']);
    // 14 VMs: the 12 busiest, plus the mean of all.
    expect(await page.textContent('body')).toContain('12 of 14 series shown');

    // The event log lists every event; filtering by type and by text narrows it.
    expect(await page.textContent('#event-count')).toBe(`${events.length} of ${events.length} events`);
    await page.selectOption('#event-type', 'vm.state_changed');
    expect(await page.textContent('#event-count')).toBe(`14 of ${events.length} events`);
    expect(await page.locator('#event-rows tr').count()).toBe(14);
    await page.selectOption('#event-type', '');
    await page.fill('#event-text', 'vm:vm-13');
    expect(await page.locator('#event-rows tr').count()).toBe(1);
    // The data's "</script><!--" came through as text, not markup.
    await page.fill('#event-text', '</script><!--');
    expect(await page.locator('#event-rows tr').count()).toBe(events.filter((e) => e.type === 'sample.taken').length);

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('a batch page draws the job completion CDF', async () => {
    const page = await browser.newPage();
    const { problems, requests } = await open(page, batchPage());
    await expectCharts(page, ['job-cdf']);
    expect(await page.textContent('.summary')).toContain('3 of 3');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
