/**
 * The ledger's "in" read from Kafka itself (a local broker with `--brokers`, or MSK through the
 * same kafkajs admin client with IAM auth): per topic-partition the log's start and end offsets
 * (ListOffsets: low and high watermark) and the consumer group's committed offset beside them
 * (OffsetFetch), so a report can say which produced offsets never reached a file.
 */
import type { Admin } from 'kafkajs';
import { groupForTopic } from '../contracts/consumer-groups.js';
import type { PartitionOffsets, SourceOffsets } from '../source-offsets.js';

/** `groupId` may be a pattern with `{topic}` (each deployed mapping has a group of its own): resolved per topic. */
export const kafkaSourceOffsets = async (admin: Admin, options: { topics: readonly string[]; groupId: string; label: string }): Promise<SourceOffsets> => {
  const partitions: PartitionOffsets[] = [];
  for (const topic of options.topics) {
    const committed = await admin.fetchOffsets({ groupId: groupForTopic(options.groupId, topic), topics: [topic] });
    const group = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      // kafkajs reports "-1" for a partition the group never committed.
      const offset = Number(group.find((entry) => entry.partition === partition)?.offset ?? -1);
      partitions.push({ topic, partition, start: Number(low), end: Number(high), ...(offset >= 0 ? { committed: offset } : {}) });
    }
  }
  return { source: options.label, group: options.groupId, partitions };
};
