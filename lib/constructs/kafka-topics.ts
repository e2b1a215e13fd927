/**
 * The pipeline's topics on an MSK cluster, created (or grown) at deploy time by a custom resource:
 * a function inside the VPC that speaks the Kafka admin protocol, since MSK Serverless neither
 * auto-creates topics nor offers a topic API, and a provisioned cluster does not auto-create
 * them either (`auto.create.topics.enable` is off by default).
 *
 * The resources are created inside the cluster's construct, where they have always lived, so
 * their logical ids (and the topics resource itself) survive any change to this code.
 */
import { CustomResource, Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import { DEFAULT_TOPIC_PARTITIONS, type IKafkaCluster } from './kafka-cluster-props.js';
import { acknowledgeCfnLint, CDK_ROLE_DEPENDENCY_REASON } from './cfn-lint-acknowledgements.js';
import { PipelineFunction } from './pipeline-function.js';

export interface KafkaTopicsProps {
  readonly vpc: IVpc;
  /** Where the admin function runs: subnets that reach the brokers and the MSK API. */
  readonly subnets: SubnetSelection;
  readonly topics: readonly string[];
  /**
   * Partitions of each topic. Raising it adds partitions; lowering it fails the deployment
   * (Kafka cannot remove partitions).
   * @default DEFAULT_TOPIC_PARTITIONS
   */
  readonly partitions?: number;
  /** Log retention of the custom resource's functions. */
  readonly logRetention: RetentionDays;
}

/** Creates the topics on `cluster`; returns the custom resource (anything it needs at deploy time goes before it). */
export const addKafkaTopics = (cluster: IKafkaCluster, props: KafkaTopicsProps): CustomResource => {
  const admin = new PipelineFunction(cluster, 'TopicAdmin', {
    entry: 'lambdas/kafka-topics/handler.ts',
    serviceName: `${cluster.clusterName}-topics`,
    description: `Creates and grows the Kafka topics of ${cluster.clusterName} (CloudFormation custom resource)`,
    logRetention: props.logRetention,
    timeout: Duration.minutes(5),
    memorySize: 512,
    network: { vpc: props.vpc, subnets: props.subnets, securityGroups: [cluster.clientSecurityGroup] },
  });
  admin.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['kafka:GetBootstrapBrokers', 'kafka-cluster:Connect'], resources: [cluster.clusterArn] }));
  admin.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:AlterTopic'],
      resources: props.topics.map((topic) => cluster.topicArn(topic)),
    }),
  );

  // The provider framework's own function: our role, logging to a group with a retention.
  const frameworkLogs = new LogGroup(cluster, 'TopicProviderLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const frameworkRole = new Role(cluster, 'TopicProviderRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `${cluster.clusterName}: custom resource provider framework`,
  });
  frameworkLogs.grantWrite(frameworkRole);
  const provider = new Provider(cluster, 'TopicProvider', { onEventHandler: admin.function, frameworkOnEventRole: frameworkRole, logGroup: frameworkLogs });

  const topics = new CustomResource(cluster, 'Topics', {
    serviceToken: provider.serviceToken,
    resourceType: 'Custom::KafkaTopics',
    properties: {
      ClusterArn: cluster.clusterArn,
      ReplicationFactor: cluster.replicationFactor,
      Topics: props.topics.map((name) => ({ Name: name, Partitions: props.partitions ?? DEFAULT_TOPIC_PARTITIONS })),
    },
  });
  // The admin function needs its network path to the brokers while it runs.
  topics.node.addDependency(cluster.brokerSecurityGroup, cluster.clientSecurityGroup);

  const frameworkFunction = provider.node.findChild('framework-onEvent');
  acknowledgeCfnLint(frameworkFunction, 'W3005', CDK_ROLE_DEPENDENCY_REASON);
  Validations.of(frameworkRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(cluster).getLogicalId(admin.function.node.defaultChild as CfnElement)}.Arn>:*]`,
    reason: 'The provider framework invokes any version of its onEvent function (lambda:InvokeFunction on <arn>:*), a CDK-generated grant',
  });
  return topics;
};
