/**
 * One delivery worker: a consumer Lambda sandbox on its own thread, as Lambda runs one invocation
 * per partition on its own CPU. It builds the consumer's handler once (its "cold start"), then for
 * each packed batch it receives builds the MSK event and invokes the handler exactly as ingest.ts
 * does on the main thread, writing through its own handle on the same folder bucket.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { makeConsumerHandler } from '../consumer/make-handler.js';
import { FolderObjectStore } from '../shared/adapters/folder-object-store.js';
import { logger, metrics } from '../shared/powertools.js';
import { loadReferenceCatalog } from '../shared/reference-catalog.js';
import { unpackBatch } from './batch-transfer.js';
import type { DeliveryRequest, DeliveryResult, DeliveryWorkerData } from './delivery-workers.js';
import { invokeWithTimeout } from './lambda-context.js';
import { mskEventOf } from './msk-event.js';

const port = parentPort!;
const { folder, functionTimeoutMs } = workerData as DeliveryWorkerData;
const store = new FolderObjectStore(folder);
const handler = loadReferenceCatalog(store).then((catalog) => makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics }));

const invoke = async ({ id, batch }: DeliveryRequest): Promise<DeliveryResult> => {
  try {
    const consume = await handler;
    const event = mskEventOf(unpackBatch(batch));
    return { id, ledgers: await invokeWithTimeout('streamflow-consumer', functionTimeoutMs, (context) => consume(event, context)) };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
};

port.on('message', (request: DeliveryRequest) => {
  void invoke(request).then((result) => port.postMessage(result));
});
