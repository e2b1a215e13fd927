/**
 * The ingestion half of the local twin: messages → topic log → ESM simulator → the consumer
 * Lambda's own handler → landing / gold / quarantine objects in the local bucket.
 */
import { readFile } from 'node:fs/promises';
import type { MSKEvent } from 'aws-lambda';
import { makeConsumerHandler } from '../consumer/make-handler.js';
import type { BatchLedger } from '../consumer/transform-batch.js';
import type { ProducedMessage } from '../shared/ports/event-publisher.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import { logger, metrics } from '../shared/powertools.js';
import { consumedTally, type ConsumedCounts } from './consumed-tally.js';
import { writeSourceOffsets, type SourceOffsets } from '../shared/source-offsets.js';
import { REFERENCE_KEYS, loadReferenceCatalog } from '../shared/reference-catalog.js';
import { FolderObjectStore } from '../shared/adapters/folder-object-store.js';
import { DeliveryWorkers } from './delivery-workers.js';
import { EsmSimulator, invokingWith, type DeliverBatch, type EsmSettings, type EsmStats, type FailedBatch } from './esm-simulator.js';
import { invokeWithTimeout, MAX_LAMBDA_TIMEOUT_MS } from './lambda-context.js';
import { OnFailureDestination } from './onfailure-destination.js';
import { TopicLog } from './topic-log.js';

/** Messages produced between delivery rounds: bounds the topic log's memory on long runs. */
const PRODUCE_CHUNK = 20_000;
/**
 * Messages generated between turns of the event loop: lets delivery workers' results hand them
 * their next batch while the main thread generates (a synchronous source never yields by itself).
 */
const YIELD_EVERY = 1_000;

export interface IngestOptions {
  readonly store: ObjectStore;
  readonly source: Iterable<ProducedMessage> | AsyncIterable<ProducedMessage>;
  readonly esm: EsmSettings;
  readonly partitions: number;
  /** Called after each delivery round with the messages produced so far. */
  readonly onProgress?: (produced: number) => void;
  /**
   * The clock the topic log and the simulator's batching window run on. By default it stands
   * still for the whole run, so a backfill's batch boundaries (and object keys) depend only on
   * the data and the settings, never on how fast the machine is. Pass `Date.now` to stream live.
   */
  readonly clock?: () => number;
  /**
   * The consumer function's timeout: an invocation still running then fails, and the simulator
   * retries it or sends it to the on-failure destination. @default MAX_LAMBDA_TIMEOUT_MS
   */
  readonly functionTimeoutMs?: number;
  /** Messages produced between delivery rounds. @default 20,000; a live run (`--rate`) delivers every fraction of a second. */
  readonly produceChunk?: number;
  /** Called after each delivery round with what the live view shows (lambdas/local/live-metrics.ts). */
  readonly onRound?: (round: IngestRound) => void;
  /**
   * Worker threads that run the consumer (delivery-workers.ts); 0 runs it on this thread. Batches,
   * retries, the on-failure destination and every object written are the same either way. Needs a
   * folder bucket, which each worker opens itself. @default 0
   */
  readonly deliveryWorkers?: number;
}

/** The pipeline's state after a delivery round, for the live view. */
export interface IngestRound {
  /** The run's clock at the end of the round (epoch ms). */
  readonly at: number;
  readonly produced: Readonly<Record<string, number>>;
  readonly consumed: { readonly in: number; readonly quarantined: number };
  /** Records in the log not yet delivered to the consumer, per partition: the consumer lag. */
  readonly lag: readonly { readonly topic: string; readonly partition: number; readonly records: number }[];
  /** How long each consumer invocation of the round took, in ms. */
  readonly batchMs: readonly number[];
}

export interface IngestSummary {
  readonly produced: Record<string, number>;
  readonly esm: EsmStats;
  readonly consumed: ConsumedCounts;
  readonly failedBatches: FailedBatch[];
  /**
   * `ingestMs` is the stage's wall time. From 100k events generation runs beside delivery (workers
   * deliver while the main thread generates the next chunk), so `produceMs` (generating and
   * publishing) and `deliverMs` (the delivery rounds) overlap and may add up to more than it.
   */
  readonly timings: { produceMs: number; deliverMs: number; ingestMs: number };
}

/** Copies `data/*.json` to the bucket's `reference/` prefix, as the CDK deployment does. */
export const publishReferenceData = async (store: ObjectStore): Promise<void> => {
  for (const [name, key] of Object.entries(REFERENCE_KEYS)) {
    const body = await readFile(new URL(`../../data/${name}.json`, import.meta.url));
    await store.put(key, body, 'application/json');
  }
};

/** The topic log's offsets, as the ledger's "in": produced (0 to end) and committed by the mapping. */
const sourceOffsetsOf = (log: TopicLog, esm: EsmSimulator): SourceOffsets => ({
  source: 'local topic log',
  partitions: log
    .topicPartitions()
    .map(({ topic, partition }) => ({ topic, partition, start: 0, end: log.endOffset(topic, partition), committed: esm.committedOffset(topic, partition) })),
});

