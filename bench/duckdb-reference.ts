/**
 * Issue 15's yardstick for `streamflow run`: DuckDB alone doing the same flatten, load and daily
 * aggregates over the same landing files the run wrote. Per topic, one `read_json` over every
 * landing file → one `COPY` to a gzipped gold-shaped CSV → one `read_csv` into an on-disk table
 * (as the twin's warehouse.duckdb is), then the day-level revenue and event aggregates of Gold.
 * No ledger, no dimensions, no checks: the native floor for the work, not a second twin.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TOPICS } from '../lambdas/shared/contracts/events.js';
import { KAFKA_SELECT, TRANSACTION_SELECT, TRANSACTION_STRUCT, USER_EVENT_SELECT, USER_EVENT_STRUCT, sqlString } from './duckdb-flatten.js';

export interface DuckDbReference {
  readonly wallMs: number;
  readonly threads: number;
  /** Rows per table it built: the gold row counts must equal the run's, or it did other work. */
  readonly rows: Record<string, number>;
}

// Landing keeps the record value as the producer sent it, a JSON text: parsed here with the contract's types.
const flattenFromLanding = (topic: string, landingDir: string, output: string): string => {
  const transactions = topic === TOPICS.transactions;
  return `copy (
    select ${transactions ? TRANSACTION_SELECT : USER_EVENT_SELECT}, ${KAFKA_SELECT}
    from (
      select topic, partition, "offset", timestamp, key, cast(value::json as ${transactions ? TRANSACTION_STRUCT : USER_EVENT_STRUCT}) as value
      from read_json(${sqlString(join(landingDir, topic, '**', '*.ndjson.gz'))}, format = 'newline_delimited',
        columns = {topic: 'VARCHAR', partition: 'INTEGER', "offset": 'BIGINT', timestamp: 'BIGINT', key: 'VARCHAR', value: 'VARCHAR'})
    )
  ) to ${sqlString(output)} (format csv, header, compression gzip, timestampformat '%Y-%m-%dT%H:%M:%S.%gZ')`;
};

const DAILY_REVENUE = `create or replace table agg_daily_revenue as
  select cast(event_ts as date) as day, count(*) as transactions, sum(item_count) as items, sum(discount) as discount,
    sum(tax) as tax, sum(total) as revenue, count(distinct user_id) as customers
  from raw_transactions where status = 'completed' group by all`;

const DAILY_EVENTS = `create or replace table agg_daily_events as
  select cast(event_ts as date) as day, event_type, count(*) as events, count(distinct user_id) as users, count(distinct session_id) as sessions
  from raw_user_events group by all`;

/** Times the reference over `outDir/landing`, working in `scratchDir` (removed after). */
export const runDuckDbReference = async (outDir: string, scratchDir: string): Promise<DuckDbReference> => {
  const started = performance.now();
  const instance = await DuckDBInstance.create(join(scratchDir, 'reference.duckdb'));
  const connection = await instance.connect();
  try {
    await connection.run(`set timezone = 'UTC'`);
    const rows: Record<string, number> = {};
    for (const topic of Object.values(TOPICS)) {
      const csv = join(scratchDir, `${topic}.csv.gz`);
      await connection.run(flattenFromLanding(topic, join(outDir, 'landing'), csv));
      await connection.run(`create or replace table raw_${topic} as select * from read_csv(${sqlString(csv)}, header = true)`);
    }
    await connection.run(DAILY_REVENUE);
    await connection.run(DAILY_EVENTS);
    const wallMs = performance.now() - started;
    for (const table of [...Object.values(TOPICS).map((topic) => `raw_${topic}`), 'agg_daily_revenue', 'agg_daily_events']) {
      rows[table] = Number((await connection.runAndReadAll(`select count(*) as n from ${table}`)).getRowObjects()[0]!.n);
    }
    const threads = Number((await connection.runAndReadAll(`select current_setting('threads') as threads`)).getRowObjects()[0]!.threads);
    return { wallMs: Math.round(wallMs), threads, rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(scratchDir, { recursive: true, force: true });
  }
};
