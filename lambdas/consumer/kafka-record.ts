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
  /** The key's bytes when they are not UTF-8 (`key` is then `null`): kept exactly, as base64 in landing. */
  readonly keyBytes?: Buffer;
  /**
   * Kafka's timestamp type when it is not CREATE_TIME: LOG_APPEND_TIME, or NO_TIMESTAMP_TYPE with
   * timestamp -1 (a record without a time, which gold then leaves empty, never 1969).
   */
  readonly timestampType?: string;
}

/** Records of one topic-partition, in offset order: the unit the consumer writes files for. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly KafkaRecord[];
}

/** Shared by every record without headers (almost all of them): one object, not one per record. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

const decodeHeaders = (headers: MSKRecord['headers'] | undefined): Readonly<Record<string, string>> => {
  if (headers === undefined || headers === null || headers.length === 0) return NO_HEADERS;
  // No prototype, so a header named `__proto__` is kept like any other.
  const decoded = Object.create(null) as Record<string, string>;
  for (const header of headers) {
    for (const [name, bytes] of Object.entries(header)) decoded[name] = Buffer.from(bytes).toString('utf8');
  }
  return decoded;
};

const decodeRecord = (record: MSKRecord): KafkaRecord => {
  const keyBytes = record.key === undefined || record.key === null ? null : Buffer.from(record.key, 'base64');
  const keyIsText = keyBytes === null || isUtf8(keyBytes);
  const timestampType = record.timestampType as string | undefined;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    key: keyBytes === null || !keyIsText ? null : keyBytes.toString('utf8'),
    value: record.value === undefined || record.value === null ? null : Buffer.from(record.value, 'base64'),
    headers: decodeHeaders(record.headers),
    ...(keyIsText ? {} : { keyBytes }),
    ...(timestampType === undefined || timestampType === 'CREATE_TIME' ? {} : { timestampType }),
  };
};

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
  /** A key that is not UTF-8, as base64 (`key` is then `null`). */
  key_base64?: string;
  /** Present when not CREATE_TIME (LOG_APPEND_TIME; NO_TIMESTAMP_TYPE with timestamp -1). */
  timestampType?: string;
  headers?: Record<string, string>;
  value: string | null;
  value_base64?: string;
}

/**
 * The value as text when its bytes are UTF-8, `undefined` when they are not (or for a tombstone).
 * Decoded once per record: the landing line and the validation both read it.
 */
export const valueText = (record: KafkaRecord): string | undefined =>
  record.value !== null && isUtf8(record.value) ? record.value.toString('utf8') : undefined;

/** The landing line of a record (its definition; {@link landingJson} writes the same JSON directly). */
export const toLandingLine = (record: KafkaRecord): LandingLine => {
  const line: LandingLine = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key,
    value: null,
  };
  if (record.keyBytes !== undefined) line.key_base64 = record.keyBytes.toString('base64');
  if (record.timestampType !== undefined) line.timestampType = record.timestampType;
  if (Object.keys(record.headers).length > 0) line.headers = { ...record.headers };
  if (record.value !== null) {
    if (isUtf8(record.value)) line.value = record.value.toString('utf8');
    else line.value_base64 = record.value.toString('base64');
  }
  return line;
};

/** A number as JSON writes it (`null` when not finite); anything else through JSON.stringify. */
const jsonOf = (value: unknown): string => (typeof value === 'number' && Number.isFinite(value) ? String(value) : JSON.stringify(value));

/**
 * `JSON.stringify(toLandingLine(record))`, written without building the line object: the consumer
 * writes one per record. `text` is the record's {@link valueText}. A record missing a coordinate
 * (only a hand-made landing line read back can be) goes through the definition itself.
 */
export const landingJson = (record: KafkaRecord, text: string | undefined): string => {
  const { topic, partition, offset, timestamp, key } = record;
  if (topic === undefined || partition === undefined || offset === undefined || timestamp === undefined || key === undefined) {
    return JSON.stringify(toLandingLine(record));
  }
  // Members in toLandingLine's order: `value` is declared before `headers` is added.
  // Rare members (a binary key, a timestamp type other than CREATE_TIME) go through the definition.
  if (record.keyBytes !== undefined || record.timestampType !== undefined) return JSON.stringify(toLandingLine(record));
  let json = `{"topic":${JSON.stringify(topic)},"partition":${jsonOf(partition)},"offset":${jsonOf(offset)},"timestamp":${jsonOf(timestamp)},"key":${JSON.stringify(key)}`;
  json += text === undefined ? ',"value":null' : `,"value":${JSON.stringify(text)}`;
  if (Object.keys(record.headers).length > 0) json += `,"headers":${JSON.stringify(record.headers)}`;
  if (record.value !== null && text === undefined) json += `,"value_base64":"${record.value.toString('base64')}"`;
  return `${json}}`;
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
  ...(line.key_base64 === undefined ? {} : { keyBytes: Buffer.from(line.key_base64, 'base64') }),
  ...(line.timestampType === undefined ? {} : { timestampType: line.timestampType }),
});
