import type { IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Partitions per topic when none are given (the local twin's default as well). */
export const DEFAULT_TOPIC_PARTITIONS = 3;
/** The port MSK brokers listen on for SASL/IAM clients. */
export const MSK_IAM_PORT = 9098;

export interface MskServerlessClusterProps {
  /** Cluster name (1–64 characters); also part of every topic and group ARN. */
  readonly clusterName: string;
  readonly vpc: IVpc;
  /** Private subnets in at least two Availability Zones (MSK Serverless needs two). */
  readonly subnets: SubnetSelection;
  /** Topics created (or grown) at deploy by a custom resource; MSK Serverless does not auto-create topics. */
  readonly topics: readonly string[];
  /**
   * Partitions of each topic. Raising it adds partitions; lowering it fails the deployment
   * (Kafka cannot remove partitions).
   * @default DEFAULT_TOPIC_PARTITIONS
   */
  readonly partitions?: number;
  /** Log retention of the topic custom resource's functions. */
  readonly logRetention: RetentionDays;
}
