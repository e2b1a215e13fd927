/**
 * Alarms, where they go, and a dashboard. Every threshold comes from the configuration; every
 * alarm treats missing data as fine, so an idle pipeline is quiet.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, RuleTargetInput, EventField } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { StreamFlowConfig } from '../config.js';
import type { PipelineFunction } from '../constructs/pipeline-function.js';
import type { PipelineStack } from './pipeline-stack.js';
import type { StorageStack } from './storage-stack.js';

/** Namespace of the Powertools metrics (lambdas/shared/powertools.ts). */
export const METRICS_NAMESPACE = 'StreamFlow';
/**
 * Published by whatever runs the data quality checks in the cloud (the count of failing checks of
 * the latest run), with the loader's `service` dimension.
 */
export const DATA_QUALITY_METRIC = 'DataQualityFailures';

const FIVE_MINUTES = Duration.minutes(5);
const QUARANTINE_RATE_PERIOD = Duration.minutes(15);

export interface MonitoringStackProps extends StackProps {
  readonly config: StreamFlowConfig;
  readonly storage: StorageStack;
  readonly pipeline: PipelineStack;
}

export class MonitoringStack extends Stack {
  public readonly alarmTopic: Topic;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config, storage, pipeline } = props;
    const { alarms: thresholds, stage } = config;
    const name = (suffix: string) => `streamflow-${stage}-${suffix}`;

    // A customer managed key: CloudWatch and EventBridge can publish to it (the AWS managed SNS key
    // admits neither).
    const topicKey = new Key(this, 'AlarmTopicKey', {
      alias: `alias/${name('alarms')}`,
      description: `StreamFlow ${stage}: encrypts the alarm topic`,
      enableKeyRotation: true,
      // It encrypts notifications in flight only, nothing kept: it goes with the stack (scheduled
      // for deletion after KMS's waiting period) instead of one orphaned key per deploy cycle.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      topicKey.grant(new ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey');
    }
    this.alarmTopic = new Topic(this, 'AlarmTopic', { topicName: name('alarms'), displayName: `StreamFlow ${stage} alarms`, masterKey: topicKey, enforceSSL: true });
    if (thresholds.email) this.alarmTopic.addSubscription(new EmailSubscription(thresholds.email));

    const custom = (fn: PipelineFunction, metricName: string, period = FIVE_MINUTES) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: fn.serviceName }, statistic: 'Sum', period });

    // The fast signal for a batch that exhausted its retries: its object landing in the on-failure bucket.
    const onFailureWritten = new Rule(this, 'OnFailureObjectCreated', {
      description: 'A Kafka batch the consumer could not process was written to the on-failure bucket',
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [storage.onFailureBucket.bucketName] } } },
      targets: [
        new SnsTopic(this.alarmTopic, {
          message: RuleTargetInput.fromText(
            `StreamFlow ${stage}: a failed Kafka batch was written to s3://${EventField.fromPath('$.detail.bucket.name')}/${EventField.fromPath('$.detail.object.key')}`,
          ),
        }),
      ],
    });

    /** `ConsumerErrors` → alarm `streamflow-<stage>-consumer-errors`. */
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) =>
      new Alarm(this, id, {
        alarmName: name(id.replace(/(?<=.)([A-Z])/g, '-$1').toLowerCase()),
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });

    const consumerFn = pipeline.consumer.function;
    const loaderFn = pipeline.loader.function;
    const recordsIn = custom(pipeline.consumer, 'RecordsIn', QUARANTINE_RATE_PERIOD);
    const quarantined = custom(pipeline.consumer, 'QuarantinedRecords', QUARANTINE_RATE_PERIOD);
    const freshnessWindow = Duration.minutes(thresholds.loadFreshnessMinutes);

    this.alarms = [
      alarm('ConsumerErrors', consumerFn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), thresholds.consumerErrors, 'Consumer invocations failed (the batch is retried, then sent to the on-failure bucket)'),
      alarm('ConsumerThrottles', consumerFn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), thresholds.consumerThrottles, 'Consumer invocations were throttled (concurrency limit)'),
      alarm(
        'OffsetLag',
        new Metric({ namespace: 'AWS/Lambda', metricName: 'OffsetLag', dimensionsMap: { FunctionName: consumerFn.functionName }, statistic: 'Maximum', period: FIVE_MINUTES }),
        thresholds.offsetLagRecords,
        'Records waiting in Kafka for the consumer (largest partition lag)',
      ),
      alarm(
        'OnFailureBatchWritten',
        new Metric({ namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensionsMap: { RuleName: onFailureWritten.ruleName }, statistic: 'Sum', period: FIVE_MINUTES }),
        1,
        'The on-failure bucket received a batch: records are out of the pipeline until replayed',
      ),
      alarm(
        'OnFailureNotEmpty',
        new Metric({
          namespace: 'AWS/S3',
          metricName: 'NumberOfObjects',
          dimensionsMap: { BucketName: storage.onFailureBucket.bucketName, StorageType: 'AllStorageTypes' },
          statistic: 'Average',
          period: Duration.days(1),
        }),
        1,
        'The on-failure bucket still holds failed batches (daily S3 storage metric)',
      ),
      alarm('LoaderErrors', loaderFn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), thresholds.loaderErrors, 'Loader invocations failed (Snowflake unreachable, bad credentials, …)'),
      alarm(
        'LoadDeadLetters',
        // Messages waiting in the dead-letter queue, as SQS documents the alarm for one
        // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/dead-letter-queues-alarms-cloudwatch.html).
        pipeline.loadQueue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        1,
        'S3 events the loader failed 5 times (or EventBridge could not queue) wait in the dead-letter queue; their files load with the next schedule tick if they can',
      ),
      alarm('LoaderRejectedFiles', custom(pipeline.loader, 'FilesFailed'), thresholds.rejectedFiles, 'The loader rejected files; they stay out of Bronze until fixed and dropped again'),
      alarm(
        'LoadFreshness',
        new MathExpression({
          label: 'gold written but nothing loaded',
          expression: 'IF(FILL(gold, 0) > 0 AND FILL(loaded, 0) == 0, 1, 0)',
          usingMetrics: { gold: custom(pipeline.consumer, 'GoldRows', freshnessWindow), loaded: custom(pipeline.loader, 'FilesLoaded', freshnessWindow) },
          period: freshnessWindow,
        }),
        1,
        `No file loaded into Snowflake for ${thresholds.loadFreshnessMinutes} minutes while the consumer wrote gold rows`,
      ),
      alarm(
        'QuarantineRate',
        new MathExpression({
          label: 'quarantined %',
          expression: 'IF(FILL(recordsIn, 0) > 0, 100 * FILL(quarantined, 0) / recordsIn, 0)',
          usingMetrics: { recordsIn, quarantined },
          period: QUARANTINE_RATE_PERIOD,
        }),
        thresholds.quarantineRatePercent,
        `More than ${thresholds.quarantineRatePercent} % of records were quarantined`,
      ),
      alarm('DataQualityFailures', custom(pipeline.loader, DATA_QUALITY_METRIC), thresholds.dataQualityFailures, 'Data quality checks failed in the warehouse (see gold.dq_results)'),
    ];
    for (const each of this.alarms) {
      each.addAlarmAction(new SnsAction(this.alarmTopic));
      each.addOkAction(new SnsAction(this.alarmTopic));
    }
    // The topic policy that enforceSSL and the EventBridge target create replaces SNS's default
    // one, which is what let CloudWatch publish: without this statement every alarm action fails.
    // Scoped to this account and this stack's alarms with aws:SourceAccount and aws:SourceArn, the
    // confused-deputy guard SNS documents for service principals
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html, "aws:SourceAccount
    // and aws:SourceOwner" and "Allow CloudWatch alarms ... to publish to a topic").
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': this.alarms.map((each) => each.alarmArn) },
        },
      }),
    );

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: name('pipeline') });
    dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 24 }));
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Consumer: records',
        left: [recordsIn, custom(pipeline.consumer, 'GoldRows', QUARANTINE_RATE_PERIOD), quarantined],
        width: 12,
      }),
      new GraphWidget({
        title: 'Consumer: invocations, errors, throttles',
        left: [consumerFn.metricInvocations({ period: FIVE_MINUTES }), consumerFn.metricErrors({ period: FIVE_MINUTES }), consumerFn.metricThrottles({ period: FIVE_MINUTES })],
        right: [consumerFn.metricDuration({ period: FIVE_MINUTES, statistic: 'p95' })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Kafka offset lag (max)',
        left: [new Metric({ namespace: 'AWS/Lambda', metricName: 'OffsetLag', dimensionsMap: { FunctionName: consumerFn.functionName }, statistic: 'Maximum', period: FIVE_MINUTES })],
        width: 12,
      }),
      new GraphWidget({
        title: 'Loader: files and rows',
        left: [custom(pipeline.loader, 'FilesLoaded'), custom(pipeline.loader, 'FilesSkipped'), custom(pipeline.loader, 'FilesFailed')],
        right: [custom(pipeline.loader, 'RowsLoaded')],
        width: 12,
      }),
    );

    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboardName });
  }
}
