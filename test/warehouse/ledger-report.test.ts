import '../support/quiet-powertools.js';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailedBatch } from '../../lambdas/local/esm-simulator.js';
import { OnFailureDestination } from '../../lambdas/local/onfailure-destination.js';
import { replay } from '../../lambdas/local/replay.js';
import { runLoader, type LoaderDeps } from '../../lambdas/loader/run-loader.js';
import { writeSourceOffsets, type SourceOffsets } from '../../lambdas/shared/source-offsets.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { bucketRemedies, buildLedgerReport, formatLedgerReport, UNROUTABLE } from '../../lambdas/warehouse/ledger-report.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { mskEvent } from '../support/msk-event.js';
import { consumeBatch, openWarehouseFixture, userEvent, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;
let deps: LoaderDeps;

beforeEach(async () => {
  fixture = await openWarehouseFixture('ledger');
  deps = { store: fixture.store, warehouse: fixture.warehouse, logger };
  await writeStandardScenario(fixture.store);
});

afterEach(async () => {
  await fixture.close();
});

const loadAndRefresh = async (): Promise<void> => {
  await runLoader({ kind: 'pending' }, deps);
  await runTaskGraph(fixture.warehouse);
};

describe('buildLedgerReport', () => {
  it('balances from landing to Gold and says so in one line', async () => {
    // Prepare
    await loadAndRefresh();

    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(report.lost).toBe(0);
    expect(report.lostInWarehouse).toBe(0);
    expect(report.topics).toEqual({
      user_events: { in: 7, landed: 7, gold: 6, quarantined: 1, pending: 0, unconsumed: 0, lost: 0, duplicates: 0, overlaps: 0 },
      transactions: { in: 4, landed: 4, gold: 4, quarantined: 0, pending: 0, unconsumed: 0, lost: 0, duplicates: 0, overlaps: 0 },
    });
    expect(report.quarantineReasons).toEqual({ missing_field: 1 });
    expect(report.gold).toMatchObject({ files: 3, rows: 10, loaded: 3, pending: 0, failed: 0, rowsNotInBronze: 0 });
    expect(report.tables).toMatchObject({ 'bronze.raw_user_events': 6, 'silver.stg_user_events': 5, 'gold.fact_transactions': 7, 'gold.agg_daily_revenue': 3 });
    expect(report.stages[0]).toEqual({ from: 'bronze.raw_user_events', to: 'silver.stg_user_events', expected: 5, actual: 5, note: '1 duplicate deliveries dropped' });
    expect(report.dq.find((check) => check.name === 'bronze_duplicate_deliveries')).toMatchObject({ severity: 'warn', violations: 1 });
    expect(report.source).toBe('landing');
    expect(report.verdict).toBe(
      'Nothing lost: 11 records landed (no source offsets recorded, so gaps before landing cannot be seen), every one in gold or quarantine (10 gold + 1 quarantined); all 10 gold rows in Bronze; Silver and Gold reconcile.',
    );
    expect(formatLedgerReport(report).split('\n').at(-1)).toBe(report.verdict);
  });

  it('counts gold rows not yet in Bronze as lost and says how to fix it', async () => {
    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(report.lost).toBe(10);
    expect(report.gold).toMatchObject({ files: 3, pending: 3, rowsNotInBronze: 10 });
    expect(report.verdict).toMatch(/^LOST 10 records of 11 records landed .*: 10 gold rows not in Bronze \(3 files not loaded yet: run `streamflow load`\)\.$/);
  });

  it('names rejected files and rows missing downstream of Bronze', async () => {
    // Prepare
    await fixture.store.put('gold/user_events/dt=2025-03-02/user_events+1+0-0.csv.gz', gzipSync('event_id\nE-x\n'), 'text/csv+gzip');
    await runLoader({ kind: 'pending' }, deps);

    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess: the rejected file is also a batch with no landing records
    expect(report.gold).toMatchObject({ failed: 1, rowsNotInBronze: 1 });
    expect(report.lostInWarehouse).toBeGreaterThan(0);
    expect(report.verdict).toContain('1 files rejected: see bronze.load_history');
    expect(report.verdict).toContain('Bronze rows missing downstream: run `streamflow refresh`');
  });

  it('counts a batch whose gold file went missing as lost', async () => {
    // Prepare
    await loadAndRefresh();
    await fixture.store.put('gold/transactions/dt=2025-03-01/transactions+0+0-3.csv.gz', gzipSync('transaction_id\n'), 'text/csv+gzip');

    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(report.topics.transactions).toEqual({ in: 4, landed: 4, gold: 0, quarantined: 0, pending: 0, unconsumed: 0, lost: 4, duplicates: 0, overlaps: 0 });
    expect(report.lost).toBe(4);
  });

  it('puts records of topics without a contract under _unroutable, so every record that entered is counted', async () => {
    // Prepare
    await consumeBatch(fixture.store, 'clickstream', [userEvent('C-1', 0)]);
    await consumeBatch(fixture.store, 'streamflow.invalid_input', ['{not json']);
    await loadAndRefresh();

    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(report.topics[UNROUTABLE]).toEqual({ in: 2, landed: 2, gold: 0, quarantined: 2, pending: 0, unconsumed: 0, lost: 0, duplicates: 0, overlaps: 0 });
    expect(Object.values(report.topics).reduce((sum, topic) => sum + topic.in, 0)).toBe(13);
    expect(report.lost).toBe(0);
  });
});

describe('buildLedgerReport against the source offsets', () => {
  /** The standard scenario's topic-partitions as the source saw them, with `extra` more user_events produced. */
  const source = (extra = 0): SourceOffsets => ({
    source: 'local topic log',
    partitions: [
      { topic: 'user_events', partition: 0, start: 0, end: 7 + extra, committed: 7 + extra },
      { topic: 'transactions', partition: 0, start: 0, end: 4, committed: 4 },
    ],
  });
  /** A discarded batch of user_events partition 0, offsets 7 and 8, as the ESM simulator hands it over. */
  const discarded = (): FailedBatch => {
    const event = mskEvent([7, 8].map((offset) => ({ topic: 'user_events', partition: 0, offset, value: userEvent(`E-late-${offset}`, 3), timestamp: Date.UTC(2025, 2, 1, 12) })));
    return {
      topic: 'user_events',
      partition: 0,
      firstOffset: 7,
      lastOffset: 8,
      firstTimestamp: Date.UTC(2025, 2, 1, 12),
      lastTimestamp: Date.UTC(2025, 2, 1, 12),
      batchSize: 2,
      attempts: 4,
      condition: 'RetryAttemptsExhausted',
      error: 'S3 is down',
      payloadBytes: Buffer.byteLength(JSON.stringify(event)),
      event,
    };
  };

  it('counts "in" from the produced offsets and names the offsets in no file as lost, with their partition', async () => {
    // Prepare: two records produced that never reached any file (the run stopped before delivering them)
    await loadAndRefresh();
    await writeSourceOffsets(fixture.store, source(2));

    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(report.source).toBe('local topic log');
    expect(report.topics.user_events).toMatchObject({ in: 9, landed: 7, lost: 2, pending: 0 });
    expect(report.partitions).toEqual([{ topic: 'user_events', partition: 0, produced: 9, committed: 9, gaps: [{ first: 7, last: 8 }], unconsumed: [], unresolved: [], pending: [] }]);
    expect(report.lost).toBe(2);
    expect(report.verdict).toBe('LOST 2 records of 13 records produced: 2 produced offsets in no landing file and no on-failure record.');
    expect(report.nothingLost).toBe(false);
    expect(formatLedgerReport(report)).toContain('LOST     user_events partition 0 offsets 7–8 (produced 9, committed 9)');
  });

  it('names offsets at or past a consumer group\'s committed offset that no file holds as not yet consumed, not lost', async () => {
    // Prepare: a broker's group committed 7 of user_events partition 0; offsets 7 and 8 wait on the broker
    await loadAndRefresh();
    const behind = { ...source(2), group: 'streamflow-consumer', partitions: source(2).partitions.map((entry) => (entry.topic === 'user_events' ? { ...entry, committed: 7 } : entry)) };

    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse, { source: behind });

    // Assess
    expect(report).toMatchObject({ lost: 0, pending: 0, unconsumed: 2, group: 'streamflow-consumer', nothingLost: false });
    expect(report.topics.user_events).toMatchObject({ in: 9, lost: 0, unconsumed: 2 });
    expect(report.partitions).toEqual([{ topic: 'user_events', partition: 0, produced: 9, committed: 7, gaps: [], unconsumed: [{ first: 7, last: 8 }], unresolved: [], pending: [] }]);
    expect(report.verdict).toMatch(
      /^Not yet consumed: 2 records \(group streamflow-consumer is behind on user_events partition 0 offsets 7–8\); nothing lost so far: of 13 records produced, 11 consumed, every one in gold or quarantine /,
    );
    expect(formatLedgerReport(report)).toContain('BEHIND   user_events partition 0 offsets 7–8 not yet consumed by group streamflow-consumer (produced 9, committed 7)');
  });

  it('counts offsets held by an on-failure record as pending with the command that replays them, and nothing lost once replayed', async () => {
    // Prepare
    await loadAndRefresh();
    await writeSourceOffsets(fixture.store, source(2));
    await new OnFailureDestination({ store: fixture.store }).send(discarded());

    // Act
    const pending = await buildLedgerReport(fixture.store, fixture.warehouse);
    const replayed = await replay({ store: fixture.store, selection: { sources: ['onfailure'] } });
    await loadAndRefresh();
    const after = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(pending).toMatchObject({ lost: 0, pending: 2 });
    expect(pending.verdict).toBe('PENDING 2 records of 13 records produced: 2 records pending in on-failure records: run `streamflow replay --from onfailure`.');
    expect(replayed.onFailure).toMatchObject({ objects: 1, records: 2 });
    expect(after).toMatchObject({ lost: 0, pending: 0, lostInWarehouse: 0 });
    expect(after.verdict).toMatch(/^Nothing lost: 13 records produced, every one in gold or quarantine \(12 gold \+ 1 quarantined\)/);
  });

  it("tells a deployed stage's reader the stack's own remedies, not the twin's commands", async () => {
    // Prepare: nothing loaded yet, and two produced records only in an on-failure record
    await writeSourceOffsets(fixture.store, source(2));
    await new OnFailureDestination({ store: fixture.store }).send(discarded());

    // Act: reported for a bucket, as `report --bucket` does
    const report = await buildLedgerReport(fixture.store, fixture.warehouse, { remedies: bucketRemedies('sf-data', 'sf-onfailure') });

    // Assess
    expect(report.verdict).toContain("files not loaded yet: the loader's next tick loads them");
    expect(report.verdict).toContain('run `streamflow replay --from onfailure --bucket sf-data --onfailure-bucket sf-onfailure`');
    expect(report.verdict).not.toContain('streamflow load');
    expect(formatLedgerReport(report)).toMatch(/PENDING .*: run `streamflow replay --from onfailure --bucket sf-data/);
  });

  it('reads a copied gold file as duplicate rows, counted once, not as lost', async () => {
    // Prepare: the first user_events gold file copied under another day's folder, loaded like any file
    await writeSourceOffsets(fixture.store, source());
    const [original] = (await fixture.store.list('gold/user_events/')).map((object) => object.key);
    await fixture.store.put(original!.replace('dt=2025-03-01', 'dt=2025-03-09'), (await fixture.store.get(original!))!, 'text/csv+gzip');
    await loadAndRefresh();

    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(report.topics.user_events).toMatchObject({ in: 7, lost: 0, duplicates: 3 });
    expect(report).toMatchObject({ lost: 0, lostInWarehouse: 0 });
    expect(report.verdict).toMatch(/^Nothing lost: 11 records produced, every one in gold or quarantine \(.*; 3 duplicate rows \(copied files\): counted once\)/);
  });

  it('reads a Bronze row deleted after a refresh as a gold row not in Bronze with its fix, never as a negative loss', async () => {
    // Prepare
    await writeSourceOffsets(fixture.store, source());
    await loadAndRefresh();
    await fixture.warehouse.execute("delete from bronze.raw_transactions where transaction_id = 'T-1'");

    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);
    await runLoader({ kind: 'reload', prefix: 'gold/', force: true }, deps);
    const fixed = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(report).toMatchObject({ lost: 1, lostInWarehouse: 0 });
    expect(report.verdict).toContain('1 gold rows not in Bronze (1 files with fewer rows in Bronze than in the file: run `streamflow load --reload gold/ --force`)');
    const text = formatLedgerReport(report);
    expect(text).not.toMatch(/MISSING -/);
    expect(text).toContain('1 more than upstream (removed upstream after a refresh)');
    expect(fixed).toMatchObject({ lost: 0, lostInWarehouse: 0 });
  });
});
