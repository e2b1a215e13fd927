/**
 * The local twin's Snowflake streams: a view named as the stream (`bronze.raw_user_events_stream`)
 * holding the rows of its table that its consumer has not committed yet, so the twin's tasks run
 * the very statements Snowflake's do, reading only new rows instead of re-reading whole tables.
 *
 * A row's "position" is the load that wrote it: every load stamps its rows with a load time of its
 * own (`_loaded_at` in Bronze, carried into Silver as `loaded_at`), and the stream's offset is the
 * set of load times its consumer took. The consuming task records the load times it read inside
 * its own transaction, as Snowflake moves a stream's offset only when the consuming transaction
 * commits (https://docs.snowflake.com/en/user-guide/streams-intro): a failed task records nothing,
 * so its streams keep their rows and trigger the next run. A set, not a high-water mark, because
 * loads need not commit in the order of their load times. Like the task bodies (which read only
 * a stream's inserts), a stream here shows inserted rows; a row deleted by a reload is not a change
 * the models act on. DuckDB SQL: only the local runner uses this.
 */
import type { Warehouse, WarehouseSession } from '../shared/ports/warehouse.js';
import { streamNameFor } from './task-graph.js';

/** One row per (stream, load) the stream's consumer has committed. */
export const CONSUMED_LOADS = 'local_streams.consumed_loads';

/** Where the load time lives: Bronze's load metadata, or the lineage column Silver models keep. */
const LOAD_TIME_COLUMN: Readonly<Record<string, string>> = { bronze: '_loaded_at', silver: 'loaded_at' };

/** Rows stamped by no load (written outside the loader) count as one load of their own, read once. */
const UNSTAMPED = "timestamp '1970-01-01 00:00:00'";

/** A row's load time in `table`, read through `alias`. */
const loadTimeOf = (table: string, alias: string): string => {
  const column = LOAD_TIME_COLUMN[table.split('.')[0]!];
  if (!column) throw new Error(`${table}: a local stream reads Bronze or Silver tables, whose rows carry their load time`);
  return `coalesce(${alias}.${column}, ${UNSTAMPED})`;
};

/** Creates the offsets table (outside the schemas the ledger reports) when missing. */
export const ensureStreamOffsets = async (warehouse: Warehouse): Promise<void> => {
  await warehouse.execute('create schema if not exists local_streams');
  // The fingerprints an earlier version kept: without them every stream reads its table once more.
  await warehouse.execute('drop table if exists local_streams.offsets');
  await warehouse.execute(
    `create table if not exists ${CONSUMED_LOADS} (stream varchar not null, loaded_at timestamp not null, primary key (stream, loaded_at))`,
  );
};

/** Whether `schema.name` exists as a table or view. */
export const tableExists = async (session: WarehouseSession, table: string): Promise<boolean> => {
  const [schema, name] = table.split('.');
  const rows = await session.query('select 1 from information_schema.tables where table_schema = ? and table_name = ?', [schema!, name!]);
  return rows.length > 0;
};

/**
 * (Re-)creates the stream view on each table: its rows from loads the stream's consumer has not
 * committed. A semi-join on the unconsumed load times, not an anti-join on the consumed ones: its
 * few build rows let DuckDB skip the row groups of older loads by their min/max.
 */
export const createStreams = async (session: WarehouseSession, tables: readonly string[]): Promise<void> => {
  for (const table of tables) {
    const stream = streamNameFor(table);
    await session.execute(
      `create or replace view ${stream} as
select * from ${table} as changed
where ${loadTimeOf(table, 'changed')} in (
    select ${loadTimeOf(table, 'loads')} from ${table} as loads
    except
    select loaded_at from ${CONSUMED_LOADS} where stream = '${stream}'
)`,
    );
  }
};

/** Moves the streams on `tables` past every row they hold: call inside the consuming task's transaction, after its reads. */
export const consumeStreams = async (session: WarehouseSession, tables: readonly string[]): Promise<void> => {
  for (const table of tables) {
    const stream = streamNameFor(table);
    await session.execute(`insert or ignore into ${CONSUMED_LOADS} select distinct '${stream}', ${loadTimeOf(table, 'unread')} from ${stream} as unread`);
  }
};

/**
 * Forgets what the stream on `table` consumed, so it holds every row again: for a consumer whose
 * table was just created (new, or dropped since), which the loads consumed before would never reach.
 */
export const resetStream = async (session: WarehouseSession, table: string): Promise<void> => {
  await session.execute(`delete from ${CONSUMED_LOADS} where stream = ?`, [streamNameFor(table)]);
};

/** Whether the stream on `table` holds a row its consumer has not committed. */
export const streamHasData = async (session: WarehouseSession, table: string): Promise<boolean> => {
  const [row] = await session.query<{ has_data: boolean }>(`select exists (select 1 from ${streamNameFor(table)}) as has_data`);
  return row?.has_data === true;
};

/**
 * The streams on `tables` that have data, as SYSTEM$STREAM_HAS_DATA tells Snowflake's triggered
 * root. A table the graph has not created yet (Silver before the first run) has no stream yet.
 */
export const streamsWithData = async (warehouse: Warehouse, tables: readonly string[]): Promise<string[]> => {
  // One catalog read for every table (a live cycle asks each tick): information_schema per table cost ~20 ms a cycle.
  const existing = await warehouse.query<{ name: string }>(
    `select schema_name || '.' || table_name as name from duckdb_tables() where database_name = current_database()`,
  );
  const names = new Set(existing.map((row) => row.name));
  const present = tables.filter((table) => names.has(table));
  await createStreams(warehouse, present);
  const withData: string[] = [];
  for (const table of present) if (await streamHasData(warehouse, table)) withData.push(streamNameFor(table));
  return withData;
};
