/**
 * Operations: the pipeline itself while a live run streams (lambdas/local/live-metrics.ts), not
 * the warehouse's data: throughput per topic, consumer lag per partition, batch latency, event →
 * Gold freshness, quarantine rate and the load/refresh cycles.
 */
import type { OperationsSnapshot } from '../operations-model.js';
import { categoryChart, timeChart } from '../chart-options.js';
import type { Block, DashboardPage } from '../page-model.js';

const SOURCE = 'the live run (streamflow run --rate N --serve)';
const iso = (at: number): string => new Date(at).toISOString();
const last = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

const liveBlocks = (ops: OperationsSnapshot): Block[] => {
  const produced = Object.values(ops.produced).reduce((a, b) => a + b, 0);
  const throughput = Object.values(ops.throughput).reduce((sum, points) => sum + (last(points)?.[1] ?? 0), 0);
  const lag = ops.lag.reduce((sum, partition) => sum + partition.records, 0);
  const cycle = last(ops.cycles);
  const card = (label: string, id: string, value: number | null, format: 'count' | 'decimal' | 'percent', caption: string) =>
    ({ label, source: `operations.${id}`, row: 'now', value, format, caption }) as const;
  return [
    {
      kind: 'kpis',
      cards: [
        card('Events produced', 'produced', produced, 'count', `since ${iso(ops.startedAt)}`),
        card('Throughput', 'throughput', throughput, 'decimal', 'events/s, all topics, last round'),
        card('Consumer lag', 'lag', lag, 'count', 'records produced, not yet delivered'),
        card('Batch latency', 'batch_latency', last(ops.batchLatency.median)?.[1] ?? null, 'decimal', 'ms, median consumer invocation, last round'),
        card('Event → Gold freshness', 'freshness', cycle?.freshnessMs == null ? null : cycle.freshnessMs / 1000, 'decimal', 's, last load/refresh cycle'),
        card('Quarantine rate', 'quarantine_rate', ops.consumedIn === 0 ? null : ops.quarantined / ops.consumedIn, 'percent', `${ops.quarantined} of ${ops.consumedIn} records`),
        card('Load/refresh cycles', 'cycles', ops.cycles.length, 'count', cycle ? `last ended ${iso(cycle.endedAt)}` : 'none yet'),
      ],
    },
    {
      kind: 'chart',
      chart: {
        id: 'ops-throughput',
        title: 'Throughput per topic (events/s)',
        source: SOURCE,
        wide: true,
        option: timeChart(Object.entries(ops.throughput).map(([topic, points]) => ({ name: topic, points: points.map(([at, rate]) => [iso(at), rate] as const), format: 'decimal' }))),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'ops-lag',
        title: 'Consumer lag per partition (records)',
        source: SOURCE,
        option: categoryChart(
          ops.lag.map((partition) => `${partition.topic}-${partition.partition}`),
          [{ name: 'Lag', values: ops.lag.map((partition) => partition.records), format: 'count' }],
        ),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'ops-batch-latency',
        title: 'Consumer batch latency (ms)',
        source: SOURCE,
        option: timeChart([
          { name: 'median', points: ops.batchLatency.median.map(([at, ms]) => [iso(at), ms] as const), format: 'decimal' },
          { name: 'max', points: ops.batchLatency.max.map(([at, ms]) => [iso(at), ms] as const), format: 'decimal' },
        ]),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'ops-freshness',
        title: 'Event → Gold freshness per cycle (s)',
        source: SOURCE,
        option: timeChart([
          { name: 'freshness', type: 'bar', points: ops.cycles.map((c) => [iso(c.endedAt), c.freshnessMs === null ? null : c.freshnessMs / 1000] as const), format: 'decimal' },
        ]),
      },
    },
    {
      kind: 'table',
      table: {
        id: 'ops-cycles',
        title: 'Load/refresh cycles (latest first)',
        source: SOURCE,
        columns: [
          { label: 'Ended', format: 'text' },
          { label: 'Files loaded', format: 'count' },
          { label: 'Rows loaded', format: 'count' },
          { label: 'Duration (s)', format: 'decimal' },
          { label: 'Freshness (s)', format: 'decimal' },
        ],
        rows: [...ops.cycles]
          .reverse()
          .slice(0, 10)
          .map((c) => [iso(c.endedAt), c.filesLoaded, c.rowsLoaded, (c.endedAt - c.startedAt) / 1000, c.freshnessMs === null ? null : c.freshnessMs / 1000]),
        empty: 'No cycle yet.',
      },
    },
  ];
};

export const operationsPage = (ops: OperationsSnapshot | undefined): DashboardPage => ({
  id: 'operations',
  title: 'Operations',
  summary: 'The pipeline while it streams: producer throughput, the event source mapping\'s lag, consumer batches and the warehouse cycles that make events visible in Gold.',
  blocks: ops
    ? liveBlocks(ops)
    : [{ kind: 'note', tone: 'ok', text: 'No live run here: `streamflow run --rate 1000 --serve` streams events and shows this page as they flow.' }],
});
