/**
 * After `streamflow run --brokers`, the broker's own offsets become the ledger's "in": what the
 * topics hold and what the consumer group committed, recorded beside the run's files so `report`
 * reads them like the in-process topic log's. `report --bucket` reads the deployed cluster's the
 * same way, live (kafkaLedgerOffsets with an MSK client).
 *
 * A run's folder accounts for the offsets its consumer was given: from where the group stood when
 * the run started (a `--consume-only` run resuming a group owes nothing for what an earlier run
 * consumed into another folder) to the log's end.
 */
import type { Admin, Kafka } from 'kafkajs';
import { kafkaSourceOffsets } from '../shared/adapters/kafka-source-offsets.js';
import { plaintextKafka } from '../shared/adapters/kafka-publisher.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import { writeSourceOffsets, type SourceOffsets } from '../shared/source-offsets.js';
import { DEFAULT_CONSUMER_GROUP, TWIN_TOPICS } from './broker-ingest.js';
import { groupPositions, partitionKey, type PartitionOffsets } from './kafka-offsets.js';

const withAdmin = async <T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
};

/** Where the consumer group will resume on each partition: read before a run consumes. */
export const brokerGroupPositions = (brokers: readonly string[], groupId = DEFAULT_CONSUMER_GROUP): Promise<PartitionOffsets> =>
  withAdmin(plaintextKafka(brokers, 'streamflow-ledger'), (admin) => groupPositions(admin, groupId, TWIN_TOPICS));

/**
 * A Kafka's offsets now (any client: plaintext, or MSK with IAM), with the group's committed
 * offsets beside them (`groupId` may hold `{topic}`, see consumer-groups.ts); each partition's
 * start raised to where this folder's consumer began (`consumedFrom`), when known.
 */
export const kafkaLedgerOffsets = (kafka: Kafka, options: { readonly groupId: string; readonly label: string; readonly consumedFrom?: PartitionOffsets }): Promise<SourceOffsets> =>
  withAdmin(kafka, async (admin) => {
    const { groupId, label, consumedFrom } = options;
    const offsets = await kafkaSourceOffsets(admin, { topics: TWIN_TOPICS, groupId, label });
    const partitions = offsets.partitions.map((entry) => ({
      ...entry,
      start: Math.max(entry.start, consumedFrom?.get(partitionKey(entry.topic, entry.partition)) ?? entry.start),
    }));
    return { ...offsets, partitions };
  });

/** {@link kafkaLedgerOffsets} of a broker over plaintext (`--brokers`). */
export const brokerSourceOffsets = (brokers: readonly string[], groupId = DEFAULT_CONSUMER_GROUP, consumedFrom?: PartitionOffsets): Promise<SourceOffsets> =>
  kafkaLedgerOffsets(plaintextKafka(brokers, 'streamflow-ledger'), { groupId, label: `kafka ${brokers.join(',')}`, ...(consumedFrom ? { consumedFrom } : {}) });

export const recordBrokerOffsets = async (store: ObjectStore, brokers: readonly string[], groupId = DEFAULT_CONSUMER_GROUP, consumedFrom?: PartitionOffsets): Promise<void> => {
  await writeSourceOffsets(store, await brokerSourceOffsets(brokers, groupId, consumedFrom));
};

/** Where the run recorded its consumer began on each partition (the recorded starts), for {@link brokerSourceOffsets}. */
export const recordedStarts = (recorded: SourceOffsets | undefined): PartitionOffsets =>
  new Map((recorded?.partitions ?? []).map((entry) => [partitionKey(entry.topic, entry.partition), entry.start]));
