/**
 * Consumes one MSK event: per partition batch, transform, then write landing, gold and
 * quarantine objects. Bad records never throw; a failing write does, so the event source
 * mapping retries the whole batch (keys are deterministic, so the retry overwrites).
 */
import { setImmediate } from 'node:timers/promises';
import type { MSKEvent } from 'aws-lambda';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ObjectStore } from '../shared/ports/object-store.js';
import type { ReferenceCatalog } from '../shared/reference-catalog.js';
import { GzipLines } from './gzip-lines.js';
import { decodeMskEvent, type PartitionBatch } from './kafka-record.js';
import { goldKeyFor, landingKeyFor, quarantineKeyFor } from './object-keys.js';
import { BatchTransformer, type BatchLedger } from './transform-batch.js';

/**
 * zlib level of every file the consumer writes. Level 1 compresses 2 to 3 times faster than the
 * default 6 for files about 14 % larger (`npm run bench` measures both on full batches): the
 * CPU saved is Lambda time on every record, the extra bytes cost next to nothing to store and load.
 */
export const GZIP_LEVEL = 1;

/** Records transformed between two pauses of the transform (see writeBatch). */
const YIELD_EVERY_RECORDS = 250;

export interface ConsumerDeps {
  readonly store: ObjectStore;
  readonly referenceCatalog: () => Promise<ReferenceCatalog>;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Writes one batch's files; landing first, since it is what every other file can be rebuilt from. */
export const writeBatch = async (store: ObjectStore, batch: PartitionBatch, catalog: ReferenceCatalog): Promise<BatchLedger> => {
  const landing = new GzipLines(GZIP_LEVEL);
  const gold = new Map<string, GzipLines>();
  let quarantine: GzipLines | undefined;
  const transformer = new BatchTransformer(batch, catalog, {
    landing,
    gold: (table) => {
      const lines = new GzipLines(GZIP_LEVEL);
      gold.set(table, lines);
      return lines;
    },
    quarantine: () => (quarantine = new GzipLines(GZIP_LEVEL)),
  });
  const { records } = batch;
  for (let index = 0; index < records.length; index++) {
    transformer.add(records[index]!);
    // zlib takes the next chunk only when this thread is free: a pause now and then lets it
    // compress on another core while the transform goes on (where there is one).
    if (index % YIELD_EVERY_RECORDS === YIELD_EVERY_RECORDS - 1) await setImmediate();
  }
  const ledger = transformer.ledger();
  // The files compress side by side; they are written once all are done, landing first.
  const [landingBody, quarantineBody, ...goldBodies] = await Promise.all([landing.end(), quarantine?.end(), ...[...gold.values()].map((lines) => lines.end())]);
  await store.put(landingKeyFor(batch), landingBody, 'application/x-ndjson+gzip');
  const writes = [...gold.keys()].map((table, index) => store.put(goldKeyFor(batch, table), goldBodies[index]!, 'text/csv+gzip'));
  if (quarantineBody !== undefined) writes.push(store.put(quarantineKeyFor(batch), quarantineBody, 'application/x-ndjson+gzip'));
  await Promise.all(writes);
  return ledger;
};

export const consumeEvent = async (event: MSKEvent, deps: ConsumerDeps): Promise<BatchLedger[]> => {
  const catalog = await deps.referenceCatalog();
  if (!catalog.available) deps.logger.warn('No reference data under reference/: unknown ids are not checked');

  const ledgers: BatchLedger[] = [];
  for (const batch of decodeMskEvent(event)) {
    const ledger = await writeBatch(deps.store, batch, catalog);
    deps.logger.info('batch written', { ledger });
    ledgers.push(ledger);
  }

  const sum = (pick: (ledger: BatchLedger) => number): number => ledgers.reduce((total, ledger) => total + pick(ledger), 0);
  deps.metrics.addMetric('RecordsIn', MetricUnit.Count, sum((l) => l.in));
  deps.metrics.addMetric('GoldRows', MetricUnit.Count, sum((l) => l.gold));
  deps.metrics.addMetric('QuarantinedRecords', MetricUnit.Count, sum((l) => l.quarantined));
  return ledgers;
};
