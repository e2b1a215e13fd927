import { describe, expect, it, vi } from 'vitest';
import { ensureTopics, topicsRequestOf, type TopicAdmin } from '../../lambdas/kafka-topics/ensure-topics.js';

/** An admin over an in-memory cluster: topic name → partition count. */
const fakeAdmin = (cluster: Record<string, number>) => {
  const createTopics = vi.fn(({ topics }: { topics: { topic: string; numPartitions: number; replicationFactor: number }[] }) => {
    for (const topic of topics) cluster[topic.topic] = topic.numPartitions;
    return Promise.resolve(true);
  });
  const admin: TopicAdmin = {
    listTopics: vi.fn(() => Promise.resolve(Object.keys(cluster))),
    fetchTopicMetadata: vi.fn(({ topics }: { topics: string[] }) =>
      Promise.resolve({ topics: topics.map((name) => ({ name, partitions: Array.from({ length: cluster[name] ?? 0 }, (_, id) => ({ partitionId: id })) })) }),
    ),
    createTopics,
    createPartitions: vi.fn(({ topicPartitions }: { topicPartitions: { topic: string; count: number }[] }) => {
      for (const change of topicPartitions) cluster[change.topic] = change.count;
      return Promise.resolve(true);
    }),
  };
  return { admin, createTopics };
};

describe('ensureTopics', () => {
  it('creates the missing topics with their partitions, waiting for leaders', async () => {
    // Prepare
    const cluster: Record<string, number> = {};
    const { admin, createTopics } = fakeAdmin(cluster);

    // Act
    const changes = await ensureTopics(admin, [
      { name: 'user_events', partitions: 3 },
      { name: 'transactions', partitions: 3 },
    ]);

    // Assess
    expect(cluster).toEqual({ user_events: 3, transactions: 3 });
    expect(changes).toEqual({ created: ['user_events', 'transactions'], grown: [], unchanged: [] });
    expect(createTopics).toHaveBeenCalledWith(expect.objectContaining({ waitForLeaders: true, topics: expect.arrayContaining([{ topic: 'user_events', numPartitions: 3, replicationFactor: 3 }]) as unknown }));
  });

  it('adds partitions to a topic that has fewer than asked, and leaves the rest alone', async () => {
    // Prepare
    const cluster: Record<string, number> = { user_events: 3, transactions: 6 };
    const { admin, createTopics } = fakeAdmin(cluster);

    // Act
    const changes = await ensureTopics(admin, [
      { name: 'user_events', partitions: 6 },
      { name: 'transactions', partitions: 6 },
    ]);

    // Assess
    expect(cluster).toEqual({ user_events: 6, transactions: 6 });
    expect(changes).toEqual({ created: [], grown: [{ topic: 'user_events', from: 3, to: 6 }], unchanged: ['transactions'] });
    expect(createTopics).not.toHaveBeenCalled();
  });

  it('refuses to remove partitions, saying what to set instead, and changes nothing', async () => {
    // Prepare
    const cluster: Record<string, number> = { user_events: 6 };
    const { admin } = fakeAdmin(cluster);

    // Act
    const ensuring = ensureTopics(admin, [
      { name: 'user_events', partitions: 3 },
      { name: 'transactions', partitions: 3 },
    ]);

    // Assess
    await expect(ensuring).rejects.toThrow('Topic user_events has 6 partitions and Kafka cannot remove partitions; set topicPartitions to 6 or more');
    expect(cluster).toEqual({ user_events: 6 });
  });
});

describe('topicsRequestOf', () => {
  it('reads the custom resource properties, whose numbers CloudFormation turns into strings', () => {
    // Act
    const request = topicsRequestOf({ ServiceToken: 'arn:aws:lambda:…', ClusterArn: 'arn:aws:kafka:eu-west-1:1:cluster/c/u', Topics: [{ Name: 'user_events', Partitions: '3' }] });

    // Assess
    expect(request).toEqual({ clusterArn: 'arn:aws:kafka:eu-west-1:1:cluster/c/u', replicationFactor: 3, topics: [{ name: 'user_events', partitions: 3 }] });
  });

  it('reads the replication factor a provisioned cluster with two brokers sends', () => {
    // Act
    const request = topicsRequestOf({ ClusterArn: 'arn:aws:kafka:eu-west-1:1:cluster/c/u', ReplicationFactor: '2', Topics: [{ Name: 'user_events', Partitions: '3' }] });

    // Assess
    expect(request.replicationFactor).toBe(2);
  });

  it('rejects properties without topics or with a bad partition count', () => {
    // Act / Assess
    expect(() => topicsRequestOf({ ClusterArn: 'arn:aws:kafka:x', Topics: [] })).toThrow(/at least one topic/);
    expect(() => topicsRequestOf({ ClusterArn: 'arn:aws:kafka:x', Topics: [{ Name: 't', Partitions: '0' }] })).toThrow(/at least 1/);
  });
});
