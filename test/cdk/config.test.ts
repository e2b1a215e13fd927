import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { CONTEXT_DEFAULTS, CONTEXT_KEYS, ConfigError, PRESETS, PRESET_KEYS, loadConfig, parseConfig } from '../../lib/config.js';
import { addStreamFlowStacks } from '../../lib/streamflow-app.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../lambdas/warehouse/deploy-variables.js';
import { CDK_JSON_CONTEXT } from './synth-app.js';

const configFrom = (context: Record<string, unknown>) => parseConfig((key) => context[key], Object.keys(context));

/** The message of the error `run` throws (the test fails if it does not throw). */
const errorOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('configuration from cdk.json context', () => {
  it('lists every setting in cdk.json with the default the code has, except those the preset decides', () => {
    // Prepare: a preset key listed in cdk.json would override the preset chosen with -c preset=…
    const presetKeys = new Set<string>(PRESET_KEYS);
    const flatKeys = CONTEXT_KEYS.filter((key) => !presetKeys.has(key));

    // Act
    const listed = Object.fromEntries(flatKeys.map((key) => [key, CDK_JSON_CONTEXT[key]]));

    // Assess
    expect(listed).toEqual(Object.fromEntries(flatKeys.map((key) => [key, CONTEXT_DEFAULTS[key]])));
    expect(PRESET_KEYS.filter((key) => key in CDK_JSON_CONTEXT)).toEqual([]);
  });

  it('gives every preset the same keys, and the dev preset the code defaults', () => {
    // Assess
    expect(Object.keys(PRESETS.prod).sort()).toEqual(Object.keys(PRESETS.dev).sort());
    expect(PRESETS.dev).toEqual(Object.fromEntries(PRESET_KEYS.map((key) => [key, CONTEXT_DEFAULTS[key]])));
  });

  it('takes the prod preset’s values, and lets any key given in the context override them', () => {
    // Act
    const prod = configFrom({ preset: 'prod' });
    const overridden = configFrom({ preset: 'prod', kafkaCluster: 'provisioned', kafkaBrokerType: 'kafka.m7g.large', consumerMaxPollers: '8' });

    // Assess
    expect(prod.streaming).toMatchObject({ cluster: 'serverless', egress: 'endpoints' });
    expect(prod.consumer).toMatchObject({ pollerMode: 'provisioned', minPollers: 1, maxPollers: 4, retryAttempts: 3 });
    expect(overridden.streaming).toMatchObject({ cluster: 'provisioned', brokerType: 'kafka.m7g.large' });
    expect(overridden.consumer.maxPollers).toBe(8);
    expect(prod.loader.loadMode).toBe('copy');
    expect(configFrom({}).loader.loadMode).toBe('snowpipe');
    expect(configFrom({ preset: 'prod', loadMode: 'snowpipe' }).loader.loadMode).toBe('snowpipe');
  });

  it('gives a complete configuration with no context at all (a fresh clone synthesizes)', () => {
    // Act
    const config = configFrom({});

    // Assess
    expect(config).toMatchObject({
      preset: 'dev',
      stage: 'dev',
      storage: { removeDataOnDestroy: false, landingRetentionDays: 365, goldRetentionDays: 90 },
      streaming: { egress: 'endpoints', topicPartitions: 3, cluster: 'provisioned', brokerType: 'kafka.t3.small', brokerNodes: 2, brokerStorageGb: 10 },
      consumer: { batchSize: 5000, batchingWindowSeconds: 10, startingPosition: 'TRIM_HORIZON', pollerMode: 'on-demand', retryAttempts: -1 },
      producer: { scheduleEnabled: false },
      snowflake: { account: '', secretArn: '' },
      alarms: { email: '' },
    });
  });

  it('uses the Snowflake object names that `streamflow sql deploy` creates', () => {
    // Act
    const { snowflake } = configFrom({});

    // Assess
    expect({ database: snowflake.database, warehouse: snowflake.warehouse, role: snowflake.role }).toEqual({
      database: DEFAULT_DEPLOY_VARIABLES.database,
      warehouse: DEFAULT_DEPLOY_VARIABLES.warehouse,
      role: DEFAULT_DEPLOY_VARIABLES.loader_role,
    });
  });

  it('reads -c values, which arrive as strings, as numbers and booleans', () => {
    // Act
    const config = configFrom({ consumerBatchSize: '250', producerScheduleEnabled: 'true', removeDataOnDestroy: 'false', producerDirtyRate: '0.5' });

    // Assess
    expect(config.consumer.batchSize).toBe(250);
    expect(config.producer.scheduleEnabled).toBe(true);
    expect(config.storage.removeDataOnDestroy).toBe(false);
    expect(config.producer.dirtyRate).toBe(0.5);
  });

  it.each([
    ['stage', 'Prod_1', /stage: expected lower-case letters/],
    ['consumerBatchSize', 0, /consumerBatchSize: must be at least 1 \(got 0\)/],
    ['consumerBatchSize', 10_001, /consumerBatchSize: must be at most 10000/],
    ['consumerBatchSize', 'many', /consumerBatchSize: expected a number \(got "many"\)/],
    ['consumerBatchingWindowSeconds', 301, /consumerBatchingWindowSeconds: must be at most 300/],
    ['consumerStartingPosition', 'EARLIEST', /consumerStartingPosition: expected "TRIM_HORIZON" or "LATEST"/],
    ['consumerRetryAttempts', -2, /consumerRetryAttempts: must be at least -1/],
    ['egress', 'vpn', /egress: expected "nat" or "endpoints"/],
    ['topicPartitions', 121, /topicPartitions: must be at most 120/],
    ['logRetentionDays', 31, /logRetentionDays: must be one of 1, 3, 5/],
    ['producerScheduleEnabled', 'yes', /producerScheduleEnabled: expected true or false/],
    ['producerDirtyRate', 1.5, /producerDirtyRate: must be from 0 to 1/],
    ['snowflakeAccount', 'myorg-myaccount.snowflakecomputing.com/', /snowflakeAccount: expected an account identifier/],
    ['snowflakeUser', 'loader user', /snowflakeUser: expected an unquoted Snowflake identifier/],
    ['snowflakeSecretArn', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:streamflow', /snowflakeSecretArn: expected the complete secret ARN/],
    ['alarmEmail', 'ops-at-example.com', /alarmEmail: expected an e-mail address/],
    ['alarmQuarantineRatePercent', 0, /alarmQuarantineRatePercent: must be above 0/],
    ['landingRetentionDays', 30, /landingRetentionDays: must be at least 31/],
    ['preset', 'staging', /preset: expected "dev" or "prod"/],
    ['availabilityZones', 'us-east-1a', /availabilityZones: expected two Availability Zone names/],
    ['kafkaCluster', 'express', /kafkaCluster: expected "serverless" or "provisioned"/],
    ['kafkaBrokerType', 'kafka.t2.micro', /kafkaBrokerType: expected one of kafka.t3.small/],
    ['kafkaBrokerStorageGb', 16_385, /kafkaBrokerStorageGb: must be at most 16384/],
    // Limits AWS enforces on MSK event source mappings, caught at synth instead of at deploy.
    ['consumerTimeoutSeconds', '900', /consumerTimeoutSeconds: must be at most 840 \(got "900"\)/],
    ['consumerMinPollers', 201, /consumerMinPollers: must be at most 200/],
    ['consumerMaxPollers', 2001, /consumerMaxPollers: must be at most 2000/],
    ['consumerRetryAttempts', 10_001, /consumerRetryAttempts: must be at most 10000/],
    ['consumerBatchingWindowSeconds', -1, /consumerBatchingWindowSeconds: must be at least 0/],
    // The loader's SQS event source mapping: MaximumConcurrency 2–1,000; a batch no larger than one COPY's 1,000 files.
    ['loaderMaxConcurrency', 1, /loaderMaxConcurrency: must be at least 2/],
    ['loaderBatchSize', 1001, /loaderBatchSize: must be at most 1000/],
    ['loadMode', 'pipe', /loadMode: expected "copy" or "snowpipe"/],
    ['loaderBatchingWindowSeconds', 301, /loaderBatchingWindowSeconds: must be at most 300/],
  ])('rejects %s = %j with a message naming the key', (key, value, message) => {
    // Act
    const text = errorOf(() => configFrom({ [key]: value }));

    // Assess
    expect(text).toMatch(/^Invalid StreamFlow configuration \(cdk.json "context" or -c key=value\):/);
    expect(text).toMatch(message);
  });

  it('reports every bad key at once, one a line', () => {
    // Act
    const text = errorOf(() => configFrom({ consumerBatchSize: 0, topicPartitions: 0 }));

    // Assess
    expect(text.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(2);
  });

  it('rejects a misspelt setting instead of ignoring it', () => {
    // Act
    const text = errorOf(() => configFrom({ consumerBatchsize: 100 }));

    // Assess
    expect(text).toMatch(/consumerBatchsize: unknown setting/);
  });

  it('ignores CDK feature flags and other keys that are not ours', () => {
    // Act / Assess
    expect(() => configFrom({ '@aws-cdk/aws-iam:minimizePolicies': true, 'aws:cdk:bundling-stacks': [] })).not.toThrow();
  });

  it.each([
    [{ consumerMinPollers: 3, consumerMaxPollers: 2 }, /consumerMinPollers: must not exceed consumerMaxPollers/],
    [{ consumerPollerMode: 'on-demand', consumerRetryAttempts: 3 }, /consumerRetryAttempts: Kafka event source mappings accept retry settings only in provisioned mode/],
    [{ kafkaBrokerNodes: 3 }, /kafkaBrokerNodes: must be a multiple of 2 \(got 3\)/],
    [{ goldRetentionDays: 400 }, /goldRetentionDays: must not exceed landingRetentionDays/],
    [{ loaderBatchingWindowSeconds: 0 }, /loaderBatchSize: above 10 needs loaderBatchingWindowSeconds of at least 1/],
    [{ loaderReservedConcurrency: 2, loaderMaxConcurrency: 3 }, /loaderMaxConcurrency: must not exceed loaderReservedConcurrency \(3 > 2\)/],
  ])('rejects inconsistent settings %j', (context, message) => {
    // Act / Assess
    expect(errorOf(() => configFrom(context))).toMatch(message);
  });

  it('accepts on-demand pollers with retries left to Lambda (-1)', () => {
    // Act
    const config = configFrom({ consumerPollerMode: 'on-demand', consumerRetryAttempts: -1 });

    // Assess
    expect(config.consumer).toMatchObject({ pollerMode: 'on-demand', retryAttempts: -1 });
  });

  it('stops synthesis naming the key for -c consumerTimeoutSeconds=900 (MSK mappings allow 840 s)', () => {
    // Prepare
    const app = new App({ context: { ...CDK_JSON_CONTEXT, consumerTimeoutSeconds: '900', 'aws:cdk:bundling-stacks': [] } });

    // Act
    const build = () => addStreamFlowStacks(app, loadConfig(app));

    // Assess
    expect(build).toThrow(/consumerTimeoutSeconds: must be at most 840/);
  });

  it('stops synthesis with a ConfigError naming the key when the app gets a bad -c value', () => {
    // Prepare
    const app = new App({ context: { ...CDK_JSON_CONTEXT, topicPartitions: '0', 'aws:cdk:bundling-stacks': [] } });

    // Act
    const build = () => addStreamFlowStacks(app, loadConfig(app));

    // Assess
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/topicPartitions: must be at least 1 \(got "0"\)/);
  });
});
