import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IngestSummary } from '../../lambdas/local/ingest.js';
import type { ObjectLedger } from '../../lambdas/shared/object-ledger.js';
import type { FailedBatch } from '../../lambdas/local/esm-simulator.js';
import { mskEventOf } from '../../lambdas/local/msk-event.js';
import { printRunSummary } from '../../bin/cli/run-summary.js';

const SUMMARY: IngestSummary = {
  produced: { user_events: 19_762, transactions: 238 },
  esm: { invocations: 9, batches: 9, retries: 0, failedBatches: 0, records: 20_000 },
  consumed: { in: 20_000, gold: { user_events: 18_850, transactions: 225 }, quarantined: 925, reasons: { malformed_json: 146, invalid_type: 177 } },
  failedBatches: [],
  timings: { produceMs: 330, deliverMs: 700 },
};

const LEDGER: ObjectLedger = {
  topics: { user_events: { landed: 19_762, gold: 18_850, quarantined: 912, lost: 0 }, transactions: { landed: 238, gold: 225, quarantined: 13, lost: 0 } },
  batches: 9,
  unbalanced: [],
  reasons: { malformed_json: 146, invalid_type: 177 },
  lost: 0,
};

const printed = (report: Parameters<typeof printRunSummary>[0]): string => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  printRunSummary(report);
  return log.mock.calls.map((call) => call.join(' ')).join('\n');
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('printRunSummary', () => {
  it('prints produced, delivered, landed, gold, quarantined by reason, time and the ledger line', () => {
    // Prepare
    const outDir = `${process.cwd()}/.streamflow`;

    // Act
    const text = printed({ outDir, summary: SUMMARY, ledger: LEDGER, elapsedMs: 1_110, json: false });

    // Assess
    expect(text).toContain('produced      20,000 events (user_events 19,762, transactions 238)');
    expect(text).toContain('delivered     9 batches in 9 invocations (0 retries, 0 sent to on-failure)');
    expect(text).toContain('landed        20,000 records  → .streamflow/landing/');
    expect(text).toContain('gold rows     user_events 18,850, transactions 225');
    expect(text).toContain('quarantined   925 records');
    // Reasons, most frequent first.
    expect(text.indexOf('invalid_type')).toBeLessThan(text.indexOf('malformed_json'));
    expect(text).toContain('total 1.11 s');
    expect(text).toContain('user_events 19,762 = 18,850 gold + 912 quarantined');
    expect(text).toContain('nothing lost: every record is in gold or quarantine (9 batches balance)');
  });

  it('says what was lost and where the failed batches are when the run did not balance', () => {
    // Prepare
    const failed: FailedBatch = { topic: 'transactions', partition: 1, firstOffset: 0, lastOffset: 24, batchSize: 25, attempts: 4, error: 'S3 is down', event: mskEventOf([]) };
    const summary: IngestSummary = { ...SUMMARY, failedBatches: [failed], esm: { ...SUMMARY.esm, failedBatches: 1 } };
    const ledger: ObjectLedger = { ...LEDGER, lost: 3, unbalanced: ['user_events+0+0-4999'] };

    // Act
    const text = printed({ outDir: '/data/out', summary, ledger, elapsedMs: 10, json: false });

    // Assess
    expect(text).toContain('LOST 3 records in 1 unbalanced batches; 1 batches in /data/out/onfailure/');
    expect(text).not.toContain('nothing lost');
  });

  it('prints machine-readable JSON with --json', () => {
    // Prepare / Act
    const text = printed({ outDir: '/data/out', summary: SUMMARY, ledger: LEDGER, elapsedMs: 42, json: true });

    // Assess
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toMatchObject({ outDir: '/data/out', produced: SUMMARY.produced, failedBatches: 0, ledger: LEDGER, elapsedMs: 42 });
  });
});
