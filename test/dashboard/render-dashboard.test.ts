/** The dashboard's HTML shell, without a browser: escaping, number formats, chart ids. */
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../lambdas/dashboard/format.js';
import type { DashboardPage } from '../../lambdas/dashboard/page-model.js';
import { chartOptionsOf, renderDashboard } from '../../lambdas/dashboard/render-dashboard.js';

const page = (id: string, chartIds: string[], title = 'A page'): DashboardPage => ({
  id,
  title,
  summary: 'summary',
  blocks: chartIds.map((chartId) => ({ kind: 'chart', chart: { id: chartId, title: chartId, source: 'gold.x', option: { series: [{ type: 'bar', data: [1] }] } } })),
});

describe('renderDashboard', () => {
  it('keeps hostile text from the warehouse inert: escaped in HTML, unable to close a script element', () => {
    // Prepare: a product name is data, and data can say anything
    const hostile = '</script><script>alert(1)</script>';
    const pages: DashboardPage[] = [
      {
        ...page('p', []),
        blocks: [
          { kind: 'table', table: { id: 't', title: hostile, source: 'gold.x', columns: [{ label: 'name', format: 'text' }], rows: [[hostile]], empty: '' } },
          { kind: 'chart', chart: { id: 'c', title: 'c', source: 'gold.x', option: { series: [{ type: 'bar', name: hostile, data: [1] }] } } },
        ],
      },
    ];

    // Act
    const html = renderDashboard({ pages, subtitle: hostile, generatedAt: new Date(0), echarts: '/* echarts */' });

    // Assess: the only script elements are the three the page brings
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>');
  });

  it('refuses two charts with one id, which the page could not tell apart', () => {
    expect(() => chartOptionsOf([page('a', ['x']), page('b', ['x'])])).toThrow(/share the id "x"/);
    expect(Object.keys(chartOptionsOf([page('a', ['x', 'y'])]))).toEqual(['x', 'y']);
  });

  it('links every page from the navigation', () => {
    const html = renderDashboard({ pages: [page('one', ['a'], 'One'), page('two', ['b'], 'Two')], subtitle: '', generatedAt: new Date(0), echarts: '' });
    expect(html).toContain('<nav><a href="#one">One</a><a href="#two">Two</a></nav>');
  });
});

describe('formatValue', () => {
  it.each([
    [1234.5, 'currency', '$1,234.50'],
    [1234.5, 'count', '1,235'],
    [0.04567, 'percent', '4.6%'],
    [0.126, 'change', '+12.6%'],
    [-0.5, 'change', '-50.0%'],
    [0, 'change', '0.0%'],
    [null, 'currency', 'n/a'],
    ['USR-1', 'text', 'USR-1'],
  ] as const)('%s as %s is %s', (value, format, text) => {
    expect(formatValue(value, format)).toBe(text);
  });
});
