/**
 * Loads the pending files of one Bronze table, exactly once per (key, ETag), in one statement:
 * claim them in a short autocommitted statement with a lease; read and check each claimed file
 * (a rejected one is recorded as failed); stage the rest outside any transaction (Snowflake PUT);
 * then one transaction replaces the rows of earlier versions of the same keys, loads every file
 * with one COPY and records each file's counts; after it commits the staged files are removed.
 * A file COPY could not read whole is rejected and the others are loaded again without it, so one
 * bad file never takes the tick's other files with it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ObjectStore, StoredObject } from '../shared/ports/object-store.js';
import {
  UnloadableFileError,
  WarehouseConflictError,
  WarehouseLockTimeoutError,
  type FileToLoad,
  type LoadResult,
  type StagedFiles,
  type Warehouse,
} from '../shared/ports/warehouse.js';
import { NO_REFERENCE_DATA, type ReferenceCatalog } from '../shared/reference-catalog.js';
import { readAhead } from '../shared/read-ahead.js';
import type { CheckedFile, FileChecker } from './file-checker.js';
import { claimFiles, completeFiles, fileVersion, recordFailure, releaseClaims, type FailedFile } from './load-history.js';
import type { LoadTarget } from '../shared/contracts/load-targets.js';
import { RejectedFileError, type RejectedRows } from './rejected-file.js';

export type FileOutcome =
  | { readonly status: 'loaded'; readonly key: string; readonly etag: string; readonly table: string; readonly rows: number }
  | {
      readonly status: 'skipped';
      readonly key: string;
      readonly etag: string;
      /** `lock_timeout`: the warehouse gave up waiting for another load's lock; the next tick retries. */
      readonly reason: 'already_loaded' | 'claimed_concurrently' | 'lock_timeout' | 'missing';
    }
  | { readonly status: 'failed'; readonly key: string; readonly etag: string; readonly table: string; readonly error: string };

/** What loading a table needs beyond the store and the warehouse. */
export interface TableLoadContext {
  readonly store: ObjectStore;
  readonly warehouse: Warehouse;
  readonly logger: Logger;
  readonly catalog: () => Promise<ReferenceCatalog>;
  readonly maxInflatedBytes: number;
  readonly checker: FileChecker;
  readonly leaseSeconds: number;
  readonly now: () => Date;
  /** A token no other load uses: its claims in the load history. */
  readonly claimToken: string;
  readonly force: boolean;
}

/** Attempts of a claim that lost a write conflict (DuckDB): the next one sees the winner's rows. */
const CLAIM_ATTEMPTS = 3;

/** Files whose rows COPY could not all read: rejected, and the load runs again without them. */
class UnreadableFilesError extends Error {
  constructor(readonly files: ReadonlyMap<string, string>) {
    super(`${files.size} files could not be read whole`);
  }
}

/** Another load took over a claim whose lease ran out: this one must not record or keep its rows. */
class LeaseLostError extends Error {}

export const bronzeName = (target: LoadTarget): string => `${target.bronze.table.schema}.${target.bronze.table.name}`;

const skipped = (objects: readonly StoredObject[], reason: 'claimed_concurrently' | 'lock_timeout'): FileOutcome[] =>
  objects.map((object) => ({ status: 'skipped', key: object.key, etag: object.etag, reason }));

const claimWithRetry = async (context: TableLoadContext, objects: readonly StoredObject[], table: string): Promise<Set<string>> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await claimFiles(
        context.warehouse,
        objects.map((object) => ({ key: object.key, etag: object.etag })),
        table,
        { token: context.claimToken, now: context.now(), leaseSeconds: context.leaseSeconds, force: context.force },
      );
    } catch (error) {
      if (!(error instanceof WarehouseConflictError) || attempt >= CLAIM_ATTEMPTS) throw error;
    }
  }
};

/** A file ready to stage, with the rows the loader counted in it (gold files). */
interface ReadyFile {
  readonly object: StoredObject;
  readonly file: FileToLoad;
  readonly rows?: number;
}

/** The object's bytes checked for loading, or `undefined` when it is gone from the store. */
const readAndCheck = async (context: TableLoadContext, target: LoadTarget, object: StoredObject): Promise<CheckedFile | undefined> => {
  const body = await context.store.get(object.key);
  if (body === undefined) return undefined;
  // Only gold rows reference the catalog; reference and quarantine files have contracts of their own.
  const catalog = target.gold ? await context.catalog() : NO_REFERENCE_DATA;
  return context.checker.check(object.key, body, catalog, context.maxInflatedBytes);
};

