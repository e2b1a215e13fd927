/**
 * The stateful part: the data key, the data bucket (`landing/`, `gold/`, `quarantine/`,
 * `reference/`), the on-failure bucket of the event source mapping, the access-log bucket and
 * the secret holding the Snowflake private key. Retained on delete unless `removeDataOnDestroy`.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, StorageClass, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { StreamFlowConfig } from '../config.js';
import { acknowledgeCfnLint, CDK_ROLE_DEPENDENCY_REASON } from '../constructs/cfn-lint-acknowledgements.js';
import { SecureBucket } from '../constructs/secure-bucket.js';

/** Prefixes of the data bucket and what lives there. */
export const DATA_PREFIXES = {
  landing: 'landing/',
  gold: 'gold/',
  quarantine: 'quarantine/',
  reference: 'reference/',
} as const;

/** Days before landing objects move to Standard-IA (the S3 minimum for that transition). */
const LANDING_INFREQUENT_ACCESS_DAYS = 30;

/**
 * Name of the secret the storage stack creates. It must not end in a hyphen and six characters,
 * or Secrets Manager would read a partial ARN built on it as a complete one
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen).
 */
export const snowflakeSecretName = (stage: string): string => `streamflow/${stage}/snowflake-private-key`;

export interface StorageStackProps extends StackProps {
  readonly config: StreamFlowConfig;
}

/**
 * What other stacks import, by export names we choose: IAM resources built on them then read
 * the same in every template and in every cdk-nag finding (`<export name>/gold/*`), instead of
 * carrying a generated export name.
 */
export interface StorageImports {
  /** `Fn::ImportValue` of the data bucket ARN. */
  readonly dataBucketArn: string;
  readonly onFailureBucketArn: string;
  readonly dataKeyArn: string;
}

