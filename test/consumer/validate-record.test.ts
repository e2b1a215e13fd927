import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REASON_CODES, type ReasonCode } from '../../lambdas/consumer/reasons.js';
import { INPUT_ERROR_HEADER, validateRecord, type Verdict } from '../../lambdas/consumer/validate-record.js';
import { EVENT_TYPES, PRODUCT_EVENT_TYPES } from '../../lambdas/shared/contracts/domain.js';
import type { KafkaHeader } from '../../lambdas/shared/contracts/kafka-headers.js';
import { NO_REFERENCE_DATA } from '../../lambdas/shared/reference-catalog.js';
import {
  idArb,
  isoAt,
  ONE_DAY_MS,
  REFERENCE_CATALOG,
  validRecordArb,
  validTransactionArb,
  validUserEventArb,
  type ValidRecord,
} from '../support/arbitraries.js';
import { BROKER_TIME, header, kafkaRecord, raw } from '../support/msk-event.js';

const RUNS = { numRuns: 300 };

type Json = Record<string, unknown>;

/** A copy of the value without one field. */
const without = (value: Json, field: string): Json => {
  const copy = { ...value };
  delete copy[field];
  return copy;
};

/** Validates a value sent to a topic at a broker time, with the committed reference data. */
const verdictFor = (topic: string, value: unknown, timestamp = BROKER_TIME, headers: readonly KafkaHeader[] = []): Verdict =>
  validateRecord(kafkaRecord({ topic, offset: 7, timestamp, value, headers }), REFERENCE_CATALOG);

const reasonsOf = (verdict: Verdict): { code: ReasonCode; field?: string }[] =>
  verdict.ok ? [] : verdict.reasons.map(({ code, field }) => (field === undefined ? { code } : { code, field }));

/** A verdict is either ok with a value, or a rejection with at least one reason of a known code. */
const expectWellFormed = (verdict: Verdict): void => {
  if (verdict.ok) {
    expect(verdict.value).toBeTypeOf('object');
    return;
  }
  expect(verdict.reasons.length).toBeGreaterThan(0);
  for (const reason of verdict.reasons) {
    expect(REASON_CODES).toContain(reason.code);
    expect(reason.detail.length).toBeGreaterThan(0);
  }
};

const USER_EVENT_REQUIRED = [
  'event_id',
  'user_id',
  'session_id',
  'event_type',
  'event_ts',
  'page_url',
  'device_type',
  'browser',
  'operating_system',
  'referrer',
] as const;
const TRANSACTION_REQUIRED = [
  'transaction_id',
  'user_id',
  'event_ts',
  'products',
  'subtotal',
  'discount',
  'tax',
  'total',
  'currency',
  'payment_method',
  'status',
  'shipping_state',
] as const;
const TOPICS_UNDER_TEST = ['user_events', 'transactions'] as const;

