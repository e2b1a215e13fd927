/**
 * Fixtures for the warehouse suites: a local bucket filled the way the consumer fills it (its own
 * writeBatch, so gold files come from the project's CSV writer), and a prepared DuckDB warehouse.
 */
import { writeBatch } from '../../lambdas/consumer/consume-event.js';
import type { BatchLedger } from '../../lambdas/consumer/transform-batch.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import type { Transaction, UserEvent } from '../../lambdas/shared/contracts/events.js';
import type { Customer, Product } from '../../lambdas/shared/contracts/reference.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import type { WarehouseRow } from '../../lambdas/shared/ports/warehouse.js';
import { REFERENCE_KEYS } from '../../lambdas/shared/reference-catalog.js';
import { prepareWarehouse } from '../../lambdas/warehouse/prepare-warehouse.js';
import { CUSTOMERS, PRODUCTS, REFERENCE_CATALOG } from './arbitraries.js';
import { tempFolder } from './files.js';
import { BROKER_TIME, partitionBatch, type PlainRecord } from './msk-event.js';

/** A temporary bucket folder, a store on it and a prepared warehouse inside it; `close` removes all. */
export interface WarehouseFixture {
  readonly dir: string;
  readonly store: FolderObjectStore;
  readonly warehouse: DuckDbWarehouse;
  readonly warehouseFile: string;
  close(): Promise<void>;
}

export const openWarehouseFixture = async (label: string): Promise<WarehouseFixture> => {
  const folder = await tempFolder(label);
  const warehouseFile = `${folder.path}/warehouse.duckdb`;
  const warehouse = await DuckDbWarehouse.open(warehouseFile);
  await prepareWarehouse(warehouse);
  return {
    dir: folder.path,
    store: new FolderObjectStore(folder.path),
    warehouse,
    warehouseFile,
    close: async () => {
      await warehouse.close();
      await folder.remove();
    },
  };
};

/** Writes reference files as a deployment (or a person dropping a new version) would. */
export const putReferenceData = async (
  store: ObjectStore,
  data: { products?: readonly Product[]; customers?: readonly Customer[] } = {},
): Promise<void> => {
  await store.put(REFERENCE_KEYS.products, Buffer.from(JSON.stringify(data.products ?? PRODUCTS)), 'application/json');
  await store.put(REFERENCE_KEYS.customers, Buffer.from(JSON.stringify(data.customers ?? CUSTOMERS)), 'application/json');
};

/** Runs one partition batch through the consumer's own writer: landing, gold and quarantine files. */
export const consumeBatch = (
  store: ObjectStore,
  topic: string,
  values: readonly unknown[],
  options: { partition?: number; firstOffset?: number; brokerTime?: number } = {},
): Promise<BatchLedger> => {
  const records: Omit<PlainRecord, 'topic' | 'partition'>[] = values.map((value, index) => ({
    value,
    offset: (options.firstOffset ?? 0) + index,
    timestamp: options.brokerTime ?? BROKER_TIME,
    key: null,
  }));
  return writeBatch(store, partitionBatch(topic, records, options.partition ?? 0), REFERENCE_CATALOG);
};

const at = (day: number, hour: number): string => new Date(Date.UTC(2025, 1, 26 + day, hour, 15, 0)).toISOString();

/** A valid user event on day `day` (0 = 2025-02-26) of the fixture window. */
export const userEvent = (id: string, day: number, overrides: Partial<UserEvent> = {}): UserEvent => ({
  event_id: id,
  user_id: CUSTOMERS[day % CUSTOMERS.length]!.user_id,
  session_id: `S-${day}`,
  event_type: 'page_view',
  event_ts: at(day, 9),
  page_url: '/home',
  device_type: 'mobile',
  browser: 'chrome',
  operating_system: 'android',
  referrer: 'google',
  ...overrides,
});

/**
 * A valid transaction: items as [product index, quantity, unit price in cents]; discount and tax
 * in cents. The amounts add up exactly, as the contract requires.
 */
export const transaction = (
  id: string,
  day: number,
  items: readonly (readonly [number, number, number])[],
  amounts: { discountCents?: number; taxCents?: number; status?: Transaction['status']; userIndex?: number } = {},
): Transaction => {
  const subtotalCents = items.reduce((sum, [, quantity, priceCents]) => sum + quantity * priceCents, 0);
  const discountCents = amounts.discountCents ?? 0;
  const taxCents = amounts.taxCents ?? 0;
  return {
    transaction_id: id,
    user_id: CUSTOMERS[amounts.userIndex ?? day]!.user_id,
    session_id: `S-${day}`,
    event_ts: at(day, 14),
    products: items.map(([productIndex, quantity, priceCents]) => ({
      product_id: PRODUCTS[productIndex]!.product_id,
      quantity,
      unit_price: priceCents / 100,
    })),
    subtotal: subtotalCents / 100,
    discount: discountCents / 100,
    tax: taxCents / 100,
    total: (subtotalCents - discountCents + taxCents) / 100,
    currency: 'USD',
    payment_method: 'credit_card',
    status: amounts.status ?? 'completed',
    shipping_state: 'CA',
  };
};

/** The standard scenario: 3 days of events (one duplicate delivery, one bad record) and 4 transactions. */
export const STANDARD_TRANSACTIONS: readonly Transaction[] = [
  // 1/3 shares: the discount and tax do not split into cents evenly, the last line takes the remainder.
  transaction('T-1', 0, [[0, 1, 1000], [1, 1, 1000], [2, 1, 1000]], { discountCents: 100, taxCents: 200 }),
  transaction('T-2', 0, [[3, 2, 1999]], { taxCents: 320 }),
  transaction('T-3', 1, [[4, 1, 4999], [5, 3, 250]], { discountCents: 500, status: 'refunded' }),
  transaction('T-4', 2, [[6, 5, 399]], { taxCents: 160 }),
];

export const writeStandardScenario = async (store: ObjectStore): Promise<void> => {
  await putReferenceData(store);
  await consumeBatch(store, 'user_events', [
    userEvent('E-1', 0),
    userEvent('E-2', 0, { event_type: 'product_view', product_id: PRODUCTS[0]!.product_id }),
    userEvent('E-3', 1, { event_type: 'search', search_query: 'red, "warm" socks' }),
    { event_id: 'E-bad', user_id: CUSTOMERS[0]!.user_id },
  ]);
  await consumeBatch(
    store,
    'user_events',
    [
      userEvent('E-4', 2, { event_type: 'add_to_cart', product_id: PRODUCTS[1]!.product_id }),
      userEvent('E-5', 2, { event_type: 'purchase', transaction_id: 'T-4' }),
      // Delivered again by the producer in a later batch: Silver keeps one.
      userEvent('E-1', 0),
    ],
    { firstOffset: 4 },
  );
  await consumeBatch(store, 'transactions', STANDARD_TRANSACTIONS);
};

/** All rows of a table in a stable order, for comparing states. */
export const dumpTable = (rows: readonly WarehouseRow[]): string[] => rows.map((row) => JSON.stringify(row)).sort();
