import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { landingJson, toLandingLine, valueText, type KafkaRecord } from '../../lambdas/consumer/kafka-record.js';
import { validateRecord } from '../../lambdas/consumer/validate-record.js';
import { kafkaRecordArb, REFERENCE_CATALOG } from '../support/arbitraries.js';
import { BROKER_TIME } from '../support/msk-event.js';

/** A record whose headers keep `__proto__` as a plain name, as decodeMskEvent builds them. */
const withOddHeaders = (record: KafkaRecord): KafkaRecord => {
  const headers = Object.create(null) as Record<string, string>;
  headers.__proto__ = 'kept';
  headers['trace"id'] = 'a\u2028b';
  return { ...record, headers };
};

describe('landingJson', () => {
  it('writes exactly JSON.stringify(toLandingLine(record)), for any record', () => {
    fc.assert(
      fc.property(kafkaRecordArb, (record) => {
        // Act
        const json = landingJson(record, valueText(record));

        // Assess
        expect(json).toBe(JSON.stringify(toLandingLine(record)));
        expect(landingJson(withOddHeaders(record), valueText(record))).toBe(JSON.stringify(toLandingLine(withOddHeaders(record))));
      }),
      { numRuns: 500 },
    );
  });

  it('writes what JSON.stringify writes for numbers that are not finite', () => {
    // Prepare
    const record: KafkaRecord = { topic: 'user_events', partition: 0, offset: Number.NaN, timestamp: Number.POSITIVE_INFINITY, key: null, value: null, headers: {} };

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
    const record: KafkaRecord = { topic: 'user_events', partition: 0, offset: 1, timestamp: BROKER_TIME, key: null, value, headers: {} };

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
    const record = { topic: 'user_events', offset: 3, timestamp: BROKER_TIME, value: Buffer.from('{}'), headers: {} } as unknown as KafkaRecord;

    // Act
    const json = landingJson(record, valueText(record));

    // Assess
    expect(json).toBe(JSON.stringify(toLandingLine(record)));
    expect(json).not.toContain('"key"');
  });
});
