import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { landingJson, toLandingLine, valueText, type KafkaRecord } from '../../lambdas/consumer/kafka-record.js';
import { validateRecord } from '../../lambdas/consumer/validate-record.js';
import { kafkaHeadersArb, kafkaRecordArb, REFERENCE_CATALOG } from '../support/arbitraries.js';
import { BROKER_TIME, header } from '../support/msk-event.js';

describe('landingJson', () => {
  it('writes exactly JSON.stringify(toLandingLine(record)), for any record', () => {
    fc.assert(
      fc.property(kafkaRecordArb, (record) => {
        // Act
        const json = landingJson(record, valueText(record));

        // Assess
        expect(json).toBe(JSON.stringify(toLandingLine(record)));
      }),
      { numRuns: 500 },
    );
  });

  it('writes exactly JSON.stringify(toLandingLine(record)) for any headers: repeated names, any bytes, no value', () => {
    // Prepare: at least one header with the name of another (and odd names: `__proto__`, a quote, U+2028).
    const repeatedArb = fc
      .tuple(kafkaRecordArb, kafkaHeadersArb, fc.constantFrom('trace', '__proto__', 'trace"id\u2028'))
      .map(([record, headers, name]) => ({ ...record, headers: [header(name, 'first'), ...headers, header(name, Uint8Array.from([0xc3, 0x28]))] }));
    fc.assert(
      fc.property(repeatedArb, (record) => {
        // Act
        const json = landingJson(record, valueText(record));

        // Assess
        expect(json).toBe(JSON.stringify(toLandingLine(record)));
        expect((JSON.parse(json) as { headers: unknown[] }).headers).toHaveLength(record.headers.length);
      }),
      { numRuns: 500 },
    );
  });

  it('writes what JSON.stringify writes for numbers that are not finite', () => {
    // Prepare
    const record: KafkaRecord = { topic: 'user_events', partition: 0, offset: Number.NaN, timestamp: Number.POSITIVE_INFINITY, key: null, value: null, headers: [] };

    // Act
    const json = landingJson(record, valueText(record));

    // Assess
    expect(json).toBe(JSON.stringify(toLandingLine(record)));
  });
});

describe('validateRecord with the value decoded once', () => {
  it('gives the verdict it gives when it decodes the value itself, for any record', () => {
    fc.assert(
      fc.property(kafkaRecordArb, (record) => {
        // Act
        const shared = validateRecord(record, REFERENCE_CATALOG, valueText(record));

        // Assess
        expect(shared).toEqual(validateRecord(record, REFERENCE_CATALOG));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a value behind a byte order mark as JSON, as a UTF-8 decoder does', () => {
    // Prepare
    const value = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]', 'utf8')]);
    const record: KafkaRecord = { topic: 'user_events', partition: 0, offset: 1, timestamp: BROKER_TIME, key: null, value, headers: [] };

    // Act
    const verdict = validateRecord(record, REFERENCE_CATALOG, valueText(record));

    // Assess: parsed (an array, not malformed JSON), while the landing line keeps the mark.
    expect(verdict).toEqual({ ok: false, reasons: [{ code: 'not_an_object', detail: 'value is an array' }] });
    expect((JSON.parse(landingJson(record, valueText(record))) as { value: string }).value).toBe('\uFEFF[1]');
  });
});

describe('landingJson on a landing line read back without some members', () => {
  it('leaves out what JSON.stringify leaves out', () => {
    // Prepare: a hand-made landing line with no key and no partition, replayed.
    const record = { topic: 'user_events', offset: 3, timestamp: BROKER_TIME, value: Buffer.from('{}'), headers: [] } as unknown as KafkaRecord;

    // Act
    const json = landingJson(record, valueText(record));

    // Assess
    expect(json).toBe(JSON.stringify(toLandingLine(record)));
    expect(json).not.toContain('"key"');
  });
});
