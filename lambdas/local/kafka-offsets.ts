/**
 * Offsets on a broker, per topic-partition (`"<topic>-<partition>"`, the MSK event's key): where the
 * log ends, and where a consumer group will resume (its committed offset, or the log's start for a
 * partition it never committed, as Lambda's TRIM_HORIZON starting position does).
 */
import type { Admin } from 'kafkajs';

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
export const groupPositions = async (admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionOffsets> => {
  const positions: PartitionOffsets = new Map();
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  for (const topic of topics) {
    const starts = new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, low }) => [partition, Number(low)]));
    const partitions = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const [partition, low] of starts) {
      const offset = Number(partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
      positions.set(partitionKey(topic, partition), offset >= 0 ? Math.max(offset, low) : low);
    }
  }
  return positions;
};
