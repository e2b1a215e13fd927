/**
 * The stateless part that moves data: the consumer on the Kafka topics (one event source mapping
 * per topic), the loader on a schedule and on a queue gathering the S3 "Object Created" events of
 * the prefixes it loads, the demo producer on a schedule (off by default), and the reference data
 * uploaded from `data/` at every deploy.
 */
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { LOAD_PREFIXES } from '../../lambdas/shared/contracts/load-targets.js';
import { deployedConsumerGroup, groupForTopic } from '../../lambdas/shared/contracts/consumer-groups.js';
import { TOPICS } from '../../lambdas/shared/contracts/events.js';
import { REFERENCE_KEYS } from '../../lambdas/shared/reference-catalog.js';
import type { StreamFlowConfig } from '../config.js';
import { acknowledgeWildcardResources } from '../constructs/nag-acknowledgements.js';
import { acknowledgeCfnLint, CDK_ROLE_DEPENDENCY_REASON } from '../constructs/cfn-lint-acknowledgements.js';
import { LoadQueue } from '../constructs/load-queue.js';
import { PROJECT_ROOT, PipelineFunction } from '../constructs/pipeline-function.js';
import { S3OnFailureBucket } from '../constructs/s3-on-failure-bucket.js';
import { DATA_PREFIXES, type StorageStack } from './storage-stack.js';
import type { StreamingStack } from './streaming-stack.js';

/** The committed reference files, uploaded under `reference/` (nothing else from `data/`). */
const REFERENCE_FILES = Object.values(REFERENCE_KEYS).map((key) => key.slice(DATA_PREFIXES.reference.length));

export interface PipelineStackProps extends StackProps {
  readonly config: StreamFlowConfig;
  readonly storage: StorageStack;
  readonly streaming: StreamingStack;
}

