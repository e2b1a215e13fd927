import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IngestSummary } from '../../lambdas/local/ingest.js';
import type { WarehouseStageSummary } from '../../lambdas/local/warehouse-stage.js';
import type { LedgerReport } from '../../lambdas/warehouse/ledger-report.js';
import { tooLargeRecordFailure, type FailedBatch } from '../../lambdas/local/esm-simulator.js';
import { mskEventOf } from '../../lambdas/local/msk-event.js';
import { printRunSummary } from '../../bin/cli/run-summary.js';

const SUMMARY: IngestSummary = {
  produced: { user_events: 19_762, transactions: 238 },
  esm: { invocations: 9, batches: 9, retries: 0, failedBatches: 0, records: 20_000 },
  consumed: { in: 20_000, gold: { user_events: 18_850, transactions: 225 }, quarantined: 925, reasons: { malformed_json: 146, invalid_type: 177 } },
  failedBatches: [],
  timings: { produceMs: 330, deliverMs: 700, ingestMs: 1_030 },
};

const WAREHOUSE: WarehouseStageSummary = {
  files: { loaded: 20, skipped: 1, failed: 0, rejected: [] },
  rowsLoaded: { 'bronze.raw_user_events': 18_850 },
  bronzeRows: { 'bronze.raw_user_events': 18_850, 'bronze.raw_transactions': 225 },
  triggeredBy: ['bronze.raw_user_events_stream', 'bronze.raw_transactions_stream'],
  steps: [
    { task: 'refresh_silver', model: 'silver/stg_user_events', materialization: 'merge', rowsChanged: 18_850, rows: 18_850, ms: 10 },
    { task: 'refresh_gold', model: 'gold/fact_user_activity', materialization: 'merge', rowsChanged: 18_850, rows: 18_850, ms: 10 },
  ],
  dq: [
    { name: 'quarantine_unknown_ids', description: 'ids not in reference data', category: 'referential_integrity', layer: 'bronze', severity: 'warn', violations: 160, sample: [] },
    { name: 'silver_user_events_unique', description: 'event ids unique', category: 'uniqueness', layer: 'silver', severity: 'error', violations: 0, sample: [] },
  ],
  timings: { loadMs: 500, tasks: { refresh_silver: 170, refresh_gold: 400, dq_checks: 110 }, totalMs: 1_180 },
};

const REPORT = {
  lost: 0,
  lostInWarehouse: 0,
  topics: { user_events: { in: 19_762, gold: 18_850, quarantined: 912, lost: 0 }, transactions: { in: 238, gold: 225, quarantined: 13, lost: 0 } },
  verdict: 'Nothing lost: 20,000 records produced, every one in gold or quarantine (19,075 gold + 925 quarantined); all 19,075 gold rows in Bronze; Silver and Gold reconcile.',
} as unknown as LedgerReport;

const printed = (report: Parameters<typeof printRunSummary>[0]): string => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  printRunSummary(report);
  return log.mock.calls.map((call) => call.join(' ')).join('\n');
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('printRunSummary', () => {
  it('prints every stage: produced, delivered, landed, gold, quarantined by reason, loaded, layers, checks, time and the verdict', () => {
    // Prepare
    const outDir = `${process.cwd()}/.streamflow`;

    // Act
    const text = printed({ outDir, summary: SUMMARY, warehouse: WAREHOUSE, report: REPORT, elapsedMs: 1_110, json: false });

    // Assess
    expect(text).toContain('produced      20,000 events (user_events 19,762, transactions 238)');
    expect(text).toContain('delivered     9 batches in 9 invocations (0 retries, 0 sent to on-failure)');
    expect(text).toContain('landed        20,000 records  → .streamflow/landing/');
    expect(text).toContain('gold rows     user_events 18,850, transactions 225');
    expect(text).toContain('quarantined   925 records');
    // Reasons, most frequent first.
    expect(text.indexOf('invalid_type')).toBeLessThan(text.indexOf('malformed_json'));
    expect(text).toContain('loaded        20 files (1 already loaded, 0 rejected)  → .streamflow/warehouse.duckdb');
    expect(text).toMatch(/silver\s+stg_user_events 18,850/);
    expect(text).toMatch(/gold\s+fact_user_activity 18,850/);
    expect(text).toContain('2 checks, 1 with violations');
    expect(text).toMatch(/quarantine_unknown_ids\s+160\s+warn/);
    expect(text).not.toMatch(/silver_user_events_unique\s+0/);
    expect(text).toContain('total 1.11 s');
    expect(text).toContain('user_events 19,762 in = 18,850 gold + 912 quarantined');
    expect(text).toContain(REPORT.verdict);
  });

  it('points at the on-failure destination when batches ran out of retries', () => {
    // Prepare
    const failed: FailedBatch = {
      topic: 'transactions',
      partition: 1,
      firstOffset: 0,
      lastOffset: 24,
      firstTimestamp: 0,
      lastTimestamp: 0,
      batchSize: 25,
      attempts: 4,
      condition: 'RetryAttemptsExhausted',
      error: 'S3 is down',
      payloadBytes: 2,
      event: mskEventOf([]),
    };
    const summary: IngestSummary = { ...SUMMARY, failedBatches: [failed], esm: { ...SUMMARY.esm, failedBatches: 1 } };

    // Act
    const text = printed({ outDir: '/data/out', summary, warehouse: WAREHOUSE, report: REPORT, elapsedMs: 10, json: false });

    // Assess
    expect(text).toContain('1 batches ran out of retries: see /data/out/aws/lambda/; re-deliver them: streamflow replay --from onfailure --out /data/out');
  });

  it('says a record over the payload cap went to on-failure without payload, and how to re-read it', () => {
    // Prepare
    const tooLarge = tooLargeRecordFailure({ topic: 'user_events', partition: 0, offset: 7, timestamp: 0 }, 9_000_000, 100, 6 * 1024 * 1024);
    const summary: IngestSummary = { ...SUMMARY, failedBatches: [tooLarge], esm: { ...SUMMARY.esm, failedBatches: 1 } };

    // Act
    const text = printed({ outDir: '/data/out', summary, warehouse: WAREHOUSE, report: REPORT, elapsedMs: 10, json: false });

    // Assess
    expect(text).not.toContain('ran out of retries');
    expect(text).toContain('1 records exceeded the invocation payload cap and went to on-failure without payload (MaximumPayloadSizeExceeded)');
    expect(text).toContain('streamflow replay --from onfailure --brokers HOST:PORT --out /data/out');
  });

  it('prints machine-readable JSON with --json', () => {
    // Prepare / Act
    const text = printed({ outDir: '/data/out', summary: SUMMARY, warehouse: WAREHOUSE, report: REPORT, elapsedMs: 42, json: true });

    // Assess
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toMatchObject({ outDir: '/data/out', ingest: { produced: SUMMARY.produced, failedBatches: 0 }, warehouse: { files: WAREHOUSE.files }, ledger: { lost: 0 }, elapsedMs: 42 });
  });
});
