/**
 * An MSK Serverless cluster with IAM authentication: billed per cluster-hour and partition-hour,
 * no brokers to size. Topics come from `addKafkaTopics` (MSK Serverless neither auto-creates
 * topics nor offers a topic API).
 */
import { CfnServerlessCluster } from 'aws-cdk-lib/aws-msk';
import type { Construct } from 'constructs';
import type { KafkaClusterProps } from './kafka-cluster-props.js';
import { MskClusterBase } from './msk-cluster-base.js';

/** MSK Serverless keeps three replicas of every partition and does not let clients choose. */
const SERVERLESS_REPLICATION_FACTOR = 3;

export class MskServerlessCluster extends MskClusterBase {
  public readonly cluster: CfnServerlessCluster;
  public readonly clusterArn: string;
  public readonly replicationFactor = SERVERLESS_REPLICATION_FACTOR;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id, props, 'MSK Serverless');
    this.cluster = new CfnServerlessCluster(this, 'Cluster', {
      clusterName: props.clusterName,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [
        {
          subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
          securityGroups: [this.brokerSecurityGroup.securityGroupId],
        },
      ],
    });
    this.clusterArn = this.cluster.attrArn;
  }
}
