import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../lambdas/shared/contracts/events.js';
import { actionsOf, policyStatements, resourcesOf, synthTemplates } from './synth-app.js';

let dev: Template;
let prod: Template;
let viaNat: Template;
let prodViaNat: Template;

beforeAll(() => {
  dev = synthTemplates().templates.streaming;
  prod = synthTemplates({ context: { preset: 'prod', topicPartitions: 6 } }).templates.streaming;
  viaNat = synthTemplates({ context: { egress: 'nat' } }).templates.streaming;
  prodViaNat = synthTemplates({ context: { preset: 'prod', egress: 'nat', topicPartitions: 6 } }).templates.streaming;
});

/** Interface endpoint service names (they are Fn::Join of region parts), as `.lambda`, `.sts`, `.kafka`. */
const interfaceEndpointServices = (template: Template): string[] =>
  Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))
    .map((endpoint) => JSON.stringify((endpoint as { Properties: { ServiceName: unknown } }).Properties.ServiceName).match(/(\.[a-z]+)"\]\]\}$/)?.[1] ?? '?')
    .sort();

/** Each subnet's logical id and CIDR block. */
const subnetLayout = (template: Template): Record<string, unknown> =>
  Object.fromEntries(Object.entries(template.findResources('AWS::EC2::Subnet')).map(([id, subnet]) => [id, (subnet as { Properties: { CidrBlock: unknown } }).Properties.CidrBlock]));

const PRIVATE_SUBNETS = [{ Ref: Match.stringLikeRegexp('privateSubnet1') }, { Ref: Match.stringLikeRegexp('privateSubnet2') }];

describe('streaming stack: the Kafka cluster of each preset', () => {
  it('runs two kafka.t3.small brokers with IAM authentication and TLS in the dev preset', () => {
    // Assess
    dev.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    dev.hasResourceProperties('AWS::MSK::Cluster', {
      ClusterName: 'streamflow-dev',
      NumberOfBrokerNodes: 2,
      BrokerNodeGroupInfo: { InstanceType: 'kafka.t3.small', ClientSubnets: PRIVATE_SUBNETS, StorageInfo: { EBSStorageInfo: { VolumeSize: 10 } } },
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true } } },
    });
  });

  it('runs MSK Serverless with IAM client authentication in the private subnets of two AZs in the prod preset', () => {
    // Assess
    prod.resourceCountIs('AWS::MSK::Cluster', 0);
    prod.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClusterName: 'streamflow-dev',
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [{ SubnetIds: PRIVATE_SUBNETS, SecurityGroups: Match.anyValue() }],
    });
  });

  it('creates the contract topics with the configured partitions and a replication factor the cluster can hold', () => {
    // Assess: two brokers cannot hold three replicas; MSK Serverless always keeps three
    dev.hasResourceProperties('Custom::KafkaTopics', {
      ReplicationFactor: 2,
      Topics: [
        { Name: TOPICS.userEvents, Partitions: 3 },
        { Name: TOPICS.transactions, Partitions: 3 },
      ],
    });
    prod.hasResourceProperties('Custom::KafkaTopics', { ReplicationFactor: 3, Topics: Match.arrayWith([{ Name: TOPICS.userEvents, Partitions: 6 }]) });
  });

  it('lets the event pollers (cluster security group) and in-VPC clients reach the brokers on 9098 only', () => {
    // Assess
    for (const template of [dev, prod]) {
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 9098 } })).map(
        (rule) => (rule as { Properties: Record<string, unknown> }).Properties,
      );
      expect(ingress).toHaveLength(2);
      for (const rule of ingress) expect(rule).toMatchObject({ IpProtocol: 'tcp', ToPort: 9098, SourceSecurityGroupId: expect.any(Object) as unknown });
      expect(JSON.stringify(template.findResources('AWS::EC2::SecurityGroupIngress'))).not.toContain('0.0.0.0/0');
    }
  });

  it('lets the topic admin create and alter exactly the two topics', () => {
    // Assess
    const admin = policyStatements(dev).find(({ statement }) => actionsOf(statement).includes('kafka-cluster:CreateTopic'))!.statement;
    expect(actionsOf(admin).sort()).toEqual(['kafka-cluster:AlterTopic', 'kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic']);
    const topicArns = resourcesOf(admin).map((arn) => JSON.stringify(arn));
    expect(topicArns).toHaveLength(2);
    expect(topicArns.some((arn) => arn.includes(`/${TOPICS.userEvents}"`))).toBe(true);
    expect(topicArns.some((arn) => arn.includes(`/${TOPICS.transactions}"`))).toBe(true);
    expect(topicArns.join()).toContain(':topic/streamflow-dev/');
  });
});

