/**
 * A private bucket the way every StreamFlow bucket is: SSE-KMS with a customer managed key,
 * TLS 1.2+ only, public access blocked, ACLs disabled, versioned with a short undo window,
 * server access logs, EventBridge notifications on, retained unless removal is asked for.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS, DEFAULT_NONCURRENT_VERSION_DAYS, type SecureBucketProps } from './secure-bucket-props.js';

export class SecureBucket extends Construct {
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const removeOnDestroy = props.removeOnDestroy ?? false;

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      // One data key per bucket instead of one KMS request per object: far fewer KMS calls.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.versioned ?? true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsPrefix,
      lifecycleRules: [
        {
          id: 'housekeeping',
          abortIncompleteMultipartUploadAfter: Duration.days(DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS),
          noncurrentVersionExpiration: Duration.days(DEFAULT_NONCURRENT_VERSION_DAYS),
          expiredObjectDeleteMarker: true,
        },
        ...(props.lifecycleRules ?? []),
      ],
      removalPolicy: removeOnDestroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: removeOnDestroy,
    });

    // Set on the resource itself: Bucket's `eventBridgeEnabled` would add a custom resource (a
    // Lambda function) to do what CloudFormation supports natively.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
  }
}
