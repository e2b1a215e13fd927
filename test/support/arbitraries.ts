/**
 * fast-check arbitraries for the event contracts, built from the domain vocabularies and the
 * committed reference data (never from the schemas themselves, so they can disagree with them).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { z } from 'zod';
import {
  BROWSERS,
  DEVICE_TYPES,
  EVENT_TYPES,
  OPERATING_SYSTEMS,
  PAYMENT_METHODS,
  PRODUCT_EVENT_TYPES,
  REFERRERS,
  STATE_CODES,
  TRANSACTION_STATUSES,
} from '../../lambdas/shared/contracts/domain.js';
import type { KafkaRecord } from '../../lambdas/consumer/kafka-record.js';
import type { ReasonCode } from '../../lambdas/consumer/reasons.js';
import type { Transaction, UserEvent } from '../../lambdas/shared/contracts/events.js';
import type { KafkaHeader } from '../../lambdas/shared/contracts/kafka-headers.js';
import type { ProducedHeader } from '../../lambdas/shared/ports/event-publisher.js';
import { customerSchema, productSchema } from '../../lambdas/shared/contracts/reference.js';
import { catalogOf } from '../../lambdas/shared/reference-catalog.js';
import { BROKER_TIME, header } from './msk-event.js';

const readData = <T>(name: string, schema: z.ZodType<T>): T[] =>
  z.array(schema).parse(JSON.parse(readFileSync(new URL(`../../data/${name}`, import.meta.url), 'utf8')));

export const PRODUCTS = readData('products.json', productSchema);
export const CUSTOMERS = readData('customers.json', customerSchema);
export const PRODUCT_IDS = PRODUCTS.map((product) => product.product_id);
export const USER_IDS = CUSTOMERS.map((customer) => customer.user_id);

/** The catalog the consumer would build from the committed reference data. */
export const REFERENCE_CATALOG = catalogOf(USER_IDS, PRODUCT_IDS);

/** A record value together with the broker time it arrives at. */
export interface Timed<T> {
  readonly value: T;
  readonly timestamp: number;
}

export const ONE_DAY_MS = 24 * 60 * 60 * 1000;

/** Ids as the contract describes them: a letter or digit, then up to 63 letters, digits, `-`, `_`. */
export const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);
export const userIdArb = fc.constantFrom(...USER_IDS);
export const productIdArb = fc.constantFrom(...PRODUCT_IDS);

/** Characters that trouble CSV writers and spreadsheets, mixed with arbitrary unicode. */
const HAZARDS = ['"', ',', '\n', '\r', '\r\n', ' ', '\t', '=', '+', '-', '@', ';', "'"] as const;
const textUnit = fc.oneof(fc.constantFrom(...HAZARDS), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));

/** Text of `minLength`..`maxLength` units, rich in CSV hazards (quotes, commas, line breaks, `=+-@`). */
export const hazardousText = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: textUnit, minLength, maxLength });

const pad = (n: number): string => String(n).padStart(2, '0');

