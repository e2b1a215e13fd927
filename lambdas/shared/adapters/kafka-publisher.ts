/**
 * Event publisher on Amazon MSK: kafkajs with SASL/OAUTHBEARER tokens from the MSK IAM signer,
 * bootstrap brokers looked up with GetBootstrapBrokers so nothing host-specific is configured.
 */
import { GetBootstrapBrokersCommand, type KafkaClient } from '@aws-sdk/client-kafka';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { CompressionTypes, Kafka, type Message, type Producer } from 'kafkajs';
import type { EventPublisher, ProducedMessage } from '../ports/event-publisher.js';

export interface MskPublisherConfig {
  readonly clusterArn: string;
  readonly region: string;
  readonly clientId?: string;
}

/** Looks up the IAM-auth bootstrap broker string of an MSK (Serverless or provisioned) cluster. */
export const iamBootstrapBrokers = async (client: KafkaClient, clusterArn: string): Promise<string[]> => {
  const response = await client.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
  const brokers = response.BootstrapBrokerStringSaslIam ?? response.BootstrapBrokerStringPublicSaslIam;
  if (!brokers) throw new Error(`Cluster ${clusterArn} has no IAM-authenticated bootstrap brokers; enable IAM client authentication`);
  return brokers.split(',');
};

/**
 * A kafkajs client for the cluster: TLS, SASL/OAUTHBEARER with MSK IAM tokens signed for the
 * region (credentials from the default chain). Producers and the topic admin both start here.
 */
export const mskIamKafka = async (client: KafkaClient, config: MskPublisherConfig): Promise<Kafka> =>
  new Kafka({
    clientId: config.clientId ?? 'streamflow',
    brokers: await iamBootstrapBrokers(client, config.clusterArn),
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => {
        const token = await generateAuthToken({ region: config.region });
        return { value: token.token };
      },
    },
  });

const toKafkaMessage = (message: ProducedMessage): Message => ({
  key: message.key,
  value: message.value,
  timestamp: String(message.timestamp),
  ...(message.headers ? { headers: { ...message.headers } } : {}),
});

export class KafkaPublisher implements EventPublisher {
  private constructor(private readonly producer: Producer) {}

  /** Connects an idempotent producer (no duplicates from its own retries) to the cluster. */
  static async connect(client: KafkaClient, config: MskPublisherConfig): Promise<KafkaPublisher> {
    const kafka = await mskIamKafka(client, { ...config, clientId: config.clientId ?? 'streamflow-producer' });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return new KafkaPublisher(producer);
  }

  async publish(messages: readonly ProducedMessage[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      list.push(toKafkaMessage(message));
      byTopic.set(message.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.GZIP,
      topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
    });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
