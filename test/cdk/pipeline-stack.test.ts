import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { goldKeyFor, landingKeyFor, quarantineKeyFor } from '../../lambdas/consumer/object-keys.js';
import type { PartitionBatch } from '../../lambdas/consumer/kafka-record.js';
import { LOAD_PREFIXES } from '../../lambdas/shared/contracts/load-targets.js';
import { TOPICS } from '../../lambdas/shared/contracts/events.js';
import { REFERENCE_KEYS } from '../../lambdas/shared/reference-catalog.js';
import { DATA_PREFIXES } from '../../lib/stacks/storage-stack.js';
import { actionsOf, allTemplates, logicalIdOf, policyStatements, resourcesOf, synthTemplates, type Statement, type Templates } from './synth-app.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:streamflow/snowflake-AbC123';
const DATA_BUCKET = { 'Fn::ImportValue': 'streamflow-dev-storage-data-bucket-arn' };
const ON_FAILURE_BUCKET = { 'Fn::ImportValue': 'streamflow-dev-storage-onfailure-bucket-arn' };

let defaults: Templates;
let pipeline: Template;
let tuned: Template;
let prod: Template;

beforeAll(() => {
  defaults = synthTemplates().templates;
  pipeline = defaults.pipeline;
  prod = synthTemplates({ context: { preset: 'prod' } }).templates.pipeline;
  tuned = synthTemplates({
    context: {
      consumerPollerMode: 'provisioned',
      consumerBatchSize: 250,
      consumerBatchingWindowSeconds: 30,
      consumerStartingPosition: 'LATEST',
      consumerRetryAttempts: 5,
      consumerMinPollers: 2,
      consumerMaxPollers: 4,
      loaderScheduleMinutes: 7,
      loaderBatchingWindowSeconds: 30,
      loaderBatchSize: 200,
      loaderMaxConcurrency: 3,
      producerScheduleEnabled: true,
      producerScheduleMinutes: 3,
      producerEventsPerRun: 123,
      snowflakeAccount: 'myorg-myaccount',
      snowflakeSecretArn: SECRET_ARN,
      logRetentionDays: 14,
    },
  }).templates.pipeline;
});

const functionId = (template: Template, name: 'Consumer' | 'Loader' | 'Producer') => logicalIdOf(template, 'AWS::Lambda::Function', `${name}Function`);

/** Statements of the default policy of one function's role. */
const roleStatements = (template: Template, name: 'Consumer' | 'Loader' | 'Producer'): Statement[] =>
  policyStatements(template)
    .filter(({ policy }) => policy.startsWith(`${name}RoleDefaultPolicy`))
    .map(({ statement }) => statement);

const resourcesFor = (statements: Statement[], action: string): string[] =>
  statements.filter((statement) => actionsOf(statement).includes(action)).flatMap((statement) => resourcesOf(statement).map((resource) => JSON.stringify(resource)));

const objectArn = (key: string) => JSON.stringify({ 'Fn::Join': ['', [DATA_BUCKET, `/${key}`]] });

