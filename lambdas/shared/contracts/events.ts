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

/** Ids are opaque: a well-formed id that is not in the reference data is `unknown_*`, not invalid. */
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'expected an id of letters, digits, - or _ (max 64)');

/** ISO-8601 with an explicit offset, so no event's time depends on the reader's time zone. */
const timestamp = z.iso.datetime({ offset: true });

const CENT_TOLERANCE = 0.005;
const isWholeCents = (n: number): boolean => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6;
const money = z
  .number()
  .nonnegative()
  .max(1_000_000)
  .refine(isWholeCents, 'expected an amount in whole cents');

export const userEventSchema = z
  .object({
    event_id: id,
    user_id: id,
    session_id: id,
    event_type: z.enum(EVENT_TYPES),
    event_ts: timestamp,
    page_url: z.string().min(1).max(2048),
    product_id: id.nullish(),
    search_query: z.string().max(256).nullish(),
    transaction_id: id.nullish(),
    device_type: z.enum(DEVICE_TYPES),
    browser: z.enum(BROWSERS),
    operating_system: z.enum(OPERATING_SYSTEMS),
    referrer: z.enum(REFERRERS),
  })
  .superRefine((event, ctx) => {
    if (PRODUCT_EVENT_TYPES.includes(event.event_type) && !event.product_id) {
      ctx.addIssue({ code: 'custom', path: ['product_id'], message: `required for ${event.event_type}` });
    }
    if (event.event_type === 'search' && !event.search_query) {
      ctx.addIssue({ code: 'custom', path: ['search_query'], message: 'required for search' });
    }
    if (event.event_type === 'purchase' && !event.transaction_id) {
      ctx.addIssue({ code: 'custom', path: ['transaction_id'], message: 'required for purchase' });
    }
  });
export type UserEvent = z.infer<typeof userEventSchema>;

export const transactionItemSchema = z.object({
  product_id: id,
  quantity: z.number().int().min(1).max(1000),
  unit_price: money,
});
export type TransactionItem = z.infer<typeof transactionItemSchema>;

export const transactionSchema = z
  .object({
    transaction_id: id,
    user_id: id,
    session_id: id.nullish(),
    event_ts: timestamp,
    products: z.array(transactionItemSchema).min(1).max(100),
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
    const itemsTotal = txn.products.reduce((sum, item) => sum + item.quantity * item.unit_price, 0);
    if (Math.abs(itemsTotal - txn.subtotal) > CENT_TOLERANCE) {
      ctx.addIssue({ code: 'custom', path: ['subtotal'], message: `subtotal ${txn.subtotal} != sum of items ${itemsTotal.toFixed(2)}` });
    }
    if (txn.discount > txn.subtotal) {
      ctx.addIssue({ code: 'custom', path: ['discount'], message: 'discount exceeds subtotal' });
    }
    const expectedTotal = txn.subtotal - txn.discount + txn.tax;
    if (Math.abs(expectedTotal - txn.total) > CENT_TOLERANCE) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: `total ${txn.total} != subtotal - discount + tax ${expectedTotal.toFixed(2)}` });
    }
  });
export type Transaction = z.infer<typeof transactionSchema>;

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
