/** Funnel: sessions at each step from page_view to purchase, with the conversion from step to step. */
import type { EChartsOption } from 'echarts';
import type { DashboardData } from '../dashboard-data.js';
import { categoryChart, formatter, PALETTE } from '../chart-options.js';
import type { DashboardPage } from '../page-model.js';

const funnelChart = (data: DashboardData): EChartsOption => ({
  color: PALETTE,
  tooltip: { trigger: 'item', valueFormatter: formatter('count') },
  series: [
    {
      type: 'funnel',
      name: 'Sessions',
      sort: 'none',
      left: '10%',
      width: '80%',
      minSize: '8%',
      gap: 2,
      label: { position: 'inside', formatter: '{b}: {c}' },
      data: data.funnel.map((step) => ({ name: step.event_type, value: step.sessions })),
    },
  ],
});

export const funnelPage = (data: DashboardData): DashboardPage => ({
  id: 'funnel',
  title: 'Funnel',
  summary: 'Sessions reaching each step (a session counts at a step when it has an event of that type).',
  blocks: [
    { kind: 'chart', chart: { id: 'funnel-sessions', title: 'Sessions by funnel step', source: 'gold.measure_funnel_step_conversion', option: funnelChart(data) } },
    {
      kind: 'chart',
      chart: {
        id: 'funnel-conversion',
        title: 'Step conversion and conversion from the first step',
        source: 'gold.measure_funnel_step_conversion',
        option: categoryChart(
          data.funnel.map((step) => step.event_type),
          [
            { name: 'From the step before', values: data.funnel.map((step) => step.funnel_step_conversion), format: 'percent' },
            { name: 'From page_view', values: data.funnel.map((step) => step.conversion_from_first_step), format: 'percent', type: 'line' },
          ],
        ),
      },
    },
    {
      kind: 'table',
      table: {
        id: 'funnel-steps',
        title: 'Funnel steps',
        source: 'gold.measure_funnel_step_conversion',
        wide: true,
        columns: [
          { label: 'Step', format: 'count' },
          { label: 'Event type', format: 'text' },
          { label: 'Sessions', format: 'count' },
          { label: 'From the step before', format: 'percent' },
          { label: 'From page_view', format: 'percent' },
        ],
        rows: data.funnel.map((step) => [step.funnel_step, step.event_type, step.sessions, step.funnel_step_conversion, step.conversion_from_first_step]),
        empty: 'No user events yet.',
      },
    },
  ],
});
