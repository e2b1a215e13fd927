/**
 * Turns a clean message into a dirty one, the kinds of mess seed 004 cleans up: missing
 * fields, wrong types, duplicates, unknown ids, malformed JSON and absurd amounts.
 */
import type { Faker } from '@faker-js/faker';
import { TOPICS } from '../shared/contracts/events.js';
import type { ProducedMessage } from '../shared/ports/event-publisher.js';

export const DIRT_KINDS = ['missing_field', 'bad_type', 'duplicate', 'unknown_id', 'malformed_json', 'absurd_amount'] as const;
export type DirtKind = (typeof DIRT_KINDS)[number];

/**
 * Fields each contract requires of every record. Optional ones (a page view's null
 * `transaction_id`, a transaction's `session_id`) are left out: without them a record is still valid.
 */
const REQUIRED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [TOPICS.userEvents]: ['event_id', 'user_id', 'session_id', 'event_type', 'event_ts'],
  [TOPICS.transactions]: ['transaction_id', 'user_id', 'event_ts', 'payment_method', 'total'],
};

const withValue = (message: ProducedMessage, value: string): ProducedMessage => ({ ...message, value: Buffer.from(value, 'utf8') });

/**
 * Returns the messages to publish in place of `message`: usually one dirty copy, or the clean
 * message twice for `duplicate`.
 */
export const makeDirty = (message: ProducedMessage, kind: DirtKind, faker: Faker): ProducedMessage[] => {
  const text = message.value!.toString('utf8');
  const record = JSON.parse(text) as Record<string, unknown>;
  switch (kind) {
    case 'duplicate':
      return [message, message];
    case 'malformed_json':
      return [withValue(message, text.slice(0, faker.number.int({ min: 1, max: text.length - 2 })))];
    case 'missing_field': {
      const present = (REQUIRED_FIELDS[message.topic] ?? []).filter((field) => field in record);
      delete record[faker.helpers.arrayElement(present)];
      return [withValue(message, JSON.stringify(record))];
    }
    case 'bad_type': {
      if ('total' in record) record.total = String(record.total);
      else record.event_ts = faker.number.int({ min: 1, max: 1e9 });
      return [withValue(message, JSON.stringify(record))];
    }
    case 'unknown_id': {
      // Reference ids stop at 5 digits below 90000, so these never exist.
      record.user_id = `USR-9${faker.string.numeric(4)}`;
      return [withValue(message, JSON.stringify(record))];
    }
    case 'absurd_amount': {
      if ('total' in record) record.total = -Math.abs(Number(record.total)) - 1;
      else record.event_ts = '1970-01-01T00:00:00Z';
      return [withValue(message, JSON.stringify(record))];
    }
  }
};
