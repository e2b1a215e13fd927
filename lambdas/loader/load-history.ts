/**
 * SQL over `bronze.load_history`, keyed by (object key, ETag). A load claims its files in one
 * short autocommitted MERGE that writes a claim token and a lease expiry, so no lock is held while
 * files cross the network; the load's transaction then completes only the rows its token still
 * holds. A claim whose invocation died (a Lambda killed mid-load) expires and is taken over by the
 * next tick instead of blocking the file forever.
 */
import type { Warehouse, WarehouseSession, WarehouseValue } from '../shared/ports/warehouse.js';
import { LOAD_HISTORY } from '../warehouse/control-tables.js';

const HISTORY = `${LOAD_HISTORY.table.schema}.${LOAD_HISTORY.table.name}`;

/**
 * How long a claim holds: the longest a Lambda invocation can run (900 s,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html), so a live load never
 * loses its claim and a dead one frees its files within 15 minutes.
 */
export const DEFAULT_LEASE_SECONDS = 900;

/** One file version, as the history keys it. */
export interface FileVersion {
  readonly key: string;
  readonly etag: string;
}

/** A time as both warehouses read it into TIMESTAMP (NTZ): UTC wall clock, no zone suffix. */
const sqlTime = (time: Date): string => time.toISOString().replace('T', ' ').replace('Z', '');

const valuesList = (rows: number, width: number): string =>
  Array.from({ length: rows }, () => `(${Array.from({ length: width }, () => '?').join(', ')})`).join(', ');

/**
 * Claims every file that is new, whose claim expired, or (forced) that is not held by a live
 * claim; files another invocation holds are left to it. A forced claim leaves the status of an
 * earlier load as it is, so a reload that fails keeps the earlier rows and their record.
 */
export const claimStatement = (files: number, force: boolean): string => `merge into ${HISTORY} as history
using (select * from (values ${valuesList(files, 3)}) as claim (file_key, etag, target_table)) as claim
on history.file_key = claim.file_key and history.etag = claim.etag
when matched and (history.lease_expires_at is null or history.lease_expires_at < cast(? as timestamp))${force ? '' : " and history.status = 'loading'"}
    then update set claimed_by = ?, lease_expires_at = cast(? as timestamp)
when not matched then insert (file_key, etag, target_table, status, claimed_by, lease_expires_at)
    values (claim.file_key, claim.etag, claim.target_table, 'loading', ?, cast(? as timestamp))`;

/** Parameter: the claim token. The file versions it holds. */
export const HELD_FILES_QUERY = `select file_key, etag from ${HISTORY} where claimed_by = ? and lease_expires_at is not null`;

/** Runs the claim (autocommitted) and returns the file versions this token now holds. */
export const claimFiles = async (
  warehouse: Warehouse,
  files: readonly FileVersion[],
  table: string,
  claim: { readonly token: string; readonly now: Date; readonly leaseSeconds: number; readonly force: boolean },
): Promise<Set<string>> => {
  const expires = sqlTime(new Date(claim.now.getTime() + claim.leaseSeconds * 1000));
  const params: WarehouseValue[] = [...files.flatMap((file) => [file.key, file.etag, table]), sqlTime(claim.now), claim.token, expires, claim.token, expires];
  await warehouse.execute(claimStatement(files.length, claim.force), params);
  const held = await warehouse.query<{ file_key: string; etag: string }>(HELD_FILES_QUERY, [claim.token]);
  return new Set(held.map((row) => fileVersion(row.file_key, row.etag)));
};

/** What COPY reported for one loaded file. */
export interface LoadedFile extends FileVersion {
  readonly rowsParsed: number;
  readonly rowsLoaded: number;
}

/**
 * Inside the load's transaction: records the files as loaded and ends their claim, only where this
 * token still holds it. Resolves to how many rows it changed: fewer than the files means a claim
 * was lost, and the caller must roll back.
 */
export const completeFiles = (session: WarehouseSession, files: readonly LoadedFile[], token: string): Promise<number> =>
  session.execute(
    completeStatement(files.length),
    [...files.flatMap((file) => [file.key, file.etag, file.rowsParsed, file.rowsLoaded]), token],
  );

/** Parameters: file_key, etag, rows_parsed, rows_loaded per file, then the claim token. */
export const completeStatement = (files: number): string => `update ${HISTORY} as history
set status = 'loaded', rows_parsed = done.rows_parsed, rows_loaded = done.rows_loaded, errors_seen = 0, first_error = null,
    loaded_at = current_timestamp, lease_expires_at = null
from (select * from (values ${valuesList(files, 4)}) as done (file_key, etag, rows_parsed, rows_loaded)) as done
where history.file_key = done.file_key and history.etag = done.etag and history.claimed_by = ? and history.lease_expires_at is not null`;

/** Ends this token's claims without recording anything: the next tick may take the files at once. */
export const releaseClaims = (warehouse: Warehouse, token: string): Promise<number> => warehouse.execute(RELEASE_STATEMENT, [token]);

/** Parameter: the claim token. */
export const RELEASE_STATEMENT = `update ${HISTORY} set lease_expires_at = null where claimed_by = ? and lease_expires_at is not null`;

/** A rejected file version: why, and (when it was read) how many rows it held and broke the contract. */
export interface FailedFile extends FileVersion {
  readonly table: string;
  readonly error: string;
  readonly rowsParsed: number | null;
  readonly errorsSeen: number | null;
}

/**
 * Records a rejected file (autocommitted) and ends any claim on it. A failure never overwrites a
 * successful load of the same file version (a forced reload that failed leaves the earlier rows
 * and their record in place).
 */
export const recordFailure = (warehouse: Warehouse, file: FailedFile): Promise<number> =>
  warehouse.execute(RECORD_FAILURE_STATEMENT, [file.key, file.etag, file.table, file.error, file.rowsParsed, file.errorsSeen]);

/** Parameters: file_key, etag, target_table, first_error, rows_parsed, errors_seen. */
export const RECORD_FAILURE_STATEMENT = `merge into ${HISTORY} as history
using (select ? as file_key, ? as etag, ? as target_table, ? as first_error, cast(? as bigint) as rows_parsed, cast(? as bigint) as errors_seen) as failure
on history.file_key = failure.file_key and history.etag = failure.etag
when matched and history.status = 'loaded' then update set lease_expires_at = null
when matched then update set status = 'failed', first_error = failure.first_error, rows_parsed = failure.rows_parsed,
    errors_seen = failure.errors_seen, loaded_at = current_timestamp, lease_expires_at = null
when not matched then insert (file_key, etag, target_table, status, first_error, rows_parsed, errors_seen, loaded_at)
    values (failure.file_key, failure.etag, failure.target_table, 'failed', failure.first_error, failure.rows_parsed, failure.errors_seen, current_timestamp)`;

export const HANDLED_FILES_QUERY = `select file_key, etag from ${HISTORY} where status in ('loaded', 'failed')`;

/** `key\netag` of every file version already handled (loaded or failed); files still being loaded are the claim's to judge. */
export const handledFiles = async (warehouse: Warehouse): Promise<Set<string>> => {
  const rows = await warehouse.query<{ file_key: string; etag: string }>(HANDLED_FILES_QUERY);
  return new Set(rows.map((row) => fileVersion(row.file_key, row.etag)));
};

export const fileVersion = (key: string, etag: string): string => `${key}\n${etag}`;
