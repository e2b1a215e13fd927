import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, synthTemplates } from './synth-app.js';

/** Thresholds unlike the defaults and unlike each other, so each one is seen to come from config. */
const THRESHOLDS = {
  alarmConsumerErrors: 11,
  alarmConsumerThrottles: 12,
  alarmOffsetLagRecords: 13_000,
  alarmLoaderErrors: 14,
  alarmRejectedFiles: 15,
  alarmLoadFreshnessMinutes: 45,
  alarmQuarantineRatePercent: 2.5,
  alarmDataQualityFailures: 16,
};

let monitoring: Template;
let quiet: Template;

beforeAll(() => {
  monitoring = synthTemplates({ context: { ...THRESHOLDS, alarmEmail: 'ops@example.com' } }).templates.monitoring;
  quiet = synthTemplates().templates.monitoring;
});

const alarmNamed = (template: Template, name: string): Record<string, unknown> => {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: `streamflow-dev-${name}` } }));
  expect(found, `alarm streamflow-dev-${name}`).toHaveLength(1);
  return (found[0] as { Properties: Record<string, unknown> }).Properties;
};

describe('monitoring stack', () => {
  it.each([
    ['consumer-errors', 'AWS/Lambda', 'Errors', THRESHOLDS.alarmConsumerErrors],
    ['consumer-throttles', 'AWS/Lambda', 'Throttles', THRESHOLDS.alarmConsumerThrottles],
    ['offset-lag', 'AWS/Lambda', 'OffsetLag', THRESHOLDS.alarmOffsetLagRecords],
    ['loader-errors', 'AWS/Lambda', 'Errors', THRESHOLDS.alarmLoaderErrors],
    ['loader-rejected-files', 'StreamFlow', 'FilesFailed', THRESHOLDS.alarmRejectedFiles],
    ['data-quality-failures', 'StreamFlow', 'DataQualityFailures', THRESHOLDS.alarmDataQualityFailures],
    ['on-failure-batch-written', 'AWS/Events', 'MatchedEvents', 1],
    ['on-failure-not-empty', 'AWS/S3', 'NumberOfObjects', 1],
    ['load-dead-letters', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 1],
  ])('alarms on %s (%s %s) at the configured threshold', (name, namespace, metricName, threshold) => {
    // Act
    const alarm = alarmNamed(monitoring, name);

    // Assess
    expect(alarm).toMatchObject({ Namespace: namespace, MetricName: metricName, Threshold: threshold, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
  });

  it('alarms on the quarantine rate as a percentage of records in', () => {
    // Act
    const alarm = alarmNamed(monitoring, 'quarantine-rate');

    // Assess
    expect(alarm.Threshold).toBe(THRESHOLDS.alarmQuarantineRatePercent);
    expect(JSON.stringify(alarm.Metrics)).toContain('100 * FILL(quarantined, 0) / recordsIn');
    expect(JSON.stringify(alarm.Metrics)).toMatch(/"MetricName":"RecordsIn".*"MetricName":"QuarantinedRecords"|"MetricName":"QuarantinedRecords".*"MetricName":"RecordsIn"/);
  });

  it('alarms on load freshness: gold written but no file loaded within the configured minutes', () => {
    // Act
    const alarm = alarmNamed(monitoring, 'load-freshness');

    // Assess
    const metrics = JSON.stringify(alarm.Metrics);
    expect(metrics).toContain('IF(FILL(gold, 0) > 0 AND FILL(loaded, 0) == 0, 1, 0)');
    expect(metrics).toContain(`"Period":${THRESHOLDS.alarmLoadFreshnessMinutes * 60}`);
    expect(metrics).toContain('"MetricName":"FilesLoaded"');
    expect(metrics).toContain('"MetricName":"GoldRows"');
  });

  it('watches the StreamFlow metrics of the right function (the service dimension)', () => {
    // Assess
    expect(alarmNamed(monitoring, 'loader-rejected-files').Dimensions).toEqual([{ Name: 'service', Value: 'streamflow-dev-loader' }]);
    expect(JSON.stringify(alarmNamed(monitoring, 'quarantine-rate').Metrics)).toContain('"Value":"streamflow-dev-consumer"');
  });

  it('watches the dead-letter queue of the loader\'s queue, not the queue itself', () => {
    // Act
    const alarm = alarmNamed(monitoring, 'load-dead-letters');

    // Assess
    expect(alarm).toMatchObject({ Statistic: 'Maximum', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::ImportValue': expect.stringMatching(/LoadQueueDeadLetters/) as string } }] });
  });

  it('sends every alarm and its recovery to the alarm topic', () => {
    // Assess
    const topic = { Ref: logicalIdOf(monitoring, 'AWS::SNS::Topic', 'AlarmTopic') };
    const alarms = Object.values(monitoring.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(11);
    for (const alarm of alarms) expect(alarm).toMatchObject({ Properties: { AlarmActions: [topic], OKActions: [topic] } });
  });

  it('encrypts the alarm topic with a key CloudWatch and EventBridge may use, and requires TLS to publish', () => {
    // Assess
    monitoring.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    monitoring.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
        ]),
      },
    });
    monitoring.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets CloudWatch publish to the alarm topic, only for this account and these alarms', () => {
    // Prepare: the policy enforceSSL and the EventBridge target create replaces SNS's default one,
    // so without this statement every alarm action fails (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
    const policy = Object.values(monitoring.findResources('AWS::SNS::TopicPolicy'))[0] as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } };
    const alarmIds = Object.keys(monitoring.findResources('AWS::CloudWatch::Alarm'));

    // Act
    const statement = policy.Properties.PolicyDocument.Statement.find((each) => JSON.stringify(each.Principal).includes('cloudwatch.amazonaws.com'));

    // Assess
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: { Ref: logicalIdOf(monitoring, 'AWS::SNS::Topic', 'AlarmTopic') },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    const sourceArns = (statement!.Condition as { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [string, string] }[] } }).ArnLike['aws:SourceArn'];
    expect(sourceArns.map((arn) => arn['Fn::GetAtt'][0]).sort()).toEqual(alarmIds.sort());
  });

  it('deletes the alarm topic key with the stack instead of leaving one behind per deploy cycle', () => {
    // Assess
    monitoring.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  it('subscribes the alarm e-mail only when one is configured', () => {
    // Assess
    monitoring.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    quiet.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('sends each failed batch written to the on-failure bucket to the topic, naming the object', () => {
    // Assess
    monitoring.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [Match.anyValue()] } } },
      Targets: [Match.objectLike({ Arn: { Ref: logicalIdOf(monitoring, 'AWS::SNS::Topic', 'AlarmTopic') }, InputTransformer: Match.objectLike({ InputPathsMap: { 'detail-bucket-name': '$.detail.bucket.name', 'detail-object-key': '$.detail.object.key' } }) })],
    });
  });

  it('has a dashboard with the alarms and the pipeline’s metrics', () => {
    // Assess
    const body = JSON.stringify(Object.values(monitoring.findResources('AWS::CloudWatch::Dashboard'))[0]);
    for (const text of ['Alarms', 'Consumer: records', 'Kafka offset lag', 'Loader: files and rows']) expect(body).toContain(text);
  });
});
