import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';

/** Partitions per topic when none are given (the local twin's default as well). */
export const DEFAULT_TOPIC_PARTITIONS = 3;
/** The port MSK brokers listen on for SASL/IAM clients (Serverless and provisioned alike). */
export const MSK_IAM_PORT = 9098;

/** What every MSK cluster construct takes. */
export interface KafkaClusterProps {
  /** Cluster name (1–64 characters); also part of every topic and group ARN. */
  readonly clusterName: string;
  readonly vpc: IVpc;
  /** Private subnets in exactly two Availability Zones (both cluster kinds need two or more). */
  readonly subnets: SubnetSelection;
}

/**
 * An MSK cluster with IAM authentication, whichever kind: what the pipeline's functions, the
 * event source mapping and the topic custom resource need from it. Constructs that use a cluster
 * depend on this interface only, never on a cluster construct.
 */
export interface IKafkaCluster extends IConstruct {
  readonly clusterArn: string;
  readonly clusterName: string;
  /**
   * On the brokers and on the event source mapping's pollers (Lambda places them in the
   * cluster's subnets with the cluster's security groups).
   */
  readonly brokerSecurityGroup: ISecurityGroup;
  /** For functions in the VPC that talk to the brokers (producer, topic admin). */
  readonly clientSecurityGroup: ISecurityGroup;
  /** Replicas per partition that topics created on this cluster get. */
  readonly replicationFactor: number;
  /** ARN of a topic of this cluster (IAM resource for DescribeTopic, ReadData, WriteData …). */
  topicArn(topic: string): string;
  /** ARN of a consumer group of this cluster. */
  groupArn(groupId: string): string;
  /** What a consumer (the Lambda event source mapping) needs to read one topic in one group. */
  grantConsume(grantee: IGrantable, topic: string, groupId: string): void;
  /** What an idempotent producer needs to publish to the given topics. */
  grantProduce(grantee: IGrantable, topics: readonly string[]): void;
}
