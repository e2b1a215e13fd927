/**
 * The statements of a Snowflake load, and how to read what they report: one `PUT` of every file
 * of a load into a folder of its own, one `COPY INTO … FILES = (…)` of them, one `REMOVE` of the
 * folder. PUT, COPY and REMOVE take no bind parameters for stage paths, so the only values spelled
 * into them are the table (from the adapter's allow-list), generated file names and folders, and
 * the object keys, checked against a character allow-list that cannot close a quoted literal.
 */
import type { FileColumn, LoadResult, TableName, WarehouseRow } from '../ports/warehouse.js';
import { LOAD_METADATA_COLUMNS } from '../contracts/tables.js';
import { CSV_FORMAT, CSV_STAGE, plainIdentifier } from './snowflake-names.js';

/** Path segments of our object keys and temp files: no quotes, spaces, backslashes or `..`. */
const SAFE_PATH = /^\/?[A-Za-z0-9_][A-Za-z0-9_.=+-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.=+-]*)*$/;

/**
 * Most files one COPY may name in FILES: "The maximum number of file names that can be specified
 * is 1000" (https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, FILES).
 */
export const MAX_FILES_PER_COPY = 1000;

/** An object key or local path that may appear inside a quoted PUT/COPY literal, or an error. */
export const safePath = (path: string): string => {
  if (!SAFE_PATH.test(path) || path.split('/').includes('..')) {
    throw new Error(`"${path}" cannot be staged: only letters, digits and _ . = + - / are allowed in staged paths`);
  }
  return path;
};

/** One file of a staged load: the name it has in the load's folder and the object key it came from. */
export interface StagedName {
  /** `<n>.csv` or `<n>.csv.gz`: generated, so every file of a load has a distinct, safe name; the extension keeps gzip detectable. */
  readonly name: string;
  readonly sourceFile: string;
}

/** Where a load's files are staged: `@bronze.csv_stage/<table>/<load id>/`, a folder no other load uses. */
export const loadFolderFor = (table: TableName, loadId: string): string => `@${CSV_STAGE}/${plainIdentifier(table.name)}/${safePath(loadId)}/`;

/** The staged name of the file at `index`, keeping whether it is gzipped. */
export const stagedNameFor = (index: number, fileName: string, sourceFile: string): StagedName => ({
  name: `${index}${fileName.endsWith('.gz') ? '.csv.gz' : '.csv'}`,
  sourceFile: safePath(sourceFile),
});

/**
 * Uploads every file of the local folder in one statement (PUT accepts a wildcard in the file
 * path and uploads in parallel: https://docs.snowflake.com/en/sql-reference/sql/put), as they are
 * (gzipped gold files stay gzipped).
 */
export const putStatement = (localFolder: string, folder: string): string =>
  `put 'file://${safePath(localFolder)}/*' '${folder}' auto_compress = false overwrite = true`;

/** What differs between the loader's COPY and a pipe's: where rows come from and how their metadata is filled. */
interface CopySource {
  readonly from: string;
  /** `_source_file`: the object key the rows came from. */
  readonly sourceFile: string;
  /** `_loaded_at`. */
  readonly loadedAt: string;
  /** `_source_version`: a pipe's version folder; absent in copy mode, whose COPY leaves it NULL. */
  readonly sourceVersion?: string;
  /** ON_ERROR: the loader counts errors and rolls back itself; a pipe commits per file, so it skips the whole file. */
  readonly onError: 'continue' | 'skip_file';
  /** Clauses after the file format: the loader names its files; a pipe may not (see {@link pipeCopyStatement}). */
  readonly trailer: readonly string[];
}

