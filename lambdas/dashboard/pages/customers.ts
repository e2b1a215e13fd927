/** Customers: RFM segments, lifetime value by segment, recency against spend, and the most valuable customers. */
import type { EChartsOption } from 'echarts';
import type { DashboardData } from '../dashboard-data.js';
import { categoryChart, donutChart, formatter, PALETTE } from '../chart-options.js';
import { formatValue } from '../format.js';
import type { DashboardPage } from '../page-model.js';
import { churnBlocks } from './churn-section.js';

/** One scatter series per segment: days since the last order against lifetime spend. */
const rfmScatter = (data: DashboardData): EChartsOption => {
  const segments = [...new Set(data.rfm.map((row) => row.rfm_segment))].sort();
  return {
    color: PALETTE,
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 16, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: { trigger: 'item', formatter: '{a}<br/>{b}' },
    xAxis: { type: 'value', name: 'days since last order', nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'value', name: 'spend', axisLabel: { formatter: formatter('currency') } },
    series: segments.map((segment) => ({
      type: 'scatter',
      name: segment,
      symbolSize: 7,
      data: data.rfm
        .filter((row) => row.rfm_segment === segment)
        .map((row) => ({
          name: `${row.user_id}: ${row.frequency} orders, ${formatValue(row.monetary, 'currency')}, last ${row.recency_days} days ago`,
          value: [row.recency_days, row.monetary],
        })),
    })),
  };
};

export const customersPage = (data: DashboardData): DashboardPage => ({
  id: 'customers',
  title: 'Customers',
  summary:
    'RFM segments as of the last day with data; lifetime value is the revenue of completed transactions to date. ' +
    'Churn: the chance a customer neither visits nor buys in the next 60 days, from a logistic regression re-trained on every refresh.',
  blocks: [
    {
      kind: 'chart',
      chart: {
        id: 'rfm-segments',
        title: 'Customers by RFM segment',
        source: 'gold.measure_customer_count',
        option: donutChart(
          'Customers',
          data.segments.map((row) => ({ name: row.rfm_segment, value: row.customer_count, share: row.share_of_customers })),
          'count',
        ),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'lifetime-value',
        title: 'Average lifetime value by segment',
        source: 'gold.measure_average_lifetime_value',
        option: categoryChart(
          data.lifetimeValue.map((row) => row.rfm_segment),
          [{ name: 'Average lifetime value', values: data.lifetimeValue.map((row) => row.average_lifetime_value), format: 'currency' }],
          { horizontal: true },
        ),
      },
    },
    { kind: 'chart', chart: { id: 'rfm-scatter', title: 'Recency against spend, by segment', source: 'gold.customer_rfm', wide: true, option: rfmScatter(data) } },
    {
      kind: 'table',
      table: {
        id: 'top-customers',
        title: 'Top 10 customers by lifetime value, with month-over-month spend',
        source: 'gold.customer_360',
        wide: true,
        columns: [
          { label: 'Customer', format: 'text' },
          { label: 'Name', format: 'text' },
          { label: 'Segment', format: 'text' },
          { label: 'Orders', format: 'count' },
          { label: 'Lifetime value', format: 'currency' },
          { label: 'Last 30 days', format: 'currency' },
          { label: 'Prior 30 days', format: 'currency' },
          { label: 'MoM change', format: 'currency' },
          { label: 'MoM change %', format: 'change' },
        ],
        rows: data.topCustomers.map((row) => [
          row.user_id,
          row.full_name,
          row.rfm_segment,
          row.orders,
          row.lifetime_value,
          row.spend_last_30_days,
          row.spend_prior_30_days,
          row.mom_spend_change,
          row.mom_spend_change_pct,
        ]),
        empty: 'No customers yet.',
      },
    },
    ...churnBlocks(data.churn),
  ],
});
