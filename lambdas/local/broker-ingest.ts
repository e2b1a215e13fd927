/**
 * The ingestion half of the local twin on a real Kafka broker (`--brokers HOST:PORT`): producers
 * publish with the same KafkaPublisher that targets MSK (plaintext here), and a consumer-group
 * poller with the event source mapping's rules delivers to the consumer Lambda's own handler.
 * Producing and consuming are separate steps, so a consumer can stop and resume from the
 * group's committed offsets while the records wait on the broker.
 */
import type { MSKEvent } from 'aws-lambda';
import type { Admin, Kafka } from 'kafkajs';
import { ensureTopics } from '../kafka-topics/ensure-topics.js';
import { makeConsumerHandler } from '../consumer/make-handler.js';
import { KafkaPublisher, plaintextKafka } from '../shared/adapters/kafka-publisher.js';
import { TOPICS } from '../shared/contracts/events.js';
import type { ProducedMessage } from '../shared/ports/event-publisher.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import { logger, metrics } from '../shared/powertools.js';
import { consumedTally } from './consumed-tally.js';
import { loadReferenceCatalog } from '../shared/reference-catalog.js';
import type { EsmSettings, FailedBatch } from './esm-simulator.js';
import type { IngestSummary } from './ingest.js';
import { KafkaEsmPoller } from './kafka-esm-poller.js';
import { endOffsets, groupPositions } from './kafka-offsets.js';
import { invokeWithTimeout, MAX_LAMBDA_TIMEOUT_MS } from './lambda-context.js';
import { LOCAL_CLUSTER_ARN } from './msk-event.js';
import { OnFailureDestination } from './onfailure-destination.js';

/** The topics the twin produces to and consumes from. */
export const TWIN_TOPICS: readonly string[] = [TOPICS.userEvents, TOPICS.transactions];

/** The consumer group of `streamflow run --brokers` (an event source mapping has one per mapping). */
export const DEFAULT_CONSUMER_GROUP = 'streamflow-consumer';

/** Messages per produce request, as `streamflow produce` sends them to MSK. */
const SEND_BATCH = 500;

/** An admin client of the brokers; a broker that does not answer is reported with the next step. */
const connectedAdmin = async (kafka: Kafka, brokers: readonly string[]): Promise<Admin> => {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`cannot reach Kafka at ${brokers.join(',')} (${(error as Error).message}); start a local broker with npm run kafka, or check --brokers`, { cause: error });
  }
  return admin;
};

export interface BrokerProduceOptions {
  readonly brokers: readonly string[];
  readonly source: Iterable<ProducedMessage> | AsyncIterable<ProducedMessage>;
  /** Partitions of each topic when it is created (existing topics only grow). */
  readonly partitions: number;
  readonly onProgress?: (produced: number) => void;
}

/**
 * Creates the topics as the topics custom resource does (replication factor 1: one broker), then
 * publishes every message. Resolves with the count per topic once the broker acknowledged all.
 */
export const produceToBrokers = async (options: BrokerProduceOptions): Promise<Record<string, number>> => {
  const admin = await connectedAdmin(plaintextKafka(options.brokers, 'streamflow-topic-admin'), options.brokers);
  try {
    await ensureTopics(admin, TWIN_TOPICS.map((name) => ({ name, partitions: options.partitions })), 1);
  } finally {
    await admin.disconnect();
  }

  const produced = Object.create(null) as Record<string, number>;
  const publisher = await KafkaPublisher.connectPlaintext(options.brokers);
  let total = 0;
  try {
    let batch: ProducedMessage[] = [];
    const send = async (): Promise<void> => {
      await publisher.publish(batch);
      for (const message of batch) produced[message.topic] = (produced[message.topic] ?? 0) + 1;
      total += batch.length;
      batch = [];
      options.onProgress?.(total);
    };
    for await (const message of options.source) {
      batch.push(message);
      if (batch.length === SEND_BATCH) await send();
    }
    if (batch.length > 0) await send();
  } finally {
    await publisher.close();
  }
  return produced;
};

export interface BrokerConsumeOptions {
  readonly store: ObjectStore;
  readonly brokers: readonly string[];
  readonly esm: EsmSettings;
  /** @default DEFAULT_CONSUMER_GROUP */
  readonly groupId?: string;
  /** @default MAX_LAMBDA_TIMEOUT_MS */
  readonly functionTimeoutMs?: number;
  /** Called after each invocation with the records delivered so far and how many there are to deliver. */
  readonly onProgress?: (delivered: number, pending: number) => void;
}

/**
 * Delivers every record between the group's committed offsets and the end of the topics as they
 * are now, through the consumer handler, then leaves the group. `produced` in the summary counts
 * those records (what this run had to deliver), per topic.
 */
export const consumeFromBrokers = async (options: BrokerConsumeOptions): Promise<IngestSummary> => {
  const { store } = options;
  const catalog = await loadReferenceCatalog(store);
  const handler = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });
  const kafka = plaintextKafka(options.brokers, 'streamflow-esm');
  const groupId = options.groupId ?? DEFAULT_CONSUMER_GROUP;

  const admin = await connectedAdmin(kafka, options.brokers);
  const [positions, ends] = await Promise.all([groupPositions(admin, groupId, TWIN_TOPICS), endOffsets(admin, TWIN_TOPICS)]).finally(() => admin.disconnect());
  const produced = Object.create(null) as Record<string, number>;
  let pending = 0;
  for (const [key, end] of ends) {
    const waiting = end - (positions.get(key) ?? 0);
    const topic = key.slice(0, key.lastIndexOf('-'));
    produced[topic] = (produced[topic] ?? 0) + waiting;
    pending += waiting;
  }

  const { consumed, tally } = consumedTally();
  const bootstrapServers = options.brokers.join(',');
  const destination = new OnFailureDestination({ store, bootstrapServers });
  const failedBatches: FailedBatch[] = [];
  const poller = new KafkaEsmPoller({
    kafka,
    groupId,
    topics: TWIN_TOPICS,
    settings: options.esm,
    eventSourceArn: LOCAL_CLUSTER_ARN,
    bootstrapServers,
    invoke: async (event: MSKEvent) => {
      tally(await invokeWithTimeout('streamflow-consumer', options.functionTimeoutMs ?? MAX_LAMBDA_TIMEOUT_MS, (context) => handler(event, context)));
      options.onProgress?.(consumed.in, pending);
    },
    onFailure: async (failure) => {
      failedBatches.push(failure);
      const key = await destination.send(failure);
      logger.error('batch sent to the on-failure destination', { key, error: failure.error });
    },
  });

  options.onProgress?.(0, pending);
  const started = performance.now();
  await poller.start(positions);
  try {
    await poller.drainTo(ends);
  } finally {
    await poller.stop();
  }
  return { produced, esm: { ...poller.stats }, consumed, failedBatches, timings: { produceMs: 0, deliverMs: performance.now() - started, ingestMs: performance.now() - started } };
};