describe('streaming stack: routes to AWS APIs', () => {
  // https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html: on-demand pollers
  // need Lambda and STS through a NAT or PrivateLink; provisioned pollers need neither. The producer
  // and the topic custom resource call the MSK API from inside the VPC.
  it('creates the Kafka endpoint, and Lambda and STS only for on-demand pollers, with egress "endpoints"', () => {
    // Assess
    expect(interfaceEndpointServices(dev)).toEqual(['.kafka', '.lambda', '.sts']);
    expect(interfaceEndpointServices(prod)).toEqual(['.kafka']);
    for (const template of [dev, prod]) {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    }
  });

  it('gives the private subnets one NAT gateway and no interface endpoint with egress "nat"', () => {
    // Assess
    viaNat.resourceCountIs('AWS::EC2::NatGateway', 1);
    expect(interfaceEndpointServices(viaNat)).toEqual([]);
  });

  it('routes S3 through a gateway endpoint (the pollers reach the on-failure bucket through it)', () => {
    // Assess
    for (const template of [dev, viaNat]) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.s3'])] }) });
    }
  });

  it('opens the interface endpoints to the pollers and the in-VPC clients only', () => {
    // Assess
    const endpointGroups = Object.values(dev.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })).map((endpoint) =>
      JSON.stringify((endpoint as { Properties: { SecurityGroupIds: unknown } }).Properties.SecurityGroupIds),
    );
    expect(new Set(endpointGroups).size).toBe(1);
    const https = Object.values(dev.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 443 } }));
    expect(https).toHaveLength(2);
    expect(JSON.stringify(https)).not.toContain('CidrIp');
  });

  it('waits for the interface endpoints before creating topics when there is no NAT route', () => {
    // Assess
    const topics = Object.values(dev.findResources('Custom::KafkaTopics'))[0] as { DependsOn: string[] };
    const endpointIds = Object.keys(dev.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
    expect(topics.DependsOn).toEqual(expect.arrayContaining(endpointIds));
  });

  it('records rejected traffic in VPC flow logs', () => {
    // Assess
    dev.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', ResourceType: 'VPC' });
  });
});

describe('streaming stack: Availability Zones', () => {
  it('places the subnets in the zones named by availabilityZones (to keep MSK brokers out of use1-az3)', () => {
    // Act
    const chosen = synthTemplates({ context: { availabilityZones: 'us-east-1a,us-east-1c' } }).templates.streaming;

    // Assess
    const zones = Object.values(chosen.findResources('AWS::EC2::Subnet')).map((subnet) => (subnet as { Properties: { AvailabilityZone: unknown } }).Properties.AvailabilityZone);
    expect(zones.sort()).toEqual(['us-east-1a', 'us-east-1c']);
  });
});

describe('streaming stack: switching egress is an update, never a replacement', () => {
  // Subnet CidrBlock and the cluster's subnets are "Update requires: Replacement"
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnet.html,
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-serverlesscluster-vpcconfig.html).
  it('keeps the private subnets’ CIDRs under the same logical ids with "nat" and "endpoints"', () => {
    // Prepare
    const privateOnly = (layout: Record<string, unknown>) => Object.fromEntries(Object.entries(layout).filter(([id]) => id.includes('private')));

    // Assess
    expect(privateOnly(subnetLayout(viaNat))).toEqual(privateOnly(subnetLayout(dev)));
    expect(Object.values(privateOnly(subnetLayout(dev)))).toEqual(['10.0.4.0/22', '10.0.8.0/22']);
  });

  it('gives the cluster the same subnets and security groups either way', () => {
    // Prepare
    const clusterOf = (template: Template, type: string) => JSON.stringify(Object.entries(template.findResources(type)).map(([id, cluster]) => [id, cluster]));

    // Assess
    expect(clusterOf(viaNat, 'AWS::MSK::Cluster')).toEqual(clusterOf(dev, 'AWS::MSK::Cluster'));
    expect(clusterOf(prodViaNat, 'AWS::MSK::ServerlessCluster')).toEqual(clusterOf(prod, 'AWS::MSK::ServerlessCluster'));
  });
});
