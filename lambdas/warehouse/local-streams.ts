/**
 * The local twin's stand-in for Snowflake streams, so that it triggers the task graph when the
 * cloud would: when a stream the graph reads has data (see triggerStreamsOf in task-graph.ts).
 * A stream's offset here is a fingerprint of its table (row count and a hash of every row),
 * recorded by the task that consumes the stream inside the task's own transaction, as Snowflake
 * moves a stream's offset only when the consuming transaction commits
 * (https://docs.snowflake.com/en/user-guide/streams-intro). The stream has data while its
 * table's fingerprint differs from the recorded one: a failed task records nothing, so its
 * streams keep their data and trigger the next run. DuckDB SQL: only the local runner uses this.
 */
import type { Warehouse, WarehouseSession } from '../shared/ports/warehouse.js';
import { streamNameFor } from './task-graph.js';

/** One row per stream: the fingerprint of its table when its consumer last committed. */
export const STREAM_OFFSETS = 'local_streams.offsets';

/** What an empty table's fingerprint is, and so a stream never consumed on an empty table. */
const EMPTY = '0:0';

const fingerprintOf = (table: string): string =>
  `select count(*) || ':' || coalesce(sum(hash(changed)), 0) as fingerprint from ${table} as changed`;

/** Creates the offsets table (outside the schemas the ledger reports) when missing. */
export const ensureStreamOffsets = async (warehouse: Warehouse): Promise<void> => {
  await warehouse.execute('create schema if not exists local_streams');
  await warehouse.execute(`create table if not exists ${STREAM_OFFSETS} (stream varchar primary key, fingerprint varchar not null)`);
};

/** Fingerprints a trigger check read, by table. */
export type CheckedFingerprints = ReadonlyMap<string, string>;

/**
 * Moves the streams on `tables` to the tables' current state: call inside the consuming task's
 * transaction. A table in `checked` moves to the state its trigger check read instead, without
 * hashing it again (a full-table hash: 0.1-0.15 s for a Bronze table of a million rows). Pass only
 * tables no task of the run writes: a change committed since the check then only makes the stream
 * have data once more (one more idempotent run), it never hides a change.
 */
export const consumeStreams = async (session: WarehouseSession, tables: readonly string[], checked: CheckedFingerprints = new Map()): Promise<void> => {
  for (const table of tables) {
    const stream = streamNameFor(table);
    const seen = checked.get(table);
    if (seen === undefined) await session.execute(`insert or replace into ${STREAM_OFFSETS} select ?, fingerprint from (${fingerprintOf(table)})`, [stream]);
    else await session.execute(`insert or replace into ${STREAM_OFFSETS} values (?, ?)`, [stream, seen]);
  }
};

const exists = async (warehouse: Warehouse, table: string): Promise<boolean> => {
  const [schema, name] = table.split('.');
  const rows = await warehouse.query('select 1 from information_schema.tables where table_schema = ? and table_name = ?', [schema!, name!]);
  return rows.length > 0;
};

/**
 * The streams on `tables` that have data: their table changed since their consumer last
 * committed; and the fingerprints read. A table the graph has not created yet (Silver before the
 * first run) is empty.
 */
export const streamsWithData = async (warehouse: Warehouse, tables: readonly string[]): Promise<{ withData: string[]; checked: CheckedFingerprints }> => {
  const withData: string[] = [];
  const checked = new Map<string, string>();
  for (const table of tables) {
    const stream = streamNameFor(table);
    if (!(await exists(warehouse, table))) continue;
    const [current] = await warehouse.query<{ fingerprint: string }>(fingerprintOf(table));
    const [recorded] = await warehouse.query<{ fingerprint: string }>(`select fingerprint from ${STREAM_OFFSETS} where stream = ?`, [stream]);
    checked.set(table, current?.fingerprint ?? EMPTY);
    if ((current?.fingerprint ?? EMPTY) !== (recorded?.fingerprint ?? EMPTY)) withData.push(stream);
  }
  return { withData, checked };
};
