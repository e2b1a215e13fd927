/**
 * The consumer-group poller's event source mapping rules on a real log: every record here is
 * produced to Apache Kafka and read back through its consumer-group protocol, so partitions,
 * offsets, commits, headers, timestamps and null keys are what a broker reports, not what our
 * in-process topic log makes up.
 */
import { randomBytes } from 'node:crypto';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { Kafka, Message } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeMskEvent, toLandingLine } from '../../../lambdas/consumer/kafka-record.js';
import { DEFAULT_ESM_SETTINGS, type EsmSettings, type FailedBatch } from '../../../lambdas/local/esm-simulator.js';
import { KafkaEsmPoller } from '../../../lambdas/local/kafka-esm-poller.js';
import { endOffsets, groupPositions } from '../../../lambdas/local/kafka-offsets.js';
import { LOCAL_CLUSTER_ARN } from '../../../lambdas/local/msk-event.js';
import { KafkaPublisher } from '../../../lambdas/shared/adapters/kafka-publisher.js';
import { header } from '../../support/msk-event.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startKafka, type RunningKafka } from '../support/kafka.js';

/** The broker's start under `npm test`, where other suites share the cores. */
const BROKER_START_MS = 120_000;

let kafka: RunningKafka;
let client: Kafka;
let topicCount = 0;

beforeAll(async () => {
  kafka = await startKafka();
  client = kafka.client();
  console.info(`Apache Kafka answered ${(kafka.startMs / 1000).toFixed(1)} s after formatting began`);
}, BROKER_START_MS);

afterAll(async () => {
  await kafka?.stop();
});

/** Fresh topics for one test (names unique within the broker), created with `partitions` each. */
const createTopics = async (partitions: number, count = 1, configEntries: { name: string; value: string }[] = []): Promise<string[]> => {
  const names = Array.from({ length: count }, () => `poller-${++topicCount}`);
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries })) });
  await admin.disconnect();
  return names;
};

const produce = async (topic: string, messages: Message[]): Promise<void> => {
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
};

interface Delivery {
  readonly events: MSKEvent[];
  readonly failures: FailedBatch[];
  readonly poller: KafkaEsmPoller;
}

/** Runs a poller over `topics` until the group has committed everything they hold now. */
const deliverAll = async (
  topics: string[],
  settings: Partial<EsmSettings>,
  invoke: (event: MSKEvent) => Promise<void> = () => Promise.resolve(),
  groupId = `group-${topics.join('-')}`,
): Promise<Delivery> => {
  const events: MSKEvent[] = [];
  const failures: FailedBatch[] = [];
  const poller = new KafkaEsmPoller({
    kafka: client,
    groupId,
    topics,
    settings: { ...DEFAULT_ESM_SETTINGS, ...settings },
    eventSourceArn: LOCAL_CLUSTER_ARN,
    bootstrapServers: kafka.bootstrap,
    invoke: async (event) => {
      events.push(event);
      await invoke(event);
    },
    onFailure: (failure) => {
      failures.push(failure);
      return Promise.resolve();
    },
  });
  const admin = client.admin();
  await admin.connect();
  const [positions, ends] = [await groupPositions(admin, groupId, topics), await endOffsets(admin, topics)];
  await admin.disconnect();
  await poller.start(positions);
  try {
    await poller.drainTo(ends);
  } finally {
    await poller.stop();
  }
  return { events, failures, poller };
};

const recordsOf = (event: MSKEvent): MSKRecord[] => Object.values(event.records).flat();
const keyText = (record: MSKRecord): string | undefined => (record.key === undefined ? undefined : Buffer.from(record.key, 'base64').toString('utf8'));

