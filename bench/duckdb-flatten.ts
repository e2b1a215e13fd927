/**
 * DuckDB doing the consumer's flatten: the batch's records as NDJSON (Kafka coordinates and the
 * event as an object), `read_json` with the contract's types, `COPY` to a gzipped CSV with the gold
 * columns. The input is prepared outside the timing; only the COPY is measured.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { MSKEvent } from 'aws-lambda';
import { TOPICS } from '../lambdas/shared/contracts/events.js';

const KAFKA_COLUMNS = `topic: 'VARCHAR', partition: 'INTEGER', "offset": 'BIGINT', timestamp: 'BIGINT', key: 'VARCHAR'`;
export const KAFKA_SELECT = `topic as kafka_topic, partition as kafka_partition, "offset" as kafka_offset,
  make_timestamp(timestamp * 1000) as kafka_timestamp, key as kafka_key`;

export const USER_EVENT_STRUCT =
  'STRUCT(event_id VARCHAR, user_id VARCHAR, session_id VARCHAR, event_type VARCHAR, event_ts TIMESTAMPTZ, page_url VARCHAR, ' +
  'product_id VARCHAR, search_query VARCHAR, transaction_id VARCHAR, device_type VARCHAR, browser VARCHAR, operating_system VARCHAR, referrer VARCHAR)';

export const TRANSACTION_STRUCT =
  'STRUCT(transaction_id VARCHAR, user_id VARCHAR, session_id VARCHAR, event_ts TIMESTAMPTZ, ' +
  'products STRUCT(product_id VARCHAR, quantity INTEGER, unit_price DECIMAL(12,2))[], subtotal DECIMAL(12,2), discount DECIMAL(12,2), ' +
  'tax DECIMAL(12,2), total DECIMAL(12,2), currency VARCHAR, payment_method VARCHAR, status VARCHAR, shipping_state VARCHAR)';

export const USER_EVENT_SELECT = `value.event_id, value.user_id, value.session_id, value.event_type, value.event_ts::timestamp as event_ts,
  value.page_url, value.product_id, value.search_query, value.transaction_id, value.device_type, value.browser,
  value.operating_system, value.referrer`;

export const TRANSACTION_SELECT = `value.transaction_id, value.user_id, value.session_id, value.event_ts::timestamp as event_ts,
  to_json(value.products) as products, list_sum(list_transform(value.products, item -> item.quantity)) as item_count,
  value.subtotal, value.discount, value.tax, value.total, value.currency, value.payment_method, value.status, value.shipping_state`;

export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** The COPY statement that flattens one NDJSON file of `topic` into a gzipped CSV. */
export const flattenStatement = (topic: string, input: string, output: string): string => {
  const transactions = topic === TOPICS.transactions;
  return `copy (
    select ${transactions ? TRANSACTION_SELECT : USER_EVENT_SELECT}, ${KAFKA_SELECT}
    from read_json(${sqlString(input)}, format = 'newline_delimited',
      columns = {${KAFKA_COLUMNS}, value: '${transactions ? TRANSACTION_STRUCT : USER_EVENT_STRUCT}'})
  ) to ${sqlString(output)} (format csv, header, compression gzip, timestampformat '%Y-%m-%dT%H:%M:%S.%gZ')`;
};

/** The batch as DuckDB reads it: one line per record, the event inline as a JSON object. */
export const ndjsonOf = (event: MSKEvent): string => {
  let lines = '';
  for (const record of Object.values(event.records).flat()) {
    const key = record.key === undefined || record.key === null ? 'null' : JSON.stringify(Buffer.from(record.key, 'base64').toString('utf8'));
    const value = Buffer.from(record.value, 'base64').toString('utf8');
    lines += `{"topic":${JSON.stringify(record.topic)},"partition":${record.partition},"offset":${record.offset},"timestamp":${record.timestamp},"key":${key},"value":${value}}\n`;
  }
  return lines;
};

export interface DuckDbFlatten {
  /** Runs the COPY of every batch once. */
  run(): Promise<void>;
  /** DuckDB's worker threads. */
  readonly threads: number;
  close(): void;
}

/** Writes each batch's NDJSON under `dir`, opens an in-memory DuckDB and prepares the statements. */
export const prepareDuckDbFlatten = async (events: readonly { topic: string; event: MSKEvent }[], dir: string): Promise<DuckDbFlatten> => {
  const statements: string[] = [];
  for (const [index, { topic, event }] of events.entries()) {
    const input = join(dir, `batch-${index}.ndjson`);
    await writeFile(input, ndjsonOf(event));
    statements.push(flattenStatement(topic, input, join(dir, `batch-${index}.csv.gz`)));
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection: DuckDBConnection = await instance.connect();
  await connection.run(`set timezone = 'UTC'`);
  const threads = Number((await connection.runAndReadAll(`select current_setting('threads') as threads`)).getRowObjects()[0]!.threads);
  return {
    threads,
    run: async () => {
      for (const statement of statements) await connection.run(statement);
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
};
