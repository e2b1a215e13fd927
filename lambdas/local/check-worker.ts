/**
 * One check worker: checks the files it is sent exactly as the loader's own thread would
 * (lambdas/loader/file-checker.ts), against the catalog it was last sent, and answers with the
 * rows it counted, the converted bytes (JSON and NDJSON files), or the rejection.
 */
import { parentPort } from 'node:worker_threads';
import { checkedFile, checkedTargetFor } from '../loader/file-checker.js';
import { RejectedFileError } from '../loader/rejected-file.js';
import { catalogFromIds, NO_REFERENCE_DATA, type ReferenceCatalog } from '../shared/reference-catalog.js';
import type { CheckAnswer, CheckRequest, CheckWorkerMessage, ReadyMessage } from './check-workers.js';

const port = parentPort!;
let catalog: ReferenceCatalog = NO_REFERENCE_DATA;

const answer = ({ id, key, body, maxInflatedBytes }: CheckRequest): CheckAnswer => {
  try {
    const { source, rows } = checkedFile(key, body, checkedTargetFor(key), catalog, maxInflatedBytes);
    if (!('bytes' in source)) throw new Error(`${key}: a check hands over bytes, not a path`);
    // A CSV loads as the bytes it was sent, which the loader still holds: only converted bytes go back.
    return { id, fileName: source.fileName, ...(source.bytes === body ? {} : { converted: source.bytes }), ...(rows === undefined ? {} : { rows }) };
  } catch (error) {
    if (error instanceof RejectedFileError) return { id, rejected: error.message, ...(error.rows ? { rows: error.rows } : {}) };
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
};

port.on('message', (message: CheckWorkerMessage) => {
  if (message.kind === 'catalog') {
    catalog = catalogFromIds(message.ids);
    return;
  }
  port.postMessage(answer(message));
});

// The modules above are loaded: checks sent from now on start at once.
port.postMessage({ ready: true } satisfies ReadyMessage);
