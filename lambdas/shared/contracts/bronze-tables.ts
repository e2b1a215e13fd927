/**
 * Bronze, derived from the table contracts (lambdas/shared/contracts/tables.ts): the DDL of each
 * raw table and the column list the loader copies into it are built here and nowhere else, so the
 * gold CSV header, the Bronze DDL and the COPY column list cannot drift apart.
 */
import {
  CUSTOMERS_TABLE,
  LOAD_METADATA_COLUMNS,
  PRODUCTS_TABLE,
  QUARANTINE_TABLE,
  TRANSACTIONS_TABLE,
  USER_EVENTS_TABLE,
  type ColumnType,
} from './tables.js';
import type { FileColumn, TableName } from '../ports/warehouse.js';

/** A Bronze table: what its files carry, in file order, and where it lives. */
export interface BronzeTable {
  readonly table: TableName;
  /** The COPY column list: the header of every file loaded into it. */
  readonly fileColumns: readonly FileColumn[];
}

const bronzeTableOf = (definition: { bronzeTable: string; columns: readonly FileColumn[] }): BronzeTable => ({
  table: { schema: 'bronze', name: definition.bronzeTable },
  fileColumns: definition.columns.map(({ name, type }) => ({ name, type })),
});

export const RAW_USER_EVENTS = bronzeTableOf(USER_EVENTS_TABLE);
export const RAW_TRANSACTIONS = bronzeTableOf(TRANSACTIONS_TABLE);
export const RAW_PRODUCTS = bronzeTableOf(PRODUCTS_TABLE);
export const RAW_CUSTOMERS = bronzeTableOf(CUSTOMERS_TABLE);
export const RAW_QUARANTINE = bronzeTableOf(QUARANTINE_TABLE);

/** Every Bronze table, events first. */
export const BRONZE_TABLES: readonly BronzeTable[] = [RAW_USER_EVENTS, RAW_TRANSACTIONS, RAW_PRODUCTS, RAW_CUSTOMERS, RAW_QUARANTINE];

/** All columns of a Bronze table: the file's, then the load metadata the loader adds. */
export const bronzeColumnsOf = (bronze: BronzeTable): readonly FileColumn[] => [...bronze.fileColumns, ...LOAD_METADATA_COLUMNS];

/** `create table if not exists` for one Bronze table, with the warehouse's type for each logical type. */
export const bronzeTableDdl = (bronze: BronzeTable, types: Readonly<Record<ColumnType, string>>): string => {
  const columns = bronzeColumnsOf(bronze).map((column) => `    ${column.name} ${types[column.type]}`);
  return `create table if not exists ${bronze.table.schema}.${bronze.table.name} (\n${columns.join(',\n')}\n)`;
};
