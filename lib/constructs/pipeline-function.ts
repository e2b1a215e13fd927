/**
 * One Lambda function of the pipeline: bundled locally with esbuild (no Docker), Node.js 22 on
 * arm64, X-Ray tracing, its own log group and its own role. Access is added through bind
 * methods that grant the IAM permissions and set the matching environment variable together,
 * so a function can never be told about a resource it may not use (or the reverse).
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing, type IEventSourceDlq, type StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { ManagedKafkaEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeCfnLint, CDK_ROLE_DEPENDENCY_REASON } from './cfn-lint-acknowledgements.js';
import type { IKafkaCluster } from './kafka-cluster-props.js';
import { acknowledgeWildcardResources } from './nag-acknowledgements.js';
import { DEFAULT_LOG_LEVEL, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, type PipelineFunctionProps } from './pipeline-function-props.js';

/** The repository root: entries, the lock file and esbuild's working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * esbuild emits ESM (our code uses `import.meta.url` and JSON import attributes); CommonJS
 * dependencies inside the bundle (snowflake-sdk, kafkajs) still call `require` and `__dirname`.
 */
const ESM_REQUIRE_SHIM = [
  "import { createRequire as __sfCreateRequire } from 'node:module';",
  "import { fileURLToPath as __sfFileURLToPath } from 'node:url';",
  "import { dirname as __sfDirname } from 'node:path';",
  'const require = __sfCreateRequire(import.meta.url);',
  'const __filename = __sfFileURLToPath(import.meta.url);',
  'const __dirname = __sfDirname(__filename);',
].join(' ');

/** Object keys a function may touch: an entry ending in `/` is a prefix, any other an exact key. */
export interface BucketAccess {
  readonly read?: readonly string[];
  readonly write?: readonly string[];
}

/** Event source mapping settings of one Kafka topic (see `lib/config.ts` for their meaning). */
export interface KafkaConsumerSettings {
  readonly consumerGroupId: string;
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  readonly startingPosition: StartingPosition;
  /**
   * Provisioned event pollers; undefined for on-demand scaling. Mappings with the same `groupName`
   * share Event Poller Unit capacity instead of each paying for its own minimum
   * (https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html, PollerGroupName).
   */
  readonly provisionedPollers?: { readonly minimum: number; readonly maximum: number; readonly groupName: string };
  /** Retries after the first failed invocation; only sent in provisioned mode. */
  readonly retryAttempts: number;
  readonly onFailure: IEventSourceDlq;
}

/** Event source mapping settings of an SQS queue (see `lib/config.ts`, the loader's keys). */
export interface QueueConsumerSettings {
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  readonly maxConcurrency: number;
}

