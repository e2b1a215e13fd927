/**
 * The network and the Kafka cluster: a VPC whose private subnets reach AWS APIs the way the MSK
 * event source mapping needs (one NAT gateway, or interface endpoints for Lambda, STS and the MSK
 * API), an S3 gateway endpoint (the pollers' route to the on-failure bucket), VPC flow logs, and
 * an MSK Serverless cluster with IAM authentication and the pipeline's topics.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
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
import type { StreamFlowConfig } from '../config.js';
import { MskServerlessCluster } from '../constructs/msk-serverless-cluster.js';

/**
 * What the event pollers and the in-VPC functions call when there is no NAT route: Lambda (to
 * invoke the consumer), STS (IAM auth) and the MSK API (GetBootstrapBrokers).
 */
const INTERFACE_ENDPOINTS = {
  Lambda: InterfaceVpcEndpointAwsService.LAMBDA,
  Sts: InterfaceVpcEndpointAwsService.STS,
  Kafka: InterfaceVpcEndpointAwsService.KAFKA,
} as const;

/**
 * MSK Serverless needs subnets in two Availability Zones; an environment-agnostic stack (which
 * keeps `cdk synth` offline) sees exactly two.
 */
const AVAILABILITY_ZONES = 2;
const PUBLIC_SUBNET_MASK = 24;
const HTTPS_PORT = 443;
const PRIVATE_SUBNET_MASK = 22;

export interface StreamingStackProps extends StackProps {
  readonly config: StreamFlowConfig;
}

export class StreamingStack extends Stack {
  public readonly vpc: Vpc;
  /** Where the brokers, the event pollers and the in-VPC functions live. */
  public readonly privateSubnets: SubnetSelection;
  public readonly kafka: MskServerlessCluster;

  constructor(scope: Construct, id: string, props: StreamingStackProps) {
    super(scope, id, props);
    const { stage, streaming } = props.config;
    const logRetention: RetentionDays = props.config.logRetentionDays;
    const viaNat = streaming.egress === 'nat';
    const privateType = viaNat ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PRIVATE_ISOLATED;

    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: AVAILABILITY_ZONES,
      natGateways: viaNat ? 1 : 0,
      subnetConfiguration: [
        ...(viaNat ? [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: PUBLIC_SUBNET_MASK }] : []),
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

    this.kafka = new MskServerlessCluster(this, 'Kafka', {
      clusterName: `streamflow-${stage}`,
      vpc: this.vpc,
      subnets: this.privateSubnets,
      topics: [TOPICS.userEvents, TOPICS.transactions],
      partitions: streaming.topicPartitions,
      logRetention,
    });

    if (!viaNat) this.addInterfaceEndpoints();

    new CfnOutput(this, 'ClusterArn', { value: this.kafka.clusterArn, description: 'streamflow produce --cluster-arn <this>' });
    new CfnOutput(this, 'ClientSecurityGroupId', { value: this.kafka.clientSecurityGroup.securityGroupId, description: 'Attach to anything in the VPC that produces to the cluster' });
  }

  /**
   * HTTPS endpoints for Lambda, STS and the MSK API, open only to the pollers (cluster security
   * group) and the in-VPC clients. The topic custom resource waits for them: without a NAT
   * route they are its only way to the MSK API.
   */
  private addInterfaceEndpoints(): void {
    const securityGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from the Kafka pollers and clients only',
      allowAllOutbound: false,
    });
    for (const peer of [this.kafka.brokerSecurityGroup, this.kafka.clientSecurityGroup]) {
      securityGroup.addIngressRule(peer, Port.tcp(HTTPS_PORT), 'HTTPS to AWS APIs');
    }
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      const endpoint = this.vpc.addInterfaceEndpoint(name, { service, subnets: this.privateSubnets, securityGroups: [securityGroup], open: false });
      this.kafka.topicsResource.node.addDependency(endpoint);
    }
  }
}
