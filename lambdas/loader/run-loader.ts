/**
 * The loader's core: resolves a request to the objects it covers, skips file versions already
 * handled, and loads the rest one file (one transaction) at a time. No Lambda, no SDK: the
 * handler, the local twin and the tests all call this with their own store and warehouse.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ObjectStore, StoredObject } from '../shared/ports/object-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { loadFile, type FileOutcome } from './load-file.js';
import { fileVersion, handledFiles } from './load-history.js';
import { LOAD_PREFIXES, loadTargetFor } from './load-targets.js';
import type { LoaderRequest } from './loader-request.js';

export interface LoaderDeps {
  readonly store: ObjectStore;
  readonly warehouse: Warehouse;
  readonly logger: Logger;
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

const candidatesFor = async (request: LoaderRequest, store: ObjectStore): Promise<StoredObject[]> => {
  switch (request.kind) {
    case 'pending':
      return (await Promise.all(LOAD_PREFIXES.map((prefix) => store.list(prefix)))).flat();
    case 'object': {
      const object = await findObject(store, request.key);
      return object ? [object] : [];
    }
    case 'reload':
      return store.list(request.prefix);
  }
};

export const runLoader = async (request: LoaderRequest, deps: LoaderDeps): Promise<LoaderSummary> => {
  const started = performance.now();
  const { store, warehouse, logger } = deps;
  const force = request.kind === 'reload' && request.force;
  const candidates = (await candidatesFor(request, store)).sort(loadOrder);
  if (request.kind === 'object' && candidates.length === 0) logger.warn('object named by the event is not in the bucket', { key: request.key });

  const handled = force ? new Set<string>() : await handledFiles(warehouse);
  const files: FileOutcome[] = [];
  const ignored: string[] = [];
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
    const outcome = await loadFile(store, warehouse, object, target, force);
    if (outcome.status === 'failed') logger.error('file rejected', { key: outcome.key, etag: outcome.etag, error: outcome.error });
    else logger.debug('file handled', { outcome });
    files.push(outcome);
  }

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
    ms: Math.round(performance.now() - started),
  };
  logger.info('load finished', { request, loaded: summary.loaded, skipped: summary.skipped, failed: summary.failed, rowsLoaded });
  return summary;
};
