/**
 * Loads one object into its Bronze table, exactly once per (key, ETag): claim, replace the rows
 * of any earlier version of the same key, load, record, all in one transaction. A file that
 * cannot be read is rolled back whole (like COPY's ABORT_STATEMENT) and recorded as failed.
 */
import type { ObjectStore, StoredObject } from '../shared/ports/object-store.js';
import { UnloadableFileError, WarehouseConflictError, type LoadSource, type Warehouse } from '../shared/ports/warehouse.js';
import { fileToLoad } from './file-to-csv.js';
import { claimStatement, completeStatement, recordFailureStatement } from './load-history.js';
import type { LoadTarget } from './load-targets.js';
import { RejectedFileError } from './rejected-file.js';

export type FileOutcome =
  | { readonly status: 'loaded'; readonly key: string; readonly etag: string; readonly table: string; readonly rows: number }
  | {
      readonly status: 'skipped';
      readonly key: string;
      readonly etag: string;
      readonly reason: 'already_loaded' | 'claimed_concurrently' | 'missing';
    }
  | { readonly status: 'failed'; readonly key: string; readonly etag: string; readonly table: string; readonly error: string };

const bronzeName = (target: LoadTarget): string => `${target.bronze.table.schema}.${target.bronze.table.name}`;

/**
 * The file to load. Converting is pure, so whatever it throws is about this file's content: a
 * rejection of the file, never a failed invocation that would stop every later tick at this file.
 */
const contentOf = (key: string, body: Uint8Array, target: LoadTarget): LoadSource => {
  try {
    return fileToLoad(key, body, target);
  } catch (error) {
    if (error instanceof RejectedFileError) throw error;
    throw new RejectedFileError(`${key} cannot be converted for loading: ${(error as Error).message.slice(0, 200)}`);
  }
};

export const loadFile = async (
  store: ObjectStore,
  warehouse: Warehouse,
  object: StoredObject,
  target: LoadTarget,
  force: boolean,
): Promise<FileOutcome> => {
  const { key, etag } = object;
  const table = bronzeName(target);
  const body = await store.get(key);
  if (body === undefined) return { status: 'skipped', key, etag, reason: 'missing' };

  try {
    const source = contentOf(key, body, target);
    return await warehouse.transaction(async (session): Promise<FileOutcome> => {
      if ((await session.execute(claimStatement(force), [key, etag, table])) === 0) {
        return { status: 'skipped', key, etag, reason: 'already_loaded' };
      }
      // A new version of a key replaces the old one's rows (gold keys are deterministic per batch).
      await session.execute(`delete from ${table} where _source_file = ?`, [key]);
      const result = await session.load({ table: target.bronze.table, columns: target.bronze.fileColumns, source, sourceFile: key });
      if (result.errorsSeen > 0) {
        throw new RejectedFileError(
          `${result.errorsSeen} of ${result.rowsParsed} rows of ${key} could not be read into ${table}: ${result.firstError ?? 'no detail'}`,
        );
      }
      await session.execute(completeStatement, [result.rowsParsed, result.rowsLoaded, result.errorsSeen, key, etag]);
      return { status: 'loaded', key, etag, table, rows: result.rowsLoaded };
    });
  } catch (error) {
    if (error instanceof WarehouseConflictError) return { status: 'skipped', key, etag, reason: 'claimed_concurrently' };
    if (!(error instanceof RejectedFileError || error instanceof UnloadableFileError)) throw error;
    try {
      await warehouse.transaction((session) => session.execute(recordFailureStatement, [key, etag, table, error.message]));
    } catch (recordError) {
      // Another invocation recorded (or loaded) this version meanwhile: its record stands.
      if (!(recordError instanceof WarehouseConflictError)) throw recordError;
    }
    return { status: 'failed', key, etag, table, error: error.message };
  }
};
