/**
 * What the local runner learnt setting up each model table, kept for the life of one open
 * warehouse so a live cycle does not redo it. Before every MERGE the runner makes sure the table
 * exists, migrates its columns (schema-migration.ts: a scratch table under the model's DDL, its
 * columns read back, dropped again) and reads the columns the MERGE names. On a 2,000 events/s
 * stream that was ~0.3 s of a ~1.2 s cycle (measured 2026-12-02), redone every cycle for tables
 * that had not changed since the previous one.
 *
 * A table counts as settled while it is the very table that was set up (DuckDB's `table_oid`: a
 * table dropped and created again gets a new one), with the same number of columns (an `alter`
 * by hand, or a migration rolled back, changes it), under the same SQL of every model (a changed
 * upstream model can change what a `select *` downstream yields). Anything else sets it up again.
 * DuckDB only: the runner is the twin's; Snowflake's tables are set up by `sql deploy`.
 */
import type { TableName, Warehouse, WarehouseSession } from '../shared/ports/warehouse.js';

/** A table as DuckDB's catalog identifies it. */
export interface TableIdentity {
  readonly oid: number;
  readonly columnCount: number;
}

interface SettledTable extends TableIdentity {
  readonly modelsFingerprint: string;
  readonly columns: readonly string[];
}

export type SettledTables = Map<string, SettledTable>;

const settledByWarehouse = new WeakMap<Warehouse, SettledTables>();

/** The settled tables of one open warehouse (empty at first). */
export const settledTablesOf = (warehouse: Warehouse): SettledTables => {
  let settled = settledByWarehouse.get(warehouse);
  if (!settled) settledByWarehouse.set(warehouse, (settled = new Map<string, SettledTable>()));
  return settled;
};

/** The catalog identity of each of `tables` that exists (`schema.name` → identity), in one catalog read. */
export const tableIdentities = async (session: WarehouseSession, tables: readonly TableName[]): Promise<Map<string, TableIdentity>> => {
  const identities = new Map<string, TableIdentity>();
  if (tables.length === 0) return identities;
  const rows = await session.query<{ schema_name: string; table_name: string; oid: number; column_count: number }>(
    `select schema_name, table_name, table_oid as oid, column_count from duckdb_tables()
     where database_name = current_database() and (${tables.map(() => '(schema_name = ? and table_name = ?)').join(' or ')})`,
    tables.flatMap((table) => [table.schema, table.name]),
  );
  for (const row of rows) identities.set(`${row.schema_name}.${row.table_name}`, { oid: Number(row.oid), columnCount: Number(row.column_count) });
  return identities;
};

export const keyOf = (table: TableName): string => `${table.schema}.${table.name}`;

/** The columns of a table still as it was set up under `modelsFingerprint`, or undefined when it must be set up again. */
export const settledColumns = (
  settled: SettledTables,
  table: TableName,
  identity: TableIdentity | undefined,
  modelsFingerprint: string,
): readonly string[] | undefined => {
  const known = settled.get(keyOf(table));
  const same =
    known !== undefined &&
    identity !== undefined &&
    known.oid === identity.oid &&
    known.columnCount === identity.columnCount &&
    known.modelsFingerprint === modelsFingerprint;
  return same ? known.columns : undefined;
};

/** Records a table just set up (created or migrated), with the columns read back from it. */
export const recordSettled = (
  settled: SettledTables,
  table: TableName,
  identity: TableIdentity,
  modelsFingerprint: string,
  columns: readonly string[],
): void => {
  settled.set(keyOf(table), { ...identity, modelsFingerprint, columns });
};
