/**
 * An S3 bucket as the on-failure destination of a Kafka event source mapping, granting exactly
 * what Lambda documents for it (s3:PutObject, s3:ListBucket, and kms:GenerateDataKey for a
 * KMS-encrypted bucket). CDK's own `S3OnFailureDestination` grants full read/write on the bucket.
 *
 * Why S3 and not SQS: for Kafka sources an S3 destination receives the whole failed batch (records
 * included), not only its offsets, so nothing is lost when the topic's retention runs out; and the
 * pollers reach it through the free S3 gateway endpoint instead of a paid SQS interface endpoint.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { DlqDestinationConfig, IEventSourceDlq, IEventSourceMapping, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { acknowledgeWildcardResources } from './nag-acknowledgements.js';

export class S3OnFailureBucket implements IEventSourceDlq {
  constructor(private readonly bucket: IBucket) {}

  bind(_mapping: IEventSourceMapping, target: IFunction): DlqDestinationConfig {
    const objects = this.bucket.arnForObjects('*');
    target.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    if (target.role) {
      acknowledgeWildcardResources(target.role, [objects], 'Lambda names the failed-batch objects itself (aws/lambda/<mapping>/…); the bucket holds nothing else');
    }
    target.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    if (this.bucket.encryptionKey) {
      target.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey'],
          resources: [this.bucket.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(target).region}.amazonaws.com` } },
        }),
      );
    }
    return { destination: this.bucket.bucketArn };
  }
}
