/**
 * The live view in a real browser: `streamflow run --rate 200 --events 5000 --serve PORT` runs as
 * a child process (as a user starts it), Debian's Chromium (playwright-core) opens
 * http://127.0.0.1:PORT/ and watches the numbers move while the events stream: the Operations
 * page's produced count and throughput, and a warehouse number (the Executive Summary's unique users) that
 * follows the load/refresh cycles, all without a reload. Every request must go to the server.
 *
 * Skips, saying why, where /usr/bin/chromium is missing (.ci/run installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../emulators/support/emulators.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`live dashboard browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)`);

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** In the page (plain JS, as the page runs it): a KPI card's raw value (its data-value) by the source it names, or null. */
const KPI_VALUE = (source: string): string => `(() => {
  const card = [...document.querySelectorAll('.kpi')].find((element) => element.dataset.source === ${JSON.stringify(source)});
  const raw = card && card.querySelector('.value').dataset.value;
  return raw === undefined || raw === '' ? null : Number(raw);
})()`;

const kpiValue = (page: Page, source: string): Promise<number | null> => page.evaluate<number | null>(KPI_VALUE(source));

/**
 * Waits until a KPI card's value is above `floor` (a card that does not exist yet counts as 0),
 * polling from here: the page's CSP forbids eval, which waitForFunction's string form needs.
 */
const kpiAbove = async (page: Page, source: string, floor: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (((await kpiValue(page, source)) ?? 0) <= floor) {
    if (Date.now() > deadline) throw new Error(`${source} stayed at or below ${floor} for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

describe.skipIf(!hasChromium)('live dashboard (streamflow run --rate --serve, Debian Chromium via playwright-core)', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let context: BrowserContext;
  let page: Page;
  let url: string;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streamflow-live-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    child = spawn(process.execPath, ['bin/streamflow.mjs', 'run', '--rate', '200', '--events', '5000', '--serve', String(port), '--out', join(dir, 'out')], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The server is up before the first event is produced.
    for (let tries = 0; !output.includes('live dashboard:'); tries++) {
      if (tries > 300 || child.exitCode !== null) throw new Error(`the live run did not start its server:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1400, height: 1000 },
    });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    // The run keeps serving until Ctrl-C; the test is done with it, whatever it was doing.
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('shows throughput and lag while the run goes on, and follows the warehouse without reloading', async () => {
    // Prepare: the page, once the first load/refresh cycle has built the views
    await page.goto(url);
    await page.waitForSelector('body[data-live-version]', { timeout: 60_000 });
    await page.waitForSelector('section#operations .kpi', { timeout: 60_000 });
    await page.click('nav a[href="#operations"]');
    await page.evaluate("window.marker = 'same document'");
    const firstProduced = (await kpiValue(page, 'operations.produced')) ?? 0;
    const firstUsers = await kpiValue(page, 'gold.measure_unique_users.unique_users');

    // Act: watch while the events stream
    await kpiAbove(page, 'operations.produced', firstProduced + 250, 60_000);
    const midThroughput = await kpiValue(page, 'operations.throughput');
    const stillStreaming = !output.includes('run finished');

    // Assess: numbers moved in place, the run still going, the warehouse numbers following
    expect(stillStreaming).toBe(true);
    expect(midThroughput).toBeGreaterThan(0);
    expect(await page.locator('section#operations [data-chart="ops-lag"] canvas').count()).toBe(1);
    await kpiAbove(page, 'gold.measure_unique_users.unique_users', firstUsers ?? 0, 90_000);
    expect(await page.evaluate('window.marker')).toBe('same document');
    expect(await page.evaluate("performance.getEntriesByType('navigation').length")).toBe(1);
    expect(await page.locator('section#operations:not([hidden])').count()).toBe(1);
    expect(requests.filter((request) => !request.startsWith(url))).toEqual([]);
    expect(errors).toEqual([]);
  }, 180_000);
});
