import { Faker, en } from '@faker-js/faker';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../lambdas/shared/reference-catalog.js';
import { validateRecord } from '../../lambdas/consumer/validate-record.js';
import type { KafkaRecord } from '../../lambdas/consumer/kafka-record.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import { DIRT_KINDS, makeDirty } from '../../lambdas/producer/dirty-records.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { CUSTOMERS, PRODUCTS } from '../../lambdas/producer/reference-data.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';

const WINDOW = eventWindow(new Date('2025-06-15T12:00:00Z'), 5);
/** A clean sample with both topics and every event type, to spoil one message at a time. */
const CLEAN = [...generateEventStream({ events: 3_000, seed: 17, window: WINDOW })];
const CATALOG = catalogOf(
  CUSTOMERS.map((customer) => customer.user_id),
  PRODUCTS.map((product) => product.product_id),
);

/** The record the consumer would receive, broker time at the end of the window. */
const asRecord = (message: ProducedMessage, offset: number): KafkaRecord => ({
  topic: message.topic,
  partition: 0,
  offset,
  timestamp: WINDOW.end.getTime(),
  key: message.key,
  value: message.value,
  headers: [],
});

const fakerWith = (seed: number): Faker => {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  return faker;
};

describe('makeDirty', () => {
  it('leaves the clean sample valid, so a rejection below is the dirt and nothing else', () => {
    // Prepare / Act
    const rejected = CLEAN.filter((message, i) => !validateRecord(asRecord(message, i), CATALOG).ok);

    // Assess
    expect(new Set(CLEAN.map((message) => message.topic))).toEqual(new Set(['user_events', 'transactions']));
    expect(rejected).toEqual([]);
  });

  it('makes records the consumer rejects, for every kind but duplicate and every message', () => {
    // Prepare
    const spoilingKinds = DIRT_KINDS.filter((kind) => kind !== 'duplicate');

    // Act / Assess
    fc.assert(
      fc.property(fc.constantFrom(...spoilingKinds), fc.nat({ max: CLEAN.length - 1 }), fc.nat(), (kind, index, seed) => {
        const dirty = makeDirty(CLEAN[index]!, kind, fakerWith(seed));
        expect(dirty).toHaveLength(1);
        expect(dirty[0]!.topic).toBe(CLEAN[index]!.topic);
        expect(validateRecord(asRecord(dirty[0]!, index), CATALOG).ok).toBe(false);
      }),
      { numRuns: 600 },
    );
  });

  it('removes a field the contract requires, on transactions and on every event type', () => {
    // Prepare: one message of each event type and a transaction
    const samples = new Map<string, ProducedMessage>();
    for (const message of CLEAN) {
      const { event_type: type } = JSON.parse(message.value!.toString('utf8')) as { event_type?: string };
      samples.set(type ?? 'transaction', samples.get(type ?? 'transaction') ?? message);
    }

    // Act: many seeds, so every field on the list is removed at least once
    const accepted: string[] = [];
    for (const [type, message] of samples) {
      for (let seed = 0; seed < 40; seed++) {
        const [dirty] = makeDirty(message, 'missing_field', fakerWith(seed));
        if (validateRecord(asRecord(dirty!, 0), CATALOG).ok) accepted.push(`${type}: ${dirty!.value!.toString('utf8')}`);
      }
    }

    // Assess
    expect(samples.size).toBe(8);
    expect(accepted).toEqual([]);
  });

  it('duplicates a message as the very same message twice', () => {
    // Prepare
    const message = CLEAN[0]!;

    // Act
    const out = makeDirty(message, 'duplicate', fakerWith(1));

    // Assess
    expect(out).toEqual([message, message]);
  });

  it('truncates the JSON for malformed_json, keeping the key and timestamp', () => {
    // Prepare
    const message = CLEAN[1]!;

    // Act
    const [dirty] = makeDirty(message, 'malformed_json', fakerWith(2));

    // Assess
    const text = dirty!.value!.toString('utf8');
    expect(message.value!.toString('utf8').startsWith(text)).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(dirty!.key).toBe(message.key);
    expect(dirty!.timestamp).toBe(message.timestamp);
  });

  it('does not change the message it was given', () => {
    // Prepare
    const message = CLEAN[2]!;
    const before = Buffer.from(message.value!);

    // Act
    for (const kind of DIRT_KINDS) makeDirty(message, kind, fakerWith(3));

    // Assess
    expect(message.value!.equals(before)).toBe(true);
  });
});
