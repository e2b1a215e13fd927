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

/**
 * Bytes a record adds to the invocation payload, for the 6 MB cap: its JSON in the event (headers
 * and topic included) and the comma before the next one.
 */
export const payloadBytesOf = (message: LoggedMessage): number => Buffer.byteLength(JSON.stringify(toMskRecord(message))) + 1;

/** Bytes of an event for one topic-partition before any record is added (its envelope). */
export const envelopeBytesOf = (topic: string, partition: number): number =>
  Buffer.byteLength(JSON.stringify({ ...mskEventOf([]), records: { [`${topic}-${partition}`]: [] } }));
