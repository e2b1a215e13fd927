/**
 * After `streamflow run --brokers`, the broker's own offsets become the ledger's "in": what the
 * topics hold and what the consumer group committed, recorded beside the run's files so `report`
 * reads them like the in-process topic log's.
 */
import { kafkaSourceOffsets } from '../shared/adapters/kafka-source-offsets.js';
import { plaintextKafka } from '../shared/adapters/kafka-publisher.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import { writeSourceOffsets } from '../shared/source-offsets.js';
import { DEFAULT_CONSUMER_GROUP, TWIN_TOPICS } from './broker-ingest.js';

export const recordBrokerOffsets = async (store: ObjectStore, brokers: readonly string[], groupId = DEFAULT_CONSUMER_GROUP): Promise<void> => {
  const admin = plaintextKafka(brokers, 'streamflow-ledger').admin();
  await admin.connect();
  try {
    await writeSourceOffsets(store, await kafkaSourceOffsets(admin, { topics: TWIN_TOPICS, groupId, label: `kafka ${brokers.join(',')}` }));
  } finally {
    await admin.disconnect();
  }
};
