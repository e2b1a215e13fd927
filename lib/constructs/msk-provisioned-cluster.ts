/**
 * An MSK provisioned cluster with IAM authentication: brokers billed per broker-hour, a fraction
 * of MSK Serverless's cluster-hour for a small stage (kafka.t3.small supports IAM access control).
 * TLS between clients and brokers and between brokers, broker logs to CloudWatch Logs.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnCluster } from 'aws-cdk-lib/aws-msk';
import type { Construct } from 'constructs';
import type { KafkaClusterProps } from './kafka-cluster-props.js';
import { MskClusterBase } from './msk-cluster-base.js';

/**
 * The Apache Kafka version MSK lists as recommended
 * (https://docs.aws.amazon.com/msk/latest/developerguide/supported-kafka-versions.html).
 */
export const MSK_KAFKA_VERSION = '3.8.x';
/** Replicas per partition at most; fewer when the cluster has fewer brokers. */
const MAX_REPLICATION_FACTOR = 3;

export interface MskProvisionedClusterProps extends KafkaClusterProps {
  /** Broker instance type, e.g. `kafka.t3.small` or `kafka.m7g.large`. */
  readonly brokerType: string;
  /** Brokers in total; MSK spreads them evenly over the subnets, so a multiple of their count. */
  readonly brokerNodes: number;
  /** EBS storage per broker, GiB. */
  readonly storageGb: number;
  /** Retention of the broker log group. */
  readonly logRetention: RetentionDays;
}

export class MskProvisionedCluster extends MskClusterBase {
  public readonly cluster: CfnCluster;
  public readonly clusterArn: string;
  public readonly replicationFactor: number;

  constructor(scope: Construct, id: string, props: MskProvisionedClusterProps) {
    super(scope, id, props, 'MSK provisioned');
    this.replicationFactor = Math.min(MAX_REPLICATION_FACTOR, props.brokerNodes);

    const brokerLogs = new LogGroup(this, 'BrokerLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.cluster = new CfnCluster(this, 'Cluster', {
      clusterName: props.clusterName,
      kafkaVersion: MSK_KAFKA_VERSION,
      numberOfBrokerNodes: props.brokerNodes,
      brokerNodeGroupInfo: {
        instanceType: props.brokerType,
        clientSubnets: props.vpc.selectSubnets(props.subnets).subnetIds,
        securityGroups: [this.brokerSecurityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: props.storageGb } },
      },
      clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
      // Encrypted at rest with the AWS managed key (MSK's default); TLS only in transit.
      encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
      loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } } },
    });
    this.clusterArn = this.cluster.attrArn;
  }
}