describeOnEmulator('kafka', 'KafkaEsmPoller: Lambda MSK event source mapping rules against Apache Kafka', () => {
  it('puts records of several partitions and topics that are waiting together into one event keyed "topic-partition"', async () => {
    // Prepare
    const [first, second] = await createTopics(3, 2);
    await produce(first!, Array.from({ length: 30 }, (_, i) => ({ key: `user-${i}`, value: `a${i}` })));
    await produce(second!, Array.from({ length: 20 }, (_, i) => ({ key: `user-${i}`, value: `b${i}` })));

    // Act
    const { events } = await deliverAll([first!, second!], { batchSize: 1000, batchingWindowMs: 5_000 });

    // Assess
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event).toMatchObject({ eventSource: 'aws:kafka', eventSourceArn: LOCAL_CLUSTER_ARN, bootstrapServers: kafka.bootstrap });
    const keys = Object.keys(event.records).sort();
    expect(keys.filter((key) => key.startsWith(`${first}-`)).length).toBeGreaterThan(1);
    expect(keys.filter((key) => key.startsWith(`${second}-`)).length).toBeGreaterThan(1);
    for (const [key, records] of Object.entries(event.records)) {
      expect(records.every((record) => `${record.topic}-${record.partition}` === key)).toBe(true);
      expect(records.map((record) => record.offset)).toEqual(records.map((_, index) => index));
    }
    expect(recordsOf(event)).toHaveLength(50);
  });

  it('never puts more than batchSize records in an event, and delivers each record once when all succeed', async () => {
    // Prepare
    const [topic] = await createTopics(2);
    await produce(topic!, Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));

    // Act
    const { events, poller } = await deliverAll([topic!], { batchSize: 10, batchingWindowMs: 60_000 });

    // Assess
    expect(events.map((event) => recordsOf(event).length)).toEqual([10, 10, 5]);
    const delivered = events.flatMap(recordsOf).map((record) => `${record.partition}:${record.offset}`);
    expect(new Set(delivered).size).toBe(25);
    expect(poller.stats).toMatchObject({ invocations: 3, batches: 3, retries: 0, failedBatches: 0, records: 25 });
  });

  it('holds a batch smaller than batchSize until the batching window has passed', async () => {
    // Prepare
    const [topic] = await createTopics(1);
    const windowMs = 1_500;
    const events: { at: number; count: number }[] = [];
    const poller = new KafkaEsmPoller({
      kafka: client,
      groupId: `group-${topic}`,
      topics: [topic!],
      settings: { ...DEFAULT_ESM_SETTINGS, batchSize: 100, batchingWindowMs: windowMs },
      eventSourceArn: LOCAL_CLUSTER_ARN,
      bootstrapServers: kafka.bootstrap,
      invoke: (event) => {
        events.push({ at: performance.now(), count: recordsOf(event).length });
        return Promise.resolve();
      },
      onFailure: () => Promise.resolve(),
    });
    await poller.start(new Map([[`${topic}-0`, 0]]));

    // Act
    const producedAt = performance.now();
    await produce(topic!, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    // The group join may take a moment: wait for the delivery, then a window more for any other.
    for (let waited = 0; events.length === 0 && waited < 20_000; waited += 100) await new Promise((wait) => setTimeout(wait, 100));
    await new Promise((wait) => setTimeout(wait, windowMs));
    await poller.stop();

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]!.count).toBe(2);
    expect(events[0]!.at - producedAt).toBeGreaterThanOrEqual(windowMs - 50);
  });

  it('cuts events at the 6 MB payload cap, each event within it', async () => {
    // Prepare: 8 incompressible records of 900 KB (1.2 MB in base64), one per produce request
    // (the broker takes at most 1 MB per record batch).
    const [topic] = await createTopics(1);
    for (let i = 0; i < 8; i++) await produce(topic!, [{ key: `big-${i}`, value: randomBytes(900 * 1024) }]);

    // Act
    const { events } = await deliverAll([topic!], { batchSize: 10_000, batchingWindowMs: 60_000 });

    // Assess
    const sizes = events.map((event) => Buffer.byteLength(JSON.stringify(event)));
    expect(events.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(events.map((event) => recordsOf(event).length)).toEqual([5, 3]);
  });

  it('sends a record larger than the cap to on-failure as MaximumPayloadSizeExceeded, without payload, and goes on', async () => {
    // Prepare
    const [topic] = await createTopics(1);
    await produce(topic!, [{ key: 'small-1', value: 'x' }, { key: 'huge', value: 'y'.repeat(5_000) }, { key: 'small-2', value: 'z' }]);

    // Act
    const { events, failures } = await deliverAll([topic!], { batchSize: 10, batchingWindowMs: 60_000, maxPayloadBytes: 2_000 });

    // Assess
    expect(events.flatMap(recordsOf).map(keyText)).toEqual(['small-1', 'small-2']);
    expect(failures).toEqual([expect.objectContaining({ topic, partition: 0, firstOffset: 1, lastOffset: 1, batchSize: 1, condition: 'MaximumPayloadSizeExceeded', attempts: 0 })]);
    expect(failures[0]!.event).toBeUndefined();
  });

  it('retries a failing event as configured, then sends each of its partitions to on-failure and commits past it', async () => {
    // Prepare
    const [topic] = await createTopics(2);
    await produce(topic!, Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: i === 0 ? 'poison' : 'ok' })));
    const poisoned = (event: MSKEvent): boolean => recordsOf(event).some((record) => Buffer.from(record.value, 'base64').toString() === 'poison');

    // Act
    const { events, failures, poller } = await deliverAll([topic!], { batchSize: 10, batchingWindowMs: 60_000, maximumRetryAttempts: 2 }, (event) =>
      poisoned(event) ? Promise.reject(new Error('cannot parse poison')) : Promise.resolve(),
    );

    // Assess
    expect(events).toHaveLength(3);
    expect(events.every((event) => JSON.stringify(event) === JSON.stringify(events[0]))).toBe(true);
    const partitions = Object.keys(events[0]!.records).length;
    expect(failures).toHaveLength(partitions);
    for (const failure of failures) {
      expect(failure).toMatchObject({ topic, attempts: 3, condition: 'RetryAttemptsExhausted', error: 'cannot parse poison' });
      expect(Object.keys(failure.event!.records)).toEqual([`${topic}-${failure.partition}`]);
    }
    expect(poller.stats).toMatchObject({ invocations: 3, retries: 2, batches: 1 });
    const admin = client.admin();
    await admin.connect();
    expect(await groupPositions(admin, `group-${topic}`, [topic!])).toEqual(await endOffsets(admin, [topic!]));
    await admin.disconnect();
  });

  it('commits a batch only after its invocation succeeded, so a poller stopped before that redelivers it', async () => {
    // Prepare
    const [topic] = await createTopics(1);
    await produce(topic!, Array.from({ length: 4 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
    const groupId = `group-${topic}`;
    const admin = client.admin();
    await admin.connect();
    let committedDuringInvoke: number | undefined;

    // Act: the first poller's only invocation fails for good (retries -1 would go on forever);
    // it is stopped while retrying, as a crash would stop it.
    let failing = true;
    const first = new KafkaEsmPoller({
      kafka: client,
      groupId,
      topics: [topic!],
      settings: { ...DEFAULT_ESM_SETTINGS, batchSize: 10, batchingWindowMs: 0, maximumRetryAttempts: -1 },
      eventSourceArn: LOCAL_CLUSTER_ARN,
      bootstrapServers: kafka.bootstrap,
      invoke: async () => {
        committedDuringInvoke = (await groupPositions(admin, groupId, [topic!])).get(`${topic}-0`);
        if (failing) {
          await new Promise((wait) => setTimeout(wait, 20));
          throw new Error('function crashed');
        }
      },
      onFailure: () => Promise.reject(new Error('never reached: retries are unlimited')),
    });
    await first.start(new Map([[`${topic}-0`, 0]]));
    for (let waited = 0; first.stats.invocations < 3 && waited < 30_000; waited += 50) await new Promise((wait) => setTimeout(wait, 50));
    await first.stop();
    const afterCrash = await groupPositions(admin, groupId, [topic!]);
    failing = false;
    const { events } = await deliverAll([topic!], { batchSize: 10, batchingWindowMs: 0 }, undefined, groupId);

    // Assess
    expect(committedDuringInvoke).toBe(0);
    expect(first.stats.invocations).toBeGreaterThan(1);
    expect(afterCrash.get(`${topic}-0`)).toBe(0);
    expect(events.flatMap(recordsOf).map((record) => record.offset)).toEqual([0, 1, 2, 3]);
    expect((await groupPositions(admin, groupId, [topic!])).get(`${topic}-0`)).toBe(4);
    await admin.disconnect();
  });

  it('carries the broker metadata as AWS formats it: base64 bytes, repeated headers as Java-signed bytes, no key or value field when null, CREATE_TIME', async () => {
    // Prepare
    const [topic] = await createTopics(1);
    const binaryKey = Buffer.from([0xff, 0x00, 0xfe, 0x41]);
    await produce(topic!, [
      { key: binaryKey, value: 'with key', timestamp: '1700000000123', headers: { trace: ['one', 'two'], source: Buffer.from([1, 2, 255]) } },
      { key: null, value: 'no key', timestamp: '1700000000456' },
      { key: 'gone', value: null, timestamp: '1700000000789' },
    ]);

    // Act
    const { events } = await deliverAll([topic!], { batchSize: 10, batchingWindowMs: 0 });

    // Assess
    const [keyed, keyless, tombstone] = events.flatMap(recordsOf);
    expect(keyed).toEqual({
      topic,
      partition: 0,
      offset: 0,
      timestamp: 1_700_000_000_123,
      timestampType: 'CREATE_TIME',
      key: binaryKey.toString('base64'),
      value: Buffer.from('with key').toString('base64'),
      headers: [{ trace: [...Buffer.from('one')] }, { trace: [...Buffer.from('two')] }, { source: [1, 2, -1] }],
    });
    expect(keyless).not.toHaveProperty('key');
    expect(keyless).toMatchObject({ offset: 1, value: Buffer.from('no key').toString('base64'), headers: [] });
    expect(tombstone).not.toHaveProperty('value');
    expect(tombstone).toMatchObject({ offset: 2, key: Buffer.from('gone').toString('base64') });
  });

  it('lands headers a, b, a produced through KafkaPublisher with their exact bytes, as a, a, b: kafkajs regroups interleaved names on both sides, against Apache Kafka', async () => {
    // Prepare
    const [topic] = await createTopics(1);
    const publisher = await KafkaPublisher.connectPlaintext([kafka.bootstrap]);
    const headers = [header('a', 'one'), header('b', Uint8Array.from([0xff, 0x00, 0x80])), header('a', Uint8Array.from([0xc3, 0x28]))];
    await publisher.publish([{ topic: topic!, key: 'k', value: Buffer.from('{}'), timestamp: 1_700_000_000_000, headers }]);
    await publisher.close();

    // Act
    const { events } = await deliverAll([topic!], { batchSize: 10, batchingWindowMs: 0 });
    const landed = events.flatMap(decodeMskEvent).flatMap((batch) => batch.records.map(toLandingLine));

    // Assess: every value byte for byte, repeats kept; only the interleaving is kafkajs'.
    expect(landed).toHaveLength(1);
    expect(landed[0]!.headers).toEqual([
      { name: 'a', value_base64: Buffer.from('one').toString('base64') },
      { name: 'a', value_base64: Buffer.from([0xc3, 0x28]).toString('base64') },
      { name: 'b', value_base64: Buffer.from([0xff, 0x00, 0x80]).toString('base64') },
    ]);
  });

  it('reports LOG_APPEND_TIME and the broker time for a topic whose broker stamps the records', async () => {
    // Prepare
    const [topic] = await createTopics(1, 1, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
    const before = Date.now();
    await produce(topic!, [{ key: 'k', value: 'v', timestamp: '1000' }]);

    // Act
    const { events } = await deliverAll([topic!], { batchSize: 10, batchingWindowMs: 0 });

    // Assess
    const [record] = events.flatMap(recordsOf);
    expect(record!.timestampType).toBe('LOG_APPEND_TIME');
    expect(record!.timestamp).toBeGreaterThanOrEqual(before - 1_000);
  });
});
