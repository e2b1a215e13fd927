/**
 * Brings the cluster's topics to what the stack declares: creates the missing ones and adds
 * partitions where more are asked for. Kafka cannot remove partitions, so asking for fewer is an
 * error that says what to do. Existing topics are never deleted from here.
 */
import { z } from 'zod';

/**
 * MSK Serverless keeps three replicas of every partition and does not let clients choose; the
 * value is sent explicitly because kafkajs' default (-1, "broker default") needs CreateTopics v4,
 * newer than the protocol version kafkajs speaks.
 */
export const REPLICATION_FACTOR = 3;

/** The admin operations used; kafkajs' `Admin` provides them. */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{ topics: { name: string; partitions: readonly unknown[] }[] }>;
  createTopics(options: { waitForLeaders?: boolean; topics: { topic: string; numPartitions: number; replicationFactor: number }[] }): Promise<boolean>;
  createPartitions(options: { topicPartitions: { topic: string; count: number }[] }): Promise<boolean>;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
}

export interface TopicChanges {
  readonly created: readonly string[];
  readonly grown: readonly { readonly topic: string; readonly from: number; readonly to: number }[];
  readonly unchanged: readonly string[];
}

/** The custom resource's properties as CloudFormation delivers them (every scalar a string). */
const topicsRequestSchema = z.object({
  ClusterArn: z.string().startsWith('arn:', 'ClusterArn must be an MSK cluster ARN'),
  // Sent by the stack for a provisioned cluster with fewer than three brokers; MSK Serverless keeps 3.
  ReplicationFactor: z.coerce.number().int().min(1, 'ReplicationFactor must be at least 1').default(REPLICATION_FACTOR),
  Topics: z
    .array(z.object({ Name: z.string().min(1), Partitions: z.coerce.number().int().min(1, 'Partitions must be at least 1') }))
    .min(1, 'Topics must name at least one topic'),
});

export const topicsRequestOf = (properties: unknown): { clusterArn: string; replicationFactor: number; topics: TopicSpec[] } => {
  const parsed = topicsRequestSchema.parse(properties);
  return {
    clusterArn: parsed.ClusterArn,
    replicationFactor: parsed.ReplicationFactor,
    topics: parsed.Topics.map((topic) => ({ name: topic.Name, partitions: topic.Partitions })),
  };
};

/**
 * @param replicationFactor replicas of each created topic: MSK Serverless' 3 by default, 1 on
 * the single local broker of `npm run kafka`.
 */
export const ensureTopics = async (admin: TopicAdmin, wanted: readonly TopicSpec[], replicationFactor = REPLICATION_FACTOR): Promise<TopicChanges> => {
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((topic) => !existing.has(topic.name));
  const present = wanted.filter((topic) => existing.has(topic.name));

  const metadata = present.length > 0 ? await admin.fetchTopicMetadata({ topics: present.map((topic) => topic.name) }) : { topics: [] };
  const partitionsOf = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
  const grown: { topic: string; from: number; to: number }[] = [];
  const unchanged: string[] = [];
  for (const topic of present) {
    const current = partitionsOf.get(topic.name) ?? 0;
    if (topic.partitions < current) {
      throw new Error(
        `Topic ${topic.name} has ${current} partitions and Kafka cannot remove partitions; set topicPartitions to ${current} or more`,
      );
    }
    if (topic.partitions > current) grown.push({ topic: topic.name, from: current, to: topic.partitions });
    else unchanged.push(topic.name);
  }

  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions, replicationFactor })),
    });
  }
  if (grown.length > 0) {
    await admin.createPartitions({ topicPartitions: grown.map((change) => ({ topic: change.topic, count: change.to })) });
  }
  return { created: missing.map((topic) => topic.name), grown, unchanged };
};
