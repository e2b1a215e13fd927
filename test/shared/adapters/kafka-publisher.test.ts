import { GetBootstrapBrokersCommand, KafkaClient, type GetBootstrapBrokersCommandOutput } from '@aws-sdk/client-kafka';
import type * as KafkaJs from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KafkaPublisher, iamBootstrapBrokers } from '../../../lambdas/shared/adapters/kafka-publisher.js';
import type { ProducedMessage } from '../../../lambdas/shared/ports/event-publisher.js';
import { header } from '../../support/msk-event.js';

const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/streamflow/6a1b2c3d-0000-1111-2222-333344445555-s1';

/** What the mocked kafkajs saw: the client config, the producer options and the producer's calls. */
const kafkajs = vi.hoisted(() => ({
  configs: [] as unknown[],
  producerOptions: [] as unknown[],
  producer: { connect: vi.fn(), sendBatch: vi.fn(), disconnect: vi.fn() },
}));

vi.mock('kafkajs', async (importOriginal) => {
  const actual = await importOriginal<typeof KafkaJs>();
  class Kafka {
    constructor(config: unknown) {
      kafkajs.configs.push(config);
    }
    producer(options: unknown) {
      kafkajs.producerOptions.push(options);
      return kafkajs.producer;
    }
  }
  return { ...actual, Kafka };
});

vi.mock('aws-msk-iam-sasl-signer-js', () => ({
  generateAuthToken: vi.fn((options: { region: string }) => Promise.resolve({ token: `token-for-${options.region}`, expiryTime: 0 })),
}));

/** A real SDK client whose `send` answers GetBootstrapBrokers with `output` and records the commands. */
const stubbedClient = (output: Partial<GetBootstrapBrokersCommandOutput>) => {
  const send = vi.fn((_command: GetBootstrapBrokersCommand): Promise<GetBootstrapBrokersCommandOutput> => Promise.resolve({ $metadata: {}, ...output }));
  const client = Object.assign(new KafkaClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }), { send });
  return { client, send };
};

beforeEach(() => {
  kafkajs.configs.length = 0;
  kafkajs.producerOptions.length = 0;
  kafkajs.producer.connect.mockResolvedValue(undefined);
  kafkajs.producer.sendBatch.mockResolvedValue([]);
  kafkajs.producer.disconnect.mockResolvedValue(undefined);
});

afterEach(() => {
  vi.clearAllMocks();
});

describe('iamBootstrapBrokers', () => {
  it('asks GetBootstrapBrokers for the cluster and splits the IAM broker string (SDK mocked)', async () => {
    // Prepare
    const { client, send } = stubbedClient({ BootstrapBrokerStringSaslIam: 'b-1.msk:9098,b-2.msk:9098,b-3.msk:9098' });

    // Act
    const brokers = await iamBootstrapBrokers(client, CLUSTER_ARN);

    // Assess
    expect(brokers).toEqual(['b-1.msk:9098', 'b-2.msk:9098', 'b-3.msk:9098']);
    expect(send).toHaveBeenCalledTimes(1);
    const command = send.mock.calls[0]![0];
    expect(command).toBeInstanceOf(GetBootstrapBrokersCommand);
    expect(command.input).toEqual({ ClusterArn: CLUSTER_ARN });
  });

  it('falls back to the public IAM brokers when the cluster has only those (SDK mocked)', async () => {
    // Prepare
    const { client } = stubbedClient({ BootstrapBrokerStringPublicSaslIam: 'b-1.public.msk:9198' });

    // Act
    const brokers = await iamBootstrapBrokers(client, CLUSTER_ARN);

    // Assess
    expect(brokers).toEqual(['b-1.public.msk:9198']);
  });

  it('says to enable IAM client authentication when the cluster has no IAM brokers (SDK mocked)', async () => {
    // Prepare
    const { client } = stubbedClient({ BootstrapBrokerStringTls: 'b-1.msk:9094' });

    // Act
    const lookup = iamBootstrapBrokers(client, CLUSTER_ARN);

    // Assess
    await expect(lookup).rejects.toThrow(`Cluster ${CLUSTER_ARN} has no IAM-authenticated bootstrap brokers; enable IAM client authentication`);
  });
});

