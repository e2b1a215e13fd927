/** Sales Performance: revenue by category, payment methods, and the daily trend with its running total. */
import type { DashboardData } from '../dashboard-data.js';
import { categoryChart, donutChart, timeChart } from '../chart-options.js';
import type { DashboardPage } from '../page-model.js';

export const salesPerformancePage = (data: DashboardData): DashboardPage => ({
  id: 'sales-performance',
  title: 'Sales Performance',
  summary: 'Revenue counts completed transactions: item amounts less discounts plus tax.',
  blocks: [
    {
      kind: 'chart',
      chart: {
        id: 'revenue-by-category',
        title: 'Revenue by category and % of total',
        source: 'gold.measure_pct_of_total_revenue',
        option: categoryChart(
          data.categories.map((row) => row.category),
          [
            { name: 'Revenue', values: data.categories.map((row) => row.revenue), format: 'currency' },
            { name: '% of total revenue', values: data.categories.map((row) => row.pct_of_total_revenue), format: 'percent', type: 'line', axis: 1 },
          ],
        ),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'payment-methods',
        title: 'Revenue by payment method',
        source: 'gold.measure_payment_method_share',
        option: donutChart(
          'Revenue',
          data.paymentMethods.map((row) => ({ name: row.payment_method, value: row.revenue, share: row.payment_method_share })),
          'currency',
        ),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'daily-revenue',
        title: 'Daily revenue and running total',
        source: 'gold.measure_running_total',
        wide: true,
        option: timeChart([
          { name: 'Revenue', points: data.runningTotal.map((row) => [row.date_day, row.revenue]), format: 'currency', type: 'bar' },
          { name: 'Running total', points: data.runningTotal.map((row) => [row.date_day, row.running_total]), format: 'currency', axis: 1, area: true },
        ]),
      },
    },
  ],
});
