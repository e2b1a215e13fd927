/**
 * The topics custom resource's logic and `streamflow produce --brokers` against Apache Kafka:
 * topics are created and grown by a real controller, and what the producer sends is read back
 * through a real consumer. MSK IAM authentication is not exercised here (the broker is plaintext);
 * the SASL/OAUTHBEARER wiring stays covered at the SDK boundary (mocked).
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureTopics, topicsRequestOf } from '../../../lambdas/kafka-topics/ensure-topics.js';
import { generateEventStream } from '../../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../../lambdas/producer/seasonality.js';
import { streamflowCli } from '../../support/pipeline-run.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startKafka, type RunningKafka } from '../support/kafka.js';

/** The broker's start under `npm test`, where other suites share the cores. */
const BROKER_START_MS = 120_000;

let kafka: RunningKafka;
let client: Kafka;

beforeAll(async () => {
  kafka = await startKafka();
  client = kafka.client();
}, BROKER_START_MS);

afterAll(async () => {
  await kafka?.stop();
});

const withAdmin = async <T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> => {
  const admin = client.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
};

const partitionCounts = (names: string[]): Promise<Record<string, number>> =>
  withAdmin(async (admin) => Object.fromEntries((await admin.fetchTopicMetadata({ topics: names })).topics.map((topic) => [topic.name, topic.partitions.length])));

/** Every record of `topics`, read from the start by a fresh consumer group, until `count` arrived. */
const readAll = async (topics: string[], count: number): Promise<{ topic: string; partition: number; message: KafkaMessage }[]> => {
  const consumer = client.consumer({ groupId: `reader-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const read: { topic: string; partition: number; message: KafkaMessage }[] = [];
  await new Promise<void>((done) => {
    void consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        read.push({ topic, partition, message });
        if (read.length === count) done();
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return read;
};

describeOnEmulator('kafka', 'topics custom resource and streamflow produce --brokers against Apache Kafka', () => {
  it('creates the topics of a CloudFormation request, leaves them alone when unchanged and grows their partitions', async () => {
    // Prepare: properties as CloudFormation delivers them, every scalar a string.
    const request = topicsRequestOf({
      ClusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/streamflow/abc',
      Topics: [
        { Name: 'cr_user_events', Partitions: '3' },
        { Name: 'cr_transactions', Partitions: '2' },
      ],
    });

    // Act
    const created = await withAdmin((admin) => ensureTopics(admin, request.topics, 1));
    const again = await withAdmin((admin) => ensureTopics(admin, request.topics, 1));
    const grown = await withAdmin((admin) => ensureTopics(admin, [{ name: 'cr_transactions', partitions: 4 }], 1));

    // Assess
    expect(created).toEqual({ created: ['cr_user_events', 'cr_transactions'], grown: [], unchanged: [] });
    expect(again).toEqual({ created: [], grown: [], unchanged: ['cr_user_events', 'cr_transactions'] });
    expect(grown).toEqual({ created: [], grown: [{ topic: 'cr_transactions', from: 2, to: 4 }], unchanged: [] });
    expect(await partitionCounts(['cr_user_events', 'cr_transactions'])).toEqual({ cr_user_events: 3, cr_transactions: 4 });
  });

  it('refuses to shrink a topic, saying what to set, and leaves it as it was', async () => {
    // Act
    const shrink = withAdmin((admin) => ensureTopics(admin, [{ name: 'cr_user_events', partitions: 1 }], 1));

    // Assess
    await expect(shrink).rejects.toThrow('Topic cr_user_events has 3 partitions and Kafka cannot remove partitions; set topicPartitions to 3 or more');
    expect(await partitionCounts(['cr_user_events'])).toEqual({ cr_user_events: 3 });
  });

  it("sends MSK Serverless' replication factor (3) by default, which a one-broker cluster rejects", async () => {
    // Act
    const create = withAdmin((admin) => ensureTopics(admin, [{ name: 'cr_three_replicas', partitions: 1 }]));

    // Assess
    await expect(create).rejects.toThrow();
    expect(await withAdmin((admin) => admin.listTopics())).not.toContain('cr_three_replicas');
  });

  it('publishes exactly the generated events, keyed by user, each stamped with its event time', async () => {
    // Prepare
    const until = '2026-06-01T00:00:00Z';
    const expected = [...generateEventStream({ events: 400, seed: 11, window: eventWindow(new Date(until), 2), dirtyRate: 0 })];

    // Act
    const result = await streamflowCli('produce', '--brokers', kafka.bootstrap, '--events', '400', '--seed', '11', '--until', until, '--days', '2', '--partitions', '4');

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`published 400 events to ${kafka.bootstrap}`);
    expect(await partitionCounts(['user_events', 'transactions'])).toEqual({ user_events: 4, transactions: 4 });
    const read = await readAll(['user_events', 'transactions'], expected.length);
    const asText = (topic: string, key: string | null, value: Buffer | null, timestamp: string | number): string =>
      JSON.stringify([topic, key, value?.toString('utf8') ?? null, String(timestamp)]);
    expect(read.map(({ topic, message }) => asText(topic, message.key?.toString('utf8') ?? null, message.value, message.timestamp)).sort()).toEqual(
      expected.map((message) => asText(message.topic, message.key, message.value, message.timestamp)).sort(),
    );
    // Kafka's default partitioner (murmur2 of the key): one user's events share one partition.
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const { topic, partition, message } of read) {
      const key = `${topic}/${message.key?.toString('utf8')}`;
      partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(partition));
    }
    expect([...partitionsOfKey.values()].every((partitions) => partitions.size === 1)).toBe(true);
  });

  it('refuses a broker list that is not HOST:PORT, and both targets at once, as usage errors', async () => {
    // Act
    const noPort = await streamflowCli('produce', '--brokers', 'localhost');
    const both = await streamflowCli('produce', '--brokers', kafka.bootstrap, '--cluster-arn', 'arn:aws:kafka:eu-west-1:1:cluster/x/y');

    // Assess
    expect(noPort.code).toBe(2);
    expect(noPort.stderr).toContain('--brokers wants HOST:PORT');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give either --cluster-arn (MSK) or --brokers (a local Kafka)');
  });
});
