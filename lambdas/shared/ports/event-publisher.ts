/** Port: where producers send messages. MSK through kafkajs in AWS, an in-process topic log locally. */
import type { KafkaHeader } from '../contracts/kafka-headers.js';

/** A header a producer sends: always with a value (kafkajs cannot encode a null header value). */
export interface ProducedHeader extends KafkaHeader {
  readonly value: Buffer;
}

export interface ProducedMessage {
  readonly topic: string;
  readonly key: string | null;
  /** Serialized value; `null` is a tombstone. */
  readonly value: Buffer | null;
  /** Kafka CREATE_TIME in epoch milliseconds. */
  readonly timestamp: number;
  /** In the order they are to be sent, repeated names allowed. */
  readonly headers?: readonly ProducedHeader[];
}

export interface EventPublisher {
  publish(messages: readonly ProducedMessage[]): Promise<void>;
  close(): Promise<void>;
}
