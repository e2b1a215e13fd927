/**
 * Names and types the Snowflake adapter shares with the deployed DDL (`sql/snowflake/`): the
 * stage and file format every load goes through, and the DDL type of each logical column type.
 * Kept free of the SDK so deployment tooling can import them without a connection.
 */
import type { ColumnType } from '../contracts/tables.js';

/** Internal stage the loader PUTs files into, one folder per Bronze table. */
export const CSV_STAGE = 'bronze.csv_stage';

/** File format of every COPY: the project's CSV dialect (lambdas/shared/csv.ts). */
export const CSV_FORMAT = 'bronze.csv_format';

/**
 * How the CSV writer prints timestamps (`Date.toISOString()`: always UTC, milliseconds, `Z`).
 * Parsed into TIMESTAMP_NTZ holding the UTC wall clock, as DuckDB's TIMESTAMP does.
 */
export const CSV_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"';

/** Snowflake DDL type of each logical column type (Bronze and control tables derive from it). */
export const SNOWFLAKE_COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  varchar: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  decimal: 'DECIMAL(12,2)',
  // model coefficients and scores (gold.churn_model); Snowflake's DOUBLE is its 64-bit FLOAT
  double: 'DOUBLE',
  // NTZ: every timestamp we store is UTC, and models compare them with TIMESTAMP literals.
  timestamp: 'TIMESTAMP_NTZ',
  date: 'DATE',
  boolean: 'BOOLEAN',
  // Kept as the text the file carries; Silver parses it with TRY_PARSE_JSON (as DuckDB's json_*).
  json: 'VARCHAR',
};

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A plain lower-case identifier, or an error: identifiers are never quoted, so never user text. */
export const plainIdentifier = (name: string): string => {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a plain lower-case SQL identifier: "${name}"`);
  return name;
};