describe('pipeline stack: the consumer event source mappings', () => {
  it.each([TOPICS.userEvents, TOPICS.transactions])('subscribes the consumer to %s with the batch settings, retries and on-failure bucket from config', (topic) => {
    // Assess
    tuned.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(tuned, 'Consumer') },
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('^streamflow-dev-streaming:ExportsOutputFnGetAttKafkaCluster') },
      Topics: [topic],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: `streamflow-dev-consumer-${topic}` },
      BatchSize: 250,
      MaximumBatchingWindowInSeconds: 30,
      StartingPosition: 'LATEST',
      MaximumRetryAttempts: 5,
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 4, PollerGroupName: 'streamflow-dev-consumer' },
      DestinationConfig: { OnFailure: { Destination: ON_FAILURE_BUCKET } },
    });
  });

  it('batches 5,000 records or 10 s (the preset), from the start of the topic', () => {
    // Assess
    pipeline.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', { BatchSize: 5000, MaximumBatchingWindowInSeconds: 10, StartingPosition: 'TRIM_HORIZON' }, 2);
  });

  it('puts both provisioned mappings of the prod preset in one poller group, with 3 retries', () => {
    // Assess: one group, so the two mappings share Event Poller Units instead of each paying a minimum
    prod.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      { MaximumRetryAttempts: 3, ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 4, PollerGroupName: 'streamflow-dev-consumer' } },
      2,
    );
  });

  it('leaves retries and pollers to Lambda in on-demand mode (the dev preset), keeping the on-failure bucket', () => {
    // Assess
    pipeline.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      { ProvisionedPollerConfig: Match.absent(), MaximumRetryAttempts: Match.absent(), DestinationConfig: { OnFailure: { Destination: ON_FAILURE_BUCKET } } },
      2,
    );
  });

  it('lets the consumer write failed batches to the on-failure bucket as Lambda documents it (PutObject, ListBucket, GenerateDataKey)', () => {
    // Assess
    const statements = roleStatements(pipeline, 'Consumer');
    expect(resourcesFor(statements, 's3:PutObject')).toContain(JSON.stringify({ 'Fn::Join': ['', [ON_FAILURE_BUCKET, '/*']] }));
    expect(resourcesFor(statements, 's3:ListBucket')).toContain(JSON.stringify(ON_FAILURE_BUCKET));
    expect(resourcesFor(statements, 'kms:GenerateDataKey')).toEqual([JSON.stringify({ 'Fn::ImportValue': 'streamflow-dev-storage-data-key-arn' })]);
  });

  it('grants the consumer Kafka reads on its two topics and groups only, with DescribeClusterV2 for MSK Serverless', () => {
    // Assess
    const statements = roleStatements(pipeline, 'Consumer');
    const readTopics = resourcesFor(statements, 'kafka-cluster:ReadData');
    expect(readTopics).toHaveLength(2);
    for (const topic of [TOPICS.userEvents, TOPICS.transactions]) {
      expect(readTopics.some((arn) => arn.includes(':topic/streamflow-dev/') && arn.endsWith(`/${topic}"]]}`))).toBe(true);
      expect(resourcesFor(statements, 'kafka-cluster:AlterGroup').some((arn) => arn.endsWith(`/streamflow-dev-consumer-${topic}"]]}`))).toBe(true);
    }
    expect(resourcesFor(statements, 'kafka:DescribeClusterV2')).toHaveLength(1);
    expect(statements.some((statement) => actionsOf(statement).some((action) => /kafka-cluster:(Write|Create|Delete|Alter(Topic|Cluster))/.test(action)))).toBe(false);
  });
});

describe('pipeline stack: what each function may touch in the bucket', () => {
  it('lets the consumer read the two reference files and write under landing/, gold/ and quarantine/', () => {
    // Assess
    const statements = roleStatements(pipeline, 'Consumer');
    expect(resourcesFor(statements, 's3:GetObject').sort()).toEqual(Object.values(REFERENCE_KEYS).map(objectArn).sort());
    expect(resourcesFor(statements, 's3:PutObject').filter((arn) => arn.includes('data-bucket')).sort()).toEqual(
      [DATA_PREFIXES.gold, DATA_PREFIXES.landing, DATA_PREFIXES.quarantine].map((prefix) => objectArn(`${prefix}*`)).sort(),
    );
  });

  it('lets the loader read (never write) the prefixes it loads', () => {
    // Assess
    const statements = roleStatements(pipeline, 'Loader');
    expect(resourcesFor(statements, 's3:GetObject').sort()).toEqual(LOAD_PREFIXES.map((prefix) => objectArn(`${prefix}*`)).sort());
    expect(resourcesFor(statements, 's3:PutObject')).toEqual([]);
    expect(resourcesFor(statements, 'kms:Decrypt')).toHaveLength(1);
    expect(resourcesFor(statements, 'kms:GenerateDataKey')).toEqual([]);
  });

  it('uses the data key only through S3', () => {
    // Assess
    for (const name of ['Consumer', 'Loader'] as const) {
      const kms = roleStatements(pipeline, name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('kms:')));
      for (const statement of kms) expect(statement.Condition).toEqual({ StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } });
    }
  });

  it('writes the consumer’s objects under the prefixes it is granted, and loads what the loader may read', () => {
    // Prepare
    const batch = { topic: TOPICS.userEvents, partition: 0, records: [{ offset: 7, timestamp: Date.UTC(2026, 0, 2) }] } as unknown as PartitionBatch;

    // Act
    const keys = [landingKeyFor(batch), goldKeyFor(batch, 'user_events'), quarantineKeyFor(batch)];

    // Assess
    expect(keys.map((key) => key.slice(0, key.indexOf('/') + 1))).toEqual([DATA_PREFIXES.landing, DATA_PREFIXES.gold, DATA_PREFIXES.quarantine]);
    expect([...LOAD_PREFIXES].sort()).toEqual([DATA_PREFIXES.gold, DATA_PREFIXES.quarantine, DATA_PREFIXES.reference].sort());
  });
});

