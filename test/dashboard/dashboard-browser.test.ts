/**
 * The generated dashboard in a real browser: Debian's Chromium driven by playwright-core opens
 * DIR/dashboard/index.html from file:// (no server), with the network observed. Every page is
 * reached through its navigation link, every chart must hold an ECharts instance with data and
 * painted pixels, and every KPI card must show what its measure view returns for the same
 * warehouse. Screenshots of each page are kept as artifacts (the path is printed).
 *
 * Skips, saying why, where /usr/bin/chromium is missing (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import { runPipeline, type PipelineRun } from '../support/pipeline-run.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)`);

/** Where screenshots stay after the run, for people to look at. */
const ARTIFACTS = process.env.STREAMFLOW_ARTIFACTS ?? join(tmpdir(), 'streamflow-dashboard-screenshots');

const PAGES = ['executive-summary', 'user-engagement', 'sales-performance', 'product-analytics', 'funnel', 'customers', 'data-health'];

interface ChartProbe {
  readonly id: string;
  readonly initialized: boolean;
  readonly series: number;
  readonly points: number;
  readonly painted: number;
}

interface PageProbe {
  readonly id: string;
  readonly visible: string[];
  readonly drawn: string | null;
  readonly current: string | null;
  readonly charts: ChartProbe[];
  readonly kpis: { source: string; row: string; value: string; text: string }[];
}

/** Runs in the page: what is shown, and what each chart of the shown page holds. Plain JS, as the page runs it. */
const PROBE = `(() => {
  const visible = [...document.querySelectorAll('section.page')].filter((page) => !page.hidden);
  const page = visible[0];
  const charts = [...page.querySelectorAll('[data-chart]')].map((element) => {
    const chart = echarts.getInstanceByDom(element);
    if (!chart) return { id: element.dataset.chart, initialized: false, series: 0, points: 0, painted: 0 };
    const series = chart.getOption().series;
    const canvas = element.querySelector('canvas');
    let painted = 0;
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let alpha = 3; alpha < pixels.length; alpha += 4 * 7) if (pixels[alpha] > 0) painted++;
    }
    return {
      id: element.dataset.chart,
      initialized: true,
      series: series.length,
      points: series.reduce((sum, s) => sum + (Array.isArray(s.data) ? s.data.length : 0), 0),
      painted,
    };
  });
  const kpis = [...page.querySelectorAll('.kpi')].map((card) => ({
    source: card.dataset.source,
    row: card.dataset.row,
    value: card.querySelector('.value').dataset.value,
    text: card.querySelector('.value').textContent,
  }));
  return {
    id: page.id,
    visible: visible.map((section) => section.id),
    drawn: page.getAttribute('data-drawn'),
    current: document.querySelector('nav a[aria-current="page"]')?.getAttribute('href') ?? null,
    charts,
    kpis,
  };
})()`;

/** How the page formats a value, written independently of lambdas/dashboard/format.ts. */
const expectedText = (column: string, value: number | null): string => {
  if (value === null) return 'n/a';
  if (/revenue|order_value/.test(column)) return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (/growth/.test(column)) return `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
  if (/rate/.test(column)) return `${(value * 100).toFixed(1)}%`;
  return value.toLocaleString('en-US');
};

/** The row a card reads, by the key column of its view. */
const KEY_COLUMN: Record<string, string> = { measure_mtd_revenue: 'date_day', measure_yoy_growth: 'year_month' };

describe.skipIf(!hasChromium)('the dashboard in Chromium, from file://', () => {
  let run: PipelineRun;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const probes = new Map<string, PageProbe>();

  beforeAll(async () => {
    run = await runPipeline('dashboard');
    profile = await mkdtemp(join(tmpdir(), 'streamflow-chromium-'));
    await mkdir(ARTIFACTS, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1400, height: 1000 },
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));

    await page.goto(pathToFileURL(join(run.dir, 'dashboard', 'index.html')).href);
    await page.waitForSelector('body[data-ready="true"]');
    for (const id of PAGES) {
      await page.click(`nav a[href="#${id}"]`);
      await page.waitForSelector(`section#${id}[data-drawn="true"]`);
      // Let the charts' 300 ms entry animation finish before reading pixels.
      await page.waitForTimeout(450);
      probes.set(id, await page.evaluate<PageProbe>(PROBE));
      await page.screenshot({ path: join(ARTIFACTS, `${id}.png`), fullPage: true });
    }
    console.log(`dashboard screenshots: ${ARTIFACTS}`);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await run?.remove();
  });

  it('is one self-contained file: no external script, style or font', async () => {
    const html = await readFile(join(run.dir, 'dashboard', 'index.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain('<script type="application/json" id="chart-options">');
  });

  it('loads without a console error and without one network request', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  });

  it.each(PAGES)('%s: reached from the navigation, alone on screen', (id) => {
    const probe = probes.get(id)!;
    expect(probe.visible).toEqual([id]);
    expect(probe.drawn).toBe('true');
    expect(probe.current).toBe(`#${id}`);
  });

  it.each(PAGES)('%s: every chart is an ECharts instance with data, painted', (id) => {
    const { charts } = probes.get(id)!;
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      expect(chart.initialized, chart.id).toBe(true);
      expect(chart.series, chart.id).toBeGreaterThan(0);
      expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(chart.painted, chart.id).toBeGreaterThan(0);
    }
  });

  it('Executive Summary: each KPI card shows the value its measure view returns', async () => {
    // Prepare
    const { kpis } = probes.get('executive-summary')!;
    const warehouse = await DuckDbWarehouse.open(run.warehouseFile);
    try {
      expect(kpis.map((card) => card.source)).toEqual([
        'gold.measure_total_revenue.total_revenue',
        'gold.measure_unique_users.unique_users',
        'gold.measure_conversion_rate.conversion_rate',
        'gold.measure_average_order_value.average_order_value',
        'gold.measure_mtd_revenue.mtd_revenue',
        'gold.measure_yoy_growth.yoy_growth',
      ]);
      for (const card of kpis) {
        // Act
        const [, view, column] = card.source.split('.') as [string, string, string];
        const [row] = await warehouse.query<Record<string, number | null>>(`select ${column} as value from gold.${view} where ${KEY_COLUMN[view] ?? 'period'} = ?`, [card.row]);

        // Assess
        expect(row, card.source).toBeDefined();
        expect(card.value, card.source).toBe(row!.value === null ? '' : String(row!.value));
        expect(card.text, card.source).toBe(expectedText(column, row!.value ?? null));
      }
    } finally {
      await warehouse.close();
    }
  });
});
