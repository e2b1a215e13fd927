/**
 * Where the loader checks a file's bytes before they may load (file-to-csv.ts): on the loader's
 * own thread (a Lambda invocation's), or, in the local twin, on worker threads
 * (lambdas/local/check-workers.ts), so a big tick checks its files on every core.
 */
import { loadTargetFor } from '../shared/contracts/load-targets.js';
import type { ReferenceCatalog } from '../shared/reference-catalog.js';
import { fileToLoad, type CheckedFile } from './file-to-csv.js';
import type { LoadTarget } from '../shared/contracts/load-targets.js';
import { RejectedFileError } from './rejected-file.js';

export type { CheckedFile } from './file-to-csv.js';

/** Checks files into what the warehouse loads, or rejects them with a {@link RejectedFileError}. */
export interface FileChecker {
  /** How many files it checks at once: the loader reads twice that many ahead. */
  readonly parallelism: number;
  /** How many files a load is about to check, before the first: a checker with threads may start them. */
  expect?(files: number): void;
  /** The file to load, for an object whose key has a load target; only gold files reference the catalog. */
  check(key: string, body: Uint8Array, catalog: ReferenceCatalog, maxInflatedBytes: number): Promise<CheckedFile>;
}

/**
 * The file to load. Converting is pure, so whatever it throws is about this file's content: a
 * rejection of the file, never a failed invocation that would stop every later tick at this file.
 */
export const checkedFile = (key: string, body: Uint8Array, target: LoadTarget, catalog: ReferenceCatalog, maxInflatedBytes: number): CheckedFile => {
  try {
    return fileToLoad(key, body, target, { catalog, maxInflatedBytes });
  } catch (error) {
    if (error instanceof RejectedFileError) throw error;
    throw new RejectedFileError(`${key} cannot be converted for loading: ${(error as Error).message.slice(0, 200)}`);
  }
};

/** The load target of a key the loader was handed: run-loader.ts only hands over keys that have one. */
export const checkedTargetFor = (key: string): LoadTarget => {
  const target = loadTargetFor(key);
  if (!target) throw new Error(`${key} has no load target: the loader checks only gold, reference and quarantine files`);
  return target;
};

/** Checks on the calling thread, one at a time: the Lambda's loader, and small local loads. */
export const IN_THREAD_CHECKS: FileChecker = {
  parallelism: 1,
  check: (key, body, catalog, maxInflatedBytes) => Promise.resolve().then(() => checkedFile(key, body, checkedTargetFor(key), catalog, maxInflatedBytes)),
};