describe('validateRecord never throws', () => {
  it('returns a well-formed verdict for arbitrary bytes on any topic', () => {
    fc.assert(
      fc.property(fc.constantFrom('user_events', 'transactions', 'clicks'), fc.uint8Array({ maxLength: 200 }), (topic, bytes) => {
        // Act
        const verdict = verdictFor(topic, bytes);

        // Assess
        expectWellFormed(verdict);
      }),
      RUNS,
    );
  });

  it('returns a well-formed verdict for arbitrary JSON text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TOPICS_UNDER_TEST), fc.json(), (topic, json) => {
        // Act
        const verdict = verdictFor(topic, raw(json));

        // Assess
        expectWellFormed(verdict);
        expect(verdict.ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('returns a well-formed verdict for arbitrary objects', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TOPICS_UNDER_TEST), fc.object(), (topic, object) => {
        // Act
        const verdict = verdictFor(topic, object);

        // Assess
        expectWellFormed(verdict);
        expect(verdict.ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('returns a well-formed verdict for valid records with arbitrary values in some fields', () => {
    const fields = [...new Set<string>([...USER_EVENT_REQUIRED, ...TRANSACTION_REQUIRED, 'product_id', 'search_query', 'transaction_id', 'session_id'])];
    fc.assert(
      fc.property(
        validRecordArb,
        fc.dictionary(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        fc.option(fc.dictionary(fc.constantFrom('product_id', 'quantity', 'unit_price'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })),
        (record, overrides, itemOverrides) => {
          // Prepare
          const value: Json = { ...record.value, ...overrides };
          if (itemOverrides && record.topic === 'transactions' && !('products' in overrides)) {
            value.products = [{ ...record.value.products[0], ...itemOverrides }, ...record.value.products.slice(1)];
          }

          // Act
          const verdict = verdictFor(record.topic, value, record.timestamp);

          // Assess
          expectWellFormed(verdict);
        },
      ),
      RUNS,
    );
  });
});

describe('validateRecord accepts valid records', () => {
  it('accepts generated user events of every event type', () => {
    const seenTypes = new Set<string>();
    fc.assert(
      fc.property(validUserEventArb, ({ value, timestamp }) => {
        // Act
        const verdict = verdictFor('user_events', value, timestamp);

        // Assess
        expect(reasonsOf(verdict)).toEqual([]);
        expect(verdict).toMatchObject({ ok: true, topic: 'user_events', value: { event_id: value.event_id } });
        seenTypes.add(value.event_type);
      }),
      RUNS,
    );
    expect([...seenTypes].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('accepts generated transactions', () => {
    fc.assert(
      fc.property(validTransactionArb, ({ value, timestamp }) => {
        // Act
        const verdict = verdictFor('transactions', value, timestamp);

        // Assess
        expect(reasonsOf(verdict)).toEqual([]);
        expect(verdict).toMatchObject({ ok: true, topic: 'transactions', value: { transaction_id: value.transaction_id, total: value.total } });
      }),
      RUNS,
    );
  });

  it('accepts an event exactly one day ahead of the broker clock, and one at 2000-01-01T00:00:00Z', () => {
    fc.assert(
      fc.property(validUserEventArb, ({ value }) => {
        // Prepare
        const atSkewLimit = { ...value, event_ts: new Date(BROKER_TIME + ONE_DAY_MS).toISOString() };
        const atEarliest = { ...value, event_ts: '2000-01-01T00:00:00Z' };

        // Act
        const verdicts = [verdictFor('user_events', atSkewLimit), verdictFor('user_events', atEarliest)];

        // Assess
        expect(verdicts.map(reasonsOf)).toEqual([[], []]);
      }),
      { numRuns: 20 },
    );
  });

  it('does not check ids when no reference data is available', () => {
    fc.assert(
      fc.property(validTransactionArb, idArb, idArb, ({ value, timestamp }, userId, productId) => {
        // Prepare
        const strangers = { ...value, user_id: `x${userId}`, products: value.products.map((item) => ({ ...item, product_id: `x${productId}` })) };

        // Act
        const verdict = validateRecord(kafkaRecord({ topic: 'transactions', offset: 1, timestamp, value: strangers }), NO_REFERENCE_DATA);

        // Assess
        expect(verdict.ok).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('ignores fields the contract does not know', () => {
    fc.assert(
      fc.property(validRecordArb, fc.jsonValue(), (record, extra) => {
        // Act
        const verdict = verdictFor(record.topic, { ...record.value, coupon_code_v2: extra }, record.timestamp);

        // Assess
        expect(verdict.ok).toBe(true);
        expect(verdict.ok && 'coupon_code_v2' in verdict.value).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

describe('validateRecord rejects a mutated valid record with the expected reason', () => {
  /** A mutation of a valid record and the reason it must produce. */
  interface Mutation {
    readonly name: string;
    readonly topic: ValidRecord['topic'];
    readonly mutate: (value: Json, timestamp: number) => { value: Json; timestamp?: number };
    readonly expected: { code: ReasonCode; field?: string };
  }

  const amountFields = ['subtotal', 'discount', 'tax', 'total'] as const;
  const item = (value: Json, index: number): Json => (value.products as Json[])[index]!;
  const withFirstItem = (value: Json, change: Json): Json => ({
    ...value,
    products: [{ ...item(value, 0), ...change }, ...(value.products as Json[]).slice(1)],
  });

  const MUTATIONS: readonly Mutation[] = [
    // Wrong types.
    ...(['event_id', 'user_id', 'session_id', 'event_ts', 'page_url'] as const).map(
      (field): Mutation => ({ name: `${field} as a number`, topic: 'user_events', mutate: (v) => ({ value: { ...v, [field]: 42 } }), expected: { code: 'invalid_type', field } }),
    ),
    { name: 'event_id as null', topic: 'user_events', mutate: (v) => ({ value: { ...v, event_id: null } }), expected: { code: 'invalid_type', field: 'event_id' } },
    ...amountFields.map(
      (field): Mutation => ({
        name: `${field} as a string`,
        topic: 'transactions',
        mutate: (v) => ({ value: { ...v, [field]: String(v[field]) } }),
        expected: { code: 'invalid_type', field },
      }),
    ),
    { name: 'products as an object', topic: 'transactions', mutate: (v) => ({ value: { ...v, products: item(v, 0) } }), expected: { code: 'invalid_type', field: 'products' } },
    {
      name: 'quantity as a string',
      topic: 'transactions',
      mutate: (v) => ({ value: withFirstItem(v, { quantity: String(item(v, 0).quantity) }) }),
      expected: { code: 'invalid_type', field: 'products.0.quantity' },
    },
    // Out-of-range and inconsistent values.
    ...(['discount', 'tax'] as const).map(
      (field): Mutation => ({ name: `negative ${field}`, topic: 'transactions', mutate: (v) => ({ value: { ...v, [field]: -1.25 } }), expected: { code: 'invalid_value', field } }),
    ),
    {
      name: 'negative unit price',
      topic: 'transactions',
      mutate: (v) => ({ value: withFirstItem(v, { unit_price: -(item(v, 0).unit_price as number) - 0.01 }) }),
      expected: { code: 'invalid_value', field: 'products.0.unit_price' },
    },
    { name: 'zero quantity', topic: 'transactions', mutate: (v) => ({ value: withFirstItem(v, { quantity: 0 }) }), expected: { code: 'invalid_value', field: 'products.0.quantity' } },
    {
      name: 'fractional quantity',
      topic: 'transactions',
      mutate: (v) => ({ value: withFirstItem(v, { quantity: 1.5 }) }),
      expected: { code: 'invalid_type', field: 'products.0.quantity' },
    },
    { name: 'sub-cent tax', topic: 'transactions', mutate: (v) => ({ value: { ...v, tax: (v.tax as number) + 0.001 } }), expected: { code: 'invalid_value', field: 'tax' } },
    { name: 'total off by a cent', topic: 'transactions', mutate: (v) => ({ value: { ...v, total: (v.total as number) + 0.01 } }), expected: { code: 'invalid_value', field: 'total' } },
    {
      name: 'subtotal that is not the sum of the items',
      topic: 'transactions',
      mutate: (v) => ({ value: { ...v, subtotal: (v.subtotal as number) + 1, total: (v.total as number) + 1 } }),
      expected: { code: 'invalid_value', field: 'subtotal' },
    },
    {
      name: 'discount above the subtotal',
      topic: 'transactions',
      mutate: (v) => ({ value: { ...v, discount: (v.subtotal as number) + 5, total: (v.tax as number) - 5 } }),
      expected: { code: 'invalid_value', field: 'discount' },
    },
    { name: 'no products', topic: 'transactions', mutate: (v) => ({ value: { ...v, products: [] } }), expected: { code: 'invalid_value', field: 'products' } },
    { name: 'currency outside the vocabulary', topic: 'transactions', mutate: (v) => ({ value: { ...v, currency: 'EUR' } }), expected: { code: 'invalid_value', field: 'currency' } },
    { name: 'unknown shipping state', topic: 'transactions', mutate: (v) => ({ value: { ...v, shipping_state: 'XX' } }), expected: { code: 'invalid_value', field: 'shipping_state' } },
    { name: 'event type outside the vocabulary', topic: 'user_events', mutate: (v) => ({ value: { ...v, event_type: 'refund' } }), expected: { code: 'invalid_value', field: 'event_type' } },
    { name: 'id with a slash', topic: 'user_events', mutate: (v) => ({ value: { ...v, event_id: 'a/b' } }), expected: { code: 'invalid_value', field: 'event_id' } },
    { name: 'empty page url', topic: 'user_events', mutate: (v) => ({ value: { ...v, page_url: '' } }), expected: { code: 'invalid_value', field: 'page_url' } },
    { name: 'timestamp without offset', topic: 'user_events', mutate: (v) => ({ value: { ...v, event_ts: '2025-03-01T10:00:00' } }), expected: { code: 'invalid_value', field: 'event_ts' } },
    // Fields other fields make required.
    ...PRODUCT_EVENT_TYPES.map(
      (eventType): Mutation => ({
        name: `${eventType} without product_id`,
        topic: 'user_events',
        mutate: (v) => ({ value: without({ ...v, event_type: eventType }, 'product_id') }),
        expected: { code: 'missing_field', field: 'product_id' },
      }),
    ),
    {
      name: 'purchase without transaction_id',
      topic: 'user_events',
      mutate: (v) => ({ value: without({ ...v, event_type: 'purchase' }, 'transaction_id') }),
      expected: { code: 'missing_field', field: 'transaction_id' },
    },
    { name: 'search with an empty query', topic: 'user_events', mutate: (v) => ({ value: { ...v, event_type: 'search', search_query: '' } }), expected: { code: 'invalid_value', field: 'search_query' } },
    // Reference data.
    ...TOPICS_UNDER_TEST.map(
      (topic): Mutation => ({ name: `unknown user on ${topic}`, topic, mutate: (v) => ({ value: { ...v, user_id: 'USR-99999' } }), expected: { code: 'unknown_user_id', field: 'user_id' } }),
    ),
    {
      name: 'unknown product in a transaction item',
      topic: 'transactions',
      mutate: (v) => ({ value: withFirstItem(v, { product_id: 'PRD-99999' }) }),
      expected: { code: 'unknown_product_id', field: 'product_id' },
    },
    {
      name: 'unknown product on a product view',
      topic: 'user_events',
      mutate: (v) => ({ value: { ...v, event_type: 'product_view', product_id: 'PRD-00000' } }),
      expected: { code: 'unknown_product_id', field: 'product_id' },
    },
  ];

  it.each(MUTATIONS)('$name → $expected.code', ({ topic, mutate, expected }) => {
    const arb = topic === 'user_events' ? validUserEventArb : validTransactionArb;
    fc.assert(
      fc.property(arb, ({ value, timestamp }) => {
        // Prepare
        const mutated = mutate({ ...value }, timestamp);

        // Act
        const verdict = verdictFor(topic, mutated.value, mutated.timestamp ?? timestamp);

        // Assess
        expect(verdict.ok).toBe(false);
        expect(reasonsOf(verdict)).toContainEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it.each(TOPICS_UNDER_TEST)('dropping any required field of %s → missing_field naming it', (topic) => {
    const required: readonly string[] = topic === 'user_events' ? USER_EVENT_REQUIRED : TRANSACTION_REQUIRED;
    fc.assert(
      fc.property(validRecordArb.filter((record) => record.topic === topic), fc.constantFrom(...required), (record, field) => {
        // Prepare
        const value = without(record.value, field);

        // Act
        const verdict = verdictFor(topic, value, record.timestamp);

        // Assess
        expect(reasonsOf(verdict)).toContainEqual({ code: 'missing_field', field });
      }),
      RUNS,
    );
  });

  it('dropping a field of a transaction item → missing_field with its dotted path', () => {
    fc.assert(
      fc.property(validTransactionArb, fc.constantFrom('product_id', 'quantity', 'unit_price'), ({ value, timestamp }, field) => {
        // Prepare
        const items: Json[] = value.products.map((line) => ({ ...line }));
        const index = items.length - 1;
        delete items[index]![field];

        // Act
        const verdict = verdictFor('transactions', { ...value, products: items }, timestamp);

        // Assess
        expect(reasonsOf(verdict)).toContainEqual({ code: 'missing_field', field: `products.${index}.${field}` });
      }),
      { numRuns: 100 },
    );
  });

  it('an event time more than a day after the broker time → future_timestamp', () => {
    fc.assert(
      fc.property(validRecordArb, fc.integer({ min: 1, max: 5 * 365 * 24 * 3600 }), (record, secondsBeyond) => {
        // Prepare
        const eventTs = isoAt(record.timestamp + ONE_DAY_MS + secondsBeyond * 1000, 0, true, true);

        // Act
        const verdict = verdictFor(record.topic, { ...record.value, event_ts: eventTs }, record.timestamp);

        // Assess
        expect(reasonsOf(verdict)).toContainEqual({ code: 'future_timestamp', field: 'event_ts' });
      }),
      RUNS,
    );
  });

  it('an event time before 2000-01-01 → ancient_timestamp', () => {
    fc.assert(
      fc.property(validRecordArb, fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('1999-12-31T23:59:59.999Z'), noInvalidDate: true }), (record, date) => {
        // Prepare
        const eventTs = isoAt(date.getTime(), 0, true, true);

        // Act
        const verdict = verdictFor(record.topic, { ...record.value, event_ts: eventTs }, record.timestamp);

        // Assess
        expect(reasonsOf(verdict)).toContainEqual({ code: 'ancient_timestamp', field: 'event_ts' });
      }),
      RUNS,
    );
  });

  it('reports an unknown user and every unknown product of one transaction together', () => {
    fc.assert(
      fc.property(validTransactionArb, ({ value, timestamp }) => {
        // Prepare
        const strangers = { ...value, user_id: 'USR-00000', products: value.products.map((line) => ({ ...line, product_id: 'PRD-99999' })) };

        // Act
        const verdict = verdictFor('transactions', strangers, timestamp);

        // Assess
        const codes = reasonsOf(verdict).map((reason) => reason.code);
        expect(codes.filter((code) => code === 'unknown_user_id')).toHaveLength(1);
        expect(codes.filter((code) => code === 'unknown_product_id')).toHaveLength(value.products.length);
      }),
      { numRuns: 50 },
    );
  });
});

describe('validateRecord judges the record before its value', () => {
  const validEvent = fc.sample(validUserEventArb, { numRuns: 1, seed: 7 })[0]!;

  it('rejects any topic without a contract as unknown_topic, even with a valid value', () => {
    // Act
    const verdict = verdictFor('user_events_v2', validEvent.value, validEvent.timestamp);

    // Assess
    expect(reasonsOf(verdict)).toEqual([{ code: 'unknown_topic' }]);
  });

  it.each([
    ['year 10000', Date.parse('+010000-01-01T00:00:00Z')],
    ['past the end of JavaScript dates', 9e15],
    ['before year 1', Date.parse('0000-12-31T23:59:59Z')],
    ['not a number', Number.NaN],
  ])('rejects a broker time %s, which no timestamp column holds, as invalid_value', (_label, timestamp) => {
    // Act
    const verdict = verdictFor('user_events', validEvent.value, timestamp);

    // Assess
    expect(reasonsOf(verdict)).toEqual([{ code: 'invalid_value', field: 'kafka_timestamp' }]);
  });

  it('rejects an event time that an offset carries past year 9999 as future_timestamp, whatever the broker time', () => {
    // Act
    const verdict = verdictFor('user_events', { ...validEvent.value, event_ts: '9999-12-31T20:00:00-14:00' }, Date.parse('9999-12-31T12:00:00Z'));

    // Assess
    expect(reasonsOf(verdict)).toEqual([{ code: 'future_timestamp', field: 'event_ts' }]);
  });

  it('rejects a record without a value as a tombstone', () => {
    // Act
    const verdict = verdictFor('transactions', null);

    // Assess
    expect(reasonsOf(verdict)).toEqual([{ code: 'tombstone' }]);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0x7b, 0x22, 0xe2, 0x82]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['Latin-1 text', [...Buffer.from('{"page_url":"caf\u00e9"}', 'latin1')]],
  ])('rejects a value with %s as invalid_utf8', (_label, bytes) => {
    // Act
    const verdict = verdictFor('user_events', Uint8Array.from(bytes));

    // Assess
    expect(reasonsOf(verdict)).toEqual([{ code: 'invalid_utf8' }]);
  });

  it.each(['', '{', '{"event_id": "e-1",}', "{'event_id': 'e-1'}", 'NaN', '{"a":1}{"a":2}'])('rejects the text %j as malformed_json', (text) => {
    // Act
    const verdict = verdictFor('user_events', raw(text));

    // Assess
    expect(reasonsOf(verdict)).toEqual([{ code: 'malformed_json' }]);
  });

  it.each([['[]'], ['[{"event_id":"e-1"}]'], ['"text"'], ['42'], ['true'], ['null']])('rejects the JSON value %s as not_an_object', (text) => {
    // Act
    const verdict = verdictFor('transactions', raw(text));

    // Assess
    expect(reasonsOf(verdict)).toEqual([{ code: 'not_an_object' }]);
  });

  it('rejects a record carrying the streamflow-input-error header with that header as the detail', () => {
    // Prepare
    const detail = 'line 12: Unexpected token } in JSON';

    // Act
    const onKnownTopic = validateRecord(
      kafkaRecord({ topic: 'user_events', offset: 1, value: validEvent.value, timestamp: validEvent.timestamp, headers: [header(INPUT_ERROR_HEADER, detail)] }),
      REFERENCE_CATALOG,
    );
    const onUnknownTopic = verdictFor('not-a-topic', null, BROKER_TIME, [header(INPUT_ERROR_HEADER, detail)]);

    // Assess
    expect(INPUT_ERROR_HEADER).toBe('streamflow-input-error');
    expect(onKnownTopic).toEqual({ ok: false, reasons: [{ code: 'invalid_input_line', detail }] });
    expect(onUnknownTopic).toEqual({ ok: false, reasons: [{ code: 'invalid_input_line', detail }] });
  });

  it('accepts a valid value whatever other headers the record carries', () => {
    // Act
    const verdict = verdictFor('user_events', validEvent.value, validEvent.timestamp, [header('content-type', 'application/json'), header('traceparent', '00-abc-def-01')]);

    // Assess
    expect(verdict.ok).toBe(true);
  });
});

describe('validateRecord keeps control characters out of CSV fields', () => {
  const validEvent = fc.sample(validUserEventArb, { numRuns: 1, seed: 7 })[0]!;
  const eventWith = (overrides: Json): Json => ({ ...validEvent.value, ...overrides });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['vertical tab', '\u000b'],
    ['form feed', '\u000c'],
    ['ESC', '\u001b'],
    ['unit separator', '\u001f'],
  ])('quarantines a %s in a text field as control_character, naming the field and the character', (_name, control) => {
    // Act
    const verdict = verdictFor('user_events', eventWith({ page_url: `/a${control}b` }), validEvent.timestamp);

    // Assess
    expect(verdict).toEqual({
      ok: false,
      reasons: [
        {
          code: 'control_character',
          field: 'page_url',
          detail: `page_url holds U+${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at character 3 (only tab, LF and CR of the C0 controls are loaded)`,
        },
      ],
    });
  });

  it('accepts tab, LF and CR in text (both warehouses load them inside a quoted field), and DEL', () => {
    // Act
    const verdict = verdictFor('user_events', eventWith({ page_url: '/a\tb\nc\rd\u007f' }), validEvent.timestamp);

    // Assess
    expect(verdict.ok).toBe(true);
  });

  it('reads the escapes a producer may write: \\u001B and \\b are control characters, an escaped backslash before b is not', () => {
    // Prepare: value text written by hand, not by JSON.stringify (which writes \\u001b).
    const json = (pageUrl: string): Buffer => raw(JSON.stringify(eventWith({ page_url: 'PAGE' })).replace('"PAGE"', `"${pageUrl}"`));

    // Act
    const upper = verdictFor('user_events', json('/a\\u001Bb'), validEvent.timestamp);
    const backspace = verdictFor('user_events', json('/a\\bb'), validEvent.timestamp);
    const backslash = verdictFor('user_events', json('/a\\\\bb'), validEvent.timestamp);

    // Assess
    expect(reasonsOf(upper)).toEqual([{ code: 'control_character', field: 'page_url' }]);
    expect(reasonsOf(backspace)).toEqual([{ code: 'control_character', field: 'page_url' }]);
    expect(backslash.ok).toBe(true);
  });

  it('quarantines a control character in the Kafka key, which gold keeps as kafka_key', () => {
    // Prepare
    const keyed = kafkaRecord({ topic: 'user_events', offset: 1, value: validEvent.value, timestamp: validEvent.timestamp, key: 'USR\u0000' });

    // Act
    const verdict = validateRecord(keyed, REFERENCE_CATALOG);

    // Assess
    expect(reasonsOf(verdict)).toEqual([{ code: 'control_character', field: 'kafka_key' }]);
  });
});
