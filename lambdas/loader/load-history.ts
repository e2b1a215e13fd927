/**
 * SQL over `bronze.load_history`, keyed by (object key, ETag). The claim is a MERGE inside the
 * load's own transaction: the first transaction to commit wins the file, a concurrent one fails
 * with a conflict and loads nothing (DuckDB: primary key; Snowflake: MERGE takes a table lock).
 */
import type { Warehouse } from '../shared/ports/warehouse.js';
import { LOAD_HISTORY } from '../warehouse/control-tables.js';

const HISTORY = `${LOAD_HISTORY.table.schema}.${LOAD_HISTORY.table.name}`;

/** Parameters: file_key, etag, target_table. Changes 1 row when this invocation may load the file. */
export const claimStatement = (force: boolean): string => `merge into ${HISTORY} as history
using (select ? as file_key, ? as etag, ? as target_table) as claim
on history.file_key = claim.file_key and history.etag = claim.etag
${force ? "when matched then update set status = 'loading'\n" : ''}when not matched then insert (file_key, etag, target_table, status)
    values (claim.file_key, claim.etag, claim.target_table, 'loading')`;

/** Parameters: rows_parsed, rows_loaded, errors_seen, file_key, etag. */
export const completeStatement = `update ${HISTORY}
set status = 'loaded', rows_parsed = ?, rows_loaded = ?, errors_seen = ?, first_error = null, loaded_at = current_timestamp
where file_key = ? and etag = ?`;

/**
 * Parameters: file_key, etag, target_table, first_error. A failure never overwrites a successful
 * load of the same file version (a forced reload that failed leaves the earlier rows in place).
 */
export const recordFailureStatement = `merge into ${HISTORY} as history
using (select ? as file_key, ? as etag, ? as target_table, ? as first_error) as failure
on history.file_key = failure.file_key and history.etag = failure.etag
when matched and history.status = 'failed' then update set first_error = failure.first_error, loaded_at = current_timestamp
when not matched then insert (file_key, etag, target_table, status, first_error, loaded_at)
    values (failure.file_key, failure.etag, failure.target_table, 'failed', failure.first_error, current_timestamp)`;

/** `key\netag` of every file version already handled (loaded or failed). */
export const handledFiles = async (warehouse: Warehouse): Promise<Set<string>> => {
  const rows = await warehouse.query<{ file_key: string; etag: string }>(`select file_key, etag from ${HISTORY}`);
  return new Set(rows.map((row) => fileVersion(row.file_key, row.etag)));
};

export const fileVersion = (key: string, etag: string): string => `${key}\n${etag}`;
