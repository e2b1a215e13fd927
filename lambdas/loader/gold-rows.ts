/**
 * Checks every row of a gold CSV against its table contract before it may reach Bronze, so a file
 * that did not come from our consumer (tampered, foreign, an older version) cannot load what the
 * consumer would have quarantined. Each row is read back into the value and Kafka coordinates it
 * claims and judged by the consumer's own validation (lambdas/consumer/validate-record.ts: the zod contract,
 * the reference data, the broker clock); then it must be written exactly as the contract writes
 * it, field by field, so both warehouses read the same values the check saw. Checking here, in
 * the loader, is what makes the engines agree: Snowflake ignores ERROR_ON_COLUMN_COUNT_MISMATCH
 * when COPY transforms (https://docs.snowflake.com/en/user-guide/data-load-transform, "When
 * querying staged data files, the ERROR_ON_COLUMN_COUNT_MISMATCH option is ignored"), so a short
 * row would load NULLs and a long row lose fields there, while DuckDB rejects both.
 */
import { isValidTime, validateValue } from '../consumer/validate-record.js';
import type { Column, ColumnType, GoldTable, KafkaMetadata, Sourced } from '../shared/contracts/tables.js';
import type { Transaction, UserEvent } from '../shared/contracts/events.js';
import { csvCell } from '../shared/csv.js';
import type { ReferenceCatalog } from '../shared/reference-catalog.js';
import { csvRecordsAfterHeader } from './csv-records.js';

/** Columns that carry the Kafka coordinates rather than a field of the value. */
const KAFKA_COLUMNS = new Set(['kafka_topic', 'kafka_partition', 'kafka_offset', 'kafka_timestamp', 'kafka_key']);
/** Columns the consumer computes from other fields (checked by writing the row again). */
const DERIVED_COLUMNS = new Set(['item_count']);

/** One row that breaks the contract, with why. */
export interface RowProblem {
  /** Data row number (1 = the first row after the header), as `_source_row_number` counts. */
  readonly row: number;
  readonly reasons: string;
}

export interface GoldRowsCheck {
  readonly rows: number;
  readonly problems: readonly RowProblem[];
}

type GoldValue = UserEvent | Transaction;
type AnyGoldTable = GoldTable<UserEvent> | GoldTable<Transaction>;

/** A field's text as the value the contract's column was written from. */
const valueOf = (type: string, text: string | null): unknown => {
  if (text === null) return null;
  switch (type) {
    case 'decimal':
    case 'integer':
    case 'bigint':
      return text.trim() === '' ? text : Number(text);
    case 'json':
      return JSON.parse(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
};

const isCoordinate = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The reasons one row breaks the contract; empty when it is a row the consumer would have written. */
const rowReasons = (table: AnyGoldTable, fields: readonly (string | null)[], catalog: ReferenceCatalog): string[] => {
  const { columns } = table;
  if (fields.length !== columns.length) return [`field_count: ${fields.length} fields, the contract has ${columns.length}`];

  const value: Record<string, unknown> = {};
  const kafka: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    if (DERIVED_COLUMNS.has(column.name)) continue;
    let parsed: unknown;
    try {
      parsed = valueOf(column.type, fields[i]!);
    } catch (error) {
      return [`invalid_value ${column.name}: ${(error as Error).message.slice(0, 120)}`];
    }
    if (KAFKA_COLUMNS.has(column.name)) kafka[column.name] = parsed;
    else if (parsed !== null) value[column.name] = parsed;
  }

  if (kafka.kafka_topic !== table.topic) return [`invalid_value kafka_topic: ${JSON.stringify(kafka.kafka_topic)?.slice(0, 80)} is not ${table.topic}`];
  if (!isCoordinate(kafka.kafka_partition) || !isCoordinate(kafka.kafka_offset)) return ['invalid_value kafka_partition/kafka_offset: not a Kafka coordinate'];
  const kafkaMetadata: KafkaMetadata = {
    topic: table.topic,
    partition: kafka.kafka_partition,
    offset: kafka.kafka_offset,
    timestamp: typeof kafka.kafka_timestamp === 'string' ? Date.parse(kafka.kafka_timestamp) : Number.NaN,
    key: (kafka.kafka_key as string | null) ?? null,
  };
  if (!isValidTime(kafkaMetadata.timestamp)) return [`invalid_value kafka_timestamp: ${JSON.stringify(kafka.kafka_timestamp)?.slice(0, 80)} is not a time`];
  const verdict = validateValue(table.topic, value, kafkaMetadata, catalog);
  if (!verdict.ok) return verdict.reasons.map((reason) => `${reason.code}${reason.field ? ` ${reason.field}` : ''}: ${reason.detail.slice(0, 160)}`);

  // Written again from what was validated, every field must read as the file has it.
  const sourced: Sourced<GoldValue> = { value: verdict.value, kafka: kafkaMetadata };
  const written = columns as readonly Column<Sourced<GoldValue>>[];
  for (let i = 0; i < written.length; i++) {
    const column = written[i]!;
    const read = column.read(sourced);
    if (writesAsRead(column.type, read, fields[i]!)) continue;
    const expected = csvCell(column.type, read);
    if (!sameCell(expected, fields[i]!)) {
      return [`not_canonical ${column.name}: the file has ${JSON.stringify(fields[i])?.slice(0, 80)}, the contract writes ${JSON.stringify(expected).slice(0, 80)}`];
    }
  }
  return [];
};

/**
 * The cases where writing the value again must give the field, without writing it (most cells of
 * a row: the check's cost): nothing is written as NULL, and text (varchar, date) that is the
 * field itself is written as it is or quoted (csvText), both of which read back as the field.
 * Every other case is written and compared by {@link sameCell}.
 */
const writesAsRead = (type: ColumnType, value: unknown, field: string | null): boolean =>
  value === null || value === undefined ? field === null : (type === 'varchar' || type === 'date') && value === field;

/**
 * A written cell and a read field agree when they read as the same value: an empty cell is NULL
 * (an empty unquoted field), any other cell unquoted is the field's text (`""` is the empty string).
 */
const sameCell = (cell: string, field: string | null): boolean => {
  if (field === null) return cell === '';
  if (cell === '') return false;
  return cell === field || (cell.startsWith('"') && cell.endsWith('"') && cell.slice(1, -1).replaceAll('""', '"') === field);
};

/**
 * Every data row of the gold file (its header already checked): how many there are and which
 * break the contract. A file that is not CSV at all throws a `CsvSyntaxError`.
 */
export const checkGoldRows = (text: string, table: AnyGoldTable, catalog: ReferenceCatalog): GoldRowsCheck => {
  const problems: RowProblem[] = [];
  let rows = 0;
  for (const record of csvRecordsAfterHeader(text)) {
    rows += 1;
    const reasons = rowReasons(table, record.fields, catalog);
    if (reasons.length > 0) problems.push({ row: rows, reasons: reasons.join('; ') });
  }
  return { rows, problems };
};
