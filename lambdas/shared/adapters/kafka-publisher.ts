/**
 * Event publisher on Amazon MSK: kafkajs with SASL/OAUTHBEARER tokens from the MSK IAM signer,
 * bootstrap brokers looked up with GetBootstrapBrokers so nothing host-specific is configured.
 * The same publisher speaks plaintext to a local Apache Kafka (`npm run kafka`), so the local
 * twin's `--brokers` path produces exactly as the cloud does, minus IAM.
 */
import { GetBootstrapBrokersCommand, type KafkaClient } from '@aws-sdk/client-kafka';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { CompressionTypes, Kafka, logLevel, type IHeaders, type Message, type Producer } from 'kafkajs';
import type { EventPublisher, ProducedHeader, ProducedMessage } from '../ports/event-publisher.js';

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

/**
 * A kafkajs client for a local broker: plaintext, no auth (what `npm run kafka` listens with).
 * kafkajs logs every retried request as an ERROR (a fresh broker answers "coordinator loading"
 * for a few seconds); what fails for good still reaches the caller as a rejected promise.
 */
export const plaintextKafka = (brokers: readonly string[], clientId = 'streamflow'): Kafka =>
  new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING });

/**
 * kafkajs takes headers as an object of name -> value or values, and writes each name's values
 * together where the name first appears: repeats and their order within one name are sent, but
 * interleaved names (a, b, a) reach the broker grouped (a, a, b).
 */
const kafkajsHeadersOf = (headers: readonly ProducedHeader[]): IHeaders => {
  const grouped: Record<string, Buffer[]> = Object.create(null) as Record<string, Buffer[]>;
  for (const { name, value } of headers) (grouped[name] ??= []).push(value);
  return grouped;
};

const toKafkaMessage = (message: ProducedMessage): Message => ({
  key: message.key,
  value: message.value,
  timestamp: String(message.timestamp),
  ...(message.headers ? { headers: kafkajsHeadersOf(message.headers) } : {}),
});

export class KafkaPublisher implements EventPublisher {
  private constructor(private readonly producer: Producer) {}

  /** Connects an idempotent producer (no duplicates from its own retries) to the MSK cluster, with IAM auth. */
  static async connect(client: KafkaClient, config: MskPublisherConfig): Promise<KafkaPublisher> {
    return KafkaPublisher.on(await mskIamKafka(client, { ...config, clientId: config.clientId ?? 'streamflow-producer' }));
  }

  /** The same producer on a local broker over plaintext (`--brokers HOST:PORT`). */
  static async connectPlaintext(brokers: readonly string[], clientId = 'streamflow-producer'): Promise<KafkaPublisher> {
    return KafkaPublisher.on(plaintextKafka(brokers, clientId));
  }

  private static async on(kafka: Kafka): Promise<KafkaPublisher> {
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
