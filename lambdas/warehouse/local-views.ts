/**
 * The local runner's views, kept when nothing they are defined on changed. Re-creating the 27 Gold
 * views took 0.4 s of a 1.6 s refresh_gold at 300k events (DuckDB binds each view's query as it
 * creates it), on every live cycle, before Gold commits. A view records, as its comment, the
 * fingerprint of every model's SQL it was created under; a run whose models hash the same keeps
 * it. Any model counts, not only the view's own: a table whose model changed columns would make
 * DuckDB reject a view bound to the old ones. DuckDB SQL: Snowflake creates views at deployment.
 */
import { createHash } from 'node:crypto';
import type { TableName, WarehouseSession } from '../shared/ports/warehouse.js';

/** One fingerprint for the SQL of every model of a graph, in graph order. */
export const modelsFingerprint = (modelSql: readonly string[]): string => createHash('sha256').update(modelSql.join('\0')).digest('hex');

/** The views (`schema.name`) created under `fingerprint`: one catalog read for a whole task, not one per view. */
export const viewsCurrentUnder = async (session: WarehouseSession, fingerprint: string): Promise<Set<string>> => {
  const rows = await session.query<{ schema_name: string; view_name: string }>(
    'select schema_name, view_name from duckdb_views() where database_name = current_database() and comment = ?',
    [fingerprint],
  );
  return new Set(rows.map((row) => `${row.schema_name}.${row.view_name}`));
};

/** Records `fingerprint` on a view just created (https://duckdb.org/docs/stable/sql/statements/comment_on). */
export const markViewCurrent = async (session: WarehouseSession, view: TableName, fingerprint: string): Promise<void> => {
  await session.execute(`comment on view ${view.schema}.${view.name} is '${fingerprint}'`);
};
