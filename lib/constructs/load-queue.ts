/**
 * The queue that gathers S3 "Object Created" events for the loader, so that a burst of files is one
 * load (one COPY per table) instead of one invocation, and one warehouse wake-up, per file. Its
 * event source mapping batches for a window; a message the loader could not settle returns to it,
 * and one that failed `MAX_RECEIVE_COUNT` times moves to the dead-letter queue, which is alarmed.
 */
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Deliveries of a message before it moves to the dead-letter queue: a transient failure (Snowflake
 * unreachable, a lock timeout, another load holding the file) is retried four more times, each after
 * the visibility timeout; a message that names no object fails every time and ends there.
 */
export const MAX_RECEIVE_COUNT = 5;

/**
 * The visibility timeout as a multiple of the loader's timeout: "at least six times the function
 * timeout", so that Lambda can retry a batch throttled while a previous one runs
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface LoadQueueProps {
  /** The timeout of the function that consumes the queue. */
  readonly consumerTimeout: Duration;
}

export class LoadQueue extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: LoadQueueProps) {
    super(scope, id);
    // Both queues hold object keys, never data: they go with the stack (the Queue default).
    // SSE-SQS rather than a customer managed key: EventBridge sends to it, and the loader reads it,
    // without KMS grants or a key policy (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html).
    const encryption = QueueEncryption.SQS_MANAGED;
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption,
      enforceSSL: true,
      // The longest SQS keeps a message: time for someone to look before it is gone.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Pending', {
      encryption,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
