/**
 * Lambda's MSK event source mapping on a real broker: a consumer group reads the topics, and
 * events are cut with the mapping's rules — up to `batchSize` records, sent when that many are
 * waiting, when the payload would pass the 6 MB cap, or when the oldest waiting record has waited
 * `batchingWindowMs`. Records of every partition and topic that are waiting together go into one
 * event ("A single Lambda payload can contain messages from multiple partitions",
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html). Offsets are committed to the group
 * only after the invocation succeeded, or after a failed batch went to the on-failure destination,
 * so a poller that dies mid-way leaves its last batch to be delivered again (at least once).
 *
 * One event is in flight at a time, which keeps each partition in order. kafkajs fetches ahead
 * into per-partition buffers (paused when full); the fetch position is not the commit.
 */
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { DEFAULT_ESM_SETTINGS, tooLargeRecordFailure, validateEsmSettings, type EsmSettings, type EsmStats, type FailedBatch, type Invoke, type OnFailure } from './esm-simulator.js';
import { mskRecordOf, recordPayloadBytes } from './kafka-msk-record.js';
import { partitionKey, type PartitionOffsets } from './kafka-offsets.js';

export interface KafkaEsmPollerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly invoke: Invoke;
  readonly onFailure: OnFailure;
  readonly settings?: EsmSettings;
  /** What the events name as their source. */
  readonly eventSourceArn: string;
  readonly bootstrapServers: string;
  readonly clock?: () => number;
}

interface Waiting {
  readonly record: MSKRecord;
  readonly bytes: number;
  readonly receivedAt: number;
}

interface PartitionBuffer {
  readonly topic: string;
  readonly partition: number;
  readonly waiting: Waiting[];
}

/** One topic-partition's share of an event. */
interface Slice {
  readonly buffer: PartitionBuffer;
  readonly count: number;
}

type NextDelivery = { readonly kind: 'event'; readonly slices: Slice[]; readonly event: MSKEvent } | { readonly kind: 'too-large'; readonly buffer: PartitionBuffer };

/**
 * Records fetched ahead per partition before its fetching pauses: enough for two full batches,
 * and never so few that small batches wait on fetch round trips (tens of MB at most).
 */
const MIN_FETCHED_AHEAD = 10_000;

/** JSON of `"<key>":[]` plus the comma between two partitions' arrays. */
const partitionEntryBytes = (key: string): number => Buffer.byteLength(JSON.stringify(key)) + 4;

export class KafkaEsmPoller {
  readonly stats: EsmStats = { invocations: 0, batches: 0, retries: 0, failedBatches: 0, records: 0 };
  private readonly settings: EsmSettings;
  private readonly clock: () => number;
  private readonly buffers = new Map<string, PartitionBuffer>();
  private readonly paused = new Set<string>();
  /** Next offset to deliver per partition, as committed to the group. */
  private readonly committed: PartitionOffsets = new Map();
  private readonly envelopeBytes: number;
  private readonly pauseAt: number;
  private consumer: Consumer | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private rotation = 0;
  /** While draining: the offsets to reach, after which waiting for a fuller batch is pointless. */
  private target: { readonly ends: PartitionOffsets; readonly reached: () => void } | undefined;

  constructor(private readonly options: KafkaEsmPollerOptions) {
    this.settings = options.settings ?? DEFAULT_ESM_SETTINGS;
    validateEsmSettings(this.settings);
    this.clock = options.clock ?? Date.now;
    this.envelopeBytes = Buffer.byteLength(JSON.stringify(this.eventOf({})));
    this.pauseAt = Math.max(2 * this.settings.batchSize, MIN_FETCHED_AHEAD);
  }

  /**
   * Joins the group and starts delivering from its committed offsets (the log's start where it has
   * none, as TRIM_HORIZON). `positions` are where the group stands now, for `drainTo`.
   */
  async start(positions: PartitionOffsets): Promise<void> {
    for (const [key, offset] of positions) this.committed.set(key, offset);
    const consumer = this.options.kafka.consumer({ groupId: this.options.groupId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    this.running = true;
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.receive(payload) });
    this.loop = this.deliverLoop();
  }

