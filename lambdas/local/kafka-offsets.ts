/**
 * Offsets on a broker keyed per topic-partition (`"<topic>-<partition>"`, the MSK event's key),
 * for the poller: where each log ends, and where a consumer group will resume (read with the
 * ledger's own query, kafka-source-offsets.ts) — its committed offset, or the log's start for a
 * partition it never committed, as Lambda's TRIM_HORIZON starting position does.
 */
import type { Admin } from 'kafkajs';
import { kafkaSourceOffsets } from '../shared/adapters/kafka-source-offsets.js';

export type PartitionOffsets = Map<string, number>;

export const partitionKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/** The next offset each partition will write (its high watermark). */
export const endOffsets = async (admin: Admin, topics: readonly string[]): Promise<PartitionOffsets> => {
  const ends: PartitionOffsets = new Map();
  for (const topic of topics) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(partitionKey(topic, partition), Number(high));
  }
  return ends;
};

/** The next offset `groupId` reads on each partition. */
export const groupPositions = async (admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionOffsets> =>
  new Map(
    (await kafkaSourceOffsets(admin, { topics, groupId, label: 'kafka' })).partitions.map(({ topic, partition, start, committed }) => [partitionKey(topic, partition), Math.max(committed ?? start, start)]),
  );
