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

/** The columns of a manifest file, in file order: what its pipe's COPY lists. */
export const MANIFEST_FILE_COLUMNS: readonly FileColumn[] = [
  { name: 'file_key', type: 'varchar' },
  { name: 'etag', type: 'varchar' },
  { name: 'target_table', type: 'varchar' },
  /** `loaded` (submitted to the table's pipe) or `failed` (rejected by the loader's checks). */
  { name: 'status', type: 'varchar' },
  { name: 'rows_parsed', type: 'bigint' },
  { name: 'rows_loaded', type: 'bigint' },
  { name: 'errors_seen', type: 'bigint' },
  { name: 'first_error', type: 'varchar' },
  /** When the loader submitted the version: later versions of a key supersede earlier ones. */
  { name: 'submitted_at', type: 'timestamp' },
];

/** One row per file version handled in Snowpipe mode, with the load metadata its pipe fills as every pipe does. */
export const LOAD_MANIFEST: ControlTable = {
  table: { schema: 'bronze', name: 'load_manifest' },
  columns: [...MANIFEST_FILE_COLUMNS, ...LOAD_METADATA_COLUMNS],
};

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
}

const MANIFEST_COLUMNS: readonly Column<ManifestEntry>[] = [
  { name: 'file_key', type: 'varchar', nullable: false, read: (entry) => entry.key },
  { name: 'etag', type: 'varchar', nullable: false, read: (entry) => entry.etag },
  { name: 'target_table', type: 'varchar', nullable: false, read: (entry) => entry.table },
  { name: 'status', type: 'varchar', nullable: false, read: (entry) => entry.status },
  { name: 'rows_parsed', type: 'bigint', nullable: true, read: (entry) => entry.rowsParsed },
  { name: 'rows_loaded', type: 'bigint', nullable: true, read: (entry) => entry.rowsLoaded },
  { name: 'errors_seen', type: 'bigint', nullable: true, read: (entry) => entry.errorsSeen },
  { name: 'first_error', type: 'varchar', nullable: true, read: (entry) => entry.firstError },
  { name: 'submitted_at', type: 'timestamp', nullable: false, read: (entry) => entry.submittedAt },
];

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
 * Deletes a table's rows of superseded versions. Bronze rows carry the key, not the ETag, so a
 * version is told by time: a version starts when it was first submitted, and its pipe loads it
 * after that (`_loaded_at` is the pipe's scan time), so a row loaded before a later version of
 * its key started belongs to an earlier version. The rare race the other way (an earlier version
 * still queued when the later one is submitted) leaves its rows in place, never deletes the
 * current version's; Silver keeps one row per natural key either way. Only keys that gained a
 * manifest row in `manifestRows` and have more than one version are looked at, so the usual run
 * (new keys only) deletes from an empty set. DELETE … USING and QUALIFY, which both engines take
 * (https://docs.snowflake.com/en/sql-reference/sql/delete, https://docs.snowflake.com/en/sql-reference/constructs/qualify).
 */
const supersededRowsStatement = (table: string, manifestRows: string): string => `delete from ${table}
using (
    select file_key, etag, min(submitted_at) as started_at
    from ${MANIFEST}
    where status = 'loaded'
        and target_table = '${table}'
        and file_key in (select file_key from ${manifestRows} as arrived)
    group by file_key, etag
    qualify count(*) over (partition by file_key) > 1
) as version
where version.file_key = ${table}._source_file
    and version.started_at > ${table}._loaded_at`;

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

/** The upkeep step: replace-on-reload for every Bronze table, then the history. */
export const manifestUpkeepStatements = (manifestRows: string = MANIFEST): string[] => [
  ...BRONZE_TABLES.map((bronze) => supersededRowsStatement(`${bronze.table.schema}.${bronze.table.name}`, manifestRows)),
  historyMergeStatement(manifestRows),
];
