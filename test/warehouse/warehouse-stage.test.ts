import '../support/quiet-powertools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ESM_SETTINGS } from '../../lambdas/local/esm-simulator.js';
import { ingest, publishReferenceData } from '../../lambdas/local/ingest.js';
import { ledgerReport, loadAndRefresh, loadFiles, refreshWarehouse, withWarehouse, type WarehouseStageSummary } from '../../lambdas/local/warehouse-stage.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import type { Transaction, UserEvent } from '../../lambdas/shared/contracts/events.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import type { LedgerReport } from '../../lambdas/warehouse/ledger-report.js';
import { tempFolder } from '../support/files.js';
import { filesUnder, gunzipFile, linesOf } from '../support/run-files.js';

/** A real local run's bucket: generated events with 5% dirt, in batches small enough to split duplicates. */
let folder: Awaited<ReturnType<typeof tempFolder>>;
let store: FolderObjectStore;
let warehouseFile: string;
let first: WarehouseStageSummary;
let report: LedgerReport;

beforeAll(async () => {
  folder = await tempFolder('warehouse-stage');
  store = new FolderObjectStore(folder.path);
  warehouseFile = `${folder.path}/warehouse.duckdb`;
  await publishReferenceData(store);
  const source = generateEventStream({ events: 4000, seed: 7, window: eventWindow(new Date('2025-06-30T00:00:00Z'), 10), dirtyRate: 0.05 });
  await ingest({ store, source, esm: { ...DEFAULT_ESM_SETTINGS, batchSize: 150 }, partitions: 2 });
  first = await withWarehouse(warehouseFile, (warehouse) => loadAndRefresh({ store, warehouse }));
  report = await ledgerReport({ store, warehouseFile });
});

afterAll(async () => {
  await folder.remove();
});

interface LandingLine {
  topic: string;
  partition: number;
  offset: number;
  value: string | null;
}

/** The valid records of a topic, computed straight from the landing and quarantine files (no warehouse code). */
const validRecords = async <T>(topic: string, idField: string): Promise<T[]> => {
  const quarantined = new Set<string>();
  for (const path of await filesUnder(folder.path, `quarantine/${topic}`)) {
    for (const line of linesOf(await gunzipFile(folder.path, path))) {
      const record = JSON.parse(line) as LandingLine;
      quarantined.add(`${record.partition}:${record.offset}`);
    }
  }
  const byId = new Map<string, T>();
  for (const path of await filesUnder(folder.path, `landing/${topic}`)) {
    for (const line of linesOf(await gunzipFile(folder.path, path))) {
      const record = JSON.parse(line) as LandingLine;
      if (quarantined.has(`${record.partition}:${record.offset}`)) continue;
      const value = JSON.parse(record.value!) as Record<string, string>;
      // A duplicate delivery repeats the same message: any copy has the same values.
      byId.set(value[idField]!, value as T);
    }
  }
  return [...byId.values()];
};

const cents = (amount: number): number => Math.round(amount * 100);
const utcDate = (timestamp: string): string => new Date(timestamp).toISOString().slice(0, 10);

