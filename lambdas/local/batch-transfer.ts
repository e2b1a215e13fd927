/**
 * A batch of logged messages packed for a delivery worker: keys and values in one byte buffer,
 * offsets and times in typed arrays, so `postMessage` moves (transfers) the memory instead of
 * structured-cloning thousands of objects, and the worker builds the MSK event itself.
 */
import type { LoggedMessage } from './topic-log.js';

/** Length written for a `null` key or value (a tombstone). */
const NULL_LENGTH = -1;

export interface PackedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly offsets: Float64Array;
  readonly timestamps: Float64Array;
  readonly appendedAt: Float64Array;
  /** Byte lengths of each key, then each value, in `bytes`; {@link NULL_LENGTH} for null. */
  readonly lengths: Int32Array;
  readonly bytes: Uint8Array;
  /**
   * Per message; absent when no message has headers (the generator never sets them). Structured
   * clone delivers their Buffers as plain Uint8Arrays: {@link unpackBatch} makes them Buffers again.
   */
  readonly headers?: readonly LoggedMessage['headers'][];
}

/** Packs one topic-partition's batch; `transfer` lists the buffers to hand over with it. */
export const packBatch = (batch: readonly LoggedMessage[]): { packed: PackedBatch; transfer: ArrayBuffer[] } => {
  const count = batch.length;
  const offsets = new Float64Array(count);
  const timestamps = new Float64Array(count);
  const appendedAt = new Float64Array(count);
  const lengths = new Int32Array(count * 2);
  let size = 0;
  let withHeaders = false;
  for (let i = 0; i < count; i++) {
    const message = batch[i]!;
    offsets[i] = message.offset;
    timestamps[i] = message.timestamp;
    appendedAt[i] = message.appendedAt;
    const keyLength = message.key === null ? NULL_LENGTH : Buffer.byteLength(message.key, 'utf8');
    lengths[i] = keyLength;
    lengths[count + i] = message.value ? message.value.length : NULL_LENGTH;
    size += Math.max(0, keyLength) + (message.value?.length ?? 0);
    if (message.headers !== undefined) withHeaders = true;
  }
  // Its own ArrayBuffer (never a slice of Buffer's shared pool), so it can be transferred.
  const bytes = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const { key } of batch) if (key !== null) at += bytes.write(key, at, 'utf8');
  for (const { value } of batch) if (value) at += value.copy(bytes, at);
  const first = batch[0];
  const packed: PackedBatch = {
    topic: first?.topic ?? '',
    partition: first?.partition ?? 0,
    offsets,
    timestamps,
    appendedAt,
    lengths,
    bytes,
    ...(withHeaders ? { headers: batch.map((message) => message.headers) } : {}),
  };
  return { packed, transfer: [offsets.buffer, timestamps.buffer, appendedAt.buffer, lengths.buffer, bytes.buffer] };
};

/** The messages again, values as views into the transferred bytes (no copy). */
export const unpackBatch = (packed: PackedBatch): LoggedMessage[] => {
  const count = packed.offsets.length;
  const bytes = Buffer.from(packed.bytes.buffer, packed.bytes.byteOffset, packed.bytes.byteLength);
  const keys: (string | null)[] = new Array<string | null>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const length = packed.lengths[i]!;
    keys[i] = length === NULL_LENGTH ? null : bytes.toString('utf8', at, at + length);
    at += Math.max(0, length);
  }
  const messages: LoggedMessage[] = new Array<LoggedMessage>(count);
  for (let i = 0; i < count; i++) {
    const length = packed.lengths[count + i]!;
    const headers = packed.headers?.[i]?.map(({ name, value }) => ({ name, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) }));
    messages[i] = {
      topic: packed.topic,
      partition: packed.partition,
      offset: packed.offsets[i]!,
      timestamp: packed.timestamps[i]!,
      appendedAt: packed.appendedAt[i]!,
      key: keys[i]!,
      value: length === NULL_LENGTH ? null : bytes.subarray(at, at + length),
      ...(headers === undefined ? {} : { headers }),
    };
    at += Math.max(0, length);
  }
  return messages;
};
