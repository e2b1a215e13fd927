import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptedAsIs } from '../../lambdas/consumer/accepted-as-is.js';
import { BROWSERS, CURRENCIES, EVENT_TYPES, PAYMENT_METHODS, STATE_CODES } from '../../lambdas/shared/contracts/domain.js';
import { TOPIC_SCHEMAS, type Topic } from '../../lambdas/shared/contracts/events.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import { validTransactionArb, validUserEventArb } from '../support/arbitraries.js';

type Json = Record<string, unknown>;

/**
 * The fast path against the schemas it stands in for: it may accept only what zod accepts and
 * returns unchanged; and a value zod rejects it must never accept. The consumer takes an accepted
 * value as parsed, so its gold row (and which records are quarantined, and why) cannot differ.
 */
const expectAgreesWithZod = (topic: Topic, value: unknown): boolean => {
  const result = TOPIC_SCHEMAS[topic].safeParse(value);
  const fast = acceptedAsIs(topic, value);
  if (fast) {
    expect(result.success).toBe(true);
    expect(JSON.stringify(result.data)).toBe(JSON.stringify(value));
  }
  if (!result.success) expect(fast).toBe(false);
  return fast;
};

/** A valid value of the topic as the consumer gets it: parsed from its JSON. */
const validValueArb = (topic: Topic): fc.Arbitrary<Json> =>
  (topic === 'user_events' ? validUserEventArb.map(({ value }) => value) : validTransactionArb.map(({ value }) => value)).map((value) => JSON.parse(JSON.stringify(value)) as Json);

/** Values at and beyond the contracts' edges, of every JSON type. */
const oddValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -0, 1, 0.005, 1.1, 19.999, 1000, 1001, 1_000_000, 1_000_000.01, 2 ** 53, -1, Infinity),
  fc.constantFrom('', ' ', 'x'.repeat(2048), 'x'.repeat(2049), 'x'.repeat(256), 'x'.repeat(257), '-id', 'id_-9', 'a'.repeat(64), 'a'.repeat(65)),
  fc.constantFrom('Chrome', 'chrome', ...BROWSERS, ...EVENT_TYPES, ...PAYMENT_METHODS, ...CURRENCIES, 'usd', ...STATE_CODES.slice(0, 3), 'ZZ'),
  fc.constantFrom(
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00Z',
    '2024-01-01T00:00:00z',
    '2024-01-01T00:00:00',
    '2024-01-01T00:00:00+24:00',
    '2024-01-01T23:59:59.123456789-23:59',
    '2024-01-01T00:00:00.Z',
    '2024-01-01 00:00:00Z',
  ),
  fc.stringMatching(/^[A-Za-z0-9_ -]{0,66}$/),
  fc.double(),
  fc.string(),
  fc.jsonValue({ maxDepth: 2 }),
);

const fieldOf = (value: Json): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...Object.keys(value)), fc.constantFrom('extra', '__proto__', '0', 'constructor'));

/**
 * `value` with `field` set in place, or added last: an own property even for `__proto__`, as
 * JSON.parse makes it (Object.fromEntries defines properties, it does not assign them).
 */
const withField = (value: Json, field: string, odd: unknown): Json =>
  Object.fromEntries(field in value ? Object.entries(value).map(([name, v]) => [name, name === field ? odd : v]) : [...Object.entries(value), [field, odd]]);

/** The same fields in another order (what zod would hand back in its own order). */
const reordered = (value: Json, first: string): Json => Object.fromEntries([[first, value[first]], ...Object.entries(value).filter(([name]) => name !== first)]);

/** One change to an object: a field set to an odd value, removed, moved first, or added. */
const mutationOf = (value: Json): fc.Arbitrary<Json> =>
  fieldOf(value).chain((field) =>
    fc.oneof(
      oddValueArb.map((odd) => withField(value, field, odd)),
      fc.constant(Object.fromEntries(Object.entries(value).filter(([name]) => name !== field))),
      fc.constant(field in value ? reordered(value, field) : value),
    ),
  );

/** A transaction with one of its items changed, or its item list cut, doubled past the limit or emptied. */
const itemMutationOf = (value: Json): fc.Arbitrary<Json> => {
  const items: unknown = value.products;
  // A first change may have left no item list to change.
  if (!Array.isArray(items) || items.length === 0 || !items.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))) {
    return mutationOf(value);
  }
  return fc.oneof(
    fc.nat({ max: items.length - 1 }).chain((at) => mutationOf(items[at] as Json).map((item) => ({ ...value, products: items.map((old: unknown, n) => (n === at ? item : old)) }))),
    fc.constantFrom<unknown[]>([], Array.from({ length: 101 }, () => items[0] as unknown), [null], [[items[0] as unknown]], items.slice(0, 1)).map((products) => ({ ...value, products })),
  );
};

const mutatedArb = (topic: Topic): fc.Arbitrary<Json> => {
  const valid = validValueArb(topic);
  const once = (value: Json): fc.Arbitrary<Json> => (topic === 'transactions' ? fc.oneof(mutationOf(value), itemMutationOf(value)) : mutationOf(value));
  return valid.chain(once).chain((value) => fc.oneof(fc.constant(value), once(value)));
};

