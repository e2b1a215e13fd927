import '../support/quiet-powertools.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader, type LoaderDeps } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { CUSTOMERS, PRODUCTS } from '../support/arbitraries.js';
import { consumeBatch, openWarehouseFixture, putReferenceData, transaction, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;
let deps: LoaderDeps;

const [first, second] = [CUSTOMERS[0]!, CUSTOMERS[1]!];
const otherAccountType = first.account_type === 'business' ? 'standard' : 'business';

beforeEach(async () => {
  fixture = await openWarehouseFixture('reference-reload');
  deps = { store: fixture.store, warehouse: fixture.warehouse, logger };
  await writeStandardScenario(fixture.store);
  await runLoader({ kind: 'pending' }, deps);
  await runTaskGraph(fixture.warehouse);
});

afterEach(async () => {
  await fixture.close();
});

/** Drops a new version of both reference files: one tracked change, one untracked, one renamed product. */
const dropChangedReferenceData = () =>
  putReferenceData(fixture.store, {
    customers: CUSTOMERS.map((customer) =>
      customer === first
        ? { ...customer, account_type: otherAccountType }
        : customer === second
          ? { ...customer, email: 'new.address@example.com' }
          : customer,
    ),
    products: PRODUCTS.map((product, index) => (index === 0 ? { ...product, product_name: 'Renamed product' } : product)),
  });

describe('a new reference drop', () => {
  it('reloads the dimensions: a product renamed in place, a customer versioned as SCD type 2', async () => {
    // Prepare
    const [before] = await fixture.warehouse.query<{ customer_key: string }>(`select customer_key from gold.dim_customer where user_id = ?`, [first.user_id]);
    await dropChangedReferenceData();

    // Act
    const load = await runLoader({ kind: 'pending' }, deps);
    await runTaskGraph(fixture.warehouse);

    // Assess
    expect(load.rowsLoaded).toEqual({ 'bronze.raw_products': 2000, 'bronze.raw_customers': 1000 });
    expect(await fixture.warehouse.query('select product_name from gold.dim_product where product_id = ?', [PRODUCTS[0]!.product_id])).toEqual([
      { product_name: 'Renamed product' },
    ]);
    const versions = await fixture.warehouse.query<{ customer_key: string; account_type: string; scd_version: number; is_current: boolean; valid_from: string; valid_to: string }>(
      'select customer_key, account_type, scd_version, is_current, valid_from, valid_to from gold.dim_customer where user_id = ? order by scd_version',
      [first.user_id],
    );
    expect(versions).toMatchObject([
      { customer_key: before!.customer_key, account_type: first.account_type, scd_version: 1, is_current: false, valid_from: '1900-01-01T00:00:00.000Z' },
      { account_type: otherAccountType, scd_version: 2, is_current: true, valid_to: '9999-12-31T00:00:00.000Z' },
    ]);
    expect(versions[0]!.valid_to).toBe(versions[1]!.valid_from);
    // An untracked attribute is overwritten in the current version (type 1).
    expect(await fixture.warehouse.query('select email, scd_version from gold.dim_customer where user_id = ?', [second.user_id])).toEqual([
      { email: 'new.address@example.com', scd_version: 1 },
    ]);
  });

  it('keeps facts on the customer version that was valid when they happened', async () => {
    // Prepare
    await dropChangedReferenceData();
    await runLoader({ kind: 'pending' }, deps);
    await runTaskGraph(fixture.warehouse);
    // A transaction that happens after the change was loaded
    const later = { ...transaction('T-later', 0, [[0, 1, 500]]), event_ts: new Date(Date.now() + 60_000).toISOString() };
    await consumeBatch(fixture.store, 'transactions', [later], { firstOffset: 10, brokerTime: Date.now() + 60_000 });

    // Act
    await runLoader({ kind: 'pending' }, deps);
    await runTaskGraph(fixture.warehouse);

    // Assess
    expect(
      await fixture.warehouse.query(
        `select facts.transaction_id, customers.scd_version
         from gold.fact_transactions as facts
         inner join gold.dim_customer as customers on customers.customer_key = facts.customer_key
         where facts.user_id = ? and facts.line_number = 1
         order by 1`,
        [first.user_id],
      ),
    ).toEqual([
      { transaction_id: 'T-1', scd_version: 1 },
      { transaction_id: 'T-2', scd_version: 1 },
      { transaction_id: 'T-later', scd_version: 2 },
    ]);
  });

  it('changes nothing when the same reference files are dropped again', async () => {
    // Prepare
    const before = await fixture.warehouse.query('select * from gold.dim_customer order by customer_key');
    await putReferenceData(fixture.store);

    // Act
    const load = await runLoader({ kind: 'pending' }, deps);
    await runTaskGraph(fixture.warehouse);

    // Assess: same bytes, same ETag: nothing to load
    expect(load.loaded).toBe(0);
    expect(await fixture.warehouse.query('select * from gold.dim_customer order by customer_key')).toEqual(before);
  });
});
