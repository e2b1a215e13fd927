/**
 * Kafka records as the consumer sees them, decoded from the MSK event, and their landing form:
 * one NDJSON line per record that keeps the Kafka coordinates, the exact key, value and header
 * bytes, so a replay from landing rebuilds landing and gold byte for byte.
 */
import { isUtf8 } from 'node:buffer';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { NO_HEADERS, type KafkaHeader } from '../shared/contracts/kafka-headers.js';
import type { KafkaMetadata } from '../shared/contracts/tables.js';

export interface KafkaRecord extends KafkaMetadata {
  /** The value bytes; `null` for a tombstone. */
  readonly value: Buffer | null;
  /** In the order the producer wrote them, repeated names kept. */
  readonly headers: readonly KafkaHeader[];
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

/**
 * MSK sends headers as an array of one-member objects, `{ name: [byte, …] }`, the bytes as Java's
 * signed values (-128…127: AWS's sample has `[118, -36, 0, 127, -128]`); Buffer.from takes each
 * modulo 256, so signed and unsigned numbers give the same bytes. A null value stays null.
 */
const decodeHeaders = (headers: MSKRecord['headers'] | undefined): readonly KafkaHeader[] => {
  if (headers === undefined || headers === null || headers.length === 0) return NO_HEADERS;
  return headers.flatMap((header) =>
    Object.entries(header as Record<string, number[] | null>).map(([name, bytes]) => ({ name, value: bytes === null ? null : Buffer.from(bytes) })),
  );
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

/** A header in landing: its name and its value's bytes as base64 (`null` for a header without a value). */
export interface LandingHeader {
  name: string;
  value_base64: string | null;
}

/**
 * The landing line of a record. Non-UTF-8 values are kept as base64 so nothing is altered.
 * Example: `{"topic":"user_events","partition":0,"offset":7,"timestamp":1740830400000,"key":"USR-00001",
 * "value":"{…}","headers":[{"name":"trace","value_base64":"b25l"},{"name":"trace","value_base64":"dHdv"}]}`.
 */
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
  /** Present when the record has headers: all of them, in order, repeats kept. */
  headers?: LandingHeader[];
  value: string | null;
  value_base64?: string;
}

/**
 * The value as text when its bytes are UTF-8, `undefined` when they are not (or for a tombstone).
 * Decoded once per record: the landing line and the validation both read it.
 */
export const valueText = (record: KafkaRecord): string | undefined =>
  record.value !== null && isUtf8(record.value) ? record.value.toString('utf8') : undefined;

const landingHeadersOf = (headers: readonly KafkaHeader[]): LandingHeader[] =>
  headers.map(({ name, value }) => ({ name, value_base64: value === null ? null : value.toString('base64') }));

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
  if (record.headers.length > 0) line.headers = landingHeadersOf(record.headers);
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
  if (record.headers.length > 0) json += `,"headers":${JSON.stringify(landingHeadersOf(record.headers))}`;
  if (record.value !== null && text === undefined) json += `,"value_base64":"${record.value.toString('base64')}"`;
  return `${json}}`;
};

/**
 * Landing written before headers were kept exactly held them as an object of UTF-8 texts
 * (`{"trace":"one"}`: a repeated name kept its last value). Those files still replay; what is
 * written again is the list form.
 */
export type LegacyLandingHeaders = Record<string, string>;

const headersFromLanding = (headers: readonly LandingHeader[] | LegacyLandingHeaders | undefined): readonly KafkaHeader[] => {
  if (headers === undefined) return NO_HEADERS;
  if (Array.isArray(headers)) {
    return (headers as readonly LandingHeader[]).map(({ name, value_base64 }) => ({ name, value: value_base64 === null ? null : Buffer.from(value_base64, 'base64') }));
  }
  const legacy = Object.entries(headers as LegacyLandingHeaders);
  return legacy.length === 0 ? NO_HEADERS : legacy.map(([name, text]) => ({ name, value: Buffer.from(text, 'utf8') }));
};

/** A landing line as read back: written by this version, or with headers in the earlier object form. */
export type ReadLandingLine = Omit<LandingLine, 'headers'> & { headers?: LandingHeader[] | LegacyLandingHeaders };

export const fromLandingLine = (line: ReadLandingLine): KafkaRecord => ({
  topic: line.topic,
  partition: line.partition,
  offset: line.offset,
  timestamp: line.timestamp,
  key: line.key,
  headers: headersFromLanding(line.headers),
  value:
    line.value_base64 !== undefined ? Buffer.from(line.value_base64, 'base64') : line.value === null ? null : Buffer.from(line.value, 'utf8'),
  ...(line.key_base64 === undefined ? {} : { keyBytes: Buffer.from(line.key_base64, 'base64') }),
  ...(line.timestampType === undefined ? {} : { timestampType: line.timestampType }),
});
