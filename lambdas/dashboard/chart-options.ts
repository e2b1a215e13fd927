/**
 * ECharts options for the chart kinds the pages use. Values go in exactly as the views returned
 * them; formatting is named (`fmt:currency`, ...) and turned into functions in the browser
 * (client-script.ts), because options travel as JSON and JSON holds no functions.
 */
import type { EChartsOption } from 'echarts';
import type { ValueFormat } from './page-model.js';

export const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569'];

/** What ECharts calls with a value (or its parameters) and shows the result of. */
export type Formatter = (value: unknown) => string;

/**
 * A formatter the browser supplies: the value as `format` shows it. On this side it is only its
 * name, `fmt:<format>`; it is typed as the function it becomes in the page so options type-check
 * against ECharts, and nothing here ever calls it.
 */
export const formatter = (format: ValueFormat | 'share'): Formatter => `fmt:${format}` as unknown as Formatter;
/** A label formatter: the item's name and its `share` field as a percentage. */
export const SHARE_LABEL = formatter('share');

const BASE = {
  color: PALETTE,
  animationDuration: 300,
  textStyle: { fontFamily: 'system-ui, sans-serif' },
  grid: { left: 8, right: 16, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
} as const satisfies EChartsOption;

export interface ChartSeries {
  readonly name: string;
  readonly values: readonly (number | null)[];
  readonly format: ValueFormat;
  readonly type?: 'bar' | 'line';
  /** 1 puts the series on a second value axis. */
  readonly axis?: 0 | 1;
}

const valueAxes = (series: readonly ChartSeries[]) => {
  const formats = [series.find((s) => (s.axis ?? 0) === 0)?.format ?? 'count', series.find((s) => s.axis === 1)?.format];
  return formats.flatMap((format, index) =>
    format === undefined ? [] : [{ type: 'value' as const, axisLabel: { formatter: formatter(format) }, splitLine: { show: index === 0 } }],
  );
};

export interface CategoryChartLayout {
  /** Categories down the side, bars across. */
  readonly horizontal?: boolean;
  /** Bars of one category stacked into one. */
  readonly stacked?: boolean;
}

/** Bars (or lines) over categories. */
export const categoryChart = (categories: readonly string[], series: readonly ChartSeries[], layout: CategoryChartLayout = {}): EChartsOption => {
  const { horizontal = false, stacked = false } = layout;
  const categoryAxis = { type: 'category' as const, data: [...categories], axisLabel: { interval: 0, hideOverlap: true } };
  const values = valueAxes(series);
  return {
    ...BASE,
    legend: { show: series.length > 1, top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: horizontal ? values : categoryAxis,
    yAxis: horizontal ? { ...categoryAxis, inverse: true } : values,
    series: series.map((s) => ({
      name: s.name,
      type: s.type ?? 'bar',
      data: [...s.values],
      ...(horizontal ? {} : { yAxisIndex: s.axis ?? 0 }),
      ...(stacked ? { stack: 'total' } : {}),
      tooltip: { valueFormatter: formatter(s.format) },
    })),
  };
};

export interface TimeSeries {
  readonly name: string;
  /** `[ISO date, value]` pairs. */
  readonly points: readonly (readonly [string, number | null])[];
  readonly format: ValueFormat;
  readonly type?: 'bar' | 'line';
  readonly axis?: 0 | 1;
  readonly area?: boolean;
}

/** Series over a time axis, so gaps in the data show as gaps. */
export const timeChart = (series: readonly TimeSeries[]): EChartsOption =>
  ({
    ...BASE,
    legend: { show: series.length > 1, top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time' },
    yAxis: valueAxes(series.map((s) => ({ name: s.name, values: [], format: s.format, axis: s.axis ?? 0 }))),
    series: series.map((s) => ({
      name: s.name,
      type: s.type ?? 'line',
      data: s.points.map((point) => [...point]),
      yAxisIndex: s.axis ?? 0,
      showSymbol: false,
      ...(s.area ? { areaStyle: { opacity: 0.15 } } : {}),
      tooltip: { valueFormatter: formatter(s.format) },
    })),
  });

/** A donut: each item's value, labelled with the share its view computed. */
export const donutChart = (name: string, items: readonly { name: string; value: number; share: number | null }[], format: ValueFormat): EChartsOption => ({
  ...BASE,
  tooltip: { trigger: 'item', valueFormatter: formatter(format) },
  legend: { show: false },
  series: [
    {
      name,
      type: 'pie',
      radius: ['45%', '72%'],
      data: items.map((item) => ({ ...item })),
      label: { formatter: SHARE_LABEL, lineHeight: 16 },
      labelLine: { length: 12, length2: 16 },
    },
  ],
});

/** Small lines without axes, for a KPI card: one series, or a few to compare. */
export const sparkline = (labels: readonly string[], series: readonly { name: string; values: readonly (number | null)[] }[], format: ValueFormat): EChartsOption => ({
  color: PALETTE,
  animation: false,
  grid: { left: 2, right: 2, top: 4, bottom: 2 },
  tooltip: { trigger: 'axis', valueFormatter: formatter(format), confine: true },
  xAxis: { type: 'category', data: [...labels], show: false, boundaryGap: false },
  yAxis: { type: 'value', show: false, scale: true },
  series: series.map((s, index) => ({
    type: 'line',
    name: s.name,
    data: [...s.values],
    // A measure with few values still shows them, as dots.
    showSymbol: s.values.filter((value) => value !== null).length < 3,
    connectNulls: true,
    smooth: true,
    lineStyle: { width: index === 0 ? 2 : 1.5, ...(index === 0 ? {} : { type: 'dashed' as const }) },
    ...(index === 0 ? { areaStyle: { opacity: 0.12 } } : {}),
  })),
});
