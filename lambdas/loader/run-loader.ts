/**
 * The loader's core: resolves a request to the objects it covers, skips file versions already
 * handled, and loads the rest one Bronze table at a time: in copy mode each table's files in one
 * statement and one transaction (load-table.ts), in snowpipe mode submitted to the table's pipe
 * (snowpipe-load.ts). No Lambda, no SDK: the handler, the local twin and the tests all call this
 * with their own store and warehouse (and pipes).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ObjectStore, StoredObject } from '../shared/ports/object-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { PipeIngest } from '../shared/ports/pipe-ingest.js';
import { NO_REFERENCE_DATA, loadReferenceCatalog, type ReferenceCatalog } from '../shared/reference-catalog.js';
import { MAX_FILES_PER_COPY } from '../shared/adapters/snowflake-load-sql.js';
import { DEFAULT_MAX_INFLATED_BYTES } from './file-to-csv.js';
import { IN_THREAD_CHECKS, type FileChecker } from './file-checker.js';
import { DEFAULT_LEASE_SECONDS, fileVersion, handledFiles } from './load-history.js';
import { loadTable, type FileOutcome } from './load-table.js';
import { snowpipeLoadTable } from './snowpipe-load.js';
import { LOAD_PREFIXES, loadTargetFor, type LoadTarget } from '../shared/contracts/load-targets.js';
import type { LoaderRequest } from './loader-request.js';

export type { FileOutcome } from './load-table.js';

export interface LoaderDeps {
  readonly store: ObjectStore;
  readonly warehouse: Warehouse;
  readonly logger: Logger;
  /** Most bytes one object may inflate to; a file past it is rejected. @default DEFAULT_MAX_INFLATED_BYTES (128 MiB) */
  readonly maxInflatedBytes?: number;
  /**
   * Where copy mode checks each file before it loads (the local twin passes worker threads:
   * lambdas/local/check-workers.ts). @default IN_THREAD_CHECKS
   */
  readonly checker?: FileChecker;
  /** How long a claim on a file holds before another load may take it over. @default DEFAULT_LEASE_SECONDS (900) */
  readonly leaseSeconds?: number;
  /** The clock claims and leases are measured by. @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Snowpipe mode (lambdas/loader/snowpipe-load.ts): files go to their table's pipe instead of a
   * COPY on the warehouse. @default undefined: copy mode
   */
  readonly pipes?: PipeIngest;
}

export interface LoaderSummary {
  readonly request: LoaderRequest;
  readonly loaded: number;
  readonly skipped: number;
  readonly failed: number;
  /** Rows loaded per Bronze table by this invocation. */
  readonly rowsLoaded: Record<string, number>;
  readonly files: readonly FileOutcome[];
  /** Objects under the requested prefix that the loader does not load (not gold, reference or quarantine files). */
  readonly ignored: readonly string[];
  /**
   * Keys the request named (queued objects only) whose file this load left for a later one: another
   * load held it or a lock timed out. Their messages go back to the queue; a rejected file does not
   * (it is recorded as failed and a retry would skip it).
   */
  readonly unsettled: readonly string[];
  readonly ms: number;
}

