/**
 * The dashboard as one self-contained HTML file: styles, ECharts and the page script inlined,
 * chart options as JSON, KPI cards and tables as plain HTML (readable without script, and what
 * the browser test compares with the views). Opens from file:// with no network at all.
 */
import type { EChartsOption } from 'echarts';
import { escapeHtml, inlineScript, scriptJson } from '../shared/html.js';
import { DASHBOARD_CLIENT_SCRIPT } from './client-script.js';
import { LIVE_CLIENT_SCRIPT } from './live-client-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';
import { formatValue } from './format.js';
import type { Block, ChartSpec, DashboardPage, KpiCard, TableSpec } from './page-model.js';

export interface DashboardDocument {
  readonly pages: readonly DashboardPage[];
  /** What the header says the numbers cover. */
  readonly subtitle: string;
  readonly generatedAt: Date;
  /** The ECharts browser build (echarts-source.ts). */
  readonly echarts: string;
  /** Served live: the page polls this URL and updates in place (live-client-script.ts). */
  readonly liveUrl?: string;
}

const valueAttribute = (value: number | null): string => (value === null ? '' : String(value));

const trend = (change: number | null): string => (change === null || change === 0 ? 'flat' : change > 0 ? 'up' : 'down');

const kpiCard = (card: KpiCard): string => `
<div class="kpi" data-source="${escapeHtml(card.source)}" data-row="${escapeHtml(card.row)}">
  <div class="label">${escapeHtml(card.label)}</div>
  <div class="value" data-value="${valueAttribute(card.value)}">${escapeHtml(formatValue(card.value, card.format))}</div>
  <div class="caption">${escapeHtml(card.caption)}</div>
  ${
    card.comparison
      ? `<div class="comparison ${trend(card.comparison.change)}" data-change="${valueAttribute(card.comparison.change)}">${escapeHtml(
          `${formatValue(card.comparison.change, 'change')} vs ${card.comparison.label} (${formatValue(card.comparison.value, card.format)})`,
        )}</div>`
      : ''
  }
  ${card.footnote ? `<div class="footnote">${escapeHtml(card.footnote)}</div>` : ''}
  ${card.sparkline ? `<div class="sparkline" data-chart="${escapeHtml(card.sparkline.id)}"></div>` : ''}
</div>`;

const chartCard = (chart: ChartSpec): string => `
<div class="card${chart.wide ? ' wide' : ''}">
  <h3>${escapeHtml(chart.title)}</h3>
  <div class="source">from ${escapeHtml(chart.source)}</div>
  <div class="chart" data-chart="${escapeHtml(chart.id)}"></div>
</div>`;

const isNumeric = (format: string): boolean => format !== 'text';

const tableCard = (table: TableSpec): string => {
  const head = table.columns.map((column) => `<th${isNumeric(column.format) ? ' class="num"' : ''}>${escapeHtml(column.label)}</th>`).join('');
  const body = table.rows
    .map(
      (row) =>
        `<tr>${table.columns
          .map((column, index) => {
            const value = row[index];
            const classes = [isNumeric(column.format) ? 'num' : '', column.label === 'Status' ? `status-${String(value)}` : ''].filter(Boolean);
            return `<td${classes.length > 0 ? ` class="${classes.join(' ')}"` : ''}>${escapeHtml(formatValue(value, column.format))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `
<div class="card${table.wide ? ' wide' : ''}" data-table="${escapeHtml(table.id)}">
  <h3>${escapeHtml(table.title)}</h3>
  <div class="source">from ${escapeHtml(table.source)}</div>
  ${table.rows.length === 0 ? `<p class="empty">${escapeHtml(table.empty)}</p>` : `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`}
</div>`;
};

const block = (item: Block): string => {
  switch (item.kind) {
    case 'kpis':
      return `<div class="kpis">${item.cards.map(kpiCard).join('')}</div>`;
    case 'chart':
      return chartCard(item.chart);
    case 'table':
      return tableCard(item.table);
    case 'note':
      return `<div class="note ${item.tone}">${escapeHtml(item.text)}</div>`;
  }
};

/** Every chart's options by id: the blocks' charts and the KPI cards' sparklines. */
export const chartOptionsOf = (pages: readonly DashboardPage[]): Record<string, EChartsOption> => {
  const options: Record<string, EChartsOption> = {};
  const add = (id: string, option: EChartsOption): void => {
    if (id in options) throw new Error(`Two dashboard charts share the id "${id}"`);
    options[id] = option;
  };
  for (const page of pages) {
    for (const item of page.blocks) {
      if (item.kind === 'chart') add(item.chart.id, item.chart.option);
      if (item.kind === 'kpis') for (const card of item.cards) if (card.sparkline) add(card.sparkline.id, card.sparkline.option);
    }
  }
  return options;
};

/** What goes inside a page's grid: its blocks as HTML (also what a live update replaces). */
export const renderPageBlocks = (page: DashboardPage): string => page.blocks.map(block).join('');

/** The navigation links, one per page. */
export const renderNav = (pages: readonly DashboardPage[]): string =>
  pages.map((page) => `<a href="#${escapeHtml(page.id)}">${escapeHtml(page.title)}</a>`).join('');

/** Every page as its section (a live update sends these when the set of pages changed). */
export const renderSections = (pages: readonly DashboardPage[]): string =>
  pages
    .map(
      (page) => `<section class="page" id="${escapeHtml(page.id)}" data-title="${escapeHtml(page.title)}">
<h2>${escapeHtml(page.title)}</h2>
<p class="summary">${escapeHtml(page.summary)}</p>
<div class="grid">${renderPageBlocks(page)}</div>
</section>`,
    )
    .join('\n');

/** The header line: what the numbers cover and when they were read. */
export const headerMeta = (document: Pick<DashboardDocument, 'subtitle' | 'generatedAt'>): string =>
  `${document.subtitle} · generated ${document.generatedAt.toISOString()}`;

export const renderDashboard = (document: DashboardDocument): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>StreamFlow dashboard</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header><h1>StreamFlow</h1><span class="meta">${escapeHtml(headerMeta(document))}</span></header>
<nav>${renderNav(document.pages)}</nav>
<main>
${renderSections(document.pages)}
</main>
<script type="application/json" id="chart-options">${scriptJson(chartOptionsOf(document.pages))}</script>
<script>${inlineScript(document.echarts)}</script>
<script>${inlineScript(DASHBOARD_CLIENT_SCRIPT)}</script>
${document.liveUrl ? `<script data-live-url="${escapeHtml(document.liveUrl)}">${inlineScript(LIVE_CLIENT_SCRIPT)}</script>` : ''}
</body>
</html>
`;
