/**
 * The kafkajs client for a {@link KafkaSource} flag: plaintext for `--brokers`, or the MSK
 * cluster with IAM auth for `--cluster-arn` (bootstrap brokers from GetBootstrapBrokers, SASL
 * OAUTHBEARER tokens from the MSK signer, as `streamflow produce` connects). One place for
 * `replay` (re-reading offsets) and `report --bucket` (the source's offsets). Commands only: it
 * loads kafkajs and the AWS SDK, which flag parsing must not (test/cli/flag-imports.test.ts).
 */
import { KafkaClient } from '@aws-sdk/client-kafka';
import type { Kafka } from 'kafkajs';
import { iamBootstrapBrokers, mskIamKafka, plaintextKafka } from '../../lambdas/shared/adapters/kafka-publisher.js';
import type { KafkaSource } from './flags.js';

export interface KafkaConnection {
  readonly kafka: Kafka;
  /** The brokers, comma-separated, as an MSK event names them. */
  readonly bootstrapServers: string;
  /** The MSK cluster's ARN; `undefined` for a plaintext broker. */
  readonly clusterArn: string | undefined;
  /** For messages and the ledger's source: `kafka HOST:PORT` or `MSK <cluster ARN>`. */
  readonly label: string;
}

export const kafkaConnectionFor = async (source: KafkaSource, clientId: string): Promise<KafkaConnection> => {
  if (source.kind === 'brokers') {
    const bootstrapServers = source.brokers.join(',');
    return { kafka: plaintextKafka(source.brokers, clientId), bootstrapServers, clusterArn: undefined, label: `kafka ${bootstrapServers}` };
  }
  const client = new KafkaClient({ region: source.region });
  const bootstrapServers = (await iamBootstrapBrokers(client, source.clusterArn)).join(',');
  const kafka = await mskIamKafka(client, { clusterArn: source.clusterArn, region: source.region, clientId });
  return { kafka, bootstrapServers, clusterArn: source.clusterArn, label: `MSK ${source.clusterArn}` };
};
