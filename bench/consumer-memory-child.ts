/**
 * The consumer as a Lambda container runs it, alone in its process, for the memory bench: bundled
 * like the deployed function (esbuild, ESM, the AWS SDK inside), the event read and parsed from its
 * JSON as the runtime does, then the handler invoked on it several times, as a warm container is.
 * Prints one JSON line with the process's memory; objects are kept in memory, not written.
 *
 * Usage: node consumer-memory-child.mjs EVENT.json INVOCATIONS DATA_DIR
 */
import './quiet-powertools.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { S3Client } from '@aws-sdk/client-s3';
import type { MSKEvent } from 'aws-lambda';
import { makeConsumerHandler } from '../lambdas/consumer/make-handler.js';
import { localLambdaContext } from '../lambdas/local/lambda-context.js';
import { S3ObjectStore } from '../lambdas/shared/adapters/s3-object-store.js';
import { logger, metrics } from '../lambdas/shared/powertools.js';
import { REFERENCE_KEYS, loadReferenceCatalog } from '../lambdas/shared/reference-catalog.js';
import { MemoryObjectStore } from './memory-store.js';

const MiB = 1024 * 1024;
const [eventFile, invocationsArg, dataDir] = process.argv.slice(2);
const invocations = Number(invocationsArg ?? 1);

let heapUsedPeak = 0;
let externalPeak = 0;
const sample = (): void => {
  const usage = process.memoryUsage();
  heapUsedPeak = Math.max(heapUsedPeak, usage.heapUsed);
  externalPeak = Math.max(externalPeak, usage.external);
};

/** Samples memory when the handler writes, the moment its output is complete and still held. */
class SamplingStore extends MemoryObjectStore {
  override put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    sample();
    return super.put(key, body, contentType);
  }
}

// The S3 client is created as in handler.ts, so its code and state count; it is never called.
void new S3ObjectStore(new S3Client({ region: 'us-east-1' }), 'streamflow-bench');
const store = new SamplingStore();
// The reference files are read and parsed as the handler's catalog cache does on a cold start.
for (const [name, key] of Object.entries(REFERENCE_KEYS)) await store.put(key, await readFile(join(dataDir!, `${name}.json`)), 'application/json');
const catalog = await loadReferenceCatalog(store);
const handler = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });

const rssBeforeEvent = process.memoryUsage().rss;
const event = JSON.parse(await readFile(eventFile!, 'utf8')) as MSKEvent;
const rssWithEvent = process.memoryUsage().rss;
const timer = setInterval(sample, 2);
const durationsMs: number[] = [];
let maxRssAfterFirst = 0;
for (let i = 0; i < invocations; i++) {
  const started = performance.now();
  await handler(event, localLambdaContext('streamflow-consumer'));
  durationsMs.push(performance.now() - started);
  sample();
  if (i === 0) maxRssAfterFirst = process.resourceUsage().maxRSS * 1024;
  store.clear('landing/');
  store.clear('gold/');
  store.clear('quarantine/');
}
clearInterval(timer);

console.log(
  JSON.stringify({
    rssBeforeEventMb: rssBeforeEvent / MiB,
    rssWithEventMb: rssWithEvent / MiB,
    peakRssFirstInvocationMb: maxRssAfterFirst / MiB,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / MiB,
    heapUsedPeakMb: heapUsedPeak / MiB,
    heapCommittedMb: getHeapStatistics().total_heap_size / MiB,
    externalPeakMb: externalPeak / MiB,
    durationsMs,
  }),
);
