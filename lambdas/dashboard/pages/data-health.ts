/** Data Health: the ledger's verdict, what was quarantined and why, the data quality checks, revenue anomalies and fraud signals. */
import type { EChartsOption } from 'echarts';
import type { LedgerReport } from '../../warehouse/ledger-report.js';
import type { DashboardData } from '../dashboard-data.js';
import { categoryChart, formatter, PALETTE } from '../chart-options.js';
import { formatValue } from '../format.js';
import type { Block, DashboardPage } from '../page-model.js';

/** The quarantine view's rows as one bar per reason, one stack per topic. */
const quarantineBlock = (data: DashboardData): Block => {
  if (data.quarantine.length === 0) return { kind: 'note', tone: 'ok', text: 'Nothing was quarantined: every record passed validation.' };
  const reasons = [...new Set(data.quarantine.map((row) => row.reason_code))];
  const topics = [...new Set(data.quarantine.map((row) => row.topic))];
  const option = categoryChart(
    reasons,
    topics.map((topic) => ({
      name: topic,
      format: 'count' as const,
      values: reasons.map((reason) => data.quarantine.find((row) => row.topic === topic && row.reason_code === reason)?.records ?? null),
    })),
    { horizontal: true, stacked: true },
  );
  return { kind: 'chart', chart: { id: 'quarantine-reasons', title: 'Quarantined records by reason', source: 'gold.health_quarantine_reasons', wide: true, option } };
};

/** Daily revenue with its trailing mean, anomalies marked where the view flagged them. */
const anomalyChart = (data: DashboardData): EChartsOption => ({
  color: PALETTE,
  legend: { top: 0 },
  grid: { left: 8, right: 16, top: 36, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
  tooltip: { trigger: 'axis', valueFormatter: formatter('currency') },
  xAxis: { type: 'time' },
  yAxis: { type: 'value', axisLabel: { formatter: formatter('currency') } },
  series: [
    { name: 'Revenue', type: 'line', showSymbol: false, data: data.anomalies.map((row) => [row.date_day, row.revenue]) },
    { name: 'Trailing mean', type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: data.anomalies.map((row) => [row.date_day, row.trailing_mean]) },
    {
      name: 'Anomaly',
      type: 'scatter',
      symbolSize: 10,
      itemStyle: { color: '#dc2626' },
      data: data.anomalies.filter((row) => row.is_anomaly).map((row) => [row.date_day, row.revenue]),
    },
  ],
});

export const dataHealthPage = (data: DashboardData, report: LedgerReport): DashboardPage => {
  const healthy = report.lost === 0 && report.lostInWarehouse === 0;
  const topics = Object.entries(report.topics);
  const fraud = data.fraudCounts[0];
  return {
    id: 'data-health',
    title: 'Data Health',
    summary: 'The ledger from landing to Gold, the quarantine, the latest data quality run, and the anomaly and fraud rules.',
    blocks: [
      { kind: 'note', tone: healthy ? 'ok' : 'alert', text: report.verdict },
      {
        kind: 'chart',
        chart: {
          id: 'ledger-topics',
          title: 'Records in, by topic: gold + quarantined',
          source: 'streamflow report (the ledger)',
          option: categoryChart(
            topics.map(([topic]) => topic),
            [
              { name: 'Gold', values: topics.map(([, entry]) => entry.gold), format: 'count' },
              { name: 'Quarantined', values: topics.map(([, entry]) => entry.quarantined), format: 'count' },
              { name: 'Lost', values: topics.map(([, entry]) => entry.lost), format: 'count' },
            ],
            { horizontal: true, stacked: true },
          ),
        },
      },
      {
        kind: 'table',
        table: {
          id: 'ledger-stages',
          title: 'Warehouse stages',
          source: 'streamflow report (the ledger)',
          columns: [
            { label: 'From', format: 'text' },
            { label: 'To', format: 'text' },
            { label: 'Expected', format: 'count' },
            { label: 'Actual', format: 'count' },
            { label: 'Note', format: 'text' },
          ],
          rows: report.stages.map((stage) => [stage.from, stage.to, stage.expected, stage.actual, stage.note ?? (stage.expected === stage.actual ? 'ok' : 'MISSING')]),
          empty: 'No warehouse stages yet.',
        },
      },
      quarantineBlock(data),
      {
        kind: 'table',
        table: {
          id: 'dq-results',
          title: `Data quality checks${report.dqRunAt ? ` (run ${report.dqRunAt})` : ''}`,
          source: 'gold.dq_results (latest run)',
          wide: true,
          columns: [
            { label: 'Status', format: 'text' },
            { label: 'Check', format: 'text' },
            { label: 'Layer', format: 'text' },
            { label: 'Violations', format: 'count' },
            { label: 'Rule', format: 'text' },
          ],
          rows: report.dq.map((check) => [check.violations === 0 ? 'pass' : check.severity, check.name, check.layer, check.violations, check.description]),
          empty: 'No data quality run recorded yet: run `streamflow refresh`.',
        },
      },
      { kind: 'chart', chart: { id: 'revenue-anomalies', title: 'Daily revenue anomalies', source: 'gold.revenue_anomalies (thresholds in gold.analytics_settings)', wide: true, option: anomalyChart(data) } },
      {
        kind: 'note',
        tone: (fraud?.flagged ?? 0) === 0 ? 'ok' : 'alert',
        text:
          `Fraud signals: ${formatValue(fraud?.flagged ?? 0, 'count')} of ${formatValue(fraud?.transactions ?? 0, 'count')} transactions flagged ` +
          `(high_amount ${formatValue(fraud?.high_amount ?? 0, 'count')}, order_burst ${formatValue(fraud?.order_burst ?? 0, 'count')}, ` +
          `payment_method_hopping ${formatValue(fraud?.payment_method_hopping ?? 0, 'count')}).`,
      },
      {
        kind: 'table',
        table: {
          id: 'fraud-flags',
          title: 'Latest flagged transactions',
          source: 'gold.fraud_signals (is_flagged)',
          wide: true,
          columns: [
            { label: 'Time', format: 'text' },
            { label: 'Transaction', format: 'text' },
            { label: 'Customer', format: 'text' },
            { label: 'Total', format: 'currency' },
            { label: 'Usual (earlier average)', format: 'currency' },
            { label: 'Payment', format: 'text' },
            { label: 'Status', format: 'text' },
            { label: 'Rules fired', format: 'text' },
          ],
          rows: data.flaggedTransactions.map((row) => [
            row.event_ts,
            row.transaction_id,
            row.user_id,
            row.total,
            row.earlier_average_total,
            row.payment_method,
            row.status,
            row.fraud_rules,
          ]),
          empty: 'No transaction tripped a fraud rule.',
        },
      },
    ],
  };
};