/** The one COPY text both load paths render: target, column list, transformation, file format. */
const renderCopy = (table: TableName, columns: readonly FileColumn[], source: CopySource): string => {
  const target = `${plainIdentifier(table.schema)}.${plainIdentifier(table.name)}`;
  const metadata = [source.sourceFile, 'metadata$file_row_number', source.loadedAt, ...(source.sourceVersion === undefined ? [] : [source.sourceVersion])];
  const names = [...columns.map((column) => plainIdentifier(column.name)), ...LOAD_METADATA_COLUMNS.slice(0, metadata.length).map((column) => column.name)];
  const fields = columns.map((_, index) => `$${index + 1}`);
  return `copy into ${target} (${names.join(', ')})
from (
    select ${[...fields, ...metadata].join(', ')}
    from ${source.from}
)
${[...source.trailer.slice(0, 1), `file_format = (format_name = '${CSV_FORMAT}')`, `on_error = ${source.onError}`, ...source.trailer.slice(1)].join('\n')}`;
};

/**
 * One COPY of the named files, with a transformation, so the load metadata columns are filled as
 * DuckDB's load fills them: `_source_file` is the object key (found from the staged file's name),
 * then the row number in the file and the load time. ON_ERROR = CONTINUE makes COPY count
 * unreadable rows instead of raising, so the loader can reject those files (and roll back) with
 * COPY's own first error. FORCE = TRUE: the folder is new for every load, so Snowflake's load
 * metadata never knows these paths; our load history decides what is loaded again.
 */
export const copyStatement = (table: TableName, columns: readonly FileColumn[], folder: string, files: readonly StagedName[]): string =>
  renderCopy(table, columns, {
    from: folder,
    // METADATA$FILENAME carries the stage path; its last segment is the name we gave the file.
    sourceFile: `case split_part(metadata$filename, '/', -1)\n${files.map((file) => `        when '${file.name}' then '${file.sourceFile}'`).join('\n')}\n    end`,
    loadedAt: 'current_timestamp',
    onError: 'continue',
    trailer: [`files = (${files.map((file) => `'${file.name}'`).join(', ')})`, 'force = true'],
  });

/** Hex digits of the folder a file version is staged under for its pipe: collisions need 2^32 versions of keys. */
export const VERSION_FOLDER_LENGTH = 16;

/** `_loaded_at` in a pipe's COPY: the scan time, in UTC (see {@link pipeCopyStatement}). */
export const PIPE_LOADED_AT = "convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz";

/** The stage folder a table's pipe loads from: `@bronze.csv_stage/<table>/`. */
export const pipeFolderFor = (table: TableName): string => `@${CSV_STAGE}/${plainIdentifier(table.name)}/`;

/** The pipe that loads a table's files: `bronze.<table>_pipe`. */
export const pipeNameFor = (table: TableName): string => `${plainIdentifier(table.schema)}.${plainIdentifier(table.name)}_pipe`;

/**
 * The loader's COPY as a pipe runs it (https://docs.snowflake.com/en/sql-reference/sql/create-pipe):
 * from the table's whole stage folder instead of a FILES list, and without FORCE, which a pipe's
 * COPY does not take: the pipe's own load metadata, which never loads a path twice within 14 days,
 * is what keeps a version from loading twice. Files sit at `<table>/<version folder>/<object
 * key>/<file name>` (the name keeps the extension that tells gzip), so `_source_file` is
 * METADATA$FILENAME between the two known-length leading segments and the last one, and
 * `_source_version` the second segment, which the reload upkeep tells versions apart by. `_loaded_at` is
 * METADATA$START_SCAN_TIME (CREATE PIPE warns that CURRENT_TIMESTAMP in a pipe's COPY is evaluated
 * when the pipe is compiled, not when a file loads), a TIMESTAMP_LTZ
 * (https://docs.snowflake.com/en/user-guide/querying-metadata) turned into the UTC wall clock that
 * every other `_loaded_at` holds: a pipe runs with no session of ours, and an account's TIMEZONE
 * defaults to America/Los_Angeles, so a bare cast would shift it by hours from the copy-mode rows
 * beside it and from what Silver's `loaded_at` and the freshness check read. ON_ERROR = SKIP_FILE,
 * Snowpipe's own default (https://docs.snowflake.com/en/user-guide/data-load-snowpipe-errors): a
 * pipe commits what it loads with nobody to check the counts and roll back, so a file with a bad
 * row loads not at all rather than in part, as copy mode's rollback leaves it; the ledger's
 * per-file comparison then finds its rows missing from Bronze.
 */
