/**
 * Lambda entry point: the demo producer wired to MSK (IAM auth, brokers looked up with
 * GetBootstrapBrokers). Configuration is read once per container.
 */
import { KafkaClient } from '@aws-sdk/client-kafka';
import { KafkaPublisher } from '../shared/adapters/kafka-publisher.js';
import { requiredEnv } from '../shared/env.js';
import { logger, metrics } from '../shared/powertools.js';
import { makeProducerHandler } from './make-handler.js';

const clusterArn = requiredEnv('MSK_CLUSTER_ARN');
const region = requiredEnv('AWS_REGION');
const kafkaClient = new KafkaClient({ region });

/** A number from the environment, or a start-up error naming the variable. */
const numberEnv = (name: string): number => {
  const value = Number(requiredEnv(name));
  if (!Number.isFinite(value)) throw new Error(`Environment variable ${name} must be a number`);
  return value;
};

export const handler = makeProducerHandler({
  connect: () => KafkaPublisher.connect(kafkaClient, { clusterArn, region, clientId: 'streamflow-demo-producer' }),
  settings: {
    events: numberEnv('PRODUCER_EVENTS'),
    windowMinutes: numberEnv('PRODUCER_WINDOW_MINUTES'),
    dirtyRate: numberEnv('PRODUCER_DIRTY_RATE'),
  },
  logger,
  metrics,
});
