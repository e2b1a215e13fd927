/**
 * Consumes one MSK event: per partition batch, transform, then write landing, gold and
 * quarantine objects. Bad records never throw; a failing write does, so the event source
 * mapping retries the whole batch (keys are deterministic, so the retry overwrites).
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { MSKEvent } from 'aws-lambda';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ObjectStore } from '../shared/ports/object-store.js';
import type { ReferenceCatalog } from '../shared/reference-catalog.js';
import { decodeMskEvent, type PartitionBatch } from './kafka-record.js';
import { goldKeyFor, landingKeyFor, quarantineKeyFor } from './object-keys.js';
import { transformBatch, type BatchLedger } from './transform-batch.js';

const gzipAsync = promisify(gzip);

/** Level 6 is zlib's default; benchmarks may move it, so it lives in one place. */
export const GZIP_LEVEL = 6;

export interface ConsumerDeps {
  readonly store: ObjectStore;
  readonly referenceCatalog: () => Promise<ReferenceCatalog>;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const compress = (text: string): Promise<Buffer> => gzipAsync(text, { level: GZIP_LEVEL });

/** Writes one batch's files; landing first, since it is what every other file can be rebuilt from. */
export const writeBatch = async (store: ObjectStore, batch: PartitionBatch, catalog: ReferenceCatalog): Promise<BatchLedger> => {
  const output = transformBatch(batch, catalog);
  await store.put(landingKeyFor(batch), await compress(output.landing), 'application/x-ndjson+gzip');
  const writes: Promise<void>[] = [];
  for (const [table, csv] of output.gold) {
    writes.push(compress(csv).then((body) => store.put(goldKeyFor(batch, table), body, 'text/csv+gzip')));
  }
  if (output.quarantine !== undefined) {
    const quarantine = output.quarantine;
    writes.push(compress(quarantine).then((body) => store.put(quarantineKeyFor(batch), body, 'application/x-ndjson+gzip')));
  }
  await Promise.all(writes);
  return output.ledger;
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