export class PipelineFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  /** The function's Powertools service name (the `service` dimension of its metrics). */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    this.serviceName = props.serviceName;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // Operational logs of a stateless function: they go with the stack; data never lives here.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role, without the AWS managed basic-execution policy: logs go to this group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: execution role`,
    });
    this.logGroup.grantWrite(this.role);

    if (props.network) {
      // What Lambda needs to attach the function to the VPC; EC2 does not scope these by resource.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(DEFAULT_TIMEOUT_SECONDS),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      ...(props.network
        ? { vpc: props.network.vpc, vpcSubnets: props.network.subnets, securityGroups: [...props.network.securityGroups] }
        : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? DEFAULT_LOG_LEVEL,
        // Stack traces point into lambdas/*.ts through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the versions we test with are the versions that run.
        externalModules: [],
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions' +
        (props.network ? '; nor do the EC2 network-interface actions Lambda needs to place the function in the VPC' : ''),
    });
    acknowledgeCfnLint(this.function, 'W3005', CDK_ROLE_DEPENDENCY_REASON);
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime the project pins and tests (DESIGN.md); moving to a newer runtime is a deliberate upgrade',
    });
  }

  /** Sets a plain configuration value (no access implied). */
  setEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /**
   * Lets the function read and/or write the given keys and prefixes of a bucket (and use its KMS
   * key for exactly that), and tells it the bucket name in `envName`.
   */
  bindBucket(bucket: IBucket, access: BucketAccess, envName = 'BUCKET_NAME'): void {
    const objectArn = (pattern: string) => bucket.arnForObjects(pattern.endsWith('/') ? `${pattern}*` : pattern);
    const read = access.read ?? [];
    const write = access.write ?? [];
    if (read.length > 0) {
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: read.map(objectArn) }));
      // Without ListBucket, S3 answers a missing key with 403 instead of 404 (NoSuchKey), and the
      // handlers treat "not there yet" differently from "not allowed". It reveals key names only.
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    }
    if (write.length > 0) {
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: write.map(objectArn) }));
    }
    for (const [verb, patterns] of [['reads', read], ['writes', write]] as const) {
      for (const prefix of patterns.filter((pattern) => pattern.endsWith('/'))) {
        acknowledgeWildcardResources(this.role, [objectArn(prefix)], `${this.serviceName} ${verb} objects under ${prefix} and nowhere else; their keys are not known in advance (one per batch or per drop)`);
      }
    }
    if (bucket.encryptionKey) {
      const actions = [...(read.length > 0 ? ['kms:Decrypt'] : []), ...(write.length > 0 ? ['kms:GenerateDataKey'] : [])];
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions,
          resources: [bucket.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    this.function.addEnvironment(envName, bucket.bucketName);
  }

  /**
   * Lets the function read one secret (and nothing else in Secrets Manager); its ARN goes in
   * `envName`. A secret known by name only has a partial ARN: the policy then matches the six
   * characters Secrets Manager appends, as SecretsManager's own grants do.
   */
  bindSecret(secret: ISecret, envName: string): void {
    const policyArn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [policyArn] }));
    secret.encryptionKey?.grantDecrypt(this.role);
    this.function.addEnvironment(envName, secret.secretArn);
  }

  /** Lets the function publish to the given topics; the cluster ARN goes in `envName`. */
  bindKafkaProducer(cluster: IKafkaCluster, topics: readonly string[], envName = 'MSK_CLUSTER_ARN'): void {
    cluster.grantProduce(this.role, topics);
    this.function.addEnvironment(envName, cluster.clusterArn);
  }

  /**
   * Subscribes the function to a topic through an event source mapping (IAM authentication),
   * with the consumer-group permissions it needs and nothing beyond that topic and group.
   */
  consumeTopic(cluster: IKafkaCluster, topic: string, settings: KafkaConsumerSettings): ManagedKafkaEventSource {
    cluster.grantConsume(this.role, topic, settings.consumerGroupId);
    const provisioned = settings.provisionedPollers;
    const source = new ManagedKafkaEventSource({
      clusterArn: cluster.clusterArn,
      topic,
      consumerGroupId: settings.consumerGroupId,
      batchSize: settings.batchSize,
      maxBatchingWindow: settings.maxBatchingWindow,
      startingPosition: settings.startingPosition,
      onFailure: settings.onFailure,
      ...(provisioned
        ? {
            provisionedPollerConfig: { minimumPollers: provisioned.minimum, maximumPollers: provisioned.maximum, pollerGroupName: provisioned.groupName },
            retryAttempts: settings.retryAttempts,
          }
        : {}),
    });
    this.function.addEventSource(source);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole]',
      reason:
        'ManagedKafkaEventSource always attaches AWSLambdaMSKExecutionRole: the poller runs in the cluster VPC with the ' +
        "function's role (EC2 network interfaces, kafka:DescribeClusterV2); the data-plane access is granted separately per topic and group",
    });
    return source;
  }

  /**
   * Invokes the function with batches of a queue: gathered for up to the batching window, at most
   * `maxConcurrency` at once, and with partial batch responses (ReportBatchItemFailures), so only
   * the messages the function reports as failed return to the queue
   * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). The mapping's
   * grant is the queue's consume actions on this queue only.
   */
  consumeQueue(queue: IQueue, settings: QueueConsumerSettings): SqsEventSource {
    const source = new SqsEventSource(queue, {
      batchSize: settings.batchSize,
      maxBatchingWindow: settings.maxBatchingWindow,
      maxConcurrency: settings.maxConcurrency,
      reportBatchItemFailures: true,
    });
    this.function.addEventSource(source);
    return source;
  }
}
