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

/** Whether the view exists and was created under `fingerprint`. */
export const viewIsCurrent = async (session: WarehouseSession, view: TableName, fingerprint: string): Promise<boolean> => {
  const [row] = await session.query<{ comment: string | null }>(
    'select comment from duckdb_views() where database_name = current_database() and schema_name = ? and view_name = ?',
    [view.schema, view.name],
  );
  return row?.comment === fingerprint;
};

/** Records `fingerprint` on a view just created (https://duckdb.org/docs/stable/sql/statements/comment_on). */
export const markViewCurrent = async (session: WarehouseSession, view: TableName, fingerprint: string): Promise<void> => {
  await session.execute(`comment on view ${view.schema}.${view.name} is '${fingerprint}'`);
};
