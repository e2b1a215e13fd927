/**
 * Deterministic object keys: the same partition batch always maps to the same keys, so a
 * redelivered batch overwrites its files instead of adding new ones.
 */
import type { PartitionBatch } from './kafka-record.js';

/** `<topic>+<partition>+<firstOffset>-<lastOffset>`: names a batch in every prefix. */
export const batchName = (batch: PartitionBatch): string => {
  const first = batch.records[0]!;
  const last = batch.records[batch.records.length - 1]!;
  return `${batch.topic}+${batch.partition}+${first.offset}-${last.offset}`;
};

/** `dt=` partition from the broker time of the batch's first record (UTC), stable on redelivery. */
const dtOf = (batch: PartitionBatch): string => {
  const timestamp = batch.records[0]!.timestamp;
  const date = Number.isFinite(timestamp) && timestamp > 0 && timestamp <= 8.64e15 ? new Date(timestamp) : new Date(0);
  return `dt=${date.toISOString().slice(0, 10)}`;
};

export const landingKeyFor = (batch: PartitionBatch): string =>
  `landing/${batch.topic}/${dtOf(batch)}/${batchName(batch)}.ndjson.gz`;

export const goldKeyFor = (batch: PartitionBatch, table: string): string =>
  `gold/${table}/${dtOf(batch)}/${batchName(batch)}.csv.gz`;

export const quarantineKeyFor = (batch: PartitionBatch): string =>
  `quarantine/${batch.topic}/${dtOf(batch)}/${batchName(batch)}.ndjson.gz`;

/** Parses a batch name back into its parts (ledger reconciliation joins prefixes on it). */
export const parseBatchName = (key: string): { topic: string; partition: number; firstOffset: number; lastOffset: number } | undefined => {
  const match = /([A-Za-z0-9._-]+)\+(\d+)\+(\d+)-(\d+)\.(?:ndjson|csv)\.gz$/.exec(key);
  if (!match) return undefined;
  return { topic: match[1]!, partition: Number(match[2]), firstOffset: Number(match[3]), lastOffset: Number(match[4]) };
};