describe('pipeline stack: the loader', () => {
  it('can read exactly its Snowflake secret, and no other function can read any', () => {
    // Assess
    const all = policyStatements(pipeline);
    const secretStatements = all.filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:')));
    expect(secretStatements).toHaveLength(1);
    expect(secretStatements[0]!.policy).toMatch(/^LoaderRoleDefaultPolicy/);
    expect(actionsOf(secretStatements[0]!.statement)).toEqual(['secretsmanager:GetSecretValue']);
    // The secret the storage stack creates, by its fixed name (no export), with the suffix Secrets Manager appends.
    expect(JSON.stringify(secretStatements[0]!.statement.Resource)).toMatch(/:secret:streamflow\/dev\/snowflake-private-key-\?\?\?\?\?\?"\]\]\}$/);
    expect(resourcesFor(roleStatements(tuned, 'Loader'), 'secretsmanager:GetSecretValue')).toEqual([JSON.stringify(SECRET_ARN)]);
  });

  it('tells the loader its bucket, secret and Snowflake names through its environment', () => {
    // Assess
    tuned.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          BUCKET_NAME: Match.anyValue(),
          SNOWFLAKE_ACCOUNT: 'myorg-myaccount',
          SNOWFLAKE_USER: 'STREAMFLOW_LOADER',
          SNOWFLAKE_ROLE: 'STREAMFLOW_LOADER',
          SNOWFLAKE_WAREHOUSE: 'STREAMFLOW_WH',
          SNOWFLAKE_DATABASE: 'STREAMFLOW_DW',
          // the dev preset's: no warehouse awake for loads (lib/config.ts PRESETS)
          LOAD_MODE: 'snowpipe',
          SNOWFLAKE_SECRET_ARN: SECRET_ARN,
          POWERTOOLS_SERVICE_NAME: 'streamflow-dev-loader',
        }),
      },
    });
  });

  it('runs the loader on the configured schedule', () => {
    // Assess
    tuned.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(7 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(tuned, 'Loader'), 'Arn'] } })],
    });
  });

  const queueId = (template: Template, name: 'Pending' | 'DeadLetters') => logicalIdOf(template, 'AWS::SQS::Queue', `LoadQueue${name}`);

  it('queues the S3 "Object Created" events of reference/, gold/ and quarantine/ of the data bucket, undeliverable ones to the dead-letter queue', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [Match.objectLike({ 'Fn::Select': Match.anyValue() })] }, object: { key: LOAD_PREFIXES.map((prefix) => ({ prefix })) } },
      },
      State: 'ENABLED',
      // No InputTransformer: the message body is the whole event, as the loader reads it.
      Targets: [
        Match.objectEquals({
          Arn: { 'Fn::GetAtt': [queueId(pipeline, 'Pending'), 'Arn'] },
          Id: Match.anyValue(),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(pipeline, 'DeadLetters'), 'Arn'] } },
        }),
      ],
    });
    // EventBridge may send to both queues, each only for this rule.
    const rule = { 'Fn::GetAtt': [logicalIdOf(pipeline, 'AWS::Events::Rule', 'LoaderObjectCreated'), 'Arn'] };
    for (const name of ['Pending', 'DeadLetters'] as const) {
      const [policy] = Object.values(pipeline.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: queueId(pipeline, name) }] } })) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
      const sends = policy!.Properties.PolicyDocument.Statement.filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes('sqs:SendMessage'));
      expect(sends).toEqual([expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': rule } } })]);
    }
  });

  it('encrypts both queues (SSE-SQS), refuses plain HTTP, and keeps a visibility timeout of 6 × the loader timeout and 5 deliveries before the dead-letter queue', () => {
    // Assess
    tuned.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 300,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueId(tuned, 'DeadLetters'), 'Arn'] }, maxReceiveCount: 5 },
    });
    tuned.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const name of ['Pending', 'DeadLetters'] as const) {
      tuned.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId(tuned, name) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('invokes the loader with batches of the queue: the configured window and size, at most the configured loads at once, partial batch responses', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId(pipeline, 'Pending'), 'Arn'] },
      FunctionName: { Ref: functionId(pipeline, 'Loader') },
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 10,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    tuned.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId(tuned, 'Pending'), 'Arn'] },
      BatchSize: 200,
      MaximumBatchingWindowInSeconds: 30,
      ScalingConfig: { MaximumConcurrency: 3 },
    });
    expect(resourcesFor(roleStatements(pipeline, 'Loader'), 'sqs:DeleteMessage')).toEqual([JSON.stringify({ 'Fn::GetAtt': [queueId(pipeline, 'Pending'), 'Arn'] })]);
  });

  it('uploads data/products.json and data/customers.json to reference/ after the S3 rule exists, deleting nothing', () => {
    // Assess
    const [id, deployment] = Object.entries(pipeline.findResources('Custom::CDKBucketDeployment'))[0]!;
    expect(id).toMatch(/^ReferenceData/);
    expect(deployment).toMatchObject({ Properties: { DestinationBucketKeyPrefix: 'reference/', Prune: false } });
    expect((deployment as { DependsOn: string[] }).DependsOn).toContain(logicalIdOf(pipeline, 'AWS::Events::Rule', 'LoaderObjectCreated'));
  });
});