export const loadTable = async (context: TableLoadContext, target: LoadTarget, objects: readonly StoredObject[]): Promise<FileOutcome[]> => {
  const { warehouse, logger } = context;
  const table = bronzeName(target);
  const outcomes: FileOutcome[] = [];

  const fail = async (object: StoredObject, error: string, rows?: RejectedRows): Promise<void> => {
    const failure: FailedFile = { key: object.key, etag: object.etag, table, error, rowsParsed: rows?.rowsParsed ?? null, errorsSeen: rows?.errorsSeen ?? null };
    try {
      await recordFailure(warehouse, failure);
    } catch (recordError) {
      // Another invocation recorded (or loaded) this version meanwhile: its record stands.
      if (!(recordError instanceof WarehouseConflictError)) throw recordError;
    }
    outcomes.push({ status: 'failed', key: object.key, etag: object.etag, table, error });
  };

  let held: Set<string>;
  try {
    held = await claimWithRetry(context, objects, table);
  } catch (error) {
    if (error instanceof WarehouseLockTimeoutError) return skipped(objects, 'lock_timeout');
    if (error instanceof WarehouseConflictError) return skipped(objects, 'claimed_concurrently');
    throw error;
  }
  const claimed = objects.filter((object) => held.has(fileVersion(object.key, object.etag)));
  outcomes.push(...skipped(objects.filter((object) => !held.has(fileVersion(object.key, object.etag))), 'claimed_concurrently'));

  try {
    context.checker.expect?.(claimed.length);
    const ready: ReadyFile[] = [];
    // Files are read and checked ahead, as many at once as the checker checks (on other cores when
    // it has worker threads), and handled here in order.
    for (const { item: object, loaded } of readAhead(claimed, 2 * context.checker.parallelism, (object) => readAndCheck(context, target, object))) {
      let checked: CheckedFile | undefined;
      try {
        checked = await loaded;
      } catch (error) {
        if (!(error instanceof RejectedFileError)) throw error;
        await fail(object, error.message, error.rows);
        continue;
      }
      if (checked === undefined) {
        outcomes.push({ status: 'skipped', key: object.key, etag: object.etag, reason: 'missing' });
        continue;
      }
      const counted = checked.rows === undefined ? {} : { rows: checked.rows };
      ready.push({ object, file: { source: checked.source, sourceFile: object.key, ...counted }, ...counted });
    }
    outcomes.push(...(await loadReady(context, target, ready, fail)));
  } finally {
    // Whatever this load did not finish is free for the next tick at once, not after the lease.
    await releaseClaims(warehouse, context.claimToken).catch((error: unknown) =>
      logger.warn('could not release load claims; they expire with their lease', { error: (error as Error).message }),
    );
  }
  return outcomes;
};

/** Stages the files (a key the adapter cannot stage is rejected alone), then loads them in one transaction. */
const loadReady = async (
  context: TableLoadContext,
  target: LoadTarget,
  files: ReadyFile[],
  fail: (object: StoredObject, error: string, rows?: RejectedRows) => Promise<void>,
): Promise<FileOutcome[]> => {
  const { warehouse } = context;
  let ready = files;
  let staged: StagedFiles | undefined;
  while (ready.length > 0 && !staged) {
    try {
      staged = await warehouse.stage({ table: target.bronze.table, columns: target.bronze.fileColumns, files: ready.map((file) => file.file) });
    } catch (error) {
      if (!(error instanceof UnloadableFileError)) throw error;
      const bad = ready.filter((file) => error.sourceFile === undefined || file.object.key === error.sourceFile);
      for (const file of bad) await fail(file.object, error.message);
      ready = ready.filter((file) => !bad.includes(file));
    }
  }
  if (!staged) return [];
  try {
    return await copyStaged(context, target, staged, ready, fail);
  } finally {
    await warehouse.unstage(staged);
  }
};

/** COPY's counts must be the loader's own where it counted (gold files): anything else is a file read differently. */
const unreadableIn = (results: ReadonlyMap<string, LoadResult>, files: readonly ReadyFile[], table: string): Map<string, string> => {
  const unreadable = new Map<string, string>();
  for (const { object, rows } of files) {
    const result = results.get(object.key)!;
    if (result.errorsSeen > 0) {
      unreadable.set(object.key, `${result.errorsSeen} of ${result.rowsParsed} rows of ${object.key} could not be read into ${table}: ${result.firstError ?? 'no detail'}`);
    } else if (rows !== undefined && result.rowsLoaded !== rows) {
      unreadable.set(object.key, `${object.key} holds ${rows} rows but COPY loaded ${result.rowsLoaded} into ${table}`);
    }
  }
  return unreadable;
};

const copyStaged = async (
  context: TableLoadContext,
  target: LoadTarget,
  staged: StagedFiles,
  files: ReadyFile[],
  fail: (object: StoredObject, error: string) => Promise<void>,
): Promise<FileOutcome[]> => {
  const table = bronzeName(target);
  let pending = files;
  while (pending.length > 0) {
    const keys = pending.map((file) => file.object.key);
    try {
      const results = await context.warehouse.transaction(async (session) => {
        // A new version of a key replaces the old one's rows (gold keys are deterministic per batch).
        await session.execute(`delete from ${table} where _source_file in (${keys.map(() => '?').join(', ')})`, keys);
        const copied = await session.loadStaged(staged, keys);
        const unreadable = unreadableIn(copied, pending, table);
        if (unreadable.size > 0) throw new UnreadableFilesError(unreadable);
        const loaded = pending.map(({ object }) => ({ key: object.key, etag: object.etag, ...copied.get(object.key)! }));
        if ((await completeFiles(session, loaded, context.claimToken)) !== loaded.length) throw new LeaseLostError();
        return copied;
      });
      return pending.map(({ object }) => ({ status: 'loaded', key: object.key, etag: object.etag, table, rows: results.get(object.key)!.rowsLoaded }));
    } catch (error) {
      if (error instanceof UnreadableFilesError) {
        for (const file of pending.filter(({ object }) => error.files.has(object.key))) await fail(file.object, error.files.get(file.object.key)!);
        pending = pending.filter(({ object }) => !error.files.has(object.key));
        continue;
      }
      const objects = pending.map((file) => file.object);
      if (error instanceof LeaseLostError || error instanceof WarehouseConflictError) return skipped(objects, 'claimed_concurrently');
      if (error instanceof WarehouseLockTimeoutError) {
        context.logger.warn('load gave up waiting for a lock; the next tick retries', { table, files: objects.length, error: error.message });
        return skipped(objects, 'lock_timeout');
      }
      throw error;
    }
  }
  return [];
};
