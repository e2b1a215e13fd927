import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { CONTEXT_DEFAULTS, CONTEXT_KEYS, ConfigError, loadConfig, parseConfig } from '../../lib/config.js';
import { addStreamFlowStacks } from '../../lib/streamflow-app.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../lambdas/warehouse/snowflake-deploy.js';
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
  it('lists every setting in cdk.json with the default the code has', () => {
    // Prepare
    const listed = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, CDK_JSON_CONTEXT[key]]));

    // Act / Assess
    expect(listed).toEqual(CONTEXT_DEFAULTS);
  });

  it('gives a complete configuration with no context at all (a fresh clone synthesizes)', () => {
    // Act
    const config = configFrom({});

    // Assess
    expect(config).toMatchObject({
      stage: 'dev',
      storage: { removeDataOnDestroy: false, landingRetentionDays: 365, goldRetentionDays: 90 },
      streaming: { egress: 'nat', topicPartitions: 3 },
      consumer: { batchSize: 5000, batchingWindowSeconds: 1, startingPosition: 'TRIM_HORIZON', pollerMode: 'provisioned', retryAttempts: 3 },
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
    [{ consumerPollerMode: 'on-demand' }, /consumerRetryAttempts: Kafka event source mappings accept retry settings only in provisioned mode/],
    [{ goldRetentionDays: 400 }, /goldRetentionDays: must not exceed landingRetentionDays/],
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
