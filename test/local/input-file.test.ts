import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_ERROR_HEADER } from '../../lambdas/consumer/validate-record.js';
import { headerText } from '../../lambdas/shared/contracts/kafka-headers.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import { INVALID_INPUT_TOPIC, messageFromLine, readInputFile, readLines } from '../../lambdas/local/input-file.js';
import { tempFolder } from '../support/files.js';

const AT = Date.UTC(2025, 0, 15, 9, 30);
const line = (text: string): Buffer => Buffer.from(text, 'utf8');
const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};
const reasonOf = (message: ProducedMessage): string | undefined => (message.headers === undefined ? undefined : headerText(message.headers, INPUT_ERROR_HEADER));

const HUGE = 'x'.repeat(1_200_000);
/** One hostile line per entry, with what it must become. */
const HOSTILE: { name: string; bytes: Buffer; invalid: RegExp | false }[] = [
  { name: 'garbage bytes (not UTF-8)', bytes: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]), invalid: /not valid UTF-8/ },
  { name: 'truncated JSON', bytes: line('{"topic":"user_events","key":"k","value":{"event_id":'), invalid: /not JSON/ },
  { name: 'a JSON array', bytes: line('[{"topic":"user_events"}]'), invalid: /an array/ },
  { name: 'a number', bytes: line('42'), invalid: /is number/ },
  { name: 'JSON null', bytes: line('null'), invalid: /is null/ },
  { name: 'a JSON string', bytes: line('"user_events"'), invalid: /is string/ },
  { name: 'a missing topic', bytes: line('{"key":"k","value":{}}'), invalid: /"topic" must be a Kafka topic name/ },
  { name: 'a numeric topic', bytes: line('{"topic":7,"key":"k","value":{}}'), invalid: /"topic"/ },
  { name: 'a path as topic', bytes: line('{"topic":"../x","key":"k","value":{}}'), invalid: /"topic"/ },
  { name: 'the topic ".."', bytes: line('{"topic":"..","key":"k","value":{}}'), invalid: /"topic"/ },
  { name: 'an empty topic', bytes: line('{"topic":"","key":"k","value":{}}'), invalid: /"topic"/ },
  { name: 'a 250-character topic', bytes: line(JSON.stringify({ topic: 't'.repeat(250), key: 'k', value: {} })), invalid: /"topic"/ },
  { name: 'a missing value', bytes: line('{"topic":"user_events","key":"k"}'), invalid: /no "value"/ },
  { name: 'a huge unparsable line', bytes: line(`{"topic":"user_events","value":"${HUGE}`), invalid: /not JSON/ },
  { name: 'a null value (tombstone)', bytes: line('{"topic":"user_events","key":"k","value":null}'), invalid: false },
  { name: 'a huge string value', bytes: line(JSON.stringify({ topic: 'user_events', key: 'k', value: HUGE })), invalid: false },
  { name: 'an unknown topic', bytes: line('{"topic":"orders","key":"k","value":{"id":1}}'), invalid: false },
  { name: 'wrong types in the value', bytes: line('{"topic":"transactions","key":5,"value":{"total":"lots"}}'), invalid: false },
  // JSON.parse reads any depth; writing the value back as JSON would overflow the stack.
  { name: 'a value nested 100,000 deep', bytes: line(`{"topic":"user_events","key":"k","value":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), invalid: /cannot be re-serialized/ },
  { name: 'a key nested 100,000 deep', bytes: line(`{"topic":"user_events","key":${'['.repeat(100_000)}${']'.repeat(100_000)},"value":{}}`), invalid: /cannot be re-serialized/ },
];

describe('messageFromLine', () => {
  it.each(HOSTILE)('turns $name into exactly one message without throwing', ({ bytes, invalid }) => {
    // Prepare: the line of the table

    // Act
    const message = messageFromLine(bytes, AT);

    // Assess
    expect(message.timestamp).toBe(AT);
    if (invalid) {
      expect(message.topic).toBe(INVALID_INPUT_TOPIC);
      expect(reasonOf(message)).toMatch(invalid);
      expect(message.key).toBeNull();
      // The raw line travels as the value, so quarantine keeps exactly what was read.
      expect(message.value!.equals(bytes)).toBe(true);
    } else {
      expect(message.topic).not.toBe(INVALID_INPUT_TOPIC);
      expect(message.headers).toBeUndefined();
    }
  });

  it('keeps short reasons for huge lines', () => {
    // Prepare
    const bytes = line(`{"topic":"${'t'.repeat(500)}","value":{}}`);

    // Act
    const reason = reasonOf(messageFromLine(bytes, AT));

    // Assess
    expect(reason!.length).toBeLessThan(300);
  });

  it('sends a string value as raw bytes and any other value as its JSON text', () => {
    // Prepare
    const raw = line('{"topic":"user_events","key":"USR-00001","value":"{not json"}');
    const object = line('{"topic":"user_events","key":"USR-00001","value":{"a":[1,"b"]}}');
    const number = line('{"topic":"user_events","value":12.5}');

    // Act
    const [fromRaw, fromObject, fromNumber] = [raw, object, number].map((bytes) => messageFromLine(bytes, AT));

    // Assess
    expect(fromRaw!.value!.toString()).toBe('{not json');
    expect(fromObject!.value!.toString()).toBe('{"a":[1,"b"]}');
    expect(fromNumber!.value!.toString()).toBe('12.5');
    expect(fromRaw!.key).toBe('USR-00001');
    expect(fromNumber!.key).toBeNull();
  });

  it('keeps a null value as a tombstone and a non-string key as its JSON text', () => {
    // Prepare
    const bytes = line('{"topic":"transactions","key":{"id":7},"value":null}');

    // Act
    const message = messageFromLine(bytes, AT);

    // Assess
    expect(message).toEqual({ topic: 'transactions', key: '{"id":7}', value: null, timestamp: AT });
  });

  it('never throws, and names the topic legally, for any bytes at all', () => {
    // Prepare
    const anyLine = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
      fc.json().map(line),
      fc.record({ topic: fc.string(), key: fc.anything(), value: fc.anything() }).map((envelope) => line(JSON.stringify(envelope) ?? '')),
    );

    // Act / Assess
    fc.assert(
      fc.property(anyLine, (bytes) => {
        const message = messageFromLine(bytes, AT);
        expect(message.topic).toMatch(/^[A-Za-z0-9._-]{1,249}$/);
        expect(['.', '..']).not.toContain(message.topic);
        expect(message.topic === INVALID_INPUT_TOPIC).toBe(reasonOf(message) !== undefined);
      }),
      { numRuns: 500 },
    );
  });
});

describe('readInputFile', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeAll(async () => {
    folder = await tempFolder('input');
  });
  afterAll(async () => {
    await folder.remove();
  });

  it('yields one message per non-blank line of a hostile CRLF file, in order, without throwing', async () => {
    // Prepare: CRLF line ends, blank lines between, no newline after the last line
    const path = join(folder.path, 'hostile.ndjson');
    const body = Buffer.concat([line('\r\n'), ...HOSTILE.flatMap(({ bytes }) => [bytes, line('\r\n\r\n')]), line('{"topic":"user_events","value":"last"}')]);
    await writeFile(path, body);

    // Act
    const messages = await collect(readInputFile(path, AT));

    // Assess
    expect(messages).toHaveLength(HOSTILE.length + 1);
    HOSTILE.forEach(({ name, invalid }, i) => {
      expect(messages[i]!.topic === INVALID_INPUT_TOPIC, name).toBe(invalid !== false);
    });
    expect(messages.at(-1)!.value!.toString()).toBe('last');
    // No carriage return is left on any line.
    expect(messages.filter((message) => message.value?.at(-1) === 0x0d)).toEqual([]);
    expect(messages.find((message) => message.value?.length === HUGE.length)).toBeDefined();
  });

  it('yields nothing for an empty file', async () => {
    // Prepare
    const path = join(folder.path, 'empty.ndjson');
    await writeFile(path, '');

    // Act
    const messages = await collect(readInputFile(path, AT));

    // Assess
    expect(messages).toEqual([]);
  });

  it('splits any mix of LF and CRLF lines the way a line-by-line reader would', async () => {
    // Prepare / Act / Assess
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.constantFrom('\n', '\r\n')), { maxLength: 20 }),
        fc.boolean(),
        async (parts, trailingNewline) => {
          // Lines hold no line breaks of their own; the last may end without one.
          const lines = parts.map(([bytes, end]) => [Buffer.from(bytes.filter((b) => b !== 0x0a && b !== 0x0d)), end] as const);
          const body = Buffer.concat(lines.map(([bytes, end], i) => (i === lines.length - 1 && !trailingNewline ? bytes : Buffer.concat([bytes, line(end)]))));
          const path = join(folder.path, 'mixed.ndjson');
          await writeFile(path, body);

          const read = await collect(readLines(path));

          expect(read.map((bytes) => bytes.toString('hex'))).toEqual(lines.filter(([bytes]) => bytes.length > 0).map(([bytes]) => bytes.toString('hex')));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads a line longer than many read chunks in one piece', async () => {
    // Prepare
    const path = join(folder.path, 'long.ndjson');
    const long = 'y'.repeat(3 * 1024 * 1024);
    await writeFile(path, `short\n${long}\r\nend\n`);

    // Act
    const lines = await collect(readLines(path));

    // Assess
    expect(lines.map((bytes) => bytes.length)).toEqual([5, long.length, 3]);
  });
});
