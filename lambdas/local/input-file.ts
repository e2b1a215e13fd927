/**
 * Reads a replay file (`--input`): one JSON object a line, `{"topic", "key", "value"}`.
 * A line that cannot be read becomes a message on {@link INVALID_INPUT_TOPIC} carrying the raw
 * line and the reason, so it ends in quarantine like any bad record instead of stopping the run.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { INPUT_ERROR_HEADER } from '../consumer/validate-record.js';
import type { ProducedMessage } from '../shared/ports/event-publisher.js';

export const INVALID_INPUT_TOPIC = 'streamflow.invalid_input';

/** Kafka's own rule for topic names; anything else could not have come from a broker. */
const LEGAL_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

const invalid = (line: Buffer, reason: string, timestamp: number): ProducedMessage => ({
  topic: INVALID_INPUT_TOPIC,
  key: null,
  value: line,
  timestamp,
  headers: [{ name: INPUT_ERROR_HEADER, value: Buffer.from(reason, 'utf8') }],
});

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/** Turns one input line into the message to publish. Never throws. */
export const messageFromLine = (line: Buffer, timestamp: number): ProducedMessage => {
  if (!isUtf8(line)) return invalid(line, 'line is not valid UTF-8', timestamp);
  let envelope: unknown;
  try {
    envelope = JSON.parse(line.toString('utf8'));
  } catch (error) {
    return invalid(line, `line is not JSON: ${(error as Error).message.slice(0, 200)}`, timestamp);
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return invalid(line, `line is ${describe(envelope)}, expected an object with topic, key and value`, timestamp);
  }
  const { topic, key, value } = envelope as Record<string, unknown>;
  if (typeof topic !== 'string' || !LEGAL_TOPIC.test(topic) || topic === '.' || topic === '..') {
    return invalid(line, `"topic" must be a Kafka topic name (letters, digits, . _ -), got ${JSON.stringify(topic)?.slice(0, 100)}`, timestamp);
  }
  if (!('value' in (envelope))) return invalid(line, 'line has no "value" (use null for a tombstone)', timestamp);
  try {
    return {
      topic,
      key: key === undefined || key === null ? null : typeof key === 'string' ? key : JSON.stringify(key),
      // A string value is the raw payload (so malformed payloads can be replayed); anything else is JSON.
      value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8'),
      timestamp,
    };
  } catch (error) {
    // JSON.parse reads any depth, JSON.stringify recurses: a value nested thousands deep overflows the stack.
    return invalid(line, `line cannot be re-serialized: ${(error as Error).message.slice(0, 200)}`, timestamp);
  }
};

/** Yields the lines of a file as raw bytes (no decoding, so invalid UTF-8 survives), skipping blank lines. */
export async function* readLines(path: string): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a)) {
      const line = data.subarray(0, newline);
      data = data.subarray(newline + 1);
      const trimmed = line.at(-1) === 0x0d ? line.subarray(0, -1) : line;
      if (trimmed.length > 0) yield Buffer.from(trimmed);
    }
    carry = data;
  }
  if (carry.length > 0) yield carry;
}

/** The messages of a replay file, stamped with one timestamp so a replay is repeatable. */
export async function* readInputFile(path: string, timestamp: number): AsyncGenerator<ProducedMessage> {
  for await (const line of readLines(path)) yield messageFromLine(line, timestamp);
}
