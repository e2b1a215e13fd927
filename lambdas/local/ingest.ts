/**
 * The ingestion half of the local twin: messages → topic log → ESM simulator → the consumer
 * Lambda's own handler → landing / gold / quarantine objects in the local bucket.
 */
import { readFile } from 'node:fs/promises';
import type { MSKEvent } from 'aws-lambda';
import { makeConsumerHandler } from '../consumer/make-handler.js';
import type { ProducedMessage } from '../shared/ports/event-publisher.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import { logger, metrics } from '../shared/powertools.js';
import { consumedTally, type ConsumedCounts } from './consumed-tally.js';
import { writeSourceOffsets, type SourceOffsets } from '../shared/source-offsets.js';
import { REFERENCE_KEYS, loadReferenceCatalog } from '../shared/reference-catalog.js';
import { EsmSimulator, type EsmSettings, type EsmStats, type FailedBatch } from './esm-simulator.js';
import { invokeWithTimeout, MAX_LAMBDA_TIMEOUT_MS } from './lambda-context.js';
import { OnFailureDestination } from './onfailure-destination.js';
import { TopicLog } from './topic-log.js';

/** Messages produced between delivery rounds: bounds the topic log's memory on long runs. */
const PRODUCE_CHUNK = 20_000;

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
  readonly timings: { produceMs: number; deliverMs: number };
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

export const ingest = async (options: IngestOptions): Promise<IngestSummary> => {
  const { store } = options;
  const catalog = await loadReferenceCatalog(store);
  const handler = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });

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
    async (event: MSKEvent) => {
      const invoked = performance.now();
      tally(await invokeWithTimeout('streamflow-consumer', options.functionTimeoutMs ?? MAX_LAMBDA_TIMEOUT_MS, (context) => handler(event, context)));
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
  const timings = { produceMs: 0, deliverMs: 0 };
  let chunk: ProducedMessage[] = [];
  let total = 0;
  const deliver = async (flush: boolean): Promise<void> => {
    let started = performance.now();
    await log.publish(chunk);
    chunk = [];
    timings.produceMs += performance.now() - started;
    // Before delivery: should the run stop half way, the ledger still knows what was produced.
    await writeSourceOffsets(store, sourceOffsetsOf(log, esm));
    started = performance.now();
    await (flush ? esm.drain() : esm.poll());
    timings.deliverMs += performance.now() - started;
    options.onProgress?.(total);
    options.onRound?.({
      at: clock(),
      produced: { ...produced },
      consumed: { in: consumed.in, quarantined: consumed.quarantined },
      lag: log.topicPartitions().map(({ topic, partition }) => ({ topic, partition, records: log.endOffset(topic, partition) - esm.committedOffset(topic, partition) })),
      batchMs,
    });
    batchMs = [];
  };

  let started = performance.now();
  for await (const message of options.source) {
    produced[message.topic] = (produced[message.topic] ?? 0) + 1;
    total++;
    chunk.push(message);
    if (chunk.length >= (options.produceChunk ?? PRODUCE_CHUNK)) {
      timings.produceMs += performance.now() - started;
      await deliver(false);
      started = performance.now();
    }
  }
  timings.produceMs += performance.now() - started;
  await deliver(true);
  await writeSourceOffsets(store, sourceOffsetsOf(log, esm));

  return { produced, esm: { ...esm.stats }, consumed, failedBatches, timings };
};