/** Edge values of a field relative to its valid value: a hair off whole cents, one over or under, longer by one. */
const nearValues = (valid: unknown): unknown[] =>
  typeof valid === 'number'
    ? [valid + 0.001, valid - 0.001, valid + 1, valid - 1, -valid, valid * 1000, valid + 0.5]
    : typeof valid === 'string'
      ? [`${valid}x`, `x${valid}`, ` ${valid}`, valid.toUpperCase(), valid.slice(1), valid.slice(0, -1)]
      : [];

const EDGE_VALUES: readonly unknown[] = [
  ...[null, true, '', ' ', 0, -0, 1, 0.005, 1.1, 999, 1000, 1001, 1_000_000, 1_000_000.01, 2 ** 53, -1, Infinity, [], {}],
  ...['x'.repeat(2048), 'x'.repeat(2049), 'x'.repeat(256), 'x'.repeat(257), '-id', 'id_-9', 'a'.repeat(64), 'a'.repeat(65), 'ZZ', 'usd'],
  ...['2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00Z', '2024-01-01T00:00:00z'],
  ...['2024-01-01T00:00:00', '2024-01-01T00:00:00+24:00', '2024-01-01T23:59:59.123456789-23:59', '2024-01-01T00:00:00.Z'],
];

/** A transaction of the given items whose amounts agree (subtotal the items' sum, total after discount and tax). */
const consistentTransaction = (base: Json, items: readonly (readonly [quantity: number, unitPrice: number])[], discount = 0, tax = 0): Json => {
  const subtotal = items.reduce((sum, [quantity, unitPrice]) => sum + quantity * unitPrice, 0);
  return {
    ...base,
    products: items.map(([quantity, unitPrice]) => ({ product_id: 'PRD-00001', quantity, unit_price: unitPrice })),
    subtotal,
    discount,
    tax,
    total: subtotal - discount + tax,
  };
};

/** Transactions at the edges of item counts, quantities and amounts, arithmetic kept right so only the edge can fail. */
const edgeTransactions = (base: Json): Json[] => [
  ...[0, 1, 100, 101].map((count) => consistentTransaction(base, Array.from({ length: count }, () => [1, 1] as const))),
  ...[0, 1, 1000, 1001, 1.5, -1].map((quantity) => consistentTransaction(base, [[quantity, 1]])),
  ...[0, -1, 0.01, 1_000_000, 1_000_000.01].map((unitPrice) => consistentTransaction(base, [[1, unitPrice]])),
  consistentTransaction(base, [[3, 500_000]]),
  ...[-1, 0, 1, 2].map((discount) => consistentTransaction(base, [[1, 1]], discount)),
  ...[-1, 0, 1_000_000, 1_000_001].map((tax) => consistentTransaction(base, [[1, 1]], 0, tax)),
];

describe('acceptedAsIs (the fast path past zod)', () => {
  it.each(['user_events', 'transactions'] as const)('agrees with zod on every %s field set to each edge value', (topic) => {
    // Prepare: a few valid values; every field (and every item field) set to values at the contract's edges.
    const bases = fc.sample(validValueArb(topic), { numRuns: 20, seed: 15 });
    const variants = bases.flatMap((base) => {
      const ofFields = (object: Json, put: (changed: Json) => Json): Json[] =>
        [...Object.keys(object), 'search_query', 'product_id', 'extra'].flatMap((field) => [...EDGE_VALUES, ...nearValues(object[field])].map((edge) => put(withField(object, field, edge))));
      if (topic === 'user_events') return ofFields(base, (changed) => changed);
      const items = base.products as Json[];
      return [
        ...ofFields(base, (changed) => changed),
        ...ofFields(items[0]!, (item) => ({ ...base, products: [item, ...items.slice(1)] })),
        ...edgeTransactions(base),
      ];
    });
    // Act, Assess: each variant agrees, and the edges reach both sides (some accepted, some not).
    const accepted = variants.filter((variant) => expectAgreesWithZod(topic, variant)).length;
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(variants.length);
  });

  it.each(['user_events', 'transactions'] as const)('accepts every valid %s value as it is', (topic) => {
    fc.assert(
      fc.property(validValueArb(topic), (value) => {
        expect(expectAgreesWithZod(topic, value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it.each(['user_events', 'transactions'] as const)('never accepts a %s value zod rejects or would reshape', (topic) => {
    fc.assert(
      fc.property(mutatedArb(topic), (value) => {
        expectAgreesWithZod(topic, value);
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with zod on the producer's stream, clean and dirty, and takes every clean value the fast way", () => {
    // Prepare: the producer's own dirty records are the invalid values the pipeline sees in tests and demos.
    const window = eventWindow(new Date('2025-06-15T12:00:00Z'));
    const clean = [...generateEventStream({ events: 2_000, seed: 7, window })];
    const dirty = [...generateEventStream({ events: 2_000, seed: 8, window, dirtyRate: 0.5 })];
    // Act
    const acceptedClean = clean.filter((message) => expectAgreesWithZod(message.topic as Topic, JSON.parse(message.value!.toString('utf8'))));
    for (const message of dirty) {
      const text = message.value?.toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text ?? 'null');
      } catch {
        continue;
      }
      if (message.topic === 'user_events' || message.topic === 'transactions') expectAgreesWithZod(message.topic, value);
    }
    // Assess
    expect(acceptedClean).toHaveLength(clean.length);
  });
});
