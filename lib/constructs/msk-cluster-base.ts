/**
 * What MSK Serverless and provisioned clusters share: the broker and client security groups, and
 * grant methods that scope every Kafka permission to one cluster, topic and consumer group (both
 * kinds use the same IAM actions and the same topic and group ARN format).
 */
import { Aws, Fn } from 'aws-cdk-lib';
import { Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MSK_IAM_PORT, type IKafkaCluster, type KafkaClusterProps } from './kafka-cluster-props.js';

export abstract class MskClusterBase extends Construct implements IKafkaCluster {
  public abstract readonly clusterArn: string;
  public abstract readonly replicationFactor: number;
  public readonly clusterName: string;
  public readonly brokerSecurityGroup: SecurityGroup;
  public readonly clientSecurityGroup: SecurityGroup;

  protected constructor(scope: Construct, id: string, props: KafkaClusterProps, kindLabel: string) {
    super(scope, id);
    this.clusterName = props.clusterName;

    this.brokerSecurityGroup = new SecurityGroup(this, 'BrokerSecurityGroup', {
      vpc: props.vpc,
      description: `${props.clusterName}: ${kindLabel} brokers and the Lambda event pollers`,
      // Pollers call the brokers on 9098, and in on-demand mode Lambda and STS over HTTPS.
      allowAllOutbound: true,
    });
    this.clientSecurityGroup = new SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      description: `${props.clusterName}: Kafka clients inside the VPC`,
      allowAllOutbound: true,
    });
    this.brokerSecurityGroup.addIngressRule(this.brokerSecurityGroup, Port.tcp(MSK_IAM_PORT), 'Event pollers to brokers (SASL/IAM)');
    this.brokerSecurityGroup.addIngressRule(this.clientSecurityGroup, Port.tcp(MSK_IAM_PORT), 'Clients in the VPC to brokers (SASL/IAM)');
  }

  topicArn(topic: string): string {
    return this.kafkaArn('topic', topic);
  }

  groupArn(groupId: string): string {
    return this.kafkaArn('group', groupId);
  }

  grantConsume(grantee: IGrantable, topic: string, groupId: string): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers', 'kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
        resources: [this.clusterArn],
      }),
    );
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], resources: [this.topicArn(topic)] }));
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], resources: [this.groupArn(groupId)] }));
  }

  grantProduce(grantee: IGrantable, topics: readonly string[]): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kafka:GetBootstrapBrokers', 'kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'],
        resources: [this.clusterArn],
      }),
    );
    principal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], resources: topics.map((topic) => this.topicArn(topic)) }),
    );
  }

  /** `arn:…:kafka:<region>:<account>:<type>/<cluster name>/<cluster uuid>/<name>`. */
  private kafkaArn(type: 'topic' | 'group', name: string): string {
    const clusterUuid = Fn.select(2, Fn.split('/', this.clusterArn));
    return `arn:${Aws.PARTITION}:kafka:${Aws.REGION}:${Aws.ACCOUNT_ID}:${type}/${this.clusterName}/${clusterUuid}/${name}`;
  }
}
