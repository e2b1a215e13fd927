/**
 * What the source holds: per topic-partition, the offsets produced (from the log start to its end
 * offset) and, where a consumer group reads it, the group's committed offset. The ledger counts
 * "in" from here, not from what landed, so a record that never reached a file is a visible gap.
 *
 * Locally the run records its topic log's end offsets at {@link PRODUCED_OFFSETS_KEY}; against
 * brokers (`--brokers`, MSK) they come from the Kafka admin API (kafka-source-offsets.ts).
 */
import type { ObjectStore } from './ports/object-store.js';

export interface PartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  /** First offset the log still holds (0 unless retention or deletion removed records). */
  readonly start: number;
  /** The next offset to be written: offsets `start` to `end - 1` were produced. */
  readonly end: number;
  /** The consumer group's committed offset (next to read), when known. */
  readonly committed?: number;
}

export interface SourceOffsets {
  /** Where the offsets were read: `local topic log`, `kafka <brokers>`. */
  readonly source: string;
  /**
   * The consumer group whose committed offsets these are, when it can still consume what lies past
   * them (a broker's group; the local topic log ends with its run, so it names none). Produced
   * offsets at or past a partition's committed offset that no file holds are then "not yet
   * consumed", not lost; a partition the group never committed on is not consumed at all.
   */
  readonly group?: string;
  readonly partitions: readonly PartitionOffsets[];
}

/** Where a local run records its source offsets, beside its landing files. */
export const PRODUCED_OFFSETS_KEY = 'ledger/produced-offsets.json';

export const writeSourceOffsets = async (store: ObjectStore, offsets: SourceOffsets): Promise<void> => {
  await store.put(PRODUCED_OFFSETS_KEY, Buffer.from(`${JSON.stringify(offsets, null, 2)}\n`), 'application/json');
};

const isPartitionOffsets = (value: unknown): value is PartitionOffsets => {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.topic === 'string' &&
    Number.isSafeInteger(entry.partition) &&
    Number.isSafeInteger(entry.start) &&
    Number.isSafeInteger(entry.end) &&
    (entry.committed === undefined || Number.isSafeInteger(entry.committed))
  );
};

/** The recorded offsets, or `undefined` when the run recorded none (a run of an older version). */
export const readSourceOffsets = async (store: ObjectStore): Promise<SourceOffsets | undefined> => {
  const body = await store.get(PRODUCED_OFFSETS_KEY);
  if (body === undefined) return undefined;
  const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as Partial<SourceOffsets>;
  if (
    typeof parsed.source !== 'string' ||
    (parsed.group !== undefined && typeof parsed.group !== 'string') ||
    !Array.isArray(parsed.partitions) ||
    !parsed.partitions.every(isPartitionOffsets)
  ) {
    throw new Error(`${PRODUCED_OFFSETS_KEY} is not a record of source offsets ({"source", "group"?, "partitions": [{topic, partition, start, end}]})`);
  }
  return parsed as SourceOffsets;
};
