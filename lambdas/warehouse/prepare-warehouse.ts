/**
 * Creates what the loader writes into (Bronze tables and control tables) and migrates an existing
 * warehouse to the table contracts. Idempotent; the local twin runs it on
 * every open, Snowflake gets the same DDL from `streamflow sql deploy`.
 */
import type { Warehouse, WarehouseSession } from '../shared/ports/warehouse.js';
import { BRONZE_TABLES, bronzeTableDdl } from '../shared/contracts/bronze-tables.js';
import { CONTROL_TABLES, LOAD_HISTORY, controlTableColumnAdditions, controlTableDdl } from './control-tables.js';
import { migrateTablesCreatedBy } from './schema-migration.js';

/** Column names of a table in ordinal order, lower case (Snowflake reports them upper case). */
export const tableColumns = async (warehouse: WarehouseSession, schema: string, name: string): Promise<string[]> => {
  const rows = await warehouse.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where lower(table_catalog) = lower(current_database()) and lower(table_schema) = ? and lower(table_name) = ?
     order by ordinal_position`,
    [schema, name],
  );
  return rows.map((row) => row.column_name.toLowerCase());
};

/**
 * Creates the Bronze and control tables, then migrates one an older version left behind: adds
 * the contract's new columns, refuses (throws) a retyped or dropped one (schema-migration.ts).
 */
export const prepareWarehouse = async (warehouse: Warehouse): Promise<void> => {
  const statements = [
    ...BRONZE_TABLES.map((bronze) => bronzeTableDdl(bronze, warehouse.columnTypes)),
    ...CONTROL_TABLES.map((control) => controlTableDdl(control, warehouse.columnTypes)),
  ];
  for (const statement of statements) await warehouse.execute(statement);
  // A warehouse from an older version lacks the load history's claim columns.
  for (const addition of controlTableColumnAdditions(LOAD_HISTORY, warehouse.columnTypes)) await warehouse.execute(addition);
  await migrateTablesCreatedBy(warehouse, statements);
};