/** The consumer on this thread, as `streamflow run` has always invoked it. */
const inlineConsumer = async (store: ObjectStore, functionTimeoutMs: number): Promise<DeliverBatch<BatchLedger[]>> => {
  const catalog = await loadReferenceCatalog(store);
  const handler = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });
  return invokingWith((event: MSKEvent) => invokeWithTimeout('streamflow-consumer', functionTimeoutMs, (context) => handler(event, context)));
};

const workersFor = (options: IngestOptions, functionTimeoutMs: number): DeliveryWorkers | undefined => {
  if (!options.deliveryWorkers) return undefined;
  if (!(options.store instanceof FolderObjectStore)) throw new Error('deliveryWorkers need a folder bucket (FolderObjectStore): each worker opens the folder itself');
  return new DeliveryWorkers({ folder: options.store.root, functionTimeoutMs }, options.deliveryWorkers);
};

export const ingest = async (options: IngestOptions): Promise<IngestSummary> => {
  const functionTimeoutMs = options.functionTimeoutMs ?? MAX_LAMBDA_TIMEOUT_MS;
  const workers = workersFor(options, functionTimeoutMs);
  try {
    return await ingestWith(options, workers?.deliver ?? (await inlineConsumer(options.store, functionTimeoutMs)));
  } finally {
    await workers?.close();
  }
};

const ingestWith = async (options: IngestOptions, consume: DeliverBatch<BatchLedger[]>): Promise<IngestSummary> => {
  const { store } = options;
  const { consumed, tally } = consumedTally();
  const failedBatches: FailedBatch[] = [];
  let batchMs: number[] = [];
  const startedAt = Date.now();
  const clock = options.clock ?? (() => startedAt);
  const log = new TopicLog(options.partitions, clock);
  // The local bucket doubles as the on-failure bucket: records land under aws/lambda/, as in S3.
  const destination = new OnFailureDestination({ store, clock });
  const esm = new EsmSimulator(
    log,
    async (batch) => {
      const invoked = performance.now();
      tally(await consume(batch));
      batchMs.push(performance.now() - invoked);
    },
    async (failure) => {
      failedBatches.push(failure);
      const key = await destination.send(failure);
      logger.error('batch sent to the on-failure destination', { key, error: failure.error });
    },
    options.esm,
    clock,
  );

  const produced = Object.create(null) as Record<string, number>;
  const ingestStarted = performance.now();
  const timings = { produceMs: 0, deliverMs: 0, ingestMs: 0 };
  let chunk: ProducedMessage[] = [];
  let total = 0;
  /** The round being delivered while the next chunk is generated; one at a time, so a partition never has two batches out. */
  let delivering: Promise<void> = Promise.resolve();
  const round = async (flush: boolean, producedSoFar: number, producedByTopic: Record<string, number>): Promise<void> => {
    const started = performance.now();
    await (flush ? esm.drain() : esm.poll());
    timings.deliverMs += performance.now() - started;
    options.onProgress?.(producedSoFar);
    options.onRound?.({
      at: clock(),
      produced: producedByTopic,
      consumed: { in: consumed.in, quarantined: consumed.quarantined },
      lag: log.topicPartitions().map(({ topic, partition }) => ({ topic, partition, records: log.endOffset(topic, partition) - esm.committedOffset(topic, partition) })),
      batchMs,
    });
    batchMs = [];
  };
  const deliver = async (flush: boolean): Promise<void> => {
    await delivering;
    const started = performance.now();
    await log.publish(chunk);
    chunk = [];
    timings.produceMs += performance.now() - started;
    // Before delivery: should the run stop half way, the ledger still knows what was produced.
    await writeSourceOffsets(store, sourceOffsetsOf(log, esm));
    delivering = round(flush, total, { ...produced });
    // Awaited before the next round or at the end; until then a failure must not count as unhandled.
    delivering.catch(() => undefined);
  };

  let started = performance.now();
  for await (const message of options.source) {
    produced[message.topic] = (produced[message.topic] ?? 0) + 1;
    total++;
    chunk.push(message);
    if (total % YIELD_EVERY === 0) await new Promise(setImmediate);
    if (chunk.length >= (options.produceChunk ?? PRODUCE_CHUNK)) {
      timings.produceMs += performance.now() - started;
      await deliver(false);
      started = performance.now();
    }
  }
  timings.produceMs += performance.now() - started;
  await deliver(true);
  await delivering;
  await writeSourceOffsets(store, sourceOffsetsOf(log, esm));
  timings.ingestMs = performance.now() - ingestStarted;

  return { produced, esm: { ...esm.stats }, consumed, failedBatches, timings };
};
