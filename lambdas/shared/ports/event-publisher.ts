/** Port: where producers send messages. MSK through kafkajs in AWS, an in-process topic log locally. */
export interface ProducedMessage {
  readonly topic: string;
  readonly key: string | null;
  /** Serialized value; `null` is a tombstone. */
  readonly value: Buffer | null;
  /** Kafka CREATE_TIME in epoch milliseconds. */
  readonly timestamp: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface EventPublisher {
  publish(messages: readonly ProducedMessage[]): Promise<void>;
  close(): Promise<void>;
}