/** Reference data first, so dimensions load with (or before) the facts that point to them. */
const loadOrder = (a: StoredObject, b: StoredObject): number => {
  const rank = (key: string): number => (key.startsWith('reference/') ? 0 : 1);
  return rank(a.key) - rank(b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
};

/** The object named by an S3 event. Keys arrive URL-encoded from some S3 notification paths. */
const findObject = async (store: ObjectStore, key: string): Promise<StoredObject | undefined> => {
  const exact = (candidate: string) => store.list(candidate).then((objects) => objects.find((object) => object.key === candidate));
  const found = await exact(key);
  if (found) return found;
  let decoded: string;
  try {
    decoded = decodeURIComponent(key.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
  return decoded === key ? undefined : exact(decoded);
};

/** The objects a request covers; for queued objects also the stored key each named key resolved to (undefined: not in the bucket). */
const candidatesFor = async (request: LoaderRequest, store: ObjectStore): Promise<{ candidates: StoredObject[]; named?: ReadonlyMap<string, string | undefined> }> => {
  switch (request.kind) {
    case 'pending':
      return { candidates: (await Promise.all(LOAD_PREFIXES.map((prefix) => store.list(prefix)))).flat() };
    case 'objects': {
      // The queue delivers at least once, so a batch may name an object twice: each is loaded once.
      const keys = [...new Set(request.objects.map((object) => object.key))];
      const found = await Promise.all(keys.map((key) => findObject(store, key)));
      const candidates = [...new Map(found.flatMap((object) => (object ? [[object.key, object] as const] : []))).values()];
      return { candidates, named: new Map(keys.map((key, index) => [key, found[index]?.key])) };
    }
    case 'reload':
      return { candidates: await store.list(request.prefix) };
  }
};

/** Skips a later load can undo: another load held the file, or the warehouse gave up waiting for a lock. */
const settlesLater = (file: FileOutcome): boolean => file.status === 'skipped' && (file.reason === 'claimed_concurrently' || file.reason === 'lock_timeout');

/** What a request is logged as: queued batches by their size, not their up to 10,000 keys. */
const loggedRequest = (request: LoaderRequest) =>
  request.kind === 'objects' ? { kind: request.kind, objects: request.objects.length, unreadable: request.unreadable.length } : request;

/** Files per load statement: Snowflake's COPY names at most 1,000 (lambdas/shared/adapters/snowflake-load-sql.ts). */
const MAX_FILES_PER_LOAD = MAX_FILES_PER_COPY;

export const runLoader = async (request: LoaderRequest, deps: LoaderDeps): Promise<LoaderSummary> => {
  const started = performance.now();
  const { store, warehouse, logger } = deps;
  const force = request.kind === 'reload' && request.force;
  const { candidates, named } = await candidatesFor(request, store);
  candidates.sort(loadOrder);
  for (const [key, stored] of named ?? []) if (stored === undefined) logger.warn('object named by the event is not in the bucket', { key });

  // Snowpipe mode reads no history for queued objects, so the hot path wakes no warehouse: the
  // pipe's load metadata skips a version it loaded. Scheduled ticks still skip what is recorded.
  const readsHistory = !force && !(deps.pipes && request.kind === 'objects');
  const handled = readsHistory ? await handledFiles(warehouse) : new Set<string>();
  const files: FileOutcome[] = [];
  const ignored: string[] = [];
  const pendingByLoad = new Map<string, { target: LoadTarget; objects: StoredObject[] }>();
  for (const object of candidates) {
    const target = loadTargetFor(object.key);
    if (!target) {
      ignored.push(object.key);
      continue;
    }
    if (handled.has(fileVersion(object.key, object.etag))) {
      files.push({ status: 'skipped', key: object.key, etag: object.etag, reason: 'already_loaded' });
      continue;
    }
    // One load per table and form: reference data may arrive as JSON and as CSV for the same table.
    const load = `${target.bronze.table.schema}.${target.bronze.table.name} ${target.format} ${target.gzipped}`;
    const pending = pendingByLoad.get(load) ?? { target, objects: [] };
    pending.objects.push(object);
    pendingByLoad.set(load, pending);
  }

  let catalog: Promise<ReferenceCatalog> | undefined;
  const context = {
    store,
    warehouse,
    logger,
    // Read once per invocation, after this tick's reference files are loaded (they come first).
    // Unreadable reference data is rejected as a file of its own; the referential checks are then
    // skipped, as the consumer skips them without reference data, instead of failing every tick.
    catalog: () =>
      (catalog ??= loadReferenceCatalog(store).catch((error: unknown) => {
        logger.warn('reference data unreadable: gold rows are checked without the referential checks', { error: (error as Error).message });
        return NO_REFERENCE_DATA;
      })),
    maxInflatedBytes: deps.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES,
    checker: deps.checker ?? IN_THREAD_CHECKS,
    leaseSeconds: deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
    now: deps.now ?? (() => new Date()),
    force,
  };
  // Maps keep insertion order: tables load in the candidates' order, reference data first.
  for (const { target, objects } of pendingByLoad.values()) {
    for (let start = 0; start < objects.length; start += MAX_FILES_PER_LOAD) {
      const batch = objects.slice(start, start + MAX_FILES_PER_LOAD);
      const outcomes = deps.pipes
        ? await snowpipeLoadTable({ ...context, pipes: deps.pipes }, target, batch)
        : await loadTable({ ...context, claimToken: randomUUID() }, target, batch);
      for (const outcome of outcomes) {
        if (outcome.status === 'failed') logger.error('file rejected', { key: outcome.key, etag: outcome.etag, error: outcome.error });
        else logger.debug('file handled', { outcome });
      }
      files.push(...outcomes);
    }
  }

  const unsettledKeys = new Set(files.filter(settlesLater).map((file) => file.key));
  const unsettled = [...(named ?? [])].filter(([, stored]) => stored !== undefined && unsettledKeys.has(stored)).map(([key]) => key);

  const rowsLoaded: Record<string, number> = {};
  for (const file of files) if (file.status === 'loaded') rowsLoaded[file.table] = (rowsLoaded[file.table] ?? 0) + file.rows;
  const count = (status: FileOutcome['status']): number => files.filter((file) => file.status === status).length;
  const summary: LoaderSummary = {
    request,
    loaded: count('loaded'),
    skipped: count('skipped'),
    failed: count('failed'),
    rowsLoaded,
    files,
    ignored,
    unsettled,
    ms: Math.round(performance.now() - started),
  };
  logger.info('load finished', { request: loggedRequest(request), loaded: summary.loaded, skipped: summary.skipped, failed: summary.failed, rowsLoaded });
  return summary;
};
