/** Builds the exact event Lambda's MSK event source mapping delivers, from logged messages. */
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { mskHeadersOf } from './kafka-msk-record.js';
import type { LoggedMessage } from './topic-log.js';

export const LOCAL_CLUSTER_ARN = 'arn:aws:kafka:local:000000000000:cluster/streamflow-local/00000000-0000-0000-0000-000000000000-s1';

const toMskRecord = (message: LoggedMessage): MSKRecord => ({
  topic: message.topic,
  partition: message.partition,
  offset: message.offset,
  timestamp: message.timestamp,
  timestampType: 'CREATE_TIME',
  key: message.key === null ? (null as unknown as string) : Buffer.from(message.key, 'utf8').toString('base64'),
  value: message.value === null ? (null as unknown as string) : message.value.toString('base64'),
  headers: message.headers === undefined ? [] : mskHeadersOf(message.headers),
});

/** One event for one topic-partition batch (records keyed `"<topic>-<partition>"` as AWS does). */
export const mskEventOf = (messages: readonly LoggedMessage[]): MSKEvent => {
  const first = messages[0];
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: LOCAL_CLUSTER_ARN,
    bootstrapServers: 'local-topic-log:9098',
    records: first ? { [`${first.topic}-${first.partition}`]: messages.map(toMskRecord) } : {},
  };
};

/** JSON length of base64 text for `bytes` bytes, quoted (base64 needs no escapes). */
const quotedBase64Bytes = (bytes: number): number => 2 + 4 * Math.ceil(bytes / 3);

/**
 * Bytes of a record's JSON besides its topic, numbers, key, value and headers: an empty record's
 * size less those of its `""` topic, three `0`s, two `null`s and `[]` headers.
 */
const RECORD_FRAME_BYTES =
  Buffer.byteLength(JSON.stringify(toMskRecord({ topic: '', partition: 0, offset: 0, timestamp: 0, key: null, value: null, appendedAt: 0 }))) - 2 - 3 - 8 - 2;

/**
 * Bytes a record adds to the invocation payload, for the 6 MB cap: its JSON in the event (headers
 * and topic included) and the comma before the next one. Counted, not encoded: every message is
 * measured on the producing thread, and base64-encoding it there only to measure it would double
 * the work the consumer does anyway.
 */
export const payloadBytesOf = (message: LoggedMessage): number => {
  const headers = message.headers === undefined ? 2 : Buffer.byteLength(JSON.stringify(toMskRecord(message).headers));
  return (
    RECORD_FRAME_BYTES +
    Buffer.byteLength(JSON.stringify(message.topic)) +
    String(message.partition).length +
    String(message.offset).length +
    String(message.timestamp).length +
    (message.key === null ? 4 : quotedBase64Bytes(Buffer.byteLength(message.key, 'utf8'))) +
    (message.value === null ? 4 : quotedBase64Bytes(message.value.length)) +
    headers +
    1
  );
};

/** Bytes of an event for one topic-partition before any record is added (its envelope). */
export const envelopeBytesOf = (topic: string, partition: number): number =>
  Buffer.byteLength(JSON.stringify({ ...mskEventOf([]), records: { [`${topic}-${partition}`]: [] } }));
