/**
 * Creates what the loader writes into (Bronze tables and control tables) and checks that an
 * existing warehouse still matches the table contracts. Idempotent; the local twin runs it on
 * every open, Snowflake gets the same DDL from `streamflow sql deploy`.
 */
import type { Warehouse, WarehouseSession } from '../shared/ports/warehouse.js';
import { BRONZE_TABLES, bronzeColumnsOf, bronzeTableDdl } from './bronze-tables.js';
import { CONTROL_TABLES, LOAD_HISTORY, controlTableColumnAdditions, controlTableDdl } from './control-tables.js';

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

/** Creates the schemas' Bronze and control tables, then fails loudly if Bronze drifted from the contracts. */
export const prepareWarehouse = async (warehouse: Warehouse): Promise<void> => {
  for (const bronze of BRONZE_TABLES) await warehouse.execute(bronzeTableDdl(bronze, warehouse.columnTypes));
  for (const control of CONTROL_TABLES) await warehouse.execute(controlTableDdl(control, warehouse.columnTypes));
  // A warehouse from an older version lacks the load history's claim columns.
  for (const addition of controlTableColumnAdditions(LOAD_HISTORY, warehouse.columnTypes)) await warehouse.execute(addition);

  for (const bronze of BRONZE_TABLES) {
    const expected = bronzeColumnsOf(bronze).map((column) => column.name);
    const actual = await tableColumns(warehouse, bronze.table.schema, bronze.table.name);
    if (actual.join(',') !== expected.join(',')) {
      throw new Error(
        `${bronze.table.schema}.${bronze.table.name} has columns (${actual.join(', ')}) but the table contract says ` +
          `(${expected.join(', ')}). The warehouse was built by another version: delete the warehouse file and run \`streamflow load\` again.`,
      );
    }
  }
};
