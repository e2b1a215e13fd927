/**
 * The consumer handler alone, in a loop over full batches, for a CPU profile of the hot path:
 *   node --cpu-prof --import tsx bench/profile-consumer.ts [passes]
 * For function names and lines that match the source, bundle it first:
 *   npx esbuild bench/profile-consumer.ts --bundle --platform=node --format=esm --keep-names --outfile=/tmp/consumer.mjs
 */
import './quiet-powertools.js';
import { makeConsumerHandler } from '../lambdas/consumer/make-handler.js';
import { localLambdaContext } from '../lambdas/local/lambda-context.js';
import { logger, metrics } from '../lambdas/shared/powertools.js';
import { REFERENCE_KEYS, loadReferenceCatalog } from '../lambdas/shared/reference-catalog.js';
import { readFile } from 'node:fs/promises';
import { buildBenchBatches } from './batches.js';
import { timed } from './measure.js';
import { MemoryObjectStore } from './memory-store.js';

const passes = Number(process.argv[2] ?? 10);
const batches = await buildBenchBatches(4);
const store = new MemoryObjectStore();
for (const [name, key] of Object.entries(REFERENCE_KEYS)) {
  await store.put(key, await readFile(new URL(`../data/${name}.json`, import.meta.url)), 'application/json');
}
const catalog = await loadReferenceCatalog(store);
const handler = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });
const context = localLambdaContext('bench-consumer');
const timing = await timed(async () => {
  for (let pass = 0; pass < passes; pass++) for (const batch of batches) await handler(batch.event, context);
});
console.log(`${passes} passes over ${batches.length} batches: ${timing.wallMs.toFixed(0)} ms wall, ${timing.cpuMs.toFixed(0)} ms CPU`);