export class StorageStack extends Stack {
  public readonly dataKey: Key;
  public readonly dataBucket: IBucket;
  public readonly onFailureBucket: IBucket;
  public readonly accessLogsBucket: IBucket;
  public readonly snowflakeSecret: ISecret;
  public readonly imports: StorageImports;
  private readonly stage: string;
  private readonly snowflake: StreamFlowConfig['snowflake'];

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { stage, storage, snowflake } = props.config;
    this.stage = stage;
    this.snowflake = snowflake;
    const removalPolicy = storage.removeDataOnDestroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/streamflow-${stage}-data`,
      description: `StreamFlow ${stage}: encrypts the data and on-failure buckets`,
      enableKeyRotation: true,
      removalPolicy,
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      // Server access log delivery supports SSE-S3 only on the target bucket.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(storage.accessLogRetentionDays) }],
      removalPolicy,
      autoDeleteObjects: storage.removeDataOnDestroy,
    });
    this.accessLogsBucket = accessLogs;

    this.dataBucket = new SecureBucket(this, 'Data', {
      encryptionKey: this.dataKey,
      accessLogsBucket: accessLogs,
      accessLogsPrefix: 'data/',
      removeOnDestroy: storage.removeDataOnDestroy,
      lifecycleRules: [
        {
          id: 'landing',
          prefix: DATA_PREFIXES.landing,
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(LANDING_INFREQUENT_ACCESS_DAYS) }],
          expiration: Duration.days(storage.landingRetentionDays),
        },
        { id: 'gold', prefix: DATA_PREFIXES.gold, expiration: Duration.days(storage.goldRetentionDays) },
        { id: 'quarantine', prefix: DATA_PREFIXES.quarantine, expiration: Duration.days(storage.quarantineRetentionDays) },
      ],
    }).bucket;

    this.onFailureBucket = new SecureBucket(this, 'OnFailure', {
      encryptionKey: this.dataKey,
      accessLogsBucket: accessLogs,
      accessLogsPrefix: 'onfailure/',
      removeOnDestroy: storage.removeDataOnDestroy,
      // Failed batches are written once and read by people; versions would only blur "not empty".
      versioned: false,
      lifecycleRules: [{ id: 'expire-failed-batches', expiration: Duration.days(storage.onFailureRetentionDays) }],
    }).bucket;

    this.snowflakeSecret = snowflake.secretArn
      ? Secret.fromSecretCompleteArn(this, 'SnowflakeSecret', snowflake.secretArn)
      : this.createSnowflakeSecret(stage, removalPolicy);

    if (storage.removeDataOnDestroy) this.acknowledgeAutoDeleteHandler();

    this.imports = {
      dataBucketArn: this.exportValue(this.dataBucket.bucketArn, { name: `${this.stackName}-data-bucket-arn` }),
      onFailureBucketArn: this.exportValue(this.onFailureBucket.bucketArn, { name: `${this.stackName}-onfailure-bucket-arn` }),
      dataKeyArn: this.exportValue(this.dataKey.keyArn, { name: `${this.stackName}-data-key-arn` }),
    };

    new CfnOutput(this, 'DataBucketName', { value: this.dataBucket.bucketName, description: 'landing/, gold/, quarantine/ and reference/' });
    new CfnOutput(this, 'OnFailureBucketName', { value: this.onFailureBucket.bucketName, description: 'Kafka batches the consumer could not process' });
    new CfnOutput(this, 'SnowflakeSecretArn', {
      value: this.snowflakeSecret.secretArn,
      description: 'Put the Snowflake key pair JSON here (docs/deploy.md): aws secretsmanager put-secret-value --secret-id <arn> --secret-string file://snowflake-secret.json',
    });
  }

  /** The data bucket (with its key) as another stack sees it, through the named exports. */
  importDataBucket(scope: Construct, id: string): IBucket {
    return Bucket.fromBucketAttributes(scope, id, { bucketArn: this.imports.dataBucketArn, encryptionKey: Key.fromKeyArn(scope, `${id}Key`, this.imports.dataKeyArn) });
  }

  /** The on-failure bucket (with its key) as another stack sees it, through the named exports. */
  importOnFailureBucket(scope: Construct, id: string): IBucket {
    return Bucket.fromBucketAttributes(scope, id, { bucketArn: this.imports.onFailureBucketArn, encryptionKey: Key.fromKeyArn(scope, `${id}Key`, this.imports.dataKeyArn) });
  }

  /**
   * The Snowflake secret as another stack sees it: by the configured ARN, or by the name this stack
   * gives the secret it creates. Neither goes through a CloudFormation export, so switching
   * `snowflakeSecretArn` later is an ordinary update of both stacks (an export still imported by
   * the pipeline stack could not be removed, and the storage stack's update would fail).
   */
  snowflakeSecretFor(scope: Construct, id: string): ISecret {
    const { secretArn } = this.snowflake;
    return secretArn ? Secret.fromSecretCompleteArn(scope, id, secretArn) : Secret.fromSecretNameV2(scope, id, snowflakeSecretName(this.stage));
  }

  /** The CDK's auto-delete-objects handler (one per stack) raises the same W3005 as our functions. */
  private acknowledgeAutoDeleteHandler(): void {
    const handler = this.node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider')?.node.tryFindChild('Handler');
    if (handler) acknowledgeCfnLint(handler, 'W3005', `CDK auto-delete-objects handler (generated, runs only on destroy): ${CDK_ROLE_DEPENDENCY_REASON}`);
  }

  /** An empty-for-now secret the operator fills with the private key after the first deploy. */
  private createSnowflakeSecret(stage: string, removalPolicy: RemovalPolicy): ISecret {
    const secret = new Secret(this, 'SnowflakeSecret', {
      secretName: snowflakeSecretName(stage),
      description: `StreamFlow ${stage}: Snowflake key pair of the loader user (JSON, see docs/deploy.md)`,
      removalPolicy,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Holds a Snowflake RSA key pair, which Secrets Manager cannot rotate on its own; rotation is a documented manual step ' +
        '(Snowflake accepts a second public key, RSA_PUBLIC_KEY_2, for a gap-free swap)',
    });
    return secret;
  }
}
