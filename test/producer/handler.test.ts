import '../support/quiet-powertools.js';
import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import type { ScheduledEvent } from 'aws-lambda';
import type * as KafkaJs from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { TOPICS } from '../../lambdas/shared/contracts/events.js';
import { lambdaContext } from '../support/lambda-context.js';

const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/streamflow-dev/6a1b2c3d-0000-1111-2222-333344445555-s1';

/** What the mocked kafkajs saw: client configs and the producer's calls. */
const kafkajs = vi.hoisted(() => ({
  configs: [] as unknown[],
  producer: { connect: vi.fn(), sendBatch: vi.fn(), disconnect: vi.fn() },
}));

vi.mock('kafkajs', async (importOriginal) => {
  const actual = await importOriginal<typeof KafkaJs>();
  class Kafka {
    constructor(config: unknown) {
      kafkajs.configs.push(config);
    }
    producer() {
      return kafkajs.producer;
    }
  }
  return { ...actual, Kafka };
});

vi.mock('aws-msk-iam-sasl-signer-js', () => ({ generateAuthToken: vi.fn(() => Promise.resolve({ token: 'token', expiryTime: 0 })) }));

const scheduledEvent: ScheduledEvent = {
  version: '0',
  id: 'tick',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-03-10T14:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {},
};

const stubEnvironment = () => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('MSK_CLUSTER_ARN', CLUSTER_ARN);
  vi.stubEnv('PRODUCER_EVENTS', '40');
  vi.stubEnv('PRODUCER_WINDOW_MINUTES', '5');
  vi.stubEnv('PRODUCER_DIRTY_RATE', '0');
};

/** Loads the Lambda entry point afresh, as a new container would. */
const loadHandler = async () => {
  vi.resetModules();
  return (await import('../../lambdas/producer/handler.js')).handler;
};

/** Every message the producer handed to kafkajs, as `{ topic, value }`. */
const sentMessages = () =>
  kafkajs.producer.sendBatch.mock.calls.flatMap(([batch]) =>
    (batch as KafkaJs.ProducerBatch).topicMessages!.flatMap((topicMessages) => topicMessages.messages.map((message) => ({ topic: topicMessages.topic, value: message.value }))),
  );

/** `KafkaClient.send`, answering GetBootstrapBrokers with IAM brokers. */
let send: MockInstance<(command: unknown) => Promise<unknown>>;

beforeEach(() => {
  kafkajs.configs.length = 0;
  kafkajs.producer.connect.mockResolvedValue(undefined);
  kafkajs.producer.sendBatch.mockResolvedValue([]);
  kafkajs.producer.disconnect.mockResolvedValue(undefined);
  send = vi.spyOn(KafkaClient.prototype, 'send');
  send.mockResolvedValue({ BootstrapBrokerStringSaslIam: 'b-1.msk:9098,b-2.msk:9098', $metadata: {} });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.clearAllMocks();
});

describe('producer Lambda entry point (handler.ts), SDK mocked at kafkajs and the MSK API', () => {
  it('publishes PRODUCER_EVENTS generated events on a schedule tick, to the cluster of MSK_CLUSTER_ARN', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const summary = await handler(scheduledEvent, lambdaContext('streamflow-dev-producer'));

    // Assess
    const command = send.mock.calls[0]![0] as GetBootstrapBrokersCommand;
    expect(command).toBeInstanceOf(GetBootstrapBrokersCommand);
    expect(command.input).toEqual({ ClusterArn: CLUSTER_ARN });
    expect(kafkajs.configs[0]).toMatchObject({ clientId: 'streamflow-demo-producer', brokers: ['b-1.msk:9098', 'b-2.msk:9098'], ssl: true });
    const messages = sentMessages();
    expect(messages).toHaveLength(40);
    for (const { topic } of messages) expect([TOPICS.userEvents, TOPICS.transactions]).toContain(topic);
    expect(summary.published).toBe(40);
    expect(kafkajs.producer.disconnect).toHaveBeenCalledTimes(1);
  });

  it('publishes only events from the last PRODUCER_WINDOW_MINUTES', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();
    const before = Date.now();

    // Act
    await handler(scheduledEvent, lambdaContext('streamflow-dev-producer'));

    // Assess
    const times = sentMessages().map((message) => Date.parse((JSON.parse(String(message.value)) as { event_ts: string }).event_ts));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(before - 5 * 60_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.now());
  });

  it('takes {"events": N} from a manual invocation', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const summary = await handler({ events: 7, seed: 3 }, lambdaContext('streamflow-dev-producer'));

    // Assess
    expect(sentMessages()).toHaveLength(7);
    expect(summary).toMatchObject({ published: 7, seed: 3 });
  });

  it('disconnects and fails the invocation when a send fails, so the schedule retries', async () => {
    // Prepare
    stubEnvironment();
    kafkajs.producer.sendBatch.mockRejectedValueOnce(new Error('KafkaJSNumberOfRetriesExceeded'));
    const handler = await loadHandler();

    // Act
    const invocation = handler(scheduledEvent, lambdaContext('streamflow-dev-producer'));

    // Assess
    await expect(invocation).rejects.toThrow('KafkaJSNumberOfRetriesExceeded');
    expect(kafkajs.producer.disconnect).toHaveBeenCalledTimes(1);
  });

  it.each(['MSK_CLUSTER_ARN', 'PRODUCER_EVENTS'])('refuses to start without %s, naming it', async (name) => {
    // Prepare
    stubEnvironment();
    vi.stubEnv(name, '');

    // Act
    const loading = loadHandler();

    // Assess
    await expect(loading).rejects.toThrow(name);
  });
});
