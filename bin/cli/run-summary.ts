/** The closing summary of `streamflow run`: what was produced, delivered, written, loaded and reconciled. */
import { relative } from 'node:path';
import type { IngestSummary } from '../../lambdas/local/ingest.js';
import type { WarehouseStageSummary } from '../../lambdas/local/warehouse-stage.js';
import type { LedgerReport } from '../../lambdas/warehouse/ledger-report.js';

export interface RunReport {
  readonly outDir: string;
  readonly summary: IngestSummary;
  readonly warehouse: WarehouseStageSummary;
  readonly report: LedgerReport;
  readonly elapsedMs: number;
  readonly json: boolean;
}

const n = (value: number): string => value.toLocaleString('en-US');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A path to show a person: relative when it is below the working folder, absolute otherwise. */
export const displayPath = (path: string): string => {
  const nearby = relative(process.cwd(), path) || '.';
  return nearby.startsWith('..') ? path : nearby;
};

export const printRunSummary = ({ outDir, summary, warehouse, report, elapsedMs, json }: RunReport): void => {
  if (json) {
    console.log(JSON.stringify({ outDir, ingest: { ...summary, failedBatches: summary.failedBatches.length }, warehouse, ledger: report, elapsedMs }, null, 2));
    return;
  }
  const produced = Object.values(summary.produced).reduce((a, b) => a + b, 0);
  const where = displayPath(outDir);
  const failedChecks = warehouse.dq.filter((check) => check.violations > 0);
  const tooLarge = summary.failedBatches.filter((failure) => failure.condition === 'MaximumPayloadSizeExceeded').length;
  const exhausted = summary.failedBatches.length - tooLarge;
  const lines = [
    '',
    'StreamFlow local run',
    `  produced      ${n(produced)} events (${Object.entries(summary.produced).map(([topic, count]) => `${topic} ${n(count)}`).join(', ')})`,
    `  delivered     ${n(summary.esm.batches)} batches in ${n(summary.esm.invocations)} invocations (${n(summary.esm.retries)} retries, ${n(summary.esm.failedBatches)} sent to on-failure)`,
    `  landed        ${n(summary.consumed.in)} records  → ${where}/landing/`,
    `  gold rows     ${Object.entries(summary.consumed.gold).map(([table, count]) => `${table} ${n(count)}`).join(', ') || 'none'}  → ${where}/gold/`,
    `  quarantined   ${n(summary.consumed.quarantined)} records  → ${where}/quarantine/`,
    ...Object.entries(summary.consumed.reasons)
      .sort((a, b) => b[1] - a[1])
      .map(([code, count]) => `                  ${code.padEnd(20)} ${n(count)}`),
    `  loaded        ${n(warehouse.files.loaded)} files (${n(warehouse.files.skipped)} already loaded, ${n(warehouse.files.failed)} rejected)  → ${where}/warehouse.duckdb`,
    `  bronze        ${Object.entries(warehouse.bronzeRows).map(([table, rows]) => `${table.replace('bronze.', '')} ${n(rows)}`).join(', ')}`,
    ...(['silver', 'gold'] as const).map((layer) => {
      const steps = warehouse.steps.filter((step) => step.model.startsWith(`${layer}/`));
      const tables = steps.filter((step) => step.materialization !== 'view');
      const views = steps.length - tables.length;
      return `  ${layer.padEnd(14)}${tables.map((step) => `${step.model.slice(layer.length + 1)} ${n(step.rows ?? 0)}`).join(', ')}${views > 0 ? `; ${views} views` : ''}`;
    }),
    `  data quality  ${warehouse.dq.length} checks, ${failedChecks.length} with violations${failedChecks.length > 0 ? ':' : ''}`,
    ...failedChecks.map((check) => `                  ${check.name.padEnd(44)} ${n(check.violations).padStart(7)}  ${check.severity}`),
    `  time          ingest ${seconds(summary.timings.ingestMs)} (produce ${seconds(summary.timings.produceMs)}, deliver+transform ${seconds(summary.timings.deliverMs)}), ` +
      `load ${seconds(warehouse.timings.loadMs)}, ${Object.entries(warehouse.timings.tasks).map(([task, ms]) => `${task} ${seconds(ms)}`).join(', ')}; total ${seconds(elapsedMs)}`,
    '',
    `ledger (read back from the files): ${Object.entries(report.topics)
      .map(([topic, t]) => `${topic} ${n(t.in)} in = ${n(t.gold)} gold + ${n(t.quarantined)} quarantined`)
      .join('; ')}`,
    report.verdict,
    ...(exhausted > 0 ? [`${exhausted} batches ran out of retries: see ${where}/aws/lambda/; re-deliver them: streamflow replay --from onfailure --out ${where}`] : []),
    ...(tooLarge > 0
      ? [
          `${tooLarge} records exceeded the invocation payload cap and went to on-failure without payload (MaximumPayloadSizeExceeded): ` +
            `re-read them from Kafka: streamflow replay --from onfailure --brokers HOST:PORT --out ${where}`,
        ]
      : []),
  ];
  console.log(lines.join('\n'));
};
