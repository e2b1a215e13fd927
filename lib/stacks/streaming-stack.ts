/**
 * The network and the Kafka cluster: a VPC with a fixed address layout, an S3 gateway endpoint
 * (the pollers' route to the on-failure bucket), VPC flow logs, an MSK cluster (Serverless or
 * provisioned, IAM authentication) and the pipeline's topics.
 *
 * What needs a route to AWS APIs, per the Lambda docs
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html):
 * - provisioned-mode event pollers: nothing (they reach Lambda and STS on their own);
 * - on-demand event pollers: Lambda and STS, through a NAT gateway or PrivateLink endpoints;
 * - the producer and the topic custom resource (functions in the VPC): the MSK API
 *   (GetBootstrapBrokers), for which a Kafka interface endpoint is cheaper than a NAT;
 * - the loader: nothing here, it runs outside the VPC.
 * `egress: nat` gives all of them one NAT gateway; `egress: endpoints` creates exactly the
 * interface endpoints the configuration needs and no internet route.
 */
import { CfnOutput, RemovalPolicy, Stack, type CustomResource, type StackProps } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TOPICS } from '../../lambdas/shared/contracts/events.js';
import { AVAILABILITY_ZONES, type StreamFlowConfig } from '../config.js';
import type { IKafkaCluster } from '../constructs/kafka-cluster-props.js';
import { addKafkaTopics } from '../constructs/kafka-topics.js';
import { MskProvisionedCluster } from '../constructs/msk-provisioned-cluster.js';
import { MskServerlessCluster } from '../constructs/msk-serverless-cluster.js';

const PUBLIC_SUBNET_MASK = 24;
const PRIVATE_SUBNET_MASK = 22;
const HTTPS_PORT = 443;

/** Who calls which AWS API from inside the VPC when there is no NAT route. */
const MSK_API_ENDPOINT = { Kafka: InterfaceVpcEndpointAwsService.KAFKA } as const;
const ON_DEMAND_POLLER_ENDPOINTS = { Lambda: InterfaceVpcEndpointAwsService.LAMBDA, Sts: InterfaceVpcEndpointAwsService.STS } as const;

export interface StreamingStackProps extends StackProps {
  readonly config: StreamFlowConfig;
}

export class StreamingStack extends Stack {
  public readonly vpc: Vpc;
  /** Where the brokers, the event pollers and the in-VPC functions live. */
  public readonly privateSubnets: SubnetSelection;
  public readonly kafka: IKafkaCluster;
  /** The custom resource that creates the topics. */
  public readonly topicsResource: CustomResource;

  constructor(scope: Construct, id: string, props: StreamingStackProps) {
    super(scope, id, props);
    const { stage, streaming, consumer } = props.config;
    const logRetention: RetentionDays = props.config.logRetentionDays;
    const viaNat = streaming.egress === 'nat';
    const privateType = viaNat ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PRIVATE_ISOLATED;

    this.vpc = new Vpc(this, 'Vpc', {
      // MSK brokers cannot use the zone with ID use1-az3 (AWS::MSK::Cluster BrokerNodeGroupInfo,
      // ClientSubnets: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-brokernodegroupinfo.html).
      // Zone names map to zone IDs per account, so only the operator can choose: availabilityZones.
      ...(streaming.availabilityZones.length > 0 ? { availabilityZones: [...streaming.availabilityZones] } : { maxAzs: AVAILABILITY_ZONES }),
      natGateways: viaNat ? 1 : 0,
      subnetConfiguration: [
        // The public subnets' addresses stay reserved without a NAT, so the private subnets keep
        // the same CIDRs and logical ids whatever `egress` says: switching it later updates
        // routes in place and never replaces a subnet, and so never the MSK cluster in it.
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: PUBLIC_SUBNET_MASK, reserved: !viaNat },
        { name: 'private', subnetType: privateType, cidrMask: PRIVATE_SUBNET_MASK },
      ],
      // Free; the event source mapping must reach the on-failure bucket through an endpoint.
      gatewayEndpoints: { S3: { service: GatewayVpcEndpointAwsService.S3 } },
    });
    this.privateSubnets = { subnetType: privateType };

    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, 'FlowLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY })),
      // Rejected traffic is what explains a broken connection; accepted traffic would only cost.
      trafficType: FlowLogTrafficType.REJECT,
    });

    // Switching the kind replaces the cluster (new ARN, topics and offsets gone): decide it per stage.
    const clusterProps = { clusterName: `streamflow-${stage}`, vpc: this.vpc, subnets: this.privateSubnets };
    this.kafka =
      streaming.cluster === 'serverless'
        ? new MskServerlessCluster(this, 'Kafka', clusterProps)
        : new MskProvisionedCluster(this, 'Kafka', {
            ...clusterProps,
            brokerType: streaming.brokerType,
            brokerNodes: streaming.brokerNodes,
            storageGb: streaming.brokerStorageGb,
            logRetention,
          });
    this.topicsResource = addKafkaTopics(this.kafka, {
      vpc: this.vpc,
      subnets: this.privateSubnets,
      topics: [TOPICS.userEvents, TOPICS.transactions],
      partitions: streaming.topicPartitions,
      logRetention,
    });

    if (!viaNat) this.addInterfaceEndpoints({ ...MSK_API_ENDPOINT, ...(consumer.pollerMode === 'on-demand' ? ON_DEMAND_POLLER_ENDPOINTS : {}) });

    new CfnOutput(this, 'ClusterArn', { value: this.kafka.clusterArn, description: 'streamflow produce --cluster-arn <this>' });
    new CfnOutput(this, 'ClientSecurityGroupId', { value: this.kafka.clientSecurityGroup.securityGroupId, description: 'Attach to anything in the VPC that produces to the cluster' });
  }

  /**
   * HTTPS endpoints, open only to the pollers (cluster security group) and the in-VPC clients.
   * The topic custom resource waits for them: without a NAT route they are its only way to the MSK API.
   */
  private addInterfaceEndpoints(services: Record<string, InterfaceVpcEndpointAwsService>): void {
    const securityGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from the Kafka pollers and clients only',
      allowAllOutbound: false,
    });
    for (const peer of [this.kafka.brokerSecurityGroup, this.kafka.clientSecurityGroup]) {
      securityGroup.addIngressRule(peer, Port.tcp(HTTPS_PORT), 'HTTPS to AWS APIs');
    }
    for (const [name, service] of Object.entries(services)) {
      const endpoint = this.vpc.addInterfaceEndpoint(name, { service, subnets: this.privateSubnets, securityGroups: [securityGroup], open: false });
      this.topicsResource.node.addDependency(endpoint);
    }
  }
}
