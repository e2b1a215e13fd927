/**
 * Silver across stream batches. A refresh reads only the rows its stream holds (the rows loaded
 * since the last run), in Snowflake and, through the twin's stream views (local-streams.ts), on
 * DuckDB too. This suite checks what the first-copy-wins rule means when the copies arrive in
 * different batches, and that the stream holds exactly the new batch when the refresh runs.
 */
import '../support/quiet-powertools.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader, type LoaderDeps } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { streamNameFor } from '../../lambdas/warehouse/task-graph.js';
import { STANDARD_TRANSACTIONS, consumeBatch, openWarehouseFixture, transaction, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;
let deps: LoaderDeps;

beforeEach(async () => {
  fixture = await openWarehouseFixture('stream-batches');
  deps = { store: fixture.store, warehouse: fixture.warehouse, logger };
  await writeStandardScenario(fixture.store);
  await runLoader({ kind: 'pending' }, deps);
  await runTaskGraph(fixture.warehouse);
});

afterEach(async () => {
  await fixture.close();
});

/** The next refresh, after checking that the Bronze stream holds the rows of `newFiles` and nothing else. */
const refreshFromStream = async (newFiles: readonly string[]): Promise<void> => {
  const inStream = await fixture.warehouse.query<{ file: string }>(`select distinct _source_file as file from ${streamNameFor('bronze.raw_transactions')} order by 1`);
  expect(inStream.map((row) => row.file)).toEqual([...newFiles].sort());
  await runTaskGraph(fixture.warehouse);
};

describe('Silver refreshed from stream batches (the twin\'s streams on DuckDB)', () => {
  it('keeps the first copy of a transaction and only its items, when a later batch delivers it again with other products', async () => {
    // Prepare: T-1 (three items) delivered again later, now with four items and at other offsets
    const [first] = STANDARD_TRANSACTIONS;
    const redelivered = transaction('T-1', 0, [[0, 1, 1000], [1, 1, 1000], [2, 1, 1000], [3, 1, 1000]], { discountCents: 100, taxCents: 200 });
    const ledger = await consumeBatch(fixture.store, 'transactions', [redelivered], { firstOffset: 40 });
    await runLoader({ kind: 'pending' }, deps);
    const [kept] = await fixture.warehouse.query<{ source_file: string }>("select source_file from silver.stg_transactions where transaction_id = 'T-1'");
    const newFiles = (await fixture.warehouse.query<{ file: string }>('select distinct _source_file as file from bronze.raw_transactions where _source_file <> ?', [kept!.source_file])).map(
      (row) => row.file,
    );

    // Act: the next refresh_silver sees only the new batch
    await refreshFromStream(newFiles);

    // Assess: the header and its items are the first copy's, nothing of the second copy is added
    expect(ledger.gold).toBe(1);
    expect(newFiles).toHaveLength(1);
    const items = await fixture.warehouse.query<{ line_number: number; source_file: string }>(
      "select line_number, source_file from silver.stg_transaction_items where transaction_id = 'T-1' order by line_number",
    );
    expect(items).toEqual(first!.products.map((_, index) => ({ line_number: index + 1, source_file: kept!.source_file })));
    expect(await fixture.warehouse.query("select subtotal from silver.stg_transactions where transaction_id = 'T-1'")).toEqual([{ subtotal: first!.subtotal }]);
  });

  it('takes the items of a transaction first delivered in this batch', async () => {
    // Prepare
    await consumeBatch(fixture.store, 'transactions', [transaction('T-9', 1, [[7, 2, 500], [8, 1, 250]])], { firstOffset: 40 });
    await runLoader({ kind: 'pending' }, deps);
    const newFiles = (await fixture.warehouse.query<{ file: string }>("select distinct _source_file as file from bronze.raw_transactions where trim(transaction_id) = 'T-9'")).map(
      (row) => row.file,
    );

    // Act
    await refreshFromStream(newFiles);

    // Assess
    expect(await fixture.warehouse.query("select line_number, quantity from silver.stg_transaction_items where transaction_id = 'T-9' order by 1")).toEqual([
      { line_number: 1, quantity: 2 },
      { line_number: 2, quantity: 1 },
    ]);
  });
});
