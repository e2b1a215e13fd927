/**
 * Table definitions: the single source of the gold CSV column order, the Bronze DDL and the
 * loader's COPY column list. Each column says how it is read from a validated record, so the
 * CSV writer and the DDL cannot drift apart.
 */
import type { Customer, Product } from './reference.js';
import type { Topic, Transaction, UserEvent } from './events.js';
import { TOPICS } from './events.js';

/** Logical column types; each warehouse adapter maps them to its own DDL type. */
export type ColumnType = 'varchar' | 'integer' | 'bigint' | 'decimal' | 'double' | 'timestamp' | 'date' | 'boolean' | 'json';

/**
 * Instants a `timestamp` column holds: years 0001 to 9999, what ISO-8601 writes with four digits
 * and both warehouses read. Later times print as `+010000-…`, which no COPY accepts.
 */
export const TIMESTAMP_RANGE_MS = { min: Date.parse('0001-01-01T00:00:00Z'), end: Date.parse('+010000-01-01T00:00:00Z') } as const;

export interface Column<T> {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly read: (row: T) => unknown;
}

/** Kafka coordinates of the record a gold row came from (kept as Bronze does in seed 003). */
export interface KafkaMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;
}

/** A validated record together with where it came from: what gold columns are read from. */
export interface Sourced<T> {
  readonly value: T;
  readonly kafka: KafkaMetadata;
}

const col = <T>(name: string, type: ColumnType, read: (row: T) => unknown, nullable = false): Column<T> => ({
  name,
  type,
  nullable,
  read,
});

const kafkaColumns = <T>(): Column<Sourced<T>>[] => [
  col('kafka_topic', 'varchar', (r) => r.kafka.topic),
  col('kafka_partition', 'integer', (r) => r.kafka.partition),
  col('kafka_offset', 'bigint', (r) => r.kafka.offset),
  // Kafka's "no timestamp" is -1 (NO_TIMESTAMP_TYPE): left empty, never written as 1969-12-31.
  col('kafka_timestamp', 'timestamp', (r) => (r.kafka.timestamp >= 0 ? new Date(r.kafka.timestamp) : null), true),
  col('kafka_key', 'varchar', (r) => r.kafka.key, true),
];

export interface GoldTable<T> {
  /** Folder under `gold/` and the suffix of the Bronze table (`raw_<name>`). */
  readonly name: string;
  readonly topic: Topic;
  readonly bronzeTable: string;
  readonly columns: readonly Column<Sourced<T>>[];
}

export const USER_EVENTS_TABLE: GoldTable<UserEvent> = {
  name: 'user_events',
  topic: TOPICS.userEvents,
  bronzeTable: 'raw_user_events',
  columns: [
    col('event_id', 'varchar', (r) => r.value.event_id),
    col('user_id', 'varchar', (r) => r.value.user_id),
    col('session_id', 'varchar', (r) => r.value.session_id),
    col('event_type', 'varchar', (r) => r.value.event_type),
    col('event_ts', 'timestamp', (r) => new Date(r.value.event_ts)),
    col('page_url', 'varchar', (r) => r.value.page_url),
    col('product_id', 'varchar', (r) => r.value.product_id, true),
    col('search_query', 'varchar', (r) => r.value.search_query, true),
    col('transaction_id', 'varchar', (r) => r.value.transaction_id, true),
    col('device_type', 'varchar', (r) => r.value.device_type),
    col('browser', 'varchar', (r) => r.value.browser),
    col('operating_system', 'varchar', (r) => r.value.operating_system),
    col('referrer', 'varchar', (r) => r.value.referrer),
    ...kafkaColumns<UserEvent>(),
  ],
};

export const TRANSACTIONS_TABLE: GoldTable<Transaction> = {
  name: 'transactions',
  topic: TOPICS.transactions,
  bronzeTable: 'raw_transactions',
  columns: [
    col('transaction_id', 'varchar', (r) => r.value.transaction_id),
    col('user_id', 'varchar', (r) => r.value.user_id),
    col('session_id', 'varchar', (r) => r.value.session_id, true),
    col('event_ts', 'timestamp', (r) => new Date(r.value.event_ts)),
    // Nested items stay one JSON column in Bronze; Silver flattens them (stg_transaction_items).
    col('products', 'json', (r) => r.value.products),
    col('item_count', 'integer', (r) => r.value.products.reduce((n, item) => n + item.quantity, 0)),
    col('subtotal', 'decimal', (r) => r.value.subtotal),
    col('discount', 'decimal', (r) => r.value.discount),
    col('tax', 'decimal', (r) => r.value.tax),
    col('total', 'decimal', (r) => r.value.total),
    col('currency', 'varchar', (r) => r.value.currency),
    col('payment_method', 'varchar', (r) => r.value.payment_method),
    col('status', 'varchar', (r) => r.value.status),
    col('shipping_state', 'varchar', (r) => r.value.shipping_state),
    ...kafkaColumns<Transaction>(),
  ],
};

/** Gold tables by the topic that feeds them. */
export const GOLD_TABLE_BY_TOPIC: Readonly<Record<Topic, GoldTable<UserEvent> | GoldTable<Transaction>>> = {
  [TOPICS.userEvents]: USER_EVENTS_TABLE,
  [TOPICS.transactions]: TRANSACTIONS_TABLE,
};

/** Reference tables: loaded from `reference/` into Bronze as they are. */
export interface ReferenceTable<T> {
  readonly name: string;
  readonly bronzeTable: string;
  readonly columns: readonly Column<T>[];
}

