/**
 * After `streamflow run --brokers`, the broker's own offsets become the ledger's "in": what the
 * topics hold and what the consumer group committed, recorded beside the run's files so `report`
 * reads them like the in-process topic log's.
 *
 * A run's folder accounts for the offsets its consumer was given: from where the group stood when
 * the run started (a `--consume-only` run resuming a group owes nothing for what an earlier run
 * consumed into another folder) to the log's end.
 */
import { kafkaSourceOffsets } from '../shared/adapters/kafka-source-offsets.js';
import { plaintextKafka } from '../shared/adapters/kafka-publisher.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import { writeSourceOffsets, type SourceOffsets } from '../shared/source-offsets.js';
import { DEFAULT_CONSUMER_GROUP, TWIN_TOPICS } from './broker-ingest.js';
import { groupPositions, partitionKey, type PartitionOffsets } from './kafka-offsets.js';

const withAdmin = async <T>(brokers: readonly string[], work: (admin: ReturnType<ReturnType<typeof plaintextKafka>['admin']>) => Promise<T>): Promise<T> => {
  const admin = plaintextKafka(brokers, 'streamflow-ledger').admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
};

/** Where the consumer group will resume on each partition: read before a run consumes. */
export const brokerGroupPositions = (brokers: readonly string[], groupId = DEFAULT_CONSUMER_GROUP): Promise<PartitionOffsets> =>
  withAdmin(brokers, (admin) => groupPositions(admin, groupId, TWIN_TOPICS));

/**
 * The broker's offsets now, with the group's committed offsets beside them; each partition's start
 * raised to where this folder's consumer began (`consumedFrom`), when known.
 */
export const brokerSourceOffsets = (brokers: readonly string[], groupId = DEFAULT_CONSUMER_GROUP, consumedFrom?: PartitionOffsets): Promise<SourceOffsets> =>
  withAdmin(brokers, async (admin) => {
    const offsets = await kafkaSourceOffsets(admin, { topics: TWIN_TOPICS, groupId, label: `kafka ${brokers.join(',')}` });
    const partitions = offsets.partitions.map((entry) => ({
      ...entry,
      start: Math.max(entry.start, consumedFrom?.get(partitionKey(entry.topic, entry.partition)) ?? entry.start),
    }));
    return { ...offsets, partitions };
  });

export const recordBrokerOffsets = async (store: ObjectStore, brokers: readonly string[], groupId = DEFAULT_CONSUMER_GROUP, consumedFrom?: PartitionOffsets): Promise<void> => {
  await writeSourceOffsets(store, await brokerSourceOffsets(brokers, groupId, consumedFrom));
};

/** Where the run recorded its consumer began on each partition (the recorded starts), for {@link brokerSourceOffsets}. */
export const recordedStarts = (recorded: SourceOffsets | undefined): PartitionOffsets =>
  new Map((recorded?.partitions ?? []).map((entry) => [partitionKey(entry.topic, entry.partition), entry.start]));