export const pipeCopyStatement = (table: TableName, columns: readonly FileColumn[]): string => {
  const keyStart = plainIdentifier(table.name).length + VERSION_FOLDER_LENGTH + 3;
  return renderCopy(table, columns, {
    from: pipeFolderFor(table),
    sourceFile: `substr(metadata$filename, ${keyStart}, length(metadata$filename) - length(split_part(metadata$filename, '/', -1)) - ${keyStart})`,
    loadedAt: PIPE_LOADED_AT,
    sourceVersion: "split_part(metadata$filename, '/', 2)",
    onError: 'skip_file',
    trailer: [],
  });
};

/** Where a file version is staged for its table's pipe, relative to the pipe's folder: `<version folder>/<key>/<file name>`. */
export const pipePathFor = (versionFolder: string, sourceFile: string, fileName: string): string => {
  if (!/^[0-9a-f]+$/.test(versionFolder) || versionFolder.length !== VERSION_FOLDER_LENGTH) throw new Error(`Not a version folder: "${versionFolder}"`);
  return `${versionFolder}/${safePath(sourceFile)}/${safePath(fileName)}`;
};

/** CREATE PIPE of a table: REST-submitted (AUTO_INGEST off), idempotent on redeploy. */
export const createPipeStatement = (table: TableName, columns: readonly FileColumn[]): string =>
  `create pipe if not exists ${pipeNameFor(table)}\n    auto_ingest = false\nas\n${pipeCopyStatement(table, columns)}`;

/**
 * Snowpipe mode's PUT of one file into its version's folder. OVERWRITE = FALSE: a path holds one
 * version's bytes forever, so a second loader that stages the same version skips the upload
 * (https://docs.snowflake.com/en/sql-reference/sql/put, OVERWRITE).
 */
export const pipePutStatement = (localFile: string, table: TableName, path: string): string => {
  const folder = `${pipeFolderFor(table)}${safePath(path).split('/').slice(0, -1).join('/')}/`;
  return `put 'file://${safePath(localFile)}' '${folder}' auto_compress = false overwrite = false`;
};

/** Removes the load's folder once its COPY committed (https://docs.snowflake.com/en/sql-reference/sql/remove). */
export const removeStatement = (folder: string): string => `remove ${folder}`;

const count = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));

/** COPY's result row for each staged file, keyed by object key; a file COPY did not report is an error. */
export const copyResultsOf = (rows: readonly WarehouseRow[], files: readonly StagedName[]): Map<string, LoadResult> => {
  const results = new Map<string, LoadResult>();
  for (const file of files) {
    const row = rows.find((candidate) => typeof candidate.file === 'string' && candidate.file.split('/').at(-1) === file.name);
    if (!row) throw new Error(`COPY reported nothing for ${file.sourceFile} (staged as ${file.name}): ${JSON.stringify(rows).slice(0, 300)}`);
    const firstError = row.first_error;
    results.set(file.sourceFile, {
      rowsParsed: count(row.rows_parsed),
      rowsLoaded: count(row.rows_loaded),
      errorsSeen: count(row.errors_seen),
      ...(typeof firstError === 'string' && firstError !== '' ? { firstError } : {}),
    });
  }
  return results;
};

/** PUT reports one row per file; anything but UPLOADED (or SKIPPED, same bytes) for any of them means the load is not staged. */
export const assertUploaded = (rows: readonly WarehouseRow[], files: readonly StagedName[], folder: string): void => {
  const statuses = rows.map((row) => String(row.status ?? ''));
  if (rows.length !== files.length || statuses.some((status) => status !== 'UPLOADED' && status !== 'SKIPPED')) {
    throw new Error(`PUT of ${files.length} files to ${folder} did not upload them all: ${JSON.stringify(rows).slice(0, 500)}`);
  }
};
