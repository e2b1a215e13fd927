import '../support/quiet-powertools.js';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader, type LoaderDeps } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { buildLedgerReport, formatLedgerReport, UNROUTABLE } from '../../lambdas/warehouse/ledger-report.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
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
      user_events: { in: 7, gold: 6, quarantined: 1, lost: 0 },
      transactions: { in: 4, gold: 4, quarantined: 0, lost: 0 },
    });
    expect(report.quarantineReasons).toEqual({ missing_field: 1 });
    expect(report.gold).toMatchObject({ files: 3, rows: 10, loaded: 3, pending: 0, failed: 0, rowsNotInBronze: 0 });
    expect(report.tables).toMatchObject({ 'bronze.raw_user_events': 6, 'silver.stg_user_events': 5, 'gold.fact_transactions': 7, 'gold.agg_daily_revenue': 3 });
    expect(report.stages[0]).toEqual({ from: 'bronze.raw_user_events', to: 'silver.stg_user_events', expected: 5, actual: 5, note: '1 duplicate deliveries dropped' });
    expect(report.dq.find((check) => check.name === 'bronze_duplicate_deliveries')).toMatchObject({ severity: 'warn', violations: 1 });
    expect(report.verdict).toBe('Nothing lost: 11 records in = 10 gold + 1 quarantined; all 10 gold rows in Bronze; Silver and Gold reconcile.');
    expect(formatLedgerReport(report).split('\n').at(-1)).toBe(report.verdict);
  });

  it('counts gold rows not yet in Bronze as lost and says how to fix it', async () => {
    // Act
    const report = await buildLedgerReport(fixture.store, fixture.warehouse);

    // Assess
    expect(report.lost).toBe(10);
    expect(report.gold).toMatchObject({ files: 3, pending: 3, rowsNotInBronze: 10 });
    expect(report.verdict).toMatch(/^LOST 10 records: 10 gold rows not in Bronze \(3 files not loaded yet: run `streamflow load`\)\.$/);
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
    expect(report.topics.transactions).toEqual({ in: 4, gold: 0, quarantined: 0, lost: 4 });
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
    expect(report.topics[UNROUTABLE]).toEqual({ in: 2, gold: 0, quarantined: 2, lost: 0 });
    expect(Object.values(report.topics).reduce((sum, topic) => sum + topic.in, 0)).toBe(13);
    expect(report.lost).toBe(0);
  });
});
