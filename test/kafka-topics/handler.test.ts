import '../support/quiet-powertools.js';
import { KafkaClient } from '@aws-sdk/client-kafka';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type * as KafkaJs from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { lambdaContext } from '../support/lambda-context.js';

const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/streamflow-dev/6a1b2c3d-0000-1111-2222-333344445555-s1';

const kafkajs = vi.hoisted(() => ({
  admin: { connect: vi.fn(), disconnect: vi.fn(), listTopics: vi.fn(), fetchTopicMetadata: vi.fn(), createTopics: vi.fn(), createPartitions: vi.fn() },
}));

vi.mock('kafkajs', async (importOriginal) => {
  const actual = await importOriginal<typeof KafkaJs>();
  class Kafka {
    admin() {
      return kafkajs.admin;
    }
  }
  return { ...actual, Kafka };
});

vi.mock('aws-msk-iam-sasl-signer-js', () => ({ generateAuthToken: vi.fn(() => Promise.resolve({ token: 'token', expiryTime: 0 })) }));

const event = (requestType: 'Create' | 'Delete'): CloudFormationCustomResourceEvent =>
  ({
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.com/response',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'KafkaTopics',
    ResourceType: 'Custom::KafkaTopics',
    ...(requestType === 'Delete' ? { PhysicalResourceId: `${CLUSTER_ARN}/topics` } : {}),
    ResourceProperties: { ServiceToken: 'x', ClusterArn: CLUSTER_ARN, Topics: [{ Name: 'user_events', Partitions: '3' }] },
  }) as CloudFormationCustomResourceEvent;

const loadHandler = async () => {
  vi.resetModules();
  return (await import('../../lambdas/kafka-topics/handler.js')).handler;
};

/** `KafkaClient.send`, answering GetBootstrapBrokers with IAM brokers. */
let send: MockInstance<(command: unknown) => Promise<unknown>>;

beforeEach(() => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  for (const fn of Object.values(kafkajs.admin)) fn.mockResolvedValue(undefined);
  kafkajs.admin.listTopics.mockResolvedValue([]);
  kafkajs.admin.createTopics.mockResolvedValue(true);
  send = vi.spyOn(KafkaClient.prototype, 'send');
  send.mockResolvedValue({ BootstrapBrokerStringSaslIam: 'b-1.msk:9098', $metadata: {} });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.clearAllMocks();
});

describe('topic custom resource entry point (handler.ts), kafkajs and the MSK API mocked', () => {
  it('creates the topics on Create and names the resource after the cluster', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const result = await handler(event('Create'), lambdaContext('topics'));

    // Assess
    expect(send).toHaveBeenCalledTimes(1);
    expect(kafkajs.admin.createTopics).toHaveBeenCalledWith({ waitForLeaders: true, topics: [{ topic: 'user_events', numPartitions: 3, replicationFactor: 3 }] });
    expect(kafkajs.admin.disconnect).toHaveBeenCalledTimes(1);
    expect(result).toEqual({ PhysicalResourceId: `${CLUSTER_ARN}/topics`, Data: { Topics: 'user_events' } });
  });

  it('keeps the topics on Delete without connecting to the cluster', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const result = await handler(event('Delete'), lambdaContext('topics'));

    // Assess
    expect(result).toEqual({ PhysicalResourceId: `${CLUSTER_ARN}/topics` });
    expect(send).not.toHaveBeenCalled();
    expect(kafkajs.admin.connect).not.toHaveBeenCalled();
  });

  it('disconnects and fails the deployment when the cluster refuses a change', async () => {
    // Prepare
    kafkajs.admin.createTopics.mockRejectedValueOnce(new Error('TOPIC_AUTHORIZATION_FAILED'));
    const handler = await loadHandler();

    // Act
    const result = handler(event('Create'), lambdaContext('topics'));

    // Assess
    await expect(result).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(kafkajs.admin.disconnect).toHaveBeenCalledTimes(1);
  });
});
