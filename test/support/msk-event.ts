/**
 * Builds MSK events (the exact shape Lambda's Kafka event source mapping delivers) from plain
 * objects, so a test says what its records are and not how they are encoded.
 */
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { KafkaRecord, PartitionBatch } from '../../lambdas/consumer/kafka-record.js';
import type { KafkaHeader } from '../../lambdas/shared/contracts/kafka-headers.js';
import type { ProducedHeader } from '../../lambdas/shared/ports/event-publisher.js';

/** Broker time used when a record names none: 2025-03-01T12:00:00Z. */
export const BROKER_TIME = Date.UTC(2025, 2, 1, 12, 0, 0);

export const EVENT_SOURCE_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/streamflow/0b1c2d3e-4f56-7890-abcd-ef0123456789-s1';
export const BOOTSTRAP_SERVERS =
  'boot-abcd1234.c1.kafka-serverless.us-east-1.amazonaws.com:9098';

/**
 * One record as a test means it. `value`: `null` is a tombstone, bytes are sent as they are, and
 * anything else is sent as its JSON text (so `'abc'` becomes `"abc"`, a JSON string).
 */
export interface PlainRecord {
  readonly topic: string;
  readonly partition?: number;
  /** Defaults to the next offset of its topic-partition in the event, starting at {@link FIRST_OFFSET}. */
  readonly offset?: number;
  readonly timestamp?: number;
  readonly key?: string | null;
  readonly value: unknown;
  /** In order, repeats allowed (see {@link header}). */
  readonly headers?: readonly KafkaHeader[];
}

/** A header with a value given as text (UTF-8) or bytes. */
export const header = (name: string, value: string | Uint8Array): ProducedHeader => ({
  name,
  value: typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value),
});

export const FIRST_OFFSET = 100;

/** The bytes a plain value is sent as (see {@link PlainRecord}); `null` for a tombstone. */
export const valueBytes = (value: unknown): Buffer | null => {
  if (value === null) return null;
  if (value instanceof Uint8Array) return Buffer.from(value);
  return Buffer.from(JSON.stringify(value), 'utf8');
};

/** Raw value bytes from text, for values that are not JSON (`raw('{not json')`). */
export const raw = (text: string): Buffer => Buffer.from(text, 'utf8');

const partitionOf = (record: PlainRecord): number => record.partition ?? 0;

/** Assigns default offsets: consecutive per topic-partition, in the order given. */
const withOffsets = (records: readonly PlainRecord[]): (PlainRecord & { offset: number; partition: number })[] => {
  const next = new Map<string, number>();
  return records.map((record) => {
    const group = `${record.topic}-${partitionOf(record)}`;
    const offset = record.offset ?? next.get(group) ?? FIRST_OFFSET;
    next.set(group, offset + 1);
    return { ...record, partition: partitionOf(record), offset };
  });
};

const mskRecord = (record: PlainRecord & { offset: number; partition: number }): MSKRecord => {
  // As Lambda sends them: one object per header, bytes as Java's signed values (-128…127).
  const headers = (record.headers ?? []).map(({ name, value }) => ({
    [name]: value === null ? null : [...value].map((byte) => (byte > 127 ? byte - 256 : byte)),
  })) as MSKRecord['headers'];
  const bytes = valueBytes(record.value);
  // Lambda leaves out `key` and `value` when Kafka has none; the typings do not say so, hence the cast.
  const encoded: Omit<MSKRecord, 'key' | 'value'> & { key?: string; value?: string } = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp ?? BROKER_TIME,
    timestampType: 'CREATE_TIME',
    headers,
  };
  if (record.key !== undefined && record.key !== null) encoded.key = Buffer.from(record.key, 'utf8').toString('base64');
  if (bytes !== null) encoded.value = bytes.toString('base64');
  return encoded as MSKRecord;
};

/** An MSK event holding the records, grouped under `"<topic>-<partition>"` as Lambda does. */
export const mskEvent = (records: readonly PlainRecord[]): MSKEvent => {
  const grouped: MSKEvent['records'] = {};
  for (const record of withOffsets(records)) {
    const group = `${record.topic}-${record.partition}`;
    (grouped[group] ??= []).push(mskRecord(record));
  }
  return { eventSource: 'aws:kafka', eventSourceArn: EVENT_SOURCE_ARN, bootstrapServers: BOOTSTRAP_SERVERS, records: grouped };
};

/** A decoded record, as the consumer sees it after `decodeMskEvent`. */
export const kafkaRecord = (record: PlainRecord & { offset: number }): KafkaRecord => {
  return {
    topic: record.topic,
    partition: partitionOf(record),
    offset: record.offset,
    timestamp: record.timestamp ?? BROKER_TIME,
    key: record.key ?? null,
    value: valueBytes(record.value),
    headers: record.headers ?? [],
  };
};

/** One partition batch of a topic, offsets consecutive from {@link FIRST_OFFSET} unless given. */
export const partitionBatch = (
  topic: string,
  records: readonly Omit<PlainRecord, 'topic' | 'partition'>[],
  partition = 0,
): PartitionBatch => ({
  topic,
  partition,
  records: withOffsets(records.map((record) => ({ ...record, topic, partition }))).map(kafkaRecord),
});
