/**
 * Event contracts: the one definition of what producers emit and what the consumer accepts.
 * Everything that is not structure (referential integrity, timestamps relative to the broker,
 * duplicates) is checked by the consumer's transform, which has the context to judge it.
 */
import { z } from 'zod';
import {
  BROWSERS,
  CURRENCIES,
  DEVICE_TYPES,
  EVENT_TYPES,
  OPERATING_SYSTEMS,
  PAYMENT_METHODS,
  PRODUCT_EVENT_TYPES,
  REFERRERS,
  STATE_CODES,
  TRANSACTION_STATUSES,
} from './domain.js';

/** Kafka topics that carry a contract. Any other topic is quarantined as `unknown_topic`. */
export const TOPICS = { userEvents: 'user_events', transactions: 'transactions' } as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
export const isKnownTopic = (topic: string): topic is Topic => topic === TOPICS.userEvents || topic === TOPICS.transactions;

/*
 * The bounds and patterns below are shared with the consumer's fast path
 * (lambdas/consumer/accepted-as-is.ts), which must accept exactly what these schemas accept.
 */

/** Ids are opaque: a well-formed id that is not in the reference data is `unknown_*`, not invalid. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const id = z.string().regex(ID_PATTERN, 'expected an id of letters, digits, - or _ (max 64)');

/** ISO-8601 with an explicit offset, so no event's time depends on the reader's time zone. */
const TIMESTAMP_FORMAT = { offset: true } as const;
const timestamp = z.iso.datetime(TIMESTAMP_FORMAT);
/** The pattern zod tests {@link timestamp} with (zod builds it from the same options). */
export const TIMESTAMP_PATTERN = z.regexes.datetime(TIMESTAMP_FORMAT);

/** Inclusive bounds of the contracts' lengths and amounts. */
export const LIMITS = {
  pageUrlLength: { min: 1, max: 2048 },
  searchQueryLength: { max: 256 },
  items: { min: 1, max: 100 },
  quantity: { min: 1, max: 1000 },
  money: { min: 0, max: 1_000_000 },
} as const;

const CENT_TOLERANCE = 0.005;
export const isWholeCents = (n: number): boolean => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6;
const money = z
  .number()
  .nonnegative()
  .max(LIMITS.money.max)
  .refine(isWholeCents, 'expected an amount in whole cents');

/** A rule between fields that one field's type alone cannot say, broken: the field it is reported on and why. */
export interface BrokenRule {
  readonly field: string;
  readonly message: string;
}

export const userEventSchema = z
  .object({
    event_id: id,
    user_id: id,
    session_id: id,
    event_type: z.enum(EVENT_TYPES),
    event_ts: timestamp,
    page_url: z.string().min(LIMITS.pageUrlLength.min).max(LIMITS.pageUrlLength.max),
    product_id: id.nullish(),
    search_query: z.string().max(LIMITS.searchQueryLength.max).nullish(),
    transaction_id: id.nullish(),
    device_type: z.enum(DEVICE_TYPES),
    browser: z.enum(BROWSERS),
    operating_system: z.enum(OPERATING_SYSTEMS),
    referrer: z.enum(REFERRERS),
  })
  .superRefine((event, ctx) => {
    for (const { field, message } of brokenUserEventRules(event)) ctx.addIssue({ code: 'custom', path: [field], message });
  });
export type UserEvent = z.infer<typeof userEventSchema>;

/** The rules a user event's type sets on its other fields, those it breaks (none for a valid event). */
export function brokenUserEventRules(event: UserEvent): BrokenRule[] {
  const broken: BrokenRule[] = [];
  if (PRODUCT_EVENT_TYPES.includes(event.event_type) && !event.product_id) broken.push({ field: 'product_id', message: `required for ${event.event_type}` });
  if (event.event_type === 'search' && !event.search_query) broken.push({ field: 'search_query', message: 'required for search' });
  if (event.event_type === 'purchase' && !event.transaction_id) broken.push({ field: 'transaction_id', message: 'required for purchase' });
  return broken;
}

export const transactionItemSchema = z.object({
  product_id: id,
  quantity: z.number().int().min(LIMITS.quantity.min).max(LIMITS.quantity.max),
  unit_price: money,
});
export type TransactionItem = z.infer<typeof transactionItemSchema>;

export const transactionSchema = z
  .object({
    transaction_id: id,
    user_id: id,
    session_id: id.nullish(),
    event_ts: timestamp,
    products: z.array(transactionItemSchema).min(LIMITS.items.min).max(LIMITS.items.max),
    subtotal: money,
    discount: money,
    tax: money,
    total: money,
    currency: z.enum(CURRENCIES),
    payment_method: z.enum(PAYMENT_METHODS),
    status: z.enum(TRANSACTION_STATUSES),
    shipping_state: z.enum(STATE_CODES as [string, ...string[]]),
  })
  .superRefine((txn, ctx) => {
    for (const { field, message } of brokenTransactionRules(txn)) ctx.addIssue({ code: 'custom', path: [field], message });
  });
export type Transaction = z.infer<typeof transactionSchema>;

/** The arithmetic a transaction's amounts must agree on, the rules it breaks (none for a valid one). */
export function brokenTransactionRules(txn: Transaction): BrokenRule[] {
  const broken: BrokenRule[] = [];
  const itemsTotal = txn.products.reduce((sum, item) => sum + item.quantity * item.unit_price, 0);
  if (Math.abs(itemsTotal - txn.subtotal) > CENT_TOLERANCE) {
    broken.push({ field: 'subtotal', message: `subtotal ${txn.subtotal} != sum of items ${itemsTotal.toFixed(2)}` });
  }
  if (txn.discount > txn.subtotal) broken.push({ field: 'discount', message: 'discount exceeds subtotal' });
  const expectedTotal = txn.subtotal - txn.discount + txn.tax;
  if (Math.abs(expectedTotal - txn.total) > CENT_TOLERANCE) {
    broken.push({ field: 'total', message: `total ${txn.total} != subtotal - discount + tax ${expectedTotal.toFixed(2)}` });
  }
  return broken;
}

/** The schema each known topic's values must satisfy. */
export const TOPIC_SCHEMAS = {
  [TOPICS.userEvents]: userEventSchema,
  [TOPICS.transactions]: transactionSchema,
} as const;

/** The field holding each topic's natural key, used for in-batch de-duplication. */
export const TOPIC_ID_FIELD = {
  [TOPICS.userEvents]: 'event_id',
  [TOPICS.transactions]: 'transaction_id',
} as const;

/** Amounts are rounded to cents once, here, so generators and tests agree on arithmetic. */
export const roundCents = (n: number): number => Math.round(n * 100) / 100;