describe('KafkaPublisher', () => {
  it('connects an idempotent producer over TLS with MSK IAM tokens for the region (SDK mocked)', async () => {
    // Prepare
    const { client } = stubbedClient({ BootstrapBrokerStringSaslIam: 'b-1.msk:9098,b-2.msk:9098' });

    // Act
    await KafkaPublisher.connect(client, { clusterArn: CLUSTER_ARN, region: 'eu-west-1' });

    // Assess
    const config = kafkajs.configs[0] as KafkaJs.KafkaConfig & { sasl: { mechanism: string; oauthBearerProvider: () => Promise<{ value: string }> } };
    expect(config).toMatchObject({ clientId: 'streamflow-producer', brokers: ['b-1.msk:9098', 'b-2.msk:9098'], ssl: true });
    expect(config.sasl.mechanism).toBe('oauthbearer');
    await expect(config.sasl.oauthBearerProvider()).resolves.toEqual({ value: 'token-for-eu-west-1' });
    expect(kafkajs.producerOptions).toEqual([{ idempotent: true, maxInFlightRequests: 1 }]);
    expect(kafkajs.producer.connect).toHaveBeenCalledTimes(1);
  });

  it('publishes all messages in one acknowledged, compressed batch, grouped by topic (SDK mocked)', async () => {
    // Prepare
    const { client } = stubbedClient({ BootstrapBrokerStringSaslIam: 'b-1.msk:9098' });
    const publisher = await KafkaPublisher.connect(client, { clusterArn: CLUSTER_ARN, region: 'eu-west-1', clientId: 'test-producer' });
    const messages: ProducedMessage[] = [
      { topic: 'user_events', key: 'USR-00001', value: Buffer.from('{"a":1}'), timestamp: 1_700_000_000_000 },
      { topic: 'transactions', key: 'USR-00002', value: Buffer.from('{"b":2}'), timestamp: 1_700_000_000_001, headers: [header('source', 'test')] },
      { topic: 'user_events', key: null, value: null, timestamp: 1_700_000_000_002 },
    ];

    // Act
    await publisher.publish(messages);

    // Assess
    expect(kafkajs.configs[0]).toMatchObject({ clientId: 'test-producer' });
    expect(kafkajs.producer.sendBatch).toHaveBeenCalledTimes(1);
    expect(kafkajs.producer.sendBatch).toHaveBeenCalledWith({
      acks: -1,
      compression: 1, // CompressionTypes.GZIP
      topicMessages: [
        {
          topic: 'user_events',
          messages: [
            { key: 'USR-00001', value: Buffer.from('{"a":1}'), timestamp: '1700000000000' },
            { key: null, value: null, timestamp: '1700000000002' },
          ],
        },
        { topic: 'transactions', messages: [{ key: 'USR-00002', value: Buffer.from('{"b":2}'), timestamp: '1700000000001', headers: { source: [Buffer.from('test')] } }] },
      ],
    });
  });

  it('hands kafkajs repeated headers grouped by name, so interleaved names a, b, a are sent a, a, b (SDK mocked)', async () => {
    // Prepare
    const { client } = stubbedClient({ BootstrapBrokerStringSaslIam: 'b-1.msk:9098' });
    const publisher = await KafkaPublisher.connect(client, { clusterArn: CLUSTER_ARN, region: 'eu-west-1' });
    const headers = [header('a', 'one'), header('b', Uint8Array.from([0xff])), header('a', 'two')];

    // Act
    await publisher.publish([{ topic: 'user_events', key: 'k', value: Buffer.from('{}'), timestamp: 1_700_000_000_000, headers }]);

    // Assess: kafkajs' headers object can only say "a: [one, two], b: [0xff]"; no value is lost.
    const [[batch]] = kafkajs.producer.sendBatch.mock.calls as unknown as [[{ topicMessages: { messages: { headers: Record<string, Buffer[]> }[] }[] }]];
    expect(Object.entries(batch.topicMessages[0]!.messages[0]!.headers)).toEqual([
      ['a', [Buffer.from('one'), Buffer.from('two')]],
      ['b', [Buffer.from([0xff])]],
    ]);
  });

  it('passes a failed send on to the caller, so nothing is silently dropped (SDK mocked)', async () => {
    // Prepare
    const { client } = stubbedClient({ BootstrapBrokerStringSaslIam: 'b-1.msk:9098' });
    const publisher = await KafkaPublisher.connect(client, { clusterArn: CLUSTER_ARN, region: 'eu-west-1' });
    kafkajs.producer.sendBatch.mockRejectedValueOnce(new Error('KafkaJSNumberOfRetriesExceeded'));

    // Act
    const publish = publisher.publish([{ topic: 'user_events', key: 'k', value: Buffer.from('v'), timestamp: 1 }]);

    // Assess
    await expect(publish).rejects.toThrow('KafkaJSNumberOfRetriesExceeded');
  });

  it('disconnects the producer on close (SDK mocked)', async () => {
    // Prepare
    const { client } = stubbedClient({ BootstrapBrokerStringSaslIam: 'b-1.msk:9098' });
    const publisher = await KafkaPublisher.connect(client, { clusterArn: CLUSTER_ARN, region: 'eu-west-1' });

    // Act
    await publisher.close();

    // Assess
    expect(kafkajs.producer.disconnect).toHaveBeenCalledTimes(1);
  });
});
