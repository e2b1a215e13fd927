/**
 * Snowpipe mode's load of one Bronze table's pending files, with no warehouse statement: each file
 * is read and checked exactly as copy mode checks it (load-table.ts), PUT to a path of its own
 * version (`<version folder>/<key>/<file name>`, the folder a hash of key and ETag) and submitted
 * to the table's pipe. The pipe never loads a path twice within 14 days, so every loader that
 * sees a version, concurrently or again on the next tick, submits the same path and the version
 * loads once. What happened to each file goes into a manifest file of its own for the manifest's pipe; the
 * refresh graph's first step turns the manifest into the load history and removes the rows of
 * superseded versions (lambdas/warehouse/load-manifest.ts). A `loaded` outcome here means queued
 * for the pipe, with the rows the loader counted (gold files; 0 where it counts none).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { readFile } from 'node:fs/promises';
import type { ObjectStore, StoredObject } from '../shared/ports/object-store.js';
import type { PipeIngest } from '../shared/ports/pipe-ingest.js';
import { pipePathFor } from '../shared/adapters/snowflake-load-sql.js';
import type { LoadTarget } from '../shared/contracts/load-targets.js';
import { NO_REFERENCE_DATA, type ReferenceCatalog } from '../shared/reference-catalog.js';
import { LOAD_MANIFEST, manifestCsv, versionFolderFor, type ManifestEntry } from '../warehouse/load-manifest.js';
import { checkedFile } from './file-checker.js';
import { bronzeName, type FileOutcome } from './load-table.js';
import { RejectedFileError } from './rejected-file.js';

export interface SnowpipeLoadContext {
  readonly store: ObjectStore;
  readonly pipes: PipeIngest;
  readonly logger: Logger;
  readonly catalog: () => Promise<ReferenceCatalog>;
  readonly maxInflatedBytes: number;
  readonly now: () => Date;
}

/**
 * A version's manifest file: one path per version, under the version's folder (which its pipe
 * writes to `_source_version`, as the data's pipe does), so its first bytes are the ones the pipe
 * loads; a later loader's PUT of the same path is skipped (OVERWRITE = FALSE), its submission too.
 */
const manifestPathFor = (entry: ManifestEntry): string => pipePathFor(versionFolderFor(entry.key, entry.etag), entry.key, 'manifest.csv');

export const snowpipeLoadTable = async (context: SnowpipeLoadContext, target: LoadTarget, objects: readonly StoredObject[]): Promise<FileOutcome[]> => {
  const table = bronzeName(target);
  const submittedAt = context.now();
  const outcomes: FileOutcome[] = [];
  const entries: ManifestEntry[] = [];
  const paths: string[] = [];
  const entry = (object: StoredObject, fields: Pick<ManifestEntry, 'status' | 'rowsParsed' | 'rowsLoaded' | 'errorsSeen' | 'firstError'>): ManifestEntry => ({
    key: object.key,
    etag: object.etag,
    table,
    submittedAt,
    lastModified: object.lastModified,
    ...fields,
  });

  for (const object of objects) {
    const body = await context.store.get(object.key);
    if (body === undefined) {
      outcomes.push({ status: 'skipped', key: object.key, etag: object.etag, reason: 'missing' });
      continue;
    }
    try {
      const checked = checkedFile(object.key, body, target, target.gold ? await context.catalog() : NO_REFERENCE_DATA, context.maxInflatedBytes);
      const fileName = 'bytes' in checked.source ? checked.source.fileName : checked.source.path.split('/').at(-1)!;
      let path: string;
      try {
        path = pipePathFor(versionFolderFor(object.key, object.etag), object.key, fileName);
      } catch (error) {
        // A key a stage path cannot spell is this file's fault, as copy mode's UnloadableFileError.
        throw new RejectedFileError((error as Error).message);
      }
      await context.pipes.stage(target.bronze.table, path, 'bytes' in checked.source ? checked.source.bytes : await readFile(checked.source.path));
      paths.push(path);
      const rows = checked.rows ?? null;
      entries.push(entry(object, { status: 'loaded', rowsParsed: rows, rowsLoaded: rows, errorsSeen: 0, firstError: null }));
      outcomes.push({ status: 'loaded', key: object.key, etag: object.etag, table, rows: rows ?? 0 });
    } catch (error) {
      if (!(error instanceof RejectedFileError)) throw error;
      const rows = error.rows;
      entries.push(entry(object, { status: 'failed', rowsParsed: rows?.rowsParsed ?? null, rowsLoaded: null, errorsSeen: rows?.errorsSeen ?? null, firstError: error.message }));
      outcomes.push({ status: 'failed', key: object.key, etag: object.etag, table, error: error.message });
    }
  }

  // Data first, then the manifest that says they were submitted: once a version is in the manifest,
  // the upkeep deletes the key's other versions' rows, so a manifest must never name data that was not sent.
  if (paths.length > 0) await context.pipes.submit(target.bronze.table, paths);
  if (entries.length > 0) {
    const manifests = entries.map((recorded) => ({ path: manifestPathFor(recorded), csv: manifestCsv([recorded]) }));
    for (const { path, csv } of manifests) await context.pipes.stage(LOAD_MANIFEST.table, path, Buffer.from(csv, 'utf8'));
    await context.pipes.submit(LOAD_MANIFEST.table, manifests.map((manifest) => manifest.path));
  }
  context.logger.debug('files submitted to the pipe', { table, submitted: paths.length, rejected: entries.length - paths.length });
  return outcomes;
};