  /** Resolves once the group's committed offsets reach `ends` on every partition named there. */
  drainTo(ends: PartitionOffsets): Promise<void> {
    return new Promise((reached) => {
      this.target = { ends, reached };
      this.checkTarget();
      this.wake?.();
    });
  }

  /** Stops after the invocation in flight (committed if it succeeded) and leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.consumer?.disconnect();
  }

  private async receive(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const key = partitionKey(batch.topic, batch.partition);
    let buffer = this.buffers.get(key);
    if (!buffer) {
      buffer = { topic: batch.topic, partition: batch.partition, waiting: [] };
      this.buffers.set(key, buffer);
    }
    const receivedAt = this.clock();
    const last = buffer.waiting[buffer.waiting.length - 1];
    // After a rebalance kafkajs fetches again from the committed offset: skip what is already waiting.
    const next = last ? last.record.offset + 1 : (this.committed.get(key) ?? 0);
    for (const message of batch.messages) {
      // Moves the fetch position only: with autoCommit off, kafkajs commits nothing by itself.
      payload.resolveOffset(message.offset);
      if (Number(message.offset) < next) continue;
      const record = mskRecordOf(batch.topic, batch.partition, message);
      buffer.waiting.push({ record, bytes: recordPayloadBytes(record), receivedAt });
    }
    if (buffer.waiting.length >= this.pauseAt && !this.paused.has(key)) {
      this.consumer?.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
      this.paused.add(key);
    }
    this.wake?.();
    await payload.heartbeat();
  }

  private async deliverLoop(): Promise<void> {
    while (this.running) {
      const next = this.nextDelivery();
      if (next) await this.deliver(next);
      else await this.sleep();
    }
  }

  /** Waits for new records or for the oldest waiting record's window to end. */
  private sleep(): Promise<void> {
    const oldest = Math.min(...[...this.buffers.values()].map((buffer) => buffer.waiting[0]?.receivedAt ?? Infinity));
    const untilWindow = Number.isFinite(oldest) ? oldest + this.settings.batchingWindowMs - this.clock() : 1_000;
    return new Promise((done) => {
      const timer = setTimeout(done, Math.max(1, Math.min(untilWindow, 1_000)));
      this.wake = () => {
        clearTimeout(timer);
        done();
      };
    });
  }

  /** True when every record up to the drain target is waiting: nothing more will come to fill a batch. */
  private allTargetRecordsWaiting(): boolean {
    if (!this.target) return false;
    for (const [key, end] of this.target.ends) {
      const buffer = this.buffers.get(key);
      const waitingTo = buffer?.waiting.length ? buffer.waiting[buffer.waiting.length - 1]!.record.offset + 1 : (this.committed.get(key) ?? 0);
      if (waitingTo < end) return false;
    }
    return true;
  }

  private nextDelivery(): NextDelivery | undefined {
    const ready = [...this.buffers.values()].filter((buffer) => buffer.waiting.length > 0);
    if (ready.length === 0) return undefined;
    // Each event starts at the next partition, so a busy partition cannot starve the others.
    const start = this.rotation++ % ready.length;
    const ordered = [...ready.slice(start), ...ready.slice(0, start)];

    const slices: Slice[] = [];
    let records = 0;
    let bytes = this.envelopeBytes;
    let capped = false;
    for (const buffer of ordered) {
      let count = 0;
      let sliceBytes = partitionEntryBytes(partitionKey(buffer.topic, buffer.partition));
      for (const waiting of buffer.waiting) {
        if (records === this.settings.batchSize) break;
        if (bytes + sliceBytes + waiting.bytes > this.settings.maxPayloadBytes) {
          capped = true;
          break;
        }
        sliceBytes += waiting.bytes;
        count++;
        records++;
      }
      if (count === 0 && records === 0 && capped) return { kind: 'too-large', buffer };
      if (count > 0) {
        slices.push({ buffer, count });
        bytes += sliceBytes;
      }
      if (capped || records === this.settings.batchSize) break;
    }

    const oldest = Math.min(...ready.map((buffer) => buffer.waiting[0]!.receivedAt));
    const windowEnded = this.clock() - oldest >= this.settings.batchingWindowMs;
    if (!(capped || records === this.settings.batchSize || windowEnded || this.allTargetRecordsWaiting())) return undefined;
    const byPartition: MSKEvent['records'] = {};
    for (const { buffer, count } of slices) byPartition[partitionKey(buffer.topic, buffer.partition)] = buffer.waiting.slice(0, count).map((waiting) => waiting.record);
    return { kind: 'event', slices, event: this.eventOf(byPartition) };
  }

