/**
 * The dashboard's own script, run in a Node VM with the few page objects it touches (a stand-in
 * for the browser; dashboard-browser.test.ts runs the real page in Chromium): formatter names are
 * revived only where an option holds a formatter, so data values starting with `fmt:` stay text.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_CLIENT_SCRIPT } from '../../lambdas/dashboard/client-script.js';

/** Runs the script on one page holding one chart with `option`, returning what ECharts was given. */
const drawnOption = (option: unknown): Record<string, unknown> => {
  let drawn: Record<string, unknown> | undefined;
  const attributes = new Map<string, string>();
  const element = { getAttribute: () => 'chart-1' };
  const page = {
    id: 'page-1',
    hidden: false,
    querySelectorAll: () => [element],
    setAttribute: (name: string, value: string) => attributes.set(name, value),
    getAttribute: () => 'Page',
  };
  const document = {
    title: '',
    body: { setAttribute: () => undefined, contains: () => true },
    getElementById: () => ({ textContent: JSON.stringify({ 'chart-1': option }) }),
    querySelectorAll: (selector: string) => (selector === 'section.page' ? [page] : []),
    addEventListener: () => undefined,
  };
  const echarts = { init: () => ({ setOption: (value: Record<string, unknown>) => (drawn = value), resize: () => undefined }) };
  runInNewContext(DASHBOARD_CLIENT_SCRIPT, { document, echarts, window: { addEventListener: () => undefined }, location: { hash: '' }, Intl });
  return drawn!;
};

describe('the dashboard client script', () => {
  it('keeps a category named fmt:evil as text and still turns the formatter members into functions', () => {
    // Act
    const option = drawnOption({
      xAxis: { type: 'category', data: ['fmt:evil', 'fmt:currency', 'books'] },
      yAxis: { axisLabel: { formatter: 'fmt:currency' } },
      tooltip: { valueFormatter: 'fmt:count' },
      series: [{ name: 'fmt:evil', data: [1, 2, 3] }],
    }) as { xAxis: { data: unknown[] }; yAxis: { axisLabel: { formatter: (value: number) => string } }; tooltip: { valueFormatter: (value: number) => string }; series: { name: string }[] };

    // Assess
    expect(option.xAxis.data).toEqual(['fmt:evil', 'fmt:currency', 'books']);
    expect(option.series[0]!.name).toBe('fmt:evil');
    expect(option.yAxis.axisLabel.formatter(1234.5)).toBe('$1,234.50');
    expect(option.tooltip.valueFormatter(1234.5)).toBe('1,235');
  });
});
