/**
 * The two statements of a Snowflake load, and how to read what they report. PUT and COPY take no
 * bind parameters for stage paths, so the only values spelled into them are the table (from the
 * adapter's allow-list) and the object key, checked against a character allow-list that cannot
 * close a quoted literal. Everything else a load writes is bound.
 */
import type { FileColumn, LoadResult, TableName, WarehouseRow } from '../ports/warehouse.js';
import { LOAD_METADATA_COLUMNS } from '../contracts/tables.js';
import { CSV_FORMAT, CSV_STAGE, plainIdentifier } from './snowflake-names.js';

/** Path segments of our object keys and temp files: no quotes, spaces, backslashes or `..`. */
const SAFE_PATH = /^\/?[A-Za-z0-9_][A-Za-z0-9_.=+-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.=+-]*)*$/;

/** An object key or local path that may appear inside a quoted PUT/COPY literal, or an error. */
export const safePath = (path: string): string => {
  if (!SAFE_PATH.test(path) || path.split('/').includes('..')) {
    throw new Error(`"${path}" cannot be staged: only letters, digits and _ . = + - / are allowed in staged paths`);
  }
  return path;
};

/** Where one object's file is staged: the table's folder, then the object key's folders and the file name. */
export interface StagedFile {
  /** `@bronze.csv_stage/<table>/`: what COPY reads from. */
  readonly folder: string;
  /** Path under {@link folder}: what COPY's FILES names and its result reports. */
  readonly path: string;
}

/** The object key's folders keep files of different keys apart; the file name keeps the extension. */
export const stagedFileFor = (table: TableName, sourceFile: string, fileName: string): StagedFile => {
  const key = safePath(sourceFile);
  const folders = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  return { folder: `@${CSV_STAGE}/${plainIdentifier(table.name)}/`, path: `${folders}${safePath(fileName)}` };
};

/**
 * Uploads the local file as it is (gzipped gold files stay gzipped), replacing an earlier upload
 * of the same key: a new version of a key must not be shadowed by the old bytes.
 */
export const putStatement = (localPath: string, staged: StagedFile): string => {
  const folder = staged.path.includes('/') ? staged.path.slice(0, staged.path.lastIndexOf('/') + 1) : '';
  return `put 'file://${safePath(localPath)}' '${staged.folder}${folder}' auto_compress = false overwrite = true`;
};

/**
 * COPY with a transformation, so the load metadata columns are filled as DuckDB's load fills
 * them: `_source_file` is the object key (not the staged path), then the row number in the file
 * and the load time. ON_ERROR = CONTINUE makes COPY count unreadable rows instead of raising, so
 * the loader can reject the whole file (and roll back) with COPY's own first error.
 */
export const copyStatement = (table: TableName, columns: readonly FileColumn[], sourceFile: string, staged: StagedFile, force: boolean): string => {
  const target = `${plainIdentifier(table.schema)}.${plainIdentifier(table.name)}`;
  const names = [...columns.map((column) => plainIdentifier(column.name)), ...LOAD_METADATA_COLUMNS.map((column) => column.name)];
  const fields = columns.map((_, index) => `$${index + 1}`);
  return `copy into ${target} (${names.join(', ')})
from (
    select ${[...fields, `'${safePath(sourceFile)}'`, 'metadata$file_row_number', 'current_timestamp'].join(', ')}
    from ${staged.folder}
)
files = ('${staged.path}')
file_format = (format_name = '${CSV_FORMAT}')
on_error = continue
force = ${force ? 'true' : 'false'}`;
};

const count = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));

/**
 * The COPY result row of the staged file, as the port reports it; `undefined` when COPY skipped
 * the file (its load metadata says this exact content was loaded before: "0 files processed").
 */
export const copyResultOf = (rows: readonly WarehouseRow[], staged: StagedFile): LoadResult | undefined => {
  const row = rows.find((candidate) => typeof candidate.file === 'string' && candidate.file.endsWith(staged.path));
  if (!row) return undefined;
  const firstError = row.first_error;
  return {
    rowsParsed: count(row.rows_parsed),
    rowsLoaded: count(row.rows_loaded),
    errorsSeen: count(row.errors_seen),
    ...(typeof firstError === 'string' && firstError !== '' ? { firstError } : {}),
  };
};

/** PUT reports one row per file; anything but UPLOADED (or SKIPPED, same bytes) means the file is not staged. */
export const assertUploaded = (rows: readonly WarehouseRow[], staged: StagedFile): void => {
  const statuses = rows.map((row) => String(row.status ?? ''));
  if (statuses.length === 0 || statuses.some((status) => status !== 'UPLOADED' && status !== 'SKIPPED')) {
    throw new Error(`PUT of ${staged.path} to ${staged.folder} did not upload it: ${JSON.stringify(rows)}`);
  }
};
