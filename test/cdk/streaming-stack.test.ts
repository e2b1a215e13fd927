import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../lambdas/shared/contracts/events.js';
import { actionsOf, policyStatements, resourcesOf, synthTemplates } from './synth-app.js';

let viaNat: Template;
let viaEndpoints: Template;

beforeAll(() => {
  viaNat = synthTemplates().templates.streaming;
  viaEndpoints = synthTemplates({ context: { egress: 'endpoints', topicPartitions: 6 } }).templates.streaming;
});

/** Interface endpoint service names (they are Fn::Join of region parts). */
const interfaceEndpointServices = (template: Template): string[] =>
  Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })).map((endpoint) =>
    JSON.stringify((endpoint as { Properties: { ServiceName: unknown } }).Properties.ServiceName),
  );

describe('streaming stack', () => {
  it('runs MSK Serverless with IAM client authentication in the private subnets of two AZs', () => {
    // Assess
    viaNat.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClusterName: 'streamflow-dev',
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [{ SubnetIds: [{ Ref: Match.stringLikeRegexp('privateSubnet1') }, { Ref: Match.stringLikeRegexp('privateSubnet2') }], SecurityGroups: Match.anyValue() }],
    });
  });

  it('lets the event pollers (cluster security group) and in-VPC clients reach the brokers on 9098 only', () => {
    // Assess
    const ingress = Object.values(viaNat.findResources('AWS::EC2::SecurityGroupIngress')).map((rule) => (rule as { Properties: Record<string, unknown> }).Properties);
    expect(ingress).toHaveLength(2);
    for (const rule of ingress) expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098, SourceSecurityGroupId: expect.any(Object) as unknown });
    expect(JSON.stringify(ingress)).not.toContain('0.0.0.0/0');
  });

  it('gives the private subnets one NAT gateway by default, for Lambda, STS and the MSK API', () => {
    // Assess
    viaNat.resourceCountIs('AWS::EC2::NatGateway', 1);
    expect(interfaceEndpointServices(viaNat)).toEqual([]);
  });

  it('uses interface endpoints for Lambda, STS and the MSK API instead, with egress "endpoints"', () => {
    // Assess
    viaEndpoints.resourceCountIs('AWS::EC2::NatGateway', 0);
    viaEndpoints.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const services = interfaceEndpointServices(viaEndpoints);
    expect(services).toHaveLength(3);
    for (const service of ['.lambda', '.sts', '.kafka']) expect(services.some((name) => name.endsWith(`${service}"]]}`))).toBe(true);
  });

  it('routes S3 through a gateway endpoint (the pollers reach the on-failure bucket through it)', () => {
    // Assess
    for (const template of [viaNat, viaEndpoints]) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.s3'])] }) });
    }
  });

  it('records rejected traffic in VPC flow logs', () => {
    // Assess
    viaNat.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', ResourceType: 'VPC' });
  });

  it('creates the contract topics with the configured partitions through the topic custom resource', () => {
    // Assess
    viaNat.hasResourceProperties('Custom::KafkaTopics', {
      Topics: [
        { Name: TOPICS.userEvents, Partitions: 3 },
        { Name: TOPICS.transactions, Partitions: 3 },
      ],
    });
    viaEndpoints.hasResourceProperties('Custom::KafkaTopics', { Topics: Match.arrayWith([{ Name: TOPICS.userEvents, Partitions: 6 }]) });
  });

  it('opens the interface endpoints to the pollers and the in-VPC clients only', () => {
    // Assess
    const endpointGroups = Object.values(viaEndpoints.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })).map(
      (endpoint) => JSON.stringify((endpoint as { Properties: { SecurityGroupIds: unknown } }).Properties.SecurityGroupIds),
    );
    expect(new Set(endpointGroups).size).toBe(1);
    const https = Object.values(viaEndpoints.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 443 } }));
    expect(https).toHaveLength(2);
    expect(JSON.stringify(https)).not.toContain('CidrIp');
  });

  it('waits for the interface endpoints before creating topics when there is no NAT route', () => {
    // Assess
    const topics = Object.values(viaEndpoints.findResources('Custom::KafkaTopics'))[0] as { DependsOn: string[] };
    const endpointIds = Object.keys(viaEndpoints.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
    expect(topics.DependsOn).toEqual(expect.arrayContaining(endpointIds));
  });

  it('lets the topic admin create and alter exactly the two topics', () => {
    // Assess
    const admin = policyStatements(viaNat).find(({ statement }) => actionsOf(statement).includes('kafka-cluster:CreateTopic'))!.statement;
    expect(actionsOf(admin).sort()).toEqual(['kafka-cluster:AlterTopic', 'kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic']);
    const topicArns = resourcesOf(admin).map((arn) => JSON.stringify(arn));
    expect(topicArns).toHaveLength(2);
    expect(topicArns.some((arn) => arn.includes(`/${TOPICS.userEvents}"`))).toBe(true);
    expect(topicArns.some((arn) => arn.includes(`/${TOPICS.transactions}"`))).toBe(true);
    expect(topicArns.join()).toContain(':topic/streamflow-dev/');
  });
});
