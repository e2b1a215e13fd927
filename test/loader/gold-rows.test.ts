/**
 * The loader's row check (lambdas/loader/gold-rows.ts), as a property: every row the consumer
 * writes passes, and the same row with one cell spelled in a way a CSV reader takes for the same
 * value, but the contract never writes, is named as not canonical. Pure: no warehouse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateValue } from '../../lambdas/consumer/validate-record.js';
import { checkGoldRows } from '../../lambdas/loader/gold-rows.js';
import { TRANSACTIONS_TABLE, USER_EVENTS_TABLE, type GoldTable, type KafkaMetadata } from '../../lambdas/shared/contracts/tables.js';
import type { Transaction, UserEvent } from '../../lambdas/shared/contracts/events.js';
import { csvCell, csvHeader } from '../../lambdas/shared/csv.js';
import { REFERENCE_CATALOG, validTransactionArb, validUserEventArb, type Timed } from '../support/arbitraries.js';

/** Same value, other text: an offset instead of Z, a leading zero, a third decimal. */
const RESPELLINGS: Record<string, (field: string) => string> = {
  event_ts: (field) => field.replace(/Z$/, '+00:00'),
  kafka_timestamp: (field) => field.replace(/Z$/, '+00:00'),
  kafka_offset: (field) => `0${field}`,
  kafka_partition: (field) => `0${field}`,
  subtotal: (field) => `${field}0`,
  total: (field) => `${field}0`,
};

/**
 * The header and the row the consumer writes for one record, with `respell` applied to one cell
 * (none when omitted); undefined when the consumer would quarantine the record.
 */
const goldFile = <T extends UserEvent | Transaction>(table: GoldTable<T>, record: Timed<T>, offset: number, respell?: { column: string }): string | undefined => {
  const kafka: KafkaMetadata = { topic: table.topic, partition: 1, offset, timestamp: record.timestamp, key: null };
  const verdict = validateValue(table.topic, record.value, kafka, REFERENCE_CATALOG);
  if (!verdict.ok) return undefined;
  const row = { value: verdict.value as T, kafka };
  const cells = table.columns.map((column) => {
    const cell = csvCell(column.type, column.read(row));
    return column.name === respell?.column ? RESPELLINGS[column.name]!(cell) : cell;
  });
  return `${csvHeader(table.columns)}\n${cells.join(',')}\n`;
};

/** The loader's check of a file; `table` typed by its record, as the loader's own union cannot be from a type parameter. */
const check = <T>(table: GoldTable<T>, text: string) => checkGoldRows(text, table as unknown as Parameters<typeof checkGoldRows>[1], REFERENCE_CATALOG);

const property = <T extends UserEvent | Transaction>(table: GoldTable<T>, records: fc.Arbitrary<Timed<T>>) =>
  fc.property(records, fc.nat({ max: 1_000_000 }), fc.constantFrom(...table.columns.map((column) => column.name).filter((name) => name in RESPELLINGS)), (record, offset, column) => {
    const written = goldFile(table, record, offset);
    fc.pre(written !== undefined);
    expect(check(table, written)).toEqual({ rows: 1, problems: [] });

    const { problems } = check(table, goldFile(table, record, offset, { column })!);
    expect(problems.map((problem) => problem.reasons.split(':')[0])).toEqual([`not_canonical ${column}`]);
  });

describe('the loader row check (property)', () => {
  it('passes every user event row the consumer writes and names a respelled timestamp or coordinate as not canonical', () => {
    fc.assert(property(USER_EVENTS_TABLE, validUserEventArb), { numRuns: 300 });
  });

  it('passes every transaction row the consumer writes and names a respelled amount, timestamp or coordinate as not canonical', () => {
    fc.assert(property(TRANSACTIONS_TABLE, validTransactionArb), { numRuns: 300 });
  });
});
