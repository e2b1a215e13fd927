/** Executive Summary: the headline measures for the last 30 days against the 30 before, with monthly sparklines. */
import type { DashboardData, PeriodMeasureRow } from '../dashboard-data.js';
import { categoryChart, sparkline } from '../chart-options.js';
import { formatValue } from '../format.js';
import type { DashboardPage, KpiCard, ValueFormat } from '../page-model.js';

const months = (rows: readonly PeriodMeasureRow[]): PeriodMeasureRow[] => rows.filter((row) => row.period_kind === 'month');

/** A card for a period measure view: the last 30 days, compared with the prior 30, all time below. */
const periodCard = (label: string, view: string, measure: string, rows: readonly PeriodMeasureRow[], format: ValueFormat): KpiCard => {
  const last = rows.find((row) => row.period === 'last_30_days');
  const allTime = rows.find((row) => row.period === 'all_time');
  const monthly = months(rows);
  return {
    label,
    source: `gold.${view}.${measure}`,
    row: 'last_30_days',
    value: last?.value ?? null,
    format,
    caption: 'Last 30 days',
    comparison: { label: 'prior 30 days', value: last?.previous ?? null, change: last?.change ?? null },
    footnote: `All time ${formatValue(allTime?.value ?? null, format)}`,
    sparkline: {
      id: `spark-${measure}`,
      option: sparkline(
        monthly.map((row) => row.period_label),
        [{ name: label, values: monthly.map((row) => row.value) }],
        format,
      ),
    },
  };
};

export const executiveSummaryPage = (data: DashboardData): DashboardPage => {
  const today = data.mtdRevenue.at(-1);
  const month = today ? data.mtdRevenue.filter((row) => row.year_month === today.year_month) : [];
  const latestYoy = data.yoyGrowth.at(-1);
  const revenueMonths = months(data.totalRevenue);
  const userMonths = months(data.uniqueUsers);
  const conversionMonths = months(data.conversionRate);

  const cards: KpiCard[] = [
    periodCard('Total revenue', 'measure_total_revenue', 'total_revenue', data.totalRevenue, 'currency'),
    periodCard('Unique users', 'measure_unique_users', 'unique_users', data.uniqueUsers, 'count'),
    periodCard('Conversion rate', 'measure_conversion_rate', 'conversion_rate', data.conversionRate, 'percent'),
    periodCard('Average order value', 'measure_average_order_value', 'average_order_value', data.averageOrderValue, 'currency'),
    {
      label: 'MTD revenue',
      source: 'gold.measure_mtd_revenue.mtd_revenue',
      row: today?.date_day ?? '',
      value: today?.mtd_revenue ?? null,
      format: 'currency',
      caption: today ? `${today.year_month} to ${today.date_day}` : 'No data',
      comparison: { label: 'same day last month', value: today?.previous_month_mtd_revenue ?? null, change: today?.mtd_revenue_change ?? null },
      sparkline: {
        id: 'spark-mtd_revenue',
        option: sparkline(
          month.map((row) => row.date_day),
          [
            { name: 'MTD revenue', values: month.map((row) => row.mtd_revenue) },
            { name: 'Last month', values: month.map((row) => row.previous_month_mtd_revenue) },
          ],
          'currency',
        ),
      },
    },
    {
      label: 'YoY growth',
      source: 'gold.measure_yoy_growth.yoy_growth',
      row: latestYoy?.year_month ?? '',
      value: latestYoy?.yoy_growth ?? null,
      format: 'change',
      caption: latestYoy ? `${latestYoy.year_month} vs the same days a year earlier` : 'No data',
      footnote: `Revenue ${formatValue(latestYoy?.revenue ?? null, 'currency')} vs ${formatValue(latestYoy?.prior_year_revenue ?? null, 'currency')}`,
      // Growth exists only for months with a prior year; the revenue behind it exists for every month.
      sparkline: {
        id: 'spark-yoy_growth',
        option: sparkline(
          data.yoyGrowth.map((row) => row.year_month),
          [
            { name: 'Revenue', values: data.yoyGrowth.map((row) => row.revenue) },
            { name: 'A year earlier', values: data.yoyGrowth.map((row) => row.prior_year_revenue) },
          ],
          'currency',
        ),
      },
    },
  ];

  return {
    id: 'executive-summary',
    title: 'Executive Summary',
    summary: `Headline measures as of ${data.asOfDate ?? 'n/a'} (the last day with data), each against its comparison period.`,
    blocks: [
      { kind: 'kpis', cards },
      {
        kind: 'chart',
        chart: {
          id: 'revenue-by-month',
          title: 'Revenue by month and change vs the month before',
          source: 'gold.measure_total_revenue (month rows)',
          option: categoryChart(
            revenueMonths.map((row) => row.period_label),
            [
              { name: 'Total revenue', values: revenueMonths.map((row) => row.value), format: 'currency' },
              { name: 'Change vs previous month', values: revenueMonths.map((row) => row.change), format: 'change', type: 'line', axis: 1 },
            ],
          ),
        },
      },
      {
        kind: 'chart',
        chart: {
          id: 'users-by-month',
          title: 'Unique users and conversion rate by month',
          source: 'gold.measure_unique_users, gold.measure_conversion_rate (month rows)',
          option: categoryChart(
            userMonths.map((row) => row.period_label),
            [
              { name: 'Unique users', values: userMonths.map((row) => row.value), format: 'count' },
              { name: 'Conversion rate', values: conversionMonths.map((row) => row.value), format: 'percent', type: 'line', axis: 1 },
            ],
          ),
        },
      },
    ],
  };
};
