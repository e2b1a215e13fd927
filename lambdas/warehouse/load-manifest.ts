/**
 * Snowpipe mode's load history: `bronze.load_manifest`, append-only, one row per file version the
 * loader submitted (or rejected), loaded by a pipe of its own from small CSV files the loader
 * PUTs, so recording a load needs no warehouse. The first step of the triggered refresh graph
 * folds new manifest rows into `bronze.load_history` (what `streamflow report` and the scheduled
 * tick's skip list read in either mode) and removes the Bronze rows of versions a later one of the
 * same key superseded: the replace-on-reload that copy mode does inside the loader's transaction.
 * The statements run on Snowflake (inside the root task) and on DuckDB (test/warehouse/).
 */
import { createHash } from 'node:crypto';
import { LOAD_METADATA_COLUMNS, type Column } from '../shared/contracts/tables.js';
import type { FileColumn } from '../shared/ports/warehouse.js';
import { csvHeader, csvRow } from '../shared/csv.js';
import { BRONZE_TABLES } from '../shared/contracts/bronze-tables.js';
import { LOAD_HISTORY, type ControlTable } from './control-tables.js';

/** What the loader records for one file version. */
export interface ManifestEntry {
  readonly key: string;
  readonly etag: string;
  readonly table: string;
  readonly status: 'loaded' | 'failed';
  readonly rowsParsed: number | null;
  readonly rowsLoaded: number | null;
  readonly errorsSeen: number | null;
  readonly firstError: string | null;
  readonly submittedAt: Date;
  readonly lastModified: Date;
}

/** The columns of a manifest file, in file order, and how the loader writes each. */
const MANIFEST_COLUMNS: readonly Column<ManifestEntry>[] = [
  { name: 'file_key', type: 'varchar', nullable: false, read: (entry) => entry.key },
  { name: 'etag', type: 'varchar', nullable: false, read: (entry) => entry.etag },
  { name: 'target_table', type: 'varchar', nullable: false, read: (entry) => entry.table },
  /** `loaded` (submitted to the table's pipe) or `failed` (rejected by the loader's checks). */
  { name: 'status', type: 'varchar', nullable: false, read: (entry) => entry.status },
  { name: 'rows_parsed', type: 'bigint', nullable: true, read: (entry) => entry.rowsParsed },
  { name: 'rows_loaded', type: 'bigint', nullable: true, read: (entry) => entry.rowsLoaded },
  { name: 'errors_seen', type: 'bigint', nullable: true, read: (entry) => entry.errorsSeen },
  { name: 'first_error', type: 'varchar', nullable: true, read: (entry) => entry.firstError },
  /** When the loader submitted the version: the load history's `loaded_at`. */
  { name: 'submitted_at', type: 'timestamp', nullable: false, read: (entry) => entry.submittedAt },
  /** The object's LastModified in the bucket: a key's version written last supersedes the others. */
  { name: 'last_modified', type: 'timestamp', nullable: false, read: (entry) => entry.lastModified },
];

/** The manifest file's columns as its pipe's COPY lists them: the ones {@link manifestCsv} writes. */
export const MANIFEST_FILE_COLUMNS: readonly FileColumn[] = MANIFEST_COLUMNS.map(({ name, type }) => ({ name, type }));

/** One row per file version handled in Snowpipe mode, with the load metadata its pipe fills as every pipe does. */
export const LOAD_MANIFEST: ControlTable = {
  table: { schema: 'bronze', name: 'load_manifest' },
  columns: [...MANIFEST_FILE_COLUMNS, ...LOAD_METADATA_COLUMNS],
};

/** A manifest file in the project's CSV dialect (header line first, as bronze.csv_format skips it). */
export const manifestCsv = (entries: readonly ManifestEntry[]): string =>
  [csvHeader(MANIFEST_COLUMNS), ...entries.map((entry) => csvRow(MANIFEST_COLUMNS, entry))].join('\n') + '\n';

/**
 * The folder a file version is staged under: a short hash of key and ETag, so every loader that
 * sees the version PUTs it to the same path and the pipe's load metadata loads it at most once.
 */
export const versionFolderFor = (key: string, etag: string): string => createHash('sha256').update(`${key}\n${etag}`).digest('hex').slice(0, 16);

const MANIFEST = `${LOAD_MANIFEST.table.schema}.${LOAD_MANIFEST.table.name}`;
const HISTORY = `${LOAD_HISTORY.table.schema}.${LOAD_HISTORY.table.name}`;

/**
 * Deletes a table's rows of superseded versions. Every Bronze row loaded by a pipe carries its
 * version folder in `_source_version`, and so does every manifest row (its own pipe fills it the
 * same way), so a row is judged by the version it came from, never by when it was loaded: the
 * clocks of loaders and of Snowflake, and when a version's manifest lands, do not matter. A key's
 * newest version is its loaded version the bucket wrote last: LastModified is one clock for every
 * version, where two loaders' submission times can invert two versions handled at once (ties,
 * within S3's one-second resolution, by folder, so every run picks the same; a manifest row from
 * before `last_modified` existed counts its `submitted_at`). Deleted: the rows of the key's other
 * manifest versions, and its rows with no version (loaded in copy mode, or by a pipe before this
 * column existed) once it has one. Rows of a version with no manifest row yet stay: its manifest
 * is on its way (the loader PUTs data first), and it may be the key's current version. Only keys
 * that gained manifest rows (`manifestRows`) or Bronze rows (`bronzeRows`, so an earlier version
 * whose file loads after a later one's is still removed) are looked at. DELETE … USING, which
 * both engines take (https://docs.snowflake.com/en/sql-reference/sql/delete).
 */
