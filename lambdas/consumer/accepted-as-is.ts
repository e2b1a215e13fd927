/**
 * The validation's fast path: whether a topic's zod schema would accept a parsed value exactly as
 * it is. zod copies every value it accepts, field by field, which was most of the consumer's
 * validation time and garbage. A value this accepts, zod accepts too and would return unchanged
 * (the same fields in the same order, unknown ones absent), so the consumer takes it as parsed.
 * Any other value, rejected or one zod would reshape (an unknown field, fields in another order),
 * goes through zod, which says why: the fast path decides no reason (a property test holds it to
 * the schemas, test/consumer/accepted-as-is.test.ts).
 */
import {
  BROWSERS,
  CURRENCIES,
  DEVICE_TYPES,
  EVENT_TYPES,
  OPERATING_SYSTEMS,
  PAYMENT_METHODS,
  REFERRERS,
  STATE_CODES,
  TRANSACTION_STATUSES,
} from '../shared/contracts/domain.js';
import {
  brokenTransactionRules,
  brokenUserEventRules,
  ID_PATTERN,
  isWholeCents,
  LIMITS,
  TIMESTAMP_PATTERN,
  TOPICS,
  type Topic,
  type Transaction,
  type UserEvent,
} from '../shared/contracts/events.js';

type Check = (value: unknown) => boolean;

interface Field {
  readonly name: string;
  readonly check: Check;
  /** `.nullish()` in the schema: the field may also be absent (or null, which `check` allows). */
  readonly optional: boolean;
}

const required = (name: string, check: Check): Field => ({ name, check, optional: false });
const nullish = (name: string, check: Check): Field => ({ name, check: (value) => value === null || check(value), optional: true });

const isId: Check = (value) => typeof value === 'string' && ID_PATTERN.test(value);
const isTimestamp: Check = (value) => typeof value === 'string' && TIMESTAMP_PATTERN.test(value);
const oneOf = (values: readonly string[]): Check => {
  const allowed = new Set(values);
  return (value) => typeof value === 'string' && allowed.has(value);
};
const textOfLength =
  (min: number, max: number): Check =>
  (value) =>
    typeof value === 'string' && value.length >= min && value.length <= max;
const isMoney: Check = (value) =>
  typeof value === 'number' && Number.isFinite(value) && value >= LIMITS.money.min && value <= LIMITS.money.max && isWholeCents(value);
const isQuantity: Check = (value) => Number.isSafeInteger(value) && (value as number) >= LIMITS.quantity.min && (value as number) <= LIMITS.quantity.max;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every field of `value` passes its check and comes in the schema's order, every required field
 * is there, and no other field is: what zod would copy back as it is.
 */
const hasExactly = (value: Record<string, unknown>, fields: readonly Field[]): boolean => {
  let next = 0;
  for (const name in value) {
    while (next < fields.length && fields[next]!.name !== name) {
      if (!fields[next]!.optional) return false;
      next++;
    }
    if (next === fields.length || !fields[next]!.check(value[name])) return false;
    next++;
  }
  for (; next < fields.length; next++) if (!fields[next]!.optional) return false;
  return true;
};

const USER_EVENT_FIELDS: readonly Field[] = [
  required('event_id', isId),
  required('user_id', isId),
  required('session_id', isId),
  required('event_type', oneOf(EVENT_TYPES)),
  required('event_ts', isTimestamp),
  required('page_url', textOfLength(LIMITS.pageUrlLength.min, LIMITS.pageUrlLength.max)),
  nullish('product_id', isId),
  nullish('search_query', textOfLength(0, LIMITS.searchQueryLength.max)),
  nullish('transaction_id', isId),
  required('device_type', oneOf(DEVICE_TYPES)),
  required('browser', oneOf(BROWSERS)),
  required('operating_system', oneOf(OPERATING_SYSTEMS)),
  required('referrer', oneOf(REFERRERS)),
];

const ITEM_FIELDS: readonly Field[] = [required('product_id', isId), required('quantity', isQuantity), required('unit_price', isMoney)];
const isItems: Check = (value) =>
  Array.isArray(value) &&
  value.length >= LIMITS.items.min &&
  value.length <= LIMITS.items.max &&
  value.every((item) => isRecord(item) && hasExactly(item, ITEM_FIELDS));

const TRANSACTION_FIELDS: readonly Field[] = [
  required('transaction_id', isId),
  required('user_id', isId),
  nullish('session_id', isId),
  required('event_ts', isTimestamp),
  required('products', isItems),
  required('subtotal', isMoney),
  required('discount', isMoney),
  required('tax', isMoney),
  required('total', isMoney),
  required('currency', oneOf(CURRENCIES)),
  required('payment_method', oneOf(PAYMENT_METHODS)),
  required('status', oneOf(TRANSACTION_STATUSES)),
  required('shipping_state', oneOf(STATE_CODES)),
];

/** True when `TOPIC_SCHEMAS[topic]` accepts `value` and would return a copy equal to it, key order included. */
export const acceptedAsIs = (topic: Topic, value: unknown): value is UserEvent | Transaction => {
  if (!isRecord(value)) return false;
  return topic === TOPICS.userEvents
    ? hasExactly(value, USER_EVENT_FIELDS) && brokenUserEventRules(value as UserEvent).length === 0
    : hasExactly(value, TRANSACTION_FIELDS) && brokenTransactionRules(value as unknown as Transaction).length === 0;
};