  private eventOf(records: MSKEvent['records']): MSKEvent {
    return { eventSource: 'aws:kafka', eventSourceArn: this.options.eventSourceArn, bootstrapServers: this.options.bootstrapServers, records };
  }

  private async deliver(next: NextDelivery): Promise<void> {
    if (next.kind === 'too-large') {
      // Lambda cannot invoke with it: the record goes to the on-failure destination, without payload.
      const [waiting] = next.buffer.waiting;
      this.stats.failedBatches++;
      await this.options.onFailure(tooLargeRecordFailure(waiting!.record, waiting!.bytes, this.envelopeBytes, this.settings.maxPayloadBytes));
      await this.commit([{ buffer: next.buffer, count: 1 }]);
      return;
    }

    const { slices, event } = next;
    this.stats.batches++;
    this.stats.records += slices.reduce((sum, slice) => sum + slice.count, 0);
    const maxAttempts = this.settings.maximumRetryAttempts < 0 ? Infinity : this.settings.maximumRetryAttempts + 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      // Stopped while retrying forever: leave the batch uncommitted for the next poller.
      if (attempt > 1 && !this.running) return;
      this.stats.invocations++;
      if (attempt > 1) this.stats.retries++;
      let succeeded = false;
      try {
        await this.options.invoke(event);
        succeeded = true;
      } catch (error) {
        lastError = error;
      }
      if (succeeded) {
        await this.commit(slices);
        return;
      }
    }
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    // One on-failure record per topic-partition, each with that partition's part of the event.
    for (const slice of slices) {
      const key = partitionKey(slice.buffer.topic, slice.buffer.partition);
      const partEvent = this.eventOf({ [key]: event.records[key]! });
      this.stats.failedBatches++;
      await this.options.onFailure({
        ...this.failedBatchOf(slice.buffer, slice.count, maxAttempts, message),
        payloadBytes: Buffer.byteLength(JSON.stringify(partEvent)),
        event: partEvent,
      });
    }
    await this.commit(slices);
  }

  private failedBatchOf(buffer: PartitionBuffer, count: number, attempts: number, error: string): Omit<FailedBatch, 'payloadBytes'> {
    const first = buffer.waiting[0]!.record;
    const last = buffer.waiting[count - 1]!.record;
    return {
      topic: buffer.topic,
      partition: buffer.partition,
      firstOffset: first.offset,
      lastOffset: last.offset,
      firstTimestamp: first.timestamp,
      lastTimestamp: last.timestamp,
      batchSize: count,
      attempts,
      condition: 'RetryAttemptsExhausted',
      error,
    };
  }

  /** Commits past the delivered records, then lets their partitions fetch again if they were paused. */
  private async commit(slices: readonly Slice[]): Promise<void> {
    const offsets = slices.map(({ buffer, count }) => ({ topic: buffer.topic, partition: buffer.partition, offset: String(buffer.waiting[count - 1]!.record.offset + 1) }));
    await this.consumer!.commitOffsets(offsets);
    for (const { buffer, count } of slices) {
      const key = partitionKey(buffer.topic, buffer.partition);
      this.committed.set(key, buffer.waiting[count - 1]!.record.offset + 1);
      buffer.waiting.splice(0, count);
      if (this.paused.has(key) && buffer.waiting.length <= this.pauseAt / 2) {
        this.consumer!.resume([{ topic: buffer.topic, partitions: [buffer.partition] }]);
        this.paused.delete(key);
      }
    }
    this.checkTarget();
  }

  private checkTarget(): void {
    if (!this.target) return;
    for (const [key, end] of this.target.ends) if ((this.committed.get(key) ?? 0) < end) return;
    const { reached } = this.target;
    this.target = undefined;
    reached();
  }
}