describe('pipeline stack: the demo producer', () => {
  it('has its schedule off by default and on with producerScheduleEnabled', () => {
    // Assess
    pipeline.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED', Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(pipeline, 'Producer'), 'Arn'] } })] });
    tuned.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(3 minutes)', State: 'ENABLED', Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId(tuned, 'Producer'), 'Arn'] } })] });
  });

  it('runs inside the VPC next to the brokers, with its amount of traffic and window from config', () => {
    // Assess
    tuned.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('KafkaClientSecurityGroup') })] },
      Environment: { Variables: Match.objectLike({ MSK_CLUSTER_ARN: Match.anyValue(), PRODUCER_EVENTS: '123', PRODUCER_WINDOW_MINUTES: '3', PRODUCER_DIRTY_RATE: '0.02' }) },
    });
  });

  it('may publish to the two topics (idempotently) and read nothing', () => {
    // Assess
    const statements = roleStatements(pipeline, 'Producer');
    expect(resourcesFor(statements, 'kafka-cluster:WriteData')).toHaveLength(2);
    expect(resourcesFor(statements, 'kafka-cluster:WriteDataIdempotently')).toHaveLength(1);
    expect(statements.some((statement) => actionsOf(statement).some((action) => /^(s3|secretsmanager|kafka-cluster:ReadData)/.test(action)))).toBe(false);
  });
});

describe('pipeline stack: every function', () => {
  it.each(['Consumer', 'Loader', 'Producer'] as const)('runs %s on Node.js 22, arm64, with active tracing and its own log group', (name) => {
    // Assess
    tuned.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: logicalIdOf(tuned, 'AWS::Logs::LogGroup', `${name}Logs`) } },
      Role: { 'Fn::GetAtt': [logicalIdOf(tuned, 'AWS::IAM::Role', `${name}Role`), 'Arn'] },
    });
    tuned.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
  });

  it('attaches no AWS managed policy except the one ManagedKafkaEventSource requires', () => {
    // Assess
    const managed = Object.entries(pipeline.findResources('AWS::IAM::Role'))
      .filter(([id]) => /^(Consumer|Loader|Producer)Role/.test(id))
      .flatMap(([, role]) => ((role as { Properties: { ManagedPolicyArns?: unknown[] } }).Properties.ManagedPolicyArns ?? []).map((arn) => JSON.stringify(arn)));
    expect(managed).toHaveLength(1);
    expect(managed[0]).toContain('service-role/AWSLambdaMSKExecutionRole');
  });
});

describe('least privilege across the app', () => {
  /** Actions that cannot be scoped to a resource, so "*" is the narrowest there is. */
  const UNSCOPABLE = /^(xray:PutTraceSegments|xray:PutTelemetryRecords|ec2:(Create|Describe|Delete)NetworkInterfaces?|ec2:DescribeSubnets|ec2:(Assign|Unassign)PrivateIpAddresses)$/;

  it('grants no "*" or "service:*" action anywhere', () => {
    // Assess
    for (const template of allTemplates(defaults)) {
      for (const { statement } of policyStatements(template)) {
        for (const action of actionsOf(statement)) expect(action).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      }
    }
  });

  it('grants "*" resources only for actions that have no narrower resource', () => {
    // Assess
    for (const template of allTemplates(defaults)) {
      for (const { policy, statement } of policyStatements(template)) {
        if (resourcesOf(statement).includes('*')) {
          for (const action of actionsOf(statement)) expect(`${policy}: ${action}`).toMatch(new RegExp(`: ${UNSCOPABLE.source.slice(1)}`));
        }
      }
    }
  });

  it('keeps wildcard action groups (s3:GetObject*, …) to the CDK-generated reference data uploader', () => {
    // Assess
    for (const template of allTemplates(defaults)) {
      for (const { policy, statement } of policyStatements(template)) {
        if (actionsOf(statement).some((action) => action.includes('*'))) expect(policy).toMatch(/^CustomCDKBucketDeployment/);
      }
    }
  });
});