describe('the warehouse stage of a local run', () => {
  it('loads every gold and reference file, refreshes Silver and Gold and runs the checks', () => {
    expect(first.files).toMatchObject({ failed: 0, skipped: 0 });
    expect(first.files.loaded).toBeGreaterThan(20);
    expect(first.bronzeRows['bronze.raw_products']).toBe(2000);
    expect(first.steps.map((step) => step.model)).toContain('gold/agg_daily_revenue');
    expect(first.dq.length).toBeGreaterThan(10);
    expect(Object.keys(first.timings.tasks)).toEqual(['refresh_silver', 'refresh_gold', 'dq_checks']);
  });

  it('loses nothing with dirty data: the report balances and names what was injected', () => {
    expect(report.lost).toBe(0);
    expect(report.lostInWarehouse).toBe(0);
    expect(report.verdict).toMatch(/^Nothing lost: 4,\d{3} records produced, every one in gold or quarantine /);
    expect(Object.keys(report.quarantineReasons)).toEqual(expect.arrayContaining(['malformed_json', 'missing_field', 'unknown_user_id']));
    expect(report.dq.filter((check) => check.severity === 'error' && check.violations > 0)).toEqual([]);
    const named = report.dq.filter((check) => check.violations > 0).map((check) => check.name);
    expect(named).toEqual(
      expect.arrayContaining([
        'quarantine_unreadable_records',
        'quarantine_missing_fields',
        'quarantine_invalid_values',
        'quarantine_unknown_ids',
        'quarantine_duplicates_in_batch',
      ]),
    );
    const quarantined = Object.values(report.topics).reduce((sum, topic) => sum + topic.quarantined, 0);
    expect(report.tables['bronze.raw_quarantine']).toBe(quarantined);
  });

  it('matches totals and counts recomputed straight from the landing files', async () => {
    // Prepare
    const events = await validRecords<UserEvent>('user_events', 'event_id');
    const transactions = await validRecords<Transaction>('transactions', 'transaction_id');
    const dailyGross = new Map<string, number>();
    const dailyRevenue = new Map<string, number>();
    for (const txn of transactions) {
      const day = utcDate(txn.event_ts);
      dailyGross.set(day, (dailyGross.get(day) ?? 0) + cents(txn.total));
      if (txn.status === 'completed') dailyRevenue.set(day, (dailyRevenue.get(day) ?? 0) + cents(txn.total));
    }

    // Act
    const warehouse = await withWarehouse(warehouseFile, async (dw) => ({
      events: await dw.query<{ event_type: string; events: number }>('select event_type, count(*) as events from gold.fact_user_activity group by 1 order by 1'),
      lines: await dw.query<{ transactions: number; lines: number; quantity: number; total: number }>(
        'select count(distinct transaction_id) as transactions, count(*) as lines, sum(quantity) as quantity, sum(line_total) as total from gold.fact_transactions',
      ),
      daily: await dw.query<{ revenue_date: string; gross_amount: number; revenue: number; transactions: number }>(
        'select revenue_date, gross_amount, revenue, transactions from gold.agg_daily_revenue order by 1',
      ),
    }));

    // Assess
    const typeCounts = new Map<string, number>();
    for (const event of events) typeCounts.set(event.event_type, (typeCounts.get(event.event_type) ?? 0) + 1);
    expect(warehouse.events).toEqual([...typeCounts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([event_type, count]) => ({ event_type, events: count })));
    expect(warehouse.lines).toEqual([
      {
        transactions: transactions.length,
        lines: transactions.reduce((sum, txn) => sum + txn.products.length, 0),
        quantity: transactions.reduce((sum, txn) => sum + txn.products.reduce((n, item) => n + item.quantity, 0), 0),
        total: expect.closeTo(transactions.reduce((sum, txn) => sum + cents(txn.total), 0) / 100, 2) as number,
      },
    ]);
    expect(warehouse.daily.map((day) => [day.revenue_date, cents(day.gross_amount), cents(day.revenue)])).toEqual(
      [...dailyGross.keys()].sort().map((day) => [day, dailyGross.get(day), dailyRevenue.get(day) ?? 0]),
    );
  });

  it('changes nothing when load and refresh run again', async () => {
    // Act
    const load = await loadFiles({ store, warehouseFile });
    const refresh = await refreshWarehouse({ warehouseFile });

    // Assess
    expect(load).toMatchObject({ loaded: 0, failed: 0 });
    expect(refresh.steps.filter((step) => step.materialization !== 'rebuild' && step.rowsChanged > 0)).toEqual([]);
    expect(refresh.steps.map((step) => step.rows)).toEqual(first.steps.map((step) => step.rows));
  });

  it('refreshes when a load added rows, as the triggered tasks do, and not when it added none', async () => {
    // Act: everything is loaded already
    const again = await withWarehouse(warehouseFile, (warehouse) => loadAndRefresh({ store, warehouse }));

    // Assess
    expect(first.triggeredBy).toEqual(expect.arrayContaining(['bronze.raw_user_events_stream', 'bronze.raw_transactions_stream']));
    expect(again.files).toMatchObject({ loaded: 0, failed: 0 });
    expect(again).toMatchObject({ triggeredBy: [], steps: [], dq: [], timings: { tasks: {} } });
  });
});
