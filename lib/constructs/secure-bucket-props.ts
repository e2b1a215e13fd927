import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket, LifecycleRule } from 'aws-cdk-lib/aws-s3';

/** Incomplete multipart uploads are aborted after this many days. */
export const DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS = 1;
/** Overwritten or deleted object versions are kept this many days (a short undo window). */
export const DEFAULT_NONCURRENT_VERSION_DAYS = 7;

export interface SecureBucketProps {
  /** Customer managed key for default encryption (SSE-KMS with an S3 Bucket Key). */
  readonly encryptionKey: IKey;
  /** Bucket receiving the server access logs. */
  readonly accessLogsBucket: IBucket;
  /** Key prefix of this bucket's access logs in `accessLogsBucket`, ending in `/`. */
  readonly accessLogsPrefix: string;
  /**
   * Lifecycle rules on top of the defaults (abort incomplete uploads, expire old versions).
   * @default - none
   */
  readonly lifecycleRules?: readonly LifecycleRule[];
  /**
   * Keep overwritten and deleted objects for DEFAULT_NONCURRENT_VERSION_DAYS.
   * @default true
   */
  readonly versioned?: boolean;
  /**
   * Delete the bucket and every object in it with the stack. Off, the bucket is retained.
   * @default false
   */
  readonly removeOnDestroy?: boolean;
}