export const PRODUCTS_TABLE: ReferenceTable<Product> = {
  name: 'products',
  bronzeTable: 'raw_products',
  columns: [
    col('product_id', 'varchar', (p) => p.product_id),
    col('product_name', 'varchar', (p) => p.product_name),
    col('description', 'varchar', (p) => p.description),
    col('category', 'varchar', (p) => p.category),
    col('subcategory', 'varchar', (p) => p.subcategory),
    col('brand', 'varchar', (p) => p.brand),
    col('manufacturer', 'varchar', (p) => p.manufacturer),
    col('msrp', 'decimal', (p) => p.msrp),
    col('cost_price', 'decimal', (p) => p.cost_price),
    col('created_date', 'date', (p) => p.created_date),
    col('is_active', 'boolean', (p) => p.is_active),
  ],
};

export const CUSTOMERS_TABLE: ReferenceTable<Customer> = {
  name: 'customers',
  bronzeTable: 'raw_customers',
  columns: [
    col('user_id', 'varchar', (c) => c.user_id),
    col('email', 'varchar', (c) => c.email),
    col('first_name', 'varchar', (c) => c.first_name),
    col('last_name', 'varchar', (c) => c.last_name),
    col('registration_date', 'date', (c) => c.registration_date),
    col('account_type', 'varchar', (c) => c.account_type),
    col('date_of_birth', 'date', (c) => c.date_of_birth),
    col('loyalty_points', 'integer', (c) => c.loyalty_points),
    col('state', 'varchar', (c) => c.state),
    col('region', 'varchar', (c) => c.region),
  ],
};

/**
 * The quarantine as a Bronze table (`raw_quarantine`): one row per rejected record, read from the
 * consumer's quarantine NDJSON (its landing line plus the reasons). Loading it puts rejected
 * records, unknown ids included, where the data quality checks and dashboards can see them.
 */
/** One line of a `quarantine/<topic>/…ndjson.gz` file, as lambdas/consumer writes it. */
export interface QuarantineLine {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly value_base64?: string;
  readonly reasons: readonly { readonly code: string; readonly field?: string; readonly detail: string }[];
}

/** Every quarantine column is nullable: a rejected record may lack any part. */
const quarantineColumn = (name: string, type: ColumnType, read: (line: QuarantineLine) => unknown): Column<QuarantineLine> => col(name, type, read, true);

/**
 * C0 control characters other than tab, LF and CR: text holding one never goes into a CSV field.
 * Tab, LF and CR are read as text by both warehouses (a field with a line break is quoted; tab is
 * not our delimiter). The others have no form both read alike, NUL above all: Snowflake keeps
 * U+0000 in a VARCHAR, DuckDB and others treat it differently, and a NUL inside a VARIANT can
 * leave a column unqueryable (snowflakedb/snowflake-ingest-java#870). The consumer quarantines a
 * record holding one (`control_character`), the loader rejects such a row in a foreign gold file.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole job
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** Text a CSV field may carry raw (see {@link CONTROL_CHARACTER}); `null` stays `null`. */
const isCsvSafe = (text: string | null): boolean => text === null || !CONTROL_CHARACTER.test(text);

/** Broker time as a timestamp; a record whose broker time is unusable keeps a NULL instead. */
const brokerTime = (line: QuarantineLine): Date | null =>
  Number.isFinite(line.timestamp) && line.timestamp > 0 && line.timestamp < TIMESTAMP_RANGE_MS.end ? new Date(line.timestamp) : null;

export const QUARANTINE_TABLE = {
  name: 'quarantine',
  bronzeTable: 'raw_quarantine',
  columns: [
    quarantineColumn('kafka_topic', 'varchar', (line) => line.topic),
    quarantineColumn('kafka_partition', 'integer', (line) => line.partition),
    quarantineColumn('kafka_offset', 'bigint', (line) => line.offset),
    quarantineColumn('kafka_timestamp', 'timestamp', brokerTime),
    // A key holding a control character no CSV field carries is NULL here; the quarantine file keeps it.
    quarantineColumn('kafka_key', 'varchar', (line) => (isCsvSafe(line.key) ? line.key : null)),
    // The value exactly as received; bytes that are not UTF-8, or text holding such a control character, as base64.
    quarantineColumn('value', 'varchar', (line) => (isCsvSafe(line.value) ? line.value : null)),
    quarantineColumn('value_base64', 'varchar', (line) =>
      line.value_base64 ?? (isCsvSafe(line.value) ? null : Buffer.from(line.value!, 'utf8').toString('base64')),
    ),
    // The reason the ledger counts the record under (the first), and all of them.
    quarantineColumn('reason_code', 'varchar', (line) => line.reasons[0]?.code ?? null),
    quarantineColumn('reasons', 'json', (line) => line.reasons),
  ],
} as const satisfies { name: string; bronzeTable: string; columns: readonly Column<QuarantineLine>[] };

/** Columns the loader appends to every Bronze table, after the file's own columns. */
export const LOAD_METADATA_COLUMNS: readonly { name: string; type: ColumnType }[] = [
  { name: '_source_file', type: 'varchar' },
  { name: '_source_row_number', type: 'bigint' },
  { name: '_loaded_at', type: 'timestamp' },
  /**
   * Snowpipe mode: the version folder the row's file was staged under (a hash of key and ETag,
   * lambdas/warehouse/load-manifest.ts), which tells a key's versions apart without comparing
   * clocks. NULL in copy mode, which replaces a key's rows inside the loader's own transaction.
   */
  { name: '_source_version', type: 'varchar' },
];
