import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { loadTargetFor } from '../../lambdas/shared/contracts/load-targets.js';
import { csvHeader } from '../../lambdas/shared/csv.js';
import {
  CUSTOMERS_TABLE,
  LOAD_METADATA_COLUMNS,
  PRODUCTS_TABLE,
  QUARANTINE_TABLE,
  TRANSACTIONS_TABLE,
  USER_EVENTS_TABLE,
  type Column,
} from '../../lambdas/shared/contracts/tables.js';
import { tableColumns, prepareWarehouse } from '../../lambdas/warehouse/prepare-warehouse.js';
import { consumeBatch, openWarehouseFixture, transaction, userEvent, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;

beforeEach(async () => {
  fixture = await openWarehouseFixture('bronze-contract');
});

afterEach(async () => {
  await fixture.close();
});

const CONTRACTS = [
  { definition: USER_EVENTS_TABLE, sampleKey: 'gold/user_events/dt=2025-03-01/user_events+0+0-9.csv.gz' },
  { definition: TRANSACTIONS_TABLE, sampleKey: 'gold/transactions/dt=2025-03-01/transactions+0+0-9.csv.gz' },
  { definition: PRODUCTS_TABLE, sampleKey: 'reference/products.json' },
  { definition: CUSTOMERS_TABLE, sampleKey: 'reference/customers.csv' },
  { definition: QUARANTINE_TABLE, sampleKey: 'quarantine/user_events/dt=2025-03-01/user_events+0+0-9.ndjson.gz' },
] as const;

describe('Bronze and the table contracts', () => {
  it.each(CONTRACTS)('$definition.bronzeTable: DDL columns = contract columns + load metadata', async ({ definition }) => {
    // Act
    const columns = await tableColumns(fixture.warehouse, 'bronze', definition.bronzeTable);

    // Assess
    expect(columns).toEqual([...definition.columns.map((column) => column.name), ...LOAD_METADATA_COLUMNS.map((column) => column.name)]);
  });

  it.each(CONTRACTS)("$definition.bronzeTable: the loader's COPY column list is the CSV writer's header", ({ definition, sampleKey }) => {
    // Act
    const target = loadTargetFor(sampleKey);

    // Assess
    expect(target?.bronze.table.name).toBe(definition.bronzeTable);
    expect(target?.bronze.fileColumns.map((column) => column.name).join(',')).toBe(csvHeader(definition.columns as readonly Column<never>[]));
  });

  it('the header of the gold files the consumer writes is the COPY column list', async () => {
    // Prepare
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-1', 0)]);
    await consumeBatch(fixture.store, 'transactions', [transaction('T-1', 0, [[0, 1, 100]])]);

    // Act
    const headers = await Promise.all(
      (await fixture.store.list('gold/')).map(async (object) => ({
        key: object.key,
        header: gunzipSync((await fixture.store.get(object.key))!).toString('utf8').split('\n')[0],
      })),
    );

    // Assess
    expect(headers).toHaveLength(2);
    for (const { key, header } of headers) {
      expect(header).toBe(loadTargetFor(key)!.bronze.fileColumns.map((column) => column.name).join(','));
    }
  });

  it('refuses a warehouse whose Bronze table has a column its contract no longer has (fewer columns are migrated)', async () => {
    // Prepare: a table as an older version of StreamFlow might have left it
    await fixture.warehouse.execute('drop table bronze.raw_products');
    await fixture.warehouse.execute('create table bronze.raw_products (product_id varchar, product_name varchar, legacy_flag varchar)');

    // Act + Assess
    await expect(prepareWarehouse(fixture.warehouse)).rejects.toThrow(
      /bronze\.raw_products cannot be migrated automatically: column legacy_flag is no longer in the current definition/,
    );
  });
});
