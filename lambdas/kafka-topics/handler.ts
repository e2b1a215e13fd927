/**
 * Lambda entry point of the `Custom::KafkaTopics` resource (behind the CDK provider framework):
 * on Create and Update it ensures the topics exist with their partitions; on Delete it keeps them
 * (they go with the cluster). Runs inside the VPC, next to the brokers.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { KafkaClient } from '@aws-sdk/client-kafka';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mskIamKafka } from '../shared/adapters/kafka-publisher.js';
import { requiredEnv } from '../shared/env.js';
import { logger } from '../shared/powertools.js';
import { ensureTopics, topicsRequestOf } from './ensure-topics.js';

const region = requiredEnv('AWS_REGION');

/** What the provider framework expects back. */
interface CustomResourceResult {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

const onEvent = async (event: CloudFormationCustomResourceEvent): Promise<CustomResourceResult> => {
  if (event.RequestType === 'Delete') {
    logger.info('topics kept on delete', { physicalResourceId: event.PhysicalResourceId });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const { clusterArn, replicationFactor, topics } = topicsRequestOf(event.ResourceProperties);
  const kafka = await mskIamKafka(new KafkaClient({ region }), { clusterArn, region, clientId: 'streamflow-topic-admin' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const changes = await ensureTopics(admin, topics, replicationFactor);
    logger.info('topics ensured', { clusterArn, changes });
    return { PhysicalResourceId: `${clusterArn}/topics`, Data: { Topics: topics.map((topic) => topic.name).join(',') } };
  } finally {
    await admin.disconnect();
  }
};

export const handler = middy(onEvent).use(injectLambdaContext(logger));
