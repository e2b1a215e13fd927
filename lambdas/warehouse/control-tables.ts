/**
 * The warehouse's own bookkeeping: which files were loaded (the loader's skip list and claim) and
 * what the data quality checks found over time (seed 001's telemetry).
 */
import type { ColumnType } from '../shared/contracts/tables.js';
import type { FileColumn, TableName } from '../shared/ports/warehouse.js';
import { CHURN_TABLES } from '../churn/churn-tables.js';

export interface ControlTable {
  readonly table: TableName;
  readonly columns: readonly FileColumn[];
  /** Declared where the warehouse enforces it (DuckDB); the loader's claim does not depend on it. */
  readonly primaryKey?: readonly string[];
}

/** One row per file version (object key + ETag) the loader claimed, with COPY's counts (or the contract's, for a rejected file). */
export const LOAD_HISTORY: ControlTable = {
  table: { schema: 'bronze', name: 'load_history' },
  columns: [
    { name: 'file_key', type: 'varchar' },
    { name: 'etag', type: 'varchar' },
    { name: 'target_table', type: 'varchar' },
    /** `loaded` or `failed` (a failed file is not retried until it changes or a forced reload). */
    { name: 'status', type: 'varchar' },
    { name: 'rows_parsed', type: 'bigint' },
    { name: 'rows_loaded', type: 'bigint' },
    { name: 'errors_seen', type: 'bigint' },
    { name: 'first_error', type: 'varchar' },
    { name: 'loaded_at', type: 'timestamp' },
    /** The invocation that claimed the file version last (a token per load). */
    { name: 'claimed_by', type: 'varchar' },
    /** Until when that claim holds; NULL once the load ended (lambdas/loader/load-history.ts). */
    { name: 'lease_expires_at', type: 'timestamp' },
  ],
  primaryKey: ['file_key', 'etag'],
};

/** One row per check per run. */
export const DQ_RESULTS: ControlTable = {
  table: { schema: 'gold', name: 'dq_results' },
  columns: [
    { name: 'run_id', type: 'varchar' },
    { name: 'checked_at', type: 'timestamp' },
    { name: 'check_name', type: 'varchar' },
    { name: 'layer', type: 'varchar' },
    { name: 'severity', type: 'varchar' },
    { name: 'description', type: 'varchar' },
    { name: 'violations', type: 'bigint' },
  ],
};

export const CONTROL_TABLES: readonly ControlTable[] = [LOAD_HISTORY, DQ_RESULTS, ...CHURN_TABLES];

export const controlTableDdl = (control: ControlTable, types: Readonly<Record<ColumnType, string>>): string => {
  const lines = control.columns.map((column) => `    ${column.name} ${types[column.type]}`);
  if (control.primaryKey) lines.push(`    primary key (${control.primaryKey.join(', ')})`);
  return `create table if not exists ${control.table.schema}.${control.table.name} (\n${lines.join(',\n')}\n)`;
};

/**
 * Adds the columns a control table gained since an existing warehouse was created (`if not exists`
 * left it as it was): `alter table … add column if not exists`, which DuckDB and Snowflake both run.
 */
export const controlTableColumnAdditions = (control: ControlTable, types: Readonly<Record<ColumnType, string>>): string[] =>
  control.columns.map((column) => `alter table ${control.table.schema}.${control.table.name} add column if not exists ${column.name} ${types[column.type]}`);