/** ISO-8601 for an instant, written in the given UTC offset (`Z` for 0 when `zulu`). */
export const isoAt = (ms: number, offsetMinutes: number, withMillis: boolean, zulu = false): string => {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, withMillis ? 23 : 19);
  if (offsetMinutes === 0 && zulu) return `${local}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
};

/** An event time and a broker time that the consumer should accept together. */
const acceptedTimes = fc
  .record({
    broker: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
    // Events may arrive late by up to a month, or early by less than the allowed clock skew.
    lagSeconds: fc.integer({ min: -(ONE_DAY_MS / 1000 - 3600), max: 30 * 24 * 3600 }),
    millis: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
    offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
    zulu: fc.boolean(),
  })
  .map(({ broker, lagSeconds, millis, offsetMinutes, zulu }) => {
    const eventMs = Math.floor(broker / 1000) * 1000 - lagSeconds * 1000 + (millis ?? 0);
    return { timestamp: broker, event_ts: isoAt(eventMs, offsetMinutes, millis !== undefined, zulu) };
  });

/** Absent, `null`, or a value: the three forms of an optional field. */
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof(fc.constant(undefined), fc.constant(null), arb);

/** Drops `undefined` properties, as JSON encoding would. */
const compact = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

export const validUserEventArb: fc.Arbitrary<Timed<UserEvent>> = fc
  .record({
    times: acceptedTimes,
    event_id: idArb,
    user_id: userIdArb,
    session_id: idArb,
    event_type: fc.constantFrom(...EVENT_TYPES),
    page_url: hazardousText(1, 40),
    product_id: optional(productIdArb),
    required_product_id: productIdArb,
    search_query: optional(hazardousText(0, 30)),
    required_search_query: hazardousText(1, 30),
    transaction_id: optional(idArb),
    required_transaction_id: idArb,
    device_type: fc.constantFrom(...DEVICE_TYPES),
    browser: fc.constantFrom(...BROWSERS),
    operating_system: fc.constantFrom(...OPERATING_SYSTEMS),
    referrer: fc.constantFrom(...REFERRERS),
  })
  .map(({ times, required_product_id, required_search_query, required_transaction_id, ...event }) => ({
    timestamp: times.timestamp,
    value: compact({
      event_id: event.event_id,
      user_id: event.user_id,
      session_id: event.session_id,
      event_type: event.event_type,
      event_ts: times.event_ts,
      page_url: event.page_url,
      // Fields some event types require get a value for those types.
      product_id: PRODUCT_EVENT_TYPES.includes(event.event_type) ? (event.product_id ?? required_product_id) : event.product_id,
      search_query: event.event_type === 'search' ? event.search_query || required_search_query : event.search_query,
      transaction_id: event.event_type === 'purchase' ? (event.transaction_id ?? required_transaction_id) : event.transaction_id,
      device_type: event.device_type,
      browser: event.browser,
      operating_system: event.operating_system,
      referrer: event.referrer,
    }),
  }));

export const validTransactionArb: fc.Arbitrary<Timed<Transaction>> = fc
  .record({
    times: acceptedTimes,
    transaction_id: idArb,
    user_id: userIdArb,
    session_id: optional(idArb),
    items: fc.array(
      fc.record({ product_id: productIdArb, quantity: fc.integer({ min: 1, max: 20 }), priceCents: fc.integer({ min: 1, max: 250_000 }) }),
      { minLength: 1, maxLength: 5 },
    ),
    discountPercent: fc.integer({ min: 0, max: 100 }),
    taxCents: fc.integer({ min: 0, max: 50_000 }),
    payment_method: fc.constantFrom(...PAYMENT_METHODS),
    status: fc.constantFrom(...TRANSACTION_STATUSES),
    shipping_state: fc.constantFrom(...STATE_CODES),
  })
  .map(({ times, items, discountPercent, taxCents, ...txn }) => {
    // Arithmetic in integer cents, so the amounts are exact before they become dollars.
    const subtotalCents = items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0);
    const discountCents = Math.floor((subtotalCents * discountPercent) / 100);
    return {
      timestamp: times.timestamp,
      value: compact({
        transaction_id: txn.transaction_id,
        user_id: txn.user_id,
        session_id: txn.session_id,
        event_ts: times.event_ts,
        products: items.map((item) => ({ product_id: item.product_id, quantity: item.quantity, unit_price: item.priceCents / 100 })),
        subtotal: subtotalCents / 100,
        discount: discountCents / 100,
        tax: taxCents / 100,
        total: (subtotalCents - discountCents + taxCents) / 100,
        currency: 'USD' as const,
        payment_method: txn.payment_method,
        status: txn.status,
        shipping_state: txn.shipping_state,
      }),
    };
  });

/** A valid record of either topic. */
export type ValidRecord =
  | { readonly topic: 'user_events'; readonly value: UserEvent; readonly timestamp: number }
  | { readonly topic: 'transactions'; readonly value: Transaction; readonly timestamp: number };

export const validRecordArb: fc.Arbitrary<ValidRecord> = fc.oneof(
  validUserEventArb.map((record) => ({ topic: 'user_events' as const, ...record })),
  validTransactionArb.map((record) => ({ topic: 'transactions' as const, ...record })),
);

/** The natural key of a valid record. */
export const idOf = (record: ValidRecord): string =>
  record.topic === 'user_events' ? record.value.event_id : record.value.transaction_id;

/** Header names that repeat (a few fixed ones, `__proto__` among them) or any text. */
const headerNameArb = fc.oneof(fc.constantFrom('trace', 'source', '__proto__', 'trace"id'), fc.string({ unit: 'grapheme', maxLength: 12 }));
/** Header values: any bytes or UTF-8 text. */
const headerBytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((text) => Buffer.from(text, 'utf8')),
);

/** Headers as a producer sends them: in any order, names repeated, values of any bytes. */
export const producedHeadersArb: fc.Arbitrary<ProducedHeader[]> = fc.array(fc.record({ name: headerNameArb, value: headerBytesArb }), { maxLength: 4 });

/** What a logged message carries besides its coordinates: a key or none, a value or a tombstone, a time, headers or none. */
export const loggedMessageSpecArb = fc.record({
  key: fc.option(fc.string({ maxLength: 40, unit: 'grapheme' }), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)), { nil: null }),
  timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  headers: fc.option(producedHeadersArb, { nil: undefined }),
});

/** Headers as a record may carry them: those a producer sends, and headers without a value. */
export const kafkaHeadersArb: fc.Arbitrary<KafkaHeader[]> = fc.array(
  fc.record({ name: headerNameArb, value: fc.option(headerBytesArb, { nil: null }) }),
  { maxLength: 4 },
);

/** Records as they could arrive: any bytes, UTF-8 text, or no value at all. */
export const kafkaRecordArb: fc.Arbitrary<KafkaRecord> = fc.record({
  topic: fc.constantFrom('user_events', 'transactions', 'clicks'),
  partition: fc.nat({ max: 63 }),
  offset: fc.nat({ max: 2 ** 40 }),
  timestamp: fc.integer({ min: -1, max: Date.UTC(2100, 0, 1) }),
  key: fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: null }),
  value: fc.oneof(
    fc.constant(null),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => Buffer.from(text, 'utf8')),
    fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null', 'utf8')),
  ),
  headers: kafkaHeadersArb,
});

/** A record value the consumer must quarantine, with the reason it must give first. */
export interface DirtyValue {
  readonly value: unknown;
  readonly timestamp: number;
  readonly headers?: readonly KafkaHeader[];
  readonly expected: ReasonCode;
}

const dirty = (value: unknown, expected: ReasonCode, timestamp = BROKER_TIME): DirtyValue => ({ value, timestamp, expected });

/** Records that fail for one known reason each, from the record down to the reference data. */
export const dirtyValueArb = (topic: ValidRecord['topic']): fc.Arbitrary<DirtyValue> => {
  const valid: fc.Arbitrary<Timed<Record<string, unknown>>> = topic === 'user_events' ? validUserEventArb : validTransactionArb;
  const idField = topic === 'user_events' ? 'event_id' : 'transaction_id';
  return fc.oneof(
    fc.constant(dirty(null, 'tombstone')),
    fc.uint8Array({ maxLength: 20 }).map((rest) => dirty(Uint8Array.from([0xff, ...rest]), 'invalid_utf8')),
    fc.string({ maxLength: 20 }).map((text) => dirty(Buffer.from(`{"unterminated": ${JSON.stringify(text)}`), 'malformed_json')),
    fc
      .oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.string(), fc.integer(), fc.boolean(), fc.constant(null))
      .map((json) => dirty(Buffer.from(JSON.stringify(json)), 'not_an_object')),
    valid.map(({ value, timestamp }) => {
      const withoutId = { ...value };
      delete withoutId[idField];
      return dirty(withoutId, 'missing_field', timestamp);
    }),
    valid.map(({ value, timestamp }) => dirty({ ...value, user_id: 'USR-99999' }, 'unknown_user_id', timestamp)),
    valid.map(({ value, timestamp }) => dirty({ ...value, event_ts: new Date(timestamp + 2 * ONE_DAY_MS).toISOString() }, 'future_timestamp', timestamp)),
    valid.map(({ value, timestamp }) => ({ ...dirty(value, 'invalid_input_line', timestamp), headers: [header('streamflow-input-error', 'line 3: not JSON')] })),
  );
};
