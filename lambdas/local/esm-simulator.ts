/**
 * A small stand-in for Lambda's MSK event source mapping, with the knobs that matter:
 * batch size, batching window, the 6 MB payload cap, retries and an on-failure destination.
 * Partitions are polled independently (one batch in flight per partition, so order holds
 * within a partition), up to `concurrency` at a time.
 */
import type { MSKEvent } from 'aws-lambda';
import type { OnFailureCondition } from '../shared/onfailure-record.js';
import { envelopeBytesOf, mskEventOf, payloadBytesOf } from './msk-event.js';
import type { LoggedMessage, TopicLog } from './topic-log.js';

export interface EsmSettings {
  /** Most records per invocation (AWS: 1–10,000). */
  readonly batchSize: number;
  /** How long to wait for a fuller batch, in ms (AWS MaximumBatchingWindowInSeconds). */
  readonly batchingWindowMs: number;
  /** Retries after the first failed attempt; -1 retries until the batch succeeds (AWS default). */
  readonly maximumRetryAttempts: number;
  /** Invocation payload cap (AWS: 6 MB). */
  readonly maxPayloadBytes: number;
  /** Partitions delivered at the same time. */
  readonly concurrency: number;
}

export const DEFAULT_ESM_SETTINGS: EsmSettings = {
  batchSize: 5000,
  batchingWindowMs: 1000,
  maximumRetryAttempts: 3,
  maxPayloadBytes: 6 * 1024 * 1024,
  concurrency: 2,
};

/**
 * What the on-failure destination receives when a batch is discarded: everything Lambda's
 * on-failure record holds (see onfailure-destination.ts, which writes it in AWS's format).
 */
export interface FailedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** Broker times (ms) of the first and last record. */
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  readonly batchSize: number;
  readonly attempts: number;
  readonly condition: OnFailureCondition;
  readonly error: string;
  /** Bytes of the invocation event as JSON. */
  readonly payloadBytes: number;
  /** The invocation event; absent when it was too large to invoke with (MaximumPayloadSizeExceeded). */
  readonly event?: MSKEvent;
}

export interface EsmStats {
  invocations: number;
  batches: number;
  retries: number;
  failedBatches: number;
  records: number;
}

/** What a too-large record is known by: its coordinates and broker time. */
interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

/**
 * A single record too large to invoke with, even alone: Lambda never invokes, and sends it to the
 * on-failure destination without payload (condition MaximumPayloadSizeExceeded, no attempts,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html). The in-process simulator
 * and the poller on a real broker both report it through this.
 */
export const tooLargeRecordFailure = (record: RecordCoordinates, recordBytes: number, envelopeBytes: number, maxPayloadBytes: number): FailedBatch => ({
  topic: record.topic,
  partition: record.partition,
  firstOffset: record.offset,
  lastOffset: record.offset,
  firstTimestamp: record.timestamp,
  lastTimestamp: record.timestamp,
  batchSize: 1,
  attempts: 0,
  condition: 'MaximumPayloadSizeExceeded',
  error: `record of ${recordBytes} bytes exceeds the ${maxPayloadBytes}-byte payload cap`,
  payloadBytes: envelopeBytes + recordBytes,
});

export type Invoke = (event: MSKEvent) => Promise<unknown>;
/**
 * How a batch reaches the function: the simulator cuts batches, and the transport turns each into
 * an invocation, on this thread ({@link invokingWith}) or on a delivery worker (delivery-workers.ts),
 * which builds the MSK event there so this thread only hands the bytes over.
 */
export type DeliverBatch<T = unknown> = (batch: readonly LoggedMessage[]) => Promise<T>;
/** Invokes `invoke` on this thread with the MSK event of each batch. */
export const invokingWith =
  <T>(invoke: (event: MSKEvent) => Promise<T>): DeliverBatch<T> =>
  (batch) =>
    invoke(mskEventOf(batch));
export type OnFailure = (failure: FailedBatch) => Promise<void>;

export const validateEsmSettings = (settings: EsmSettings): void => {
  const problems: string[] = [];
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1 || settings.batchSize > 10_000) problems.push('batchSize must be an integer from 1 to 10000');
  if (!(settings.batchingWindowMs >= 0 && settings.batchingWindowMs <= 300_000)) problems.push('batchingWindowMs must be from 0 to 300000');
  if (!Number.isInteger(settings.maximumRetryAttempts) || settings.maximumRetryAttempts < -1) problems.push('maximumRetryAttempts must be -1 or a non-negative integer');
  if (!Number.isInteger(settings.maxPayloadBytes) || settings.maxPayloadBytes < 1) problems.push('maxPayloadBytes must be a positive integer');
  if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1) problems.push('concurrency must be a positive integer');
  if (problems.length > 0) throw new Error(`Invalid event source mapping settings: ${problems.join('; ')}`);
};

