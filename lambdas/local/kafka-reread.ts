/**
 * Reads a discarded batch's offsets again from Kafka, for the on-failure records that carry no
 * payload (MaximumPayloadSizeExceeded: Lambda keeps only the coordinates). The records come back
 * as the event source mapping would have put them in an event (kafka-msk-record.ts), so
 * `streamflow replay --brokers` re-delivers them through the consumer's own handler.
 *
 * A throwaway consumer group reads one partition from the range's first offset: it never commits,
 * so the pipeline's own group is not moved. A range the log no longer holds (retention) or does
 * not hold yet is an error naming the offsets the broker has, never a partial re-delivery.
 */
import { randomUUID } from 'node:crypto';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { Kafka } from 'kafkajs';
import type { OffsetRange } from '../shared/onfailure-record.js';
import { LOCAL_CLUSTER_ARN } from './msk-event.js';
import { mskRecordOf } from './kafka-msk-record.js';
import { partitionKey } from './kafka-offsets.js';

export interface KafkaRereadOptions {
  readonly kafka: Kafka;
  /** What the events name as their source (the on-failure record's cluster). */
  readonly bootstrapServers: string;
  readonly eventSourceArn?: string;
  /** How long one range may take to read, joining the group included. @default 60 s */
  readonly timeoutMs?: number;
}

const describeRange = (range: OffsetRange): string => `${range.topic} partition ${range.partition} offsets ${range.firstOffset}–${range.lastOffset}`;

/** Checks the log holds the whole range: a record deleted by retention cannot be re-read. */
const assertOnBroker = async (kafka: Kafka, range: OffsetRange): Promise<void> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(range.topic);
    const partition = offsets.find((entry) => entry.partition === range.partition);
    if (!partition) throw new Error(`cannot re-read ${describeRange(range)}: the topic has no partition ${range.partition} on the broker`);
    const [low, high] = [BigInt(partition.low), BigInt(partition.high)];
    if (range.firstOffset < low || range.lastOffset >= high) {
      throw new Error(`cannot re-read ${describeRange(range)}: the broker holds offsets ${low}–${high - 1n} of that partition (retention deleted older ones)`);
    }
  } finally {
    await admin.disconnect();
  }
};

/** The records of `range` as one MSK event, read from the broker. */
const readRange = async (options: KafkaRereadOptions, range: OffsetRange): Promise<MSKRecord[]> => {
  const consumer = options.kafka.consumer({ groupId: `streamflow-replay-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const records: MSKRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: range.topic, fromBeginning: false });
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`re-reading ${describeRange(range)} from Kafka took longer than ${(options.timeoutMs ?? 60_000) / 1000} s`)), options.timeoutMs ?? 60_000);
      const run = consumer.run({
        autoCommit: false,
        eachBatch: ({ batch }) => {
          if (batch.partition !== range.partition) return Promise.resolve();
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset < range.firstOffset) continue;
            if (offset <= range.lastOffset) records.push(mskRecordOf(range.topic, range.partition, message));
            // Offsets can have gaps (compaction, transaction markers): the range ends at or past its last.
            if (offset >= range.lastOffset) resolve();
          }
          // The batch may end on a transaction marker past the last record.
          if (BigInt(batch.lastOffset()) >= range.lastOffset) resolve();
          return Promise.resolve();
        },
      });
      run.then(() => consumer.seek({ topic: range.topic, partition: range.partition, offset: String(range.firstOffset) }), reject);
    }).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return records;
};

/** A re-reader for replay's `reread` option: each range's records from the broker, as one event. */
export const kafkaReread =
  (options: KafkaRereadOptions) =>
  async (range: OffsetRange): Promise<MSKEvent> => {
    await assertOnBroker(options.kafka, range);
    const records = await readRange(options, range);
    return {
      eventSource: 'aws:kafka',
      eventSourceArn: options.eventSourceArn ?? LOCAL_CLUSTER_ARN,
      bootstrapServers: options.bootstrapServers,
      records: { [partitionKey(range.topic, range.partition)]: records },
    };
  };
