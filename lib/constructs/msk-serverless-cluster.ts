/**
 * An MSK Serverless cluster with IAM authentication, its topics (created by a custom resource,
 * since MSK Serverless neither auto-creates topics nor offers a topic API), and grant methods
 * that scope every Kafka permission to one cluster, topic and consumer group.
 */
import { Aws, CustomResource, Duration, Fn, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnServerlessCluster } from 'aws-cdk-lib/aws-msk';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DEFAULT_TOPIC_PARTITIONS, MSK_IAM_PORT, type MskServerlessClusterProps } from './msk-serverless-cluster-props.js';
import { PipelineFunction } from './pipeline-function.js';

export class MskServerlessCluster extends Construct {
  public readonly cluster: CfnServerlessCluster;
  public readonly clusterArn: string;
  public readonly clusterName: string;
  /**
   * On the brokers and on the event source mapping's pollers (Lambda places them in the
   * cluster's subnets with the cluster's security groups).
   */
  public readonly brokerSecurityGroup: SecurityGroup;
  /** For functions in the VPC that talk to the brokers (producer, topic admin). */
  public readonly clientSecurityGroup: SecurityGroup;
  public readonly topics: readonly string[];
  /** The custom resource that creates the topics (anything it needs at deploy time goes before it). */
  public readonly topicsResource: CustomResource;

  constructor(scope: Construct, id: string, props: MskServerlessClusterProps) {
    super(scope, id);
    this.clusterName = props.clusterName;
    this.topics = props.topics;

    this.brokerSecurityGroup = new SecurityGroup(this, 'BrokerSecurityGroup', {
      vpc: props.vpc,
      description: `${props.clusterName}: MSK Serverless brokers and the Lambda event pollers`,
      // Pollers call Lambda and STS over HTTPS (NAT or endpoints) and the brokers on 9098.
      allowAllOutbound: true,
    });
    this.clientSecurityGroup = new SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      description: `${props.clusterName}: Kafka clients inside the VPC`,
      allowAllOutbound: true,
    });
    this.brokerSecurityGroup.addIngressRule(this.brokerSecurityGroup, Port.tcp(MSK_IAM_PORT), 'Event pollers to brokers (SASL/IAM)');
    this.brokerSecurityGroup.addIngressRule(this.clientSecurityGroup, Port.tcp(MSK_IAM_PORT), 'Clients in the VPC to brokers (SASL/IAM)');

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

    this.topicsResource = this.createTopics(props);
  }

  /** ARN of a topic of this cluster (IAM resource for DescribeTopic, ReadData, WriteData …). */
  topicArn(topic: string): string {
    return this.kafkaArn('topic', topic);
  }

  /** ARN of a consumer group of this cluster. */
  groupArn(groupId: string): string {
    return this.kafkaArn('group', groupId);
  }

  /** What a consumer (the Lambda event source mapping) needs to read one topic in one group. */
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

  /** What an idempotent producer needs to publish to the given topics. */
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

  private createTopics(props: MskServerlessClusterProps): CustomResource {
    const admin = new PipelineFunction(this, 'TopicAdmin', {
      entry: 'lambdas/kafka-topics/handler.ts',
      serviceName: `${props.clusterName}-topics`,
      description: `Creates and grows the Kafka topics of ${props.clusterName} (CloudFormation custom resource)`,
      logRetention: props.logRetention,
      timeout: Duration.minutes(5),
      memorySize: 512,
      network: { vpc: props.vpc, subnets: props.subnets, securityGroups: [this.clientSecurityGroup] },
    });
    admin.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kafka:GetBootstrapBrokers', 'kafka-cluster:Connect'], resources: [this.clusterArn] }),
    );
    admin.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:AlterTopic'],
        resources: props.topics.map((topic) => this.topicArn(topic)),
      }),
    );

    // The provider framework's own function: our role, logging to a group with a retention.
    const frameworkLogs = new LogGroup(this, 'TopicProviderLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const frameworkRole = new Role(this, 'TopicProviderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.clusterName}: custom resource provider framework`,
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new Provider(this, 'TopicProvider', { onEventHandler: admin.function, frameworkOnEventRole: frameworkRole, logGroup: frameworkLogs });

    const topics = new CustomResource(this, 'Topics', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::KafkaTopics',
      properties: {
        ClusterArn: this.clusterArn,
        Topics: props.topics.map((name) => ({ Name: name, Partitions: props.partitions ?? DEFAULT_TOPIC_PARTITIONS })),
      },
    });
    // The admin function needs its network path to the brokers while it runs.
    topics.node.addDependency(this.brokerSecurityGroup, this.clientSecurityGroup);

    Validations.of(frameworkRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(admin.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: 'The provider framework invokes any version of its onEvent function (lambda:InvokeFunction on <arn>:*), a CDK-generated grant',
    });
    return topics;
  }
}