const supersededRowsStatement = (table: string, manifestRows: string, bronzeRows: string): string => `delete from ${table}
using (
    select file_key, _source_version as version,
        row_number() over (partition by file_key order by max(coalesce(last_modified, submitted_at)) desc, _source_version desc) as recency
    from ${MANIFEST}
    where status = 'loaded'
        and target_table = '${table}'
        and _source_version is not null
        and file_key in (
            select file_key from ${manifestRows} as arrived_manifest
            union all
            select _source_file from ${bronzeRows} as arrived_rows
        )
    group by file_key, _source_version
) as version
where version.file_key = ${table}._source_file
    and ((version.recency = 1 and ${table}._source_version is null)
        or (version.recency > 1 and ${table}._source_version = version.version))`;

/**
 * Folds manifest rows into the load history: the latest row per version, a loaded record never
 * overwritten by a failure (as copy mode's recordFailure keeps it). `manifestRows` is the table
 * itself (DuckDB, a full re-fold is idempotent) or the inserted rows of its stream (Snowflake).
 */
const historyMergeStatement = (manifestRows: string): string => `merge into ${HISTORY} as history
using (
    select file_key, etag, target_table, status, rows_parsed, rows_loaded, errors_seen, first_error, submitted_at
    from (
        select *, row_number() over (partition by file_key, etag order by status desc, submitted_at desc) as latest
        from ${manifestRows} as manifest
    ) as ranked
    where latest = 1
) as manifest
on history.file_key = manifest.file_key and history.etag = manifest.etag
when matched and history.status = 'loaded' and manifest.status = 'failed' then update set lease_expires_at = null
when matched then update set status = manifest.status, rows_parsed = manifest.rows_parsed, rows_loaded = manifest.rows_loaded,
    errors_seen = manifest.errors_seen, first_error = manifest.first_error, loaded_at = manifest.submitted_at, lease_expires_at = null
when not matched then insert (file_key, etag, target_table, status, rows_parsed, rows_loaded, errors_seen, first_error, loaded_at)
    values (manifest.file_key, manifest.etag, manifest.target_table, manifest.status, manifest.rows_parsed, manifest.rows_loaded,
        manifest.errors_seen, manifest.first_error, manifest.submitted_at)`;

/** How far back each upkeep run reads the pipes' load history for files they rejected. */
export const PIPE_FAILURE_LOOKBACK_HOURS = 1;

/**
 * Snowflake only: a file its pipe rejected (ON_ERROR = SKIP_FILE) loaded no row, yet its manifest
 * row, written before the pipe ran, says `loaded`. COPY_HISTORY reports such a file as `Load
 * failed` (https://docs.snowflake.com/en/sql-reference/functions/copy_history); its path's second
 * segment is the version folder, as in METADATA$FILENAME, which the manifest's `_source_version`
 * turns back into key and ETag. The history row becomes `failed` with the pipe's counts and first
 * error, as copy mode records a file COPY rejects. Only pipe loads of the last
 * {@link PIPE_FAILURE_LOOKBACK_HOURS} hours are read, on every run the streams trigger.
 */
const pipeFailuresStatement = (table: string): string => `merge into ${HISTORY} as history
using (
    select manifest.file_key, manifest.etag, pipe_load.row_parsed, pipe_load.error_count, pipe_load.first_error_message
    from table(information_schema.copy_history(table_name => '${table}', start_time => dateadd('hour', -${PIPE_FAILURE_LOOKBACK_HOURS}, current_timestamp()))) as pipe_load
    join ${MANIFEST} as manifest
        on manifest._source_version = split_part(pipe_load.file_name, '/', 2)
        and manifest.target_table = '${table}'
    where pipe_load.pipe_name is not null
        and upper(pipe_load.status) = 'LOAD FAILED'
    qualify row_number() over (partition by manifest.file_key, manifest.etag order by pipe_load.last_load_time desc) = 1
) as failure
on history.file_key = failure.file_key and history.etag = failure.etag
when matched and history.status = 'loaded' then update set status = 'failed', rows_parsed = failure.row_parsed, rows_loaded = 0,
    errors_seen = failure.error_count, first_error = failure.first_error_message`;

/** The Snowflake-only step after {@link manifestUpkeepStatements}: pipe rejections into the load history, per Bronze table. */
export const pipeFailureStatements = (): string[] => BRONZE_TABLES.map((bronze) => pipeFailuresStatement(`${bronze.table.schema}.${bronze.table.name}`));

/**
 * The upkeep step: replace-on-reload for every Bronze table, then the history. `manifestRows` and
 * `bronzeRowsOf(table)` are the rows that arrived since the last run: the tables themselves
 * (DuckDB; a full re-check is idempotent) or their streams' inserted rows (Snowflake).
 */
export const manifestUpkeepStatements = (manifestRows: string = MANIFEST, bronzeRowsOf: (table: string) => string = (table) => table): string[] => [
  ...BRONZE_TABLES.map((bronze) => {
    const table = `${bronze.table.schema}.${bronze.table.name}`;
    return supersededRowsStatement(table, manifestRows, bronzeRowsOf(table));
  }),
  historyMergeStatement(manifestRows),
];
