import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOPICS, transactionSchema, userEventSchema } from '../../../lambdas/shared/contracts/events.js';
import { customerSchema, productSchema } from '../../../lambdas/shared/contracts/reference.js';
import {
  CUSTOMERS_TABLE,
  GOLD_TABLE_BY_TOPIC,
  LOAD_METADATA_COLUMNS,
  PRODUCTS_TABLE,
  TRANSACTIONS_TABLE,
  USER_EVENTS_TABLE,
  type Column,
  type Sourced,
} from '../../../lambdas/shared/contracts/tables.js';
import { CUSTOMERS, PRODUCTS, validTransactionArb, validUserEventArb } from '../../support/arbitraries.js';
import { BROKER_TIME } from '../../support/msk-event.js';

const KAFKA_COLUMNS = ['kafka_topic', 'kafka_partition', 'kafka_offset', 'kafka_timestamp', 'kafka_key'];
const ALL_TABLES = [USER_EVENTS_TABLE, TRANSACTIONS_TABLE, PRODUCTS_TABLE, CUSTOMERS_TABLE] as const;

const namesOf = (columns: readonly { name: string }[]): string[] => columns.map((column) => column.name);

/** Every column reads a value for a row, or null/undefined only where the column is nullable. */
const expectNullsOnlyWhereNullable = <T>(columns: readonly Column<T>[], row: T): void => {
  for (const column of columns) {
    const value = column.read(row);
    if (value === null || value === undefined) expect(column.nullable, column.name).toBe(true);
  }
};

describe('table definitions', () => {
  it.each(ALL_TABLES.map((table) => [table.name, table] as const))('%s has unique column names and a raw_ Bronze table', (name, table) => {
    // Act
    const names = namesOf(table.columns);

    // Assess
    expect(new Set(names).size).toBe(names.length);
    expect(table.bronzeTable).toBe(`raw_${name}`);
  });

  it('feeds each topic into the gold table of that topic, ending with the Kafka metadata columns', () => {
    for (const topic of Object.values(TOPICS)) {
      // Act
      const table = GOLD_TABLE_BY_TOPIC[topic];

      // Assess
      expect(table.topic).toBe(topic);
      expect(namesOf(table.columns).slice(-KAFKA_COLUMNS.length)).toEqual(KAFKA_COLUMNS);
    }
  });

  it.each([
    ['user_events', USER_EVENTS_TABLE.columns, userEventSchema.shape],
    ['transactions', TRANSACTIONS_TABLE.columns, transactionSchema.shape],
  ] as const)('%s: a column named after a contract field is nullable exactly when the field is optional', (_topic, columns, shape) => {
    // Prepare
    const fields = Object.entries(shape) as [string, { safeParse(value: unknown): { success: boolean } }][];

    // Act
    const mismatches = fields
      .map(([name, schema]) => ({ name, optional: schema.safeParse(null).success, column: columns.find((column) => column.name === name) }))
      .filter(({ column }) => column !== undefined)
      .filter(({ optional, column }) => optional !== column!.nullable);

    // Assess
    expect(mismatches.map(({ name }) => name)).toEqual([]);
  });

  it('gold columns read a value for every valid record, null only where nullable', () => {
    fc.assert(
      fc.property(validUserEventArb, validTransactionArb, fc.option(fc.string(), { nil: null }), (event, transaction, key) => {
        // Prepare
        const kafka = { topic: 't', partition: 0, offset: 1, timestamp: BROKER_TIME, key };

        // Act + Assess
        expectNullsOnlyWhereNullable<Sourced<typeof event.value>>(USER_EVENTS_TABLE.columns, { value: event.value, kafka });
        expectNullsOnlyWhereNullable<Sourced<typeof transaction.value>>(TRANSACTIONS_TABLE.columns, { value: transaction.value, kafka });
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['products', PRODUCTS_TABLE.columns, productSchema.shape, PRODUCTS],
    ['customers', CUSTOMERS_TABLE.columns, customerSchema.shape, CUSTOMERS],
  ] as const)('%s: columns are the reference contract fields, in order, each reading its own field', (_name, columns, shape, rows) => {
    // Act
    const names = namesOf(columns);

    // Assess
    expect(names).toEqual(Object.keys(shape));
    for (const row of rows.slice(0, 50)) {
      for (const column of columns as readonly Column<Record<string, unknown>>[]) {
        expect(column.read(row as Record<string, unknown>), column.name).toEqual((row as Record<string, unknown>)[column.name]);
      }
    }
  });

  it('appends load metadata columns whose names no table uses', () => {
    // Prepare
    const metadataNames = namesOf(LOAD_METADATA_COLUMNS);

    // Act
    const clashes = ALL_TABLES.flatMap((table) => namesOf(table.columns).filter((name) => metadataNames.includes(name)));

    // Assess
    expect(clashes).toEqual([]);
    expect(metadataNames.every((name) => name.startsWith('_'))).toBe(true);
  });
});
