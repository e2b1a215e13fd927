/**
 * Deterministic object keys: the same partition batch always maps to the same keys, so a
 * redelivered batch overwrites its files instead of adding new ones.
 *
 * Kafka allows topic names of 249 characters; a file name may have 255 bytes (ext4, APFS) and an
 * S3 key 1,024. A long topic is therefore named by a readable prefix and a hash of the whole name
 * ({@link topicSegment}); the topic itself is kept in every record (landing lines, quarantine
 * lines, the gold `kafka_topic` column), so nothing is lost by shortening the name.
 */
import { createHash } from 'node:crypto';
import { formatBatchName } from '../shared/contracts/batch-names.js';
import type { PartitionBatch } from './kafka-record.js';

/** Topics up to this many characters name their files as they are (every topic StreamFlow makes). */
export const READABLE_TOPIC_CHARS = 100;
/** Characters of a long topic kept readable before its hash. */
const TOPIC_PREFIX_CHARS = 80;

/**
 * The topic as it appears in keys: itself when short, else its first 80 characters, `~` and 16 hex
 * digits of its SHA-256. `~` is not legal in a Kafka topic, so a shortened name never equals a
 * real topic. Longest batch file name: 97 + `+<partition>+<first>-<last>` (≤ 51) + `.ndjson.gz` < 255 bytes.
 */
export const topicSegment = (topic: string): string =>
  topic.length <= READABLE_TOPIC_CHARS
    ? topic
    : `${topic.slice(0, TOPIC_PREFIX_CHARS)}~${createHash('sha256').update(topic).digest('hex').slice(0, 16)}`;

/** `<topic>+<partition>+<firstOffset>-<lastOffset>`: names a batch in every prefix (topic as {@link topicSegment}). */
export const batchName = (batch: PartitionBatch): string => {
  const first = batch.records[0]!;
  const last = batch.records[batch.records.length - 1]!;
  return formatBatchName({ topic: topicSegment(batch.topic), partition: batch.partition, firstOffset: first.offset, lastOffset: last.offset });
};

/** `dt=` partition from the broker time of the batch's first record (UTC), stable on redelivery. */
const dtOf = (batch: PartitionBatch): string => {
  const timestamp = batch.records[0]!.timestamp;
  const date = Number.isFinite(timestamp) && timestamp > 0 && timestamp <= 8.64e15 ? new Date(timestamp) : new Date(0);
  return `dt=${date.toISOString().slice(0, 10)}`;
};

export const landingKeyFor = (batch: PartitionBatch): string =>
  `landing/${topicSegment(batch.topic)}/${dtOf(batch)}/${batchName(batch)}.ndjson.gz`;

export const goldKeyFor = (batch: PartitionBatch, table: string): string =>
  `gold/${table}/${dtOf(batch)}/${batchName(batch)}.csv.gz`;

export const quarantineKeyFor = (batch: PartitionBatch): string =>
  `quarantine/${topicSegment(batch.topic)}/${dtOf(batch)}/${batchName(batch)}.ndjson.gz`;
