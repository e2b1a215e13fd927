/** The closing summary of `streamflow run`: what was produced, delivered, written and reconciled. */
import { relative } from 'node:path';
import type { IngestSummary } from '../../lambdas/local/ingest.js';
import type { ObjectLedger } from '../../lambdas/shared/object-ledger.js';

export interface RunReport {
  readonly outDir: string;
  readonly summary: IngestSummary;
  readonly ledger: ObjectLedger;
  readonly elapsedMs: number;
  readonly json: boolean;
}

const n = (value: number): string => value.toLocaleString('en-US');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export const printRunSummary = ({ outDir, summary, ledger, elapsedMs, json }: RunReport): void => {
  if (json) {
    console.log(JSON.stringify({ outDir, ...summary, failedBatches: summary.failedBatches.length, ledger, elapsedMs }, null, 2));
    return;
  }
  const produced = Object.values(summary.produced).reduce((a, b) => a + b, 0);
  const nearby = relative(process.cwd(), outDir) || '.';
  const where = nearby.startsWith('..') ? outDir : nearby;
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
    `  time          produce ${seconds(summary.timings.produceMs)}, deliver+transform ${seconds(summary.timings.deliverMs)}, total ${seconds(elapsedMs)}`,
    '',
    `ledger (read back from the files): ${Object.entries(ledger.topics)
      .map(([topic, t]) => `${topic} ${n(t.landed)} = ${n(t.gold)} gold + ${n(t.quarantined)} quarantined`)
      .join('; ')}`,
    ledger.lost === 0 && summary.failedBatches.length === 0
      ? `nothing lost: every record is in gold or quarantine (${n(ledger.batches)} batches balance)`
      : `LOST ${n(ledger.lost)} records in ${ledger.unbalanced.length} unbalanced batches; ${summary.failedBatches.length} batches in ${where}/onfailure/`,
  ];
  console.log(lines.join('\n'));
};
