/**
 * The batch name, `<topic>+<partition>+<firstOffset>-<lastOffset>`, that every object of a
 * partition batch carries under each prefix (landing, gold, quarantine): the consumer writes it
 * (lambdas/consumer/object-keys.ts), the ledger joins the prefixes on it (lambdas/shared/object-ledger.ts).
 * Here, below both, so neither imports the other.
 */

/** The parts of a batch name. `topic` is the topic as keys carry it (lambdas/consumer/object-keys.ts `topicSegment`). */
export interface BatchName {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

/** `<topic>+<partition>+<firstOffset>-<lastOffset>`. */
export const formatBatchName = (name: BatchName): string => `${name.topic}+${name.partition}+${name.firstOffset}-${name.lastOffset}`;

/**
 * Parses the batch name at the end of an object key back into its parts, or `undefined` for a key
 * that carries none. `topic` is the key's short form for a topic beyond 100 characters.
 */
export const parseBatchName = (key: string): BatchName | undefined => {
  const match = /([A-Za-z0-9._~-]+)\+(\d+)\+(\d+)-(\d+)\.(?:ndjson|csv)\.gz$/.exec(key);
  if (!match) return undefined;
  return { topic: match[1]!, partition: Number(match[2]), firstOffset: Number(match[3]), lastOffset: Number(match[4]) };
};
