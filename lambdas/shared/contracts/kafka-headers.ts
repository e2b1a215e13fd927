/**
 * Kafka record headers, kept exactly: an ordered list, because Kafka allows a name to repeat and
 * keeps the order the producer wrote, and bytes, because a header value is any bytes (not text).
 * A value may be null: Kafka's record format writes a header value as nullable bytes (length -1).
 */

export interface KafkaHeader {
  readonly name: string;
  /** The value's exact bytes; `null` for a header without a value. */
  readonly value: Buffer | null;
}

/** Shared by every record without headers (almost all of them): one array, not one per record. */
export const NO_HEADERS: readonly KafkaHeader[] = Object.freeze([]);

/** The first header of that name, its value read as UTF-8 text (`''` for a null value); `undefined` when absent. */
export const headerText = (headers: readonly KafkaHeader[], name: string): string | undefined => {
  const header = headers.find((candidate) => candidate.name === name);
  return header === undefined ? undefined : (header.value?.toString('utf8') ?? '');
};
