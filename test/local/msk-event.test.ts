import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMskEvent } from '../../lambdas/consumer/kafka-record.js';
import { LOCAL_CLUSTER_ARN, envelopeBytesOf, mskEventOf, payloadBytesOf } from '../../lambdas/local/msk-event.js';
import type { LoggedMessage } from '../../lambdas/local/topic-log.js';
import { loggedMessageSpecArb, producedHeadersArb } from '../support/arbitraries.js';
import { header } from '../support/msk-event.js';

const logged = (overrides: Partial<LoggedMessage> = {}): LoggedMessage => ({
  topic: 'user_events',
  partition: 2,
  offset: 41,
  timestamp: 1_735_689_600_000,
  key: 'USR-00042',
  value: Buffer.from('{"event_id":"e-1"}', 'utf8'),
  appendedAt: 0,
  ...overrides,
});

describe('mskEventOf', () => {
  it('builds the event shape of the MSK event source mapping', () => {
    // Prepare
    const messages = [logged(), logged({ offset: 42, key: null, value: null, headers: [header('trace-id', 'abc'), header('bin', Uint8Array.from([0xff, 0x80, 0x7f]))] })];

    // Act
    const event = mskEventOf(messages);

    // Assess
    expect(event.eventSource).toBe('aws:kafka');
    expect(event.eventSourceArn).toBe(LOCAL_CLUSTER_ARN);
    expect(event.eventSourceArn).toMatch(/^arn:aws:kafka:[^:]+:\d{12}:cluster\//);
    expect(event.bootstrapServers).toMatch(/:\d+$/);
    expect(Object.keys(event.records)).toEqual(['user_events-2']);
    expect(event.records['user_events-2']).toEqual([
      {
        topic: 'user_events',
        partition: 2,
        offset: 41,
        timestamp: 1_735_689_600_000,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('USR-00042').toString('base64'),
        value: Buffer.from('{"event_id":"e-1"}').toString('base64'),
        headers: [],
      },
      {
        topic: 'user_events',
        partition: 2,
        offset: 42,
        timestamp: 1_735_689_600_000,
        timestampType: 'CREATE_TIME',
        key: null,
        value: null,
        // Java-signed bytes, as Lambda writes them (0xff is -1).
        headers: [{ 'trace-id': [97, 98, 99] }, { bin: [-1, -128, 127] }],
      },
    ]);
  });

  it('builds an event without records for an empty batch', () => {
    // Prepare / Act
    const event = mskEventOf([]);

    // Assess
    expect(event.records).toEqual({});
  });

  it('survives JSON (the invocation payload) and decodes back to the same messages', () => {
    // Prepare

    // Act / Assess
    fc.assert(
      fc.property(fc.constantFrom('user_events', 'transactions', 'streamflow.invalid_input'), fc.nat(63), fc.array(loggedMessageSpecArb, { minLength: 1, maxLength: 20 }), (topic, partition, specs) => {
        const messages = specs.map((spec, i) => logged({ topic, partition, offset: 1_000 + i, ...spec }));
        const event = JSON.parse(JSON.stringify(mskEventOf(messages))) as ReturnType<typeof mskEventOf>;

        const batches = decodeMskEvent(event);

        expect(batches).toHaveLength(1);
        expect(batches[0]!.topic).toBe(topic);
        expect(batches[0]!.partition).toBe(partition);
        expect(
          batches[0]!.records.map((record) => ({ ...record, value: record.value === null ? null : Buffer.from(record.value).toString('hex') })),
        ).toEqual(
          messages.map((m) => ({
            topic,
            partition,
            offset: m.offset,
            timestamp: m.timestamp,
            key: m.key,
            value: m.value === null ? null : m.value.toString('hex'),
            headers: m.headers ?? [],
          })),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('payload size', () => {
  it('counts exactly the bytes a record adds to the event JSON, without encoding it', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(
        fc.record({
          topic: fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }),
          partition: fc.integer({ min: 0, max: 100_000 }),
          offset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          timestamp: fc.integer({ min: -1, max: 4_102_444_800_000 }),
          key: fc.option(fc.string({ maxLength: 30, unit: 'grapheme' }), { nil: null }),
          value: fc.option(fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), { nil: null }),
          headers: fc.option(producedHeadersArb, { nil: undefined }),
        }),
        ({ headers, ...spec }) => {
          const message = logged({ ...spec, ...(headers === undefined ? {} : { headers }) });
          const record = mskEventOf([message]).records[`${message.topic}-${message.partition}`]![0];
          expect(payloadBytesOf(message)).toBe(Buffer.byteLength(JSON.stringify(record)) + 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adds up, envelope plus records, to at least the JSON size of the event', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.option(fc.string({ maxLength: 30, unit: 'grapheme' }), { nil: null }),
            text: fc.string({ maxLength: 300, unit: 'grapheme' }),
            headers: fc.option(producedHeadersArb, { nil: undefined }),
          }),
          { minLength: 1, maxLength: 15 },
        ),
        (specs) => {
          const messages = specs.map((spec, i) => logged({ key: spec.key, value: Buffer.from(spec.text, 'utf8'), offset: i, headers: spec.headers }));
          const estimate = envelopeBytesOf('user_events', 2) + messages.reduce((sum, m) => sum + payloadBytesOf(m), 0);
          const actual = Buffer.byteLength(JSON.stringify(mskEventOf(messages)));
          expect(estimate).toBeGreaterThanOrEqual(actual);
          expect(estimate - actual).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
