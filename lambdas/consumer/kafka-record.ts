/**
 * Kafka records as the consumer sees them, decoded from the MSK event, and their landing form:
 * one NDJSON line per record that keeps the Kafka coordinates and the exact value, so a replay
 * from landing rebuilds gold byte for byte.
 */
import { isUtf8 } from 'node:buffer';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { KafkaMetadata } from '../shared/contracts/tables.js';

export interface KafkaRecord extends KafkaMetadata {
  /** The value bytes; `null` for a tombstone. */
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Records of one topic-partition, in offset order: the unit the consumer writes files for. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly KafkaRecord[];
}

const decodeHeaders = (headers: MSKRecord['headers'] | undefined): Record<string, string> => {
  // No prototype, so a header named `__proto__` is kept like any other.
  const decoded = Object.create(null) as Record<string, string>;
  for (const header of headers ?? []) {
    for (const [name, bytes] of Object.entries(header)) decoded[name] = Buffer.from(bytes).toString('utf8');
  }
  return decoded;
};

const decodeRecord = (record: MSKRecord): KafkaRecord => ({
  topic: record.topic,
  partition: record.partition,
  offset: Number(record.offset),
  timestamp: Number(record.timestamp),
  key: record.key === undefined || record.key === null ? null : Buffer.from(record.key, 'base64').toString('utf8'),
  value: record.value === undefined || record.value === null ? null : Buffer.from(record.value, 'base64'),
  headers: decodeHeaders(record.headers),
});

/** Splits an MSK event into per-partition batches (records sorted by offset). */
export const decodeMskEvent = (event: MSKEvent): PartitionBatch[] =>
  Object.values(event.records ?? {})
    .filter((records) => records.length > 0)
    .map((records) => {
      const decoded = records.map(decodeRecord).sort((a, b) => a.offset - b.offset);
      const first = decoded[0]!;
      return { topic: first.topic, partition: first.partition, records: decoded };
    });

/** The landing line of a record. Non-UTF-8 values are kept as base64 so nothing is altered. */
export interface LandingLine {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  headers?: Record<string, string>;
  value: string | null;
  value_base64?: string;
}

export const toLandingLine = (record: KafkaRecord): LandingLine => {
  const line: LandingLine = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key,
    value: null,
  };
  if (Object.keys(record.headers).length > 0) line.headers = { ...record.headers };
  if (record.value !== null) {
    if (isUtf8(record.value)) line.value = record.value.toString('utf8');
    else line.value_base64 = record.value.toString('base64');
  }
  return line;
};

export const fromLandingLine = (line: LandingLine): KafkaRecord => ({
  topic: line.topic,
  partition: line.partition,
  offset: line.offset,
  timestamp: line.timestamp,
  key: line.key,
  headers: line.headers ?? {},
  value:
    line.value_base64 !== undefined ? Buffer.from(line.value_base64, 'base64') : line.value === null ? null : Buffer.from(line.value, 'utf8'),
});
