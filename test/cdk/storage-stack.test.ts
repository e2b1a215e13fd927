import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthTemplates } from './synth-app.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:streamflow/snowflake-AbC123';

let storage: Template;
let destroyable: Template;

beforeAll(() => {
  storage = synthTemplates().templates.storage;
  destroyable = synthTemplates({
    context: { removeDataOnDestroy: true, snowflakeSecretArn: SECRET_ARN, landingRetentionDays: 400, goldRetentionDays: 20, quarantineRetentionDays: 60, onFailureRetentionDays: 10 },
  }).templates.storage;
});

/** Logical ids of the data and on-failure buckets (the KMS-encrypted ones). */
const kmsBucketIds = (template: Template): string[] =>
  Object.entries(template.findResources('AWS::S3::Bucket'))
    .filter(([, bucket]) => JSON.stringify(bucket).includes('aws:kms'))
    .map(([id]) => id);

describe('storage stack', () => {
  it('encrypts the data and on-failure buckets with the rotating data key, using an S3 Bucket Key', () => {
    // Assess
    expect(kmsBucketIds(storage)).toHaveLength(2);
    storage.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    storage.resourcePropertiesCountIs(
      'AWS::S3::Bucket',
      {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } } },
          ],
        },
      },
      2,
    );
  });

  it('blocks every kind of public access on every bucket', () => {
    // Assess
    storage.resourcePropertiesCountIs(
      'AWS::S3::Bucket',
      { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } },
      3,
    );
  });

  it('denies requests without TLS, and below TLS 1.2, in every bucket policy', () => {
    // Assess
    const policies = Object.values(storage.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      const statements = (policy as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      );
    }
  });

  it('expires each data prefix after its configured retention and moves landing/ to Standard-IA', () => {
    // Assess
    destroyable.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Id: 'landing', Prefix: 'landing/', ExpirationInDays: 400, Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] }),
          Match.objectLike({ Id: 'gold', Prefix: 'gold/', ExpirationInDays: 20 }),
          Match.objectLike({ Id: 'quarantine', Prefix: 'quarantine/', ExpirationInDays: 60 }),
        ]),
      },
    });
    destroyable.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-failed-batches', ExpirationInDays: 10 })]) },
    });
  });

  it('sends object events to EventBridge natively (no notification custom resource)', () => {
    // Assess
    storage.resourcePropertiesCountIs('AWS::S3::Bucket', { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } }, 2);
    expect(storage.findResources('Custom::S3BucketNotifications')).toEqual({});
  });

  it('logs access to the data and on-failure buckets into the access-log bucket', () => {
    // Assess
    storage.resourcePropertiesCountIs('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') } } }, 2);
  });

  it('retains buckets, the data key and the secret on delete by default', () => {
    // Assess
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']) {
      const resources = Object.values(storage.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    expect(storage.findResources('Custom::S3AutoDeleteObjects')).toEqual({});
  });

  it('deletes buckets (emptying them first) and the key only when removeDataOnDestroy is set', () => {
    // Assess
    for (const bucket of Object.values(destroyable.findResources('AWS::S3::Bucket'))) expect(bucket).toMatchObject({ DeletionPolicy: 'Delete' });
    destroyable.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    expect(Object.keys(destroyable.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(3);
  });

  it('creates the Snowflake secret when none is configured, and uses the configured one otherwise', () => {
    // Assess
    storage.resourceCountIs('AWS::SecretsManager::Secret', 1);
    storage.hasOutput('SnowflakeSecretArn', { Value: { Ref: Match.stringLikeRegexp('^SnowflakeSecret') } });
    destroyable.resourceCountIs('AWS::SecretsManager::Secret', 0);
    destroyable.hasOutput('SnowflakeSecretArn', { Value: SECRET_ARN });
  });

  it('names the secret it creates, so the pipeline stack finds it without an export', () => {
    // Assess
    storage.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'streamflow/dev/snowflake-private-key' });
  });

  it('keeps the same exports when snowflakeSecretArn is switched on later (an export in use cannot be removed)', () => {
    // Prepare: the CloudFormation rule (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html):
    // an export another stack imports can be neither removed nor changed, so the switch must not touch any.
    const exportsOf = (template: Template) =>
      Object.values(template.findOutputs('*'))
        .map((output) => JSON.stringify((output as { Export?: unknown }).Export))
        .filter((name) => name !== undefined)
        .sort();

    // Assess
    expect(exportsOf(destroyable)).toEqual(exportsOf(storage));
    expect(exportsOf(storage).join()).not.toMatch(/Secret/);
  });

  it('exports the bucket and key ARNs under fixed names for the other stacks', () => {
    // Assess
    for (const name of ['streamflow-dev-storage-data-bucket-arn', 'streamflow-dev-storage-onfailure-bucket-arn', 'streamflow-dev-storage-data-key-arn']) {
      storage.hasOutput('*', { Export: { Name: name } });
    }
  });
});