export class EsmSimulator {
  /** Committed offset (next to deliver) per "topic-partition". */
  private readonly committed = new Map<string, number>();
  readonly stats: EsmStats = { invocations: 0, batches: 0, retries: 0, failedBatches: 0, records: 0 };

  constructor(
    private readonly log: TopicLog,
    private readonly deliverTo: DeliverBatch,
    private readonly onFailure: OnFailure,
    private readonly settings: EsmSettings = DEFAULT_ESM_SETTINGS,
    private readonly clock: () => number = Date.now,
  ) {
    validateEsmSettings(settings);
  }

  /** Delivers everything pending now, without waiting for batching windows (end of a run). */
  async drain(): Promise<void> {
    await this.deliver(true);
  }

  /** Delivers only the batches that are ready: full, at the payload cap, or past their window. */
  async poll(): Promise<void> {
    await this.deliver(false);
  }

  /** Records not yet delivered, over all partitions. */
  lag(): number {
    return this.log.topicPartitions().reduce((sum, { topic, partition }) => sum + this.log.endOffset(topic, partition) - this.offsetOf(topic, partition), 0);
  }

  /** The offset committed on a partition: the next one the mapping will deliver. */
  committedOffset(topic: string, partition: number): number {
    return this.offsetOf(topic, partition);
  }

  private offsetOf(topic: string, partition: number): number {
    return this.committed.get(`${topic}-${partition}`) ?? 0;
  }

  private async deliver(flush: boolean): Promise<void> {
    const queue = this.log.topicPartitions();
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.deliverPartition(next.topic, next.partition, flush);
    };
    await Promise.all(Array.from({ length: this.settings.concurrency }, worker));
  }

  private async deliverPartition(topic: string, partition: number, flush: boolean): Promise<void> {
    for (;;) {
      const batch = this.nextBatch(topic, partition, flush);
      if (!batch) return;
      const [first] = batch;
      const alone = batch.length === 1 ? envelopeBytesOf(topic, partition) + payloadBytesOf(first!) : 0;
      if (alone > this.settings.maxPayloadBytes) {
        this.stats.failedBatches++;
        await this.onFailure(tooLargeRecordFailure(first!, payloadBytesOf(first!), envelopeBytesOf(topic, partition), this.settings.maxPayloadBytes));
      } else {
        await this.deliverBatch(batch);
      }
      const nextOffset = batch[batch.length - 1]!.offset + 1;
      this.committed.set(`${topic}-${partition}`, nextOffset);
      this.log.release(topic, partition, nextOffset);
    }
  }

  /** The next batch of a partition, if one is due; a record over the cap alone is a batch of one, sent to on-failure. */
  private nextBatch(topic: string, partition: number, flush: boolean): LoggedMessage[] | undefined {
    const pending = this.log.read(topic, partition, this.offsetOf(topic, partition), this.settings.batchSize);
    if (pending.length === 0) return undefined;
    const batch: LoggedMessage[] = [];
    let bytes = envelopeBytesOf(topic, partition);
    for (const message of pending) {
      const size = payloadBytesOf(message);
      if (batch.length > 0 && bytes + size > this.settings.maxPayloadBytes) break;
      batch.push(message);
      bytes += size;
    }
    const full = batch.length === this.settings.batchSize || batch.length < pending.length;
    const windowElapsed = this.clock() - batch[0]!.appendedAt >= this.settings.batchingWindowMs;
    return flush || full || windowElapsed ? batch : undefined;
  }

  private async deliverBatch(batch: readonly LoggedMessage[]): Promise<void> {
    this.stats.batches++;
    this.stats.records += batch.length;
    const maxAttempts = this.settings.maximumRetryAttempts < 0 ? Infinity : this.settings.maximumRetryAttempts + 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      this.stats.invocations++;
      if (attempt > 1) this.stats.retries++;
      try {
        await this.deliverTo(batch);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    this.stats.failedBatches++;
    const first = batch[0]!;
    const last = batch[batch.length - 1]!;
    const event = mskEventOf(batch);
    await this.onFailure({
      topic: first.topic,
      partition: first.partition,
      firstOffset: first.offset,
      lastOffset: last.offset,
      firstTimestamp: first.timestamp,
      lastTimestamp: last.timestamp,
      batchSize: batch.length,
      attempts: maxAttempts,
      condition: 'RetryAttemptsExhausted',
      error: lastError instanceof Error ? lastError.message : String(lastError),
      payloadBytes: Buffer.byteLength(JSON.stringify(event)),
      event,
    });
  }
}