export class PipelineStack extends Stack {
  public readonly consumer: PipelineFunction;
  public readonly loader: PipelineFunction;
  public readonly producer: PipelineFunction;
  public readonly loaderSchedule: Rule;
  public readonly loaderObjectCreated: Rule;
  public readonly loadQueue: LoadQueue;
  public readonly producerSchedule: Rule;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, storage, streaming } = props;
    const logRetention: RetentionDays = config.logRetentionDays;
    const serviceName = (role: string) => `streamflow-${config.stage}-${role}`;
    const dataBucket = storage.importDataBucket(this, 'DataBucket');
    this.addStackDependency(storage);

    this.consumer = new PipelineFunction(this, 'Consumer', {
      entry: 'lambdas/consumer/handler.ts',
      serviceName: serviceName('consumer'),
      description: 'Kafka batches to landing/ (raw), gold/ (validated CSV) and quarantine/ (rejected, with reasons)',
      logRetention,
      memorySize: config.consumer.memoryMb,
      timeout: Duration.seconds(config.consumer.timeoutSeconds),
    });
    this.consumer.bindBucket(dataBucket, {
      read: Object.values(REFERENCE_KEYS),
      write: [DATA_PREFIXES.landing, DATA_PREFIXES.gold, DATA_PREFIXES.quarantine],
    });
    const onFailure = new S3OnFailureBucket(storage.importOnFailureBucket(this, 'OnFailureBucket'));
    for (const topic of [TOPICS.userEvents, TOPICS.transactions]) {
      this.consumer.consumeTopic(streaming.kafka, topic, {
        // Fixed for the life of the mapping (Lambda cannot change it); unique per topic. `streamflow
        // report --bucket` reads the same ids for the committed offsets.
        consumerGroupId: groupForTopic(deployedConsumerGroup(config.stage), topic),
        batchSize: config.consumer.batchSize,
        maxBatchingWindow: Duration.seconds(config.consumer.batchingWindowSeconds),
        startingPosition: StartingPosition[config.consumer.startingPosition],
        // One poller group for both mappings: they share Event Poller Units instead of each paying
        // for its own minimum.
        ...(config.consumer.pollerMode === 'provisioned'
          ? { provisionedPollers: { minimum: config.consumer.minPollers, maximum: config.consumer.maxPollers, groupName: serviceName('consumer') } }
          : {}),
        retryAttempts: config.consumer.retryAttempts,
        onFailure,
      });
    }

    this.loader = new PipelineFunction(this, 'Loader', {
      entry: 'lambdas/loader/handler.ts',
      serviceName: serviceName('loader'),
      description: 'gold/, reference/ and quarantine/ files into Snowflake Bronze (PUT + COPY INTO)',
      logRetention,
      memorySize: config.loader.memoryMb,
      timeout: Duration.seconds(config.loader.timeoutSeconds),
      reservedConcurrency: config.loader.reservedConcurrency,
    });
    this.loader.bindBucket(dataBucket, { read: LOAD_PREFIXES });
    this.loader.bindSecret(storage.snowflakeSecretFor(this, 'SnowflakeSecret'), 'SNOWFLAKE_SECRET_ARN');
    this.loader.setEnvironment('SNOWFLAKE_ACCOUNT', config.snowflake.account);
    this.loader.setEnvironment('SNOWFLAKE_USER', config.snowflake.user);
    this.loader.setEnvironment('SNOWFLAKE_ROLE', config.snowflake.role);
    this.loader.setEnvironment('SNOWFLAKE_WAREHOUSE', config.snowflake.warehouse);
    this.loader.setEnvironment('SNOWFLAKE_DATABASE', config.snowflake.database);
    this.loader.setEnvironment('LOAD_MODE', config.loader.loadMode);
    if (config.snowflake.account === '') {
      Annotations.of(this.loader).addWarningV2(
        'streamflow:snowflakeAccountUnset',
        'snowflakeAccount is not set: the loader will fail until you set it (cdk.json context or -c snowflakeAccount=myorg-myaccount)',
      );
    }

    // The safety net: a tick loads whatever is pending, whatever events were missed or throttled.
    this.loaderSchedule = new Rule(this, 'LoaderSchedule', {
      description: 'Loads every pending gold/, reference/ and quarantine/ file',
      schedule: Schedule.rate(Duration.minutes(config.loader.scheduleMinutes)),
      targets: [new LambdaFunction(this.loader.function)],
    });
    // S3 events reach the loader through a queue, not one invocation each: its event source mapping
    // gathers them for the batching window into one load (one COPY per table) of up to batchSize
    // files (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html, batching behavior).
    this.loadQueue = new LoadQueue(this, 'LoadQueue', { consumerTimeout: Duration.seconds(config.loader.timeoutSeconds) });
    this.loader.consumeQueue(this.loadQueue.queue, {
      batchSize: config.loader.batchSize,
      maxBatchingWindow: Duration.seconds(config.loader.batchingWindowSeconds),
      // At least 2 (ScalingConfig.MaximumConcurrency's minimum): two loads at once are safe, each
      // claims its files per (key, ETag) in the load history.
      maxConcurrency: config.loader.maxConcurrency,
    });
    this.loaderObjectCreated = new Rule(this, 'LoaderObjectCreated', {
      description: 'Queues a file for the loader as soon as it lands under a prefix the loader loads',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [dataBucket.bucketName] },
          object: { key: LOAD_PREFIXES.map((prefix) => ({ prefix })) },
        },
      },
      // The whole event is the message body (lambdas/loader/loader-request.ts reads it); an event
      // EventBridge could not deliver goes to the same alarmed dead-letter queue.
      targets: [new SqsQueue(this.loadQueue.queue, { deadLetterQueue: this.loadQueue.deadLetterQueue })],
    });

    this.producer = new PipelineFunction(this, 'Producer', {
      entry: 'lambdas/producer/handler.ts',
      serviceName: serviceName('producer'),
      description: 'Demo traffic: generated user events and transactions published to MSK',
      logRetention,
      timeout: Duration.minutes(5),
      network: { vpc: streaming.vpc, subnets: streaming.privateSubnets, securityGroups: [streaming.kafka.clientSecurityGroup] },
    });
    this.producer.bindKafkaProducer(streaming.kafka, [TOPICS.userEvents, TOPICS.transactions]);
    this.producer.setEnvironment('PRODUCER_EVENTS', String(config.producer.eventsPerRun));
    this.producer.setEnvironment('PRODUCER_WINDOW_MINUTES', String(config.producer.scheduleMinutes));
    this.producer.setEnvironment('PRODUCER_DIRTY_RATE', String(config.producer.dirtyRate));
    this.producerSchedule = new Rule(this, 'ProducerSchedule', {
      description: 'Demo traffic (enable with producerScheduleEnabled)',
      enabled: config.producer.scheduleEnabled,
      schedule: Schedule.rate(Duration.minutes(config.producer.scheduleMinutes)),
      targets: [new LambdaFunction(this.producer.function)],
    });

    this.uploadReferenceData(dataBucket, logRetention);

    new CfnOutput(this, 'ConsumerFunctionName', { value: this.consumer.function.functionName });
    new CfnOutput(this, 'LoaderFunctionName', { value: this.loader.function.functionName, description: 'aws lambda invoke --function-name <this> --payload \'{"reload":"gold/","force":true}\'' });
    new CfnOutput(this, 'ProducerFunctionName', { value: this.producer.function.functionName, description: 'aws lambda invoke --function-name <this> out.json' });
  }

  /**
   * Copies the committed reference files to `reference/`. BucketDeployment needs no Docker: its
   * handler and AWS CLI layer ship prebuilt in aws-cdk-lib. The upload happens after the S3 rule
   * exists, so the loader picks the files up as they land.
   */
  private uploadReferenceData(dataBucket: IBucket, logRetention: RetentionDays): void {
    const files = new Asset(this, 'ReferenceFiles', { path: `${PROJECT_ROOT}data`, exclude: ['*', ...REFERENCE_FILES.map((file) => `!${file}`)] });
    const deployment = new BucketDeployment(this, 'ReferenceData', {
      sources: [Source.bucket(files.bucket, files.s3ObjectKey)],
      destinationBucket: dataBucket,
      destinationKeyPrefix: DATA_PREFIXES.reference,
      // Files an operator dropped under reference/ by hand stay.
      prune: false,
      contentType: 'application/json',
      memoryLimit: 256,
      logGroup: new LogGroup(this, 'ReferenceDataLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY }),
    });
    deployment.node.addDependency(this.loaderObjectCreated);

    // The handler is a CDK singleton function with CDK-generated grants; it runs only during deploys.
    const handlerRole = deployment.handlerRole;
    const generated = 'CDK BucketDeployment handler (generated, runs only during deploys)';
    Validations.of(handlerRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: `${generated}: the CDK creates its role with the basic execution policy`,
    });
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      Validations.of(handlerRole).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${generated}: it reads the asset and writes reference/ with the action groups of Bucket.grantRead/grantReadWrite`,
      });
    }
    acknowledgeWildcardResources(handlerRole, [files.bucket.arnForObjects('*')], `${generated}: reads the uploaded asset from the CDK bootstrap bucket`);
    acknowledgeWildcardResources(handlerRole, [dataBucket.arnForObjects('*')], `${generated}: copies into reference/ (prune: false, so nothing else is deleted)`);
    if (handlerRole.node.scope) {
      Validations.of(handlerRole.node.scope).acknowledge({ id: 'AwsSolutions-L1', reason: `${generated}: its Python runtime is chosen by the CDK` });
      acknowledgeCfnLint(handlerRole.node.scope, 'W3005', `${generated}: ${CDK_ROLE_DEPENDENCY_REASON}`);
    }
  }
}
