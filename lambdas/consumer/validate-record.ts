/**
 * Decides, for one Kafka record, whether it is a valid gold row or why it is not.
 * Pure: the same record and catalog always give the same verdict (replay depends on it).
 */
import type { z } from 'zod';
import { headerText } from '../shared/contracts/kafka-headers.js';
import { CONTROL_CHARACTER, TIMESTAMP_RANGE_MS } from '../shared/contracts/tables.js';
import { isKnownTopic, TOPIC_SCHEMAS, type Topic, type Transaction, type UserEvent } from '../shared/contracts/events.js';
import type { ReferenceCatalog } from '../shared/reference-catalog.js';
import { acceptedAsIs } from './accepted-as-is.js';
import { valueText, type KafkaRecord } from './kafka-record.js';
import type { Reason } from './reasons.js';

/** Header the local `--input` reader sets on a line it could not read, so the reason travels with it. */
export const INPUT_ERROR_HEADER = 'streamflow-input-error';

/**
 * A broker time is a producer's CREATE_TIME, any number: one outside what a timestamp column holds
 * would be written as `+010000-…` and make its whole gold file unloadable.
 */
export const isValidTime = (ms: number): boolean => Number.isFinite(ms) && ms >= TIMESTAMP_RANGE_MS.min && ms < TIMESTAMP_RANGE_MS.end;

/** Event times earlier than this are not e-commerce events of ours (and break date spines). */
export const EARLIEST_EVENT_TIME = Date.parse('2000-01-01T00:00:00Z');
/** How far an event may claim to be ahead of the broker's clock (client clock skew). */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

export type Verdict =
  | { readonly ok: true; readonly topic: Topic; readonly value: UserEvent | Transaction }
  | { readonly ok: false; readonly reasons: readonly Reason[] };

const reject = (...reasons: Reason[]): Verdict => ({ ok: false, reasons });

/** What a check that passed returns: one shared empty list, not a new one per record. */
const NO_REASONS: readonly Reason[] = Object.freeze([]);

/** TextDecoder drops a leading byte order mark; the value's JSON is read the same way. */
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

const isPresent = (root: unknown, path: readonly PropertyKey[]): boolean => {
  let node = root;
  for (const part of path) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node !== undefined;
};

// An absent field is `missing_field` whatever zod calls it: for an enum it reports `invalid_value`,
// for a field required by another's value (product_id of a product_view) a custom issue.
const reasonsFromZod = (error: z.ZodError, value: unknown): Reason[] =>
  error.issues.map((issue) => {
    const field = issue.path.join('.');
    if (!isPresent(value, issue.path)) {
      return { code: 'missing_field', field, detail: issue.code === 'custom' ? `${field} ${issue.message}` : `${field} is required` };
    }
    if (issue.code === 'invalid_type') return { code: 'invalid_type', field, detail: issue.message };
    return { code: 'invalid_value', field, detail: issue.message };
  });

/**
 * JSON text writes a control character in a string only escaped (JSON.parse refuses it raw), as
 * `\u00XX`, `\b` or `\f` (tab, LF, CR have their own escapes and are not looked for). Text
 * without such an escape holds no string to walk for one: one scan instead of a walk per record.
 * A match may be an escaped backslash before `b`, `f` or `u00…`; the walk then decides.
 */
const JSON_CONTROL_ESCAPE = /\\(?:u00[01][0-9A-Fa-f]|[bf])/;

const joinPath = (head: string, rest: string): string => (rest === '' ? head : `${head}.${rest}`);

/** The dotted path of the first string in `node` holding a {@link CONTROL_CHARACTER} (`''` for `node` itself). */
const controlCharacterPath = (node: unknown): string | undefined => {
  if (typeof node === 'string') return CONTROL_CHARACTER.test(node) ? '' : undefined;
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const path = controlCharacterPath(node[i]);
      if (path !== undefined) return joinPath(String(i), path);
    }
    return undefined;
  }
  for (const name in node) {
    const path = controlCharacterPath((node as Record<string, unknown>)[name]);
    if (path !== undefined) return joinPath(name, path);
  }
  return undefined;
};

const controlCharacterReason = (field: string, text: string): Reason => {
  const at = text.search(CONTROL_CHARACTER);
  const code = text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
  return { code: 'control_character', field, detail: `${field} holds U+${code} at character ${at + 1} (only tab, LF and CR of the C0 controls are loaded)` };
};

/**
 * A text field of the gold row (the value's strings, the Kafka key) holding a control character
 * no CSV field may carry: the record is quarantined rather than altered or loaded differently.
 */
const controlCharacterReasons = (value: UserEvent | Transaction, { key, valueJson }: RecordContext): readonly Reason[] => {
  if (key !== null && CONTROL_CHARACTER.test(key)) return [controlCharacterReason('kafka_key', key)];
  // Most values hold no backslash at all, which one indexOf (far cheaper than the pattern) tells.
  if (valueJson !== undefined && (!valueJson.includes('\\') || !JSON_CONTROL_ESCAPE.test(valueJson))) return NO_REASONS;
  const path = controlCharacterPath(value);
  if (path === undefined) return NO_REASONS;
  const text = path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], value) as string;
  return [controlCharacterReason(path, text)];
};

const unknownProduct = (productId: string): Reason => ({ code: 'unknown_product_id', field: 'product_id', detail: `product ${productId} is not in reference/products` });

const referenceReasons = (topic: Topic, value: UserEvent | Transaction, catalog: ReferenceCatalog): readonly Reason[] => {
  let reasons: Reason[] | undefined;
  if (!catalog.hasUser(value.user_id)) {
    reasons = [{ code: 'unknown_user_id', field: 'user_id', detail: `user ${value.user_id} is not in reference/customers` }];
  }
  if (topic === 'transactions') {
    for (const { product_id } of (value as Transaction).products) if (!catalog.hasProduct(product_id)) (reasons ??= []).push(unknownProduct(product_id));
  } else {
    const productId = (value as UserEvent).product_id;
    if (productId && !catalog.hasProduct(productId)) (reasons ??= []).push(unknownProduct(productId));
  }
  return reasons ?? NO_REASONS;
};

const timeReasons = (eventTs: string, brokerTime: number): readonly Reason[] => {
  const eventTime = Date.parse(eventTs);
  if (eventTime < EARLIEST_EVENT_TIME) {
    return [{ code: 'ancient_timestamp', field: 'event_ts', detail: `${eventTs} is before 2000-01-01` }];
  }
  // An offset can carry a time written before year 10000 past it in UTC.
  if ((brokerTime > 0 && eventTime > brokerTime + MAX_CLOCK_SKEW_MS) || eventTime >= TIMESTAMP_RANGE_MS.end) {
    return [{ code: 'future_timestamp', field: 'event_ts', detail: `${eventTs} is more than a day after the broker time` }];
  }
  return NO_REASONS;
};

/**
 * Validates one record against its topic's contract, the reference data and the broker clock.
 * `text` is the value already decoded by {@link valueText}, when the caller has it.
 */
export const validateRecord = (record: KafkaRecord, catalog: ReferenceCatalog, text: string | undefined = valueText(record)): Verdict => {
  const inputError = record.headers.length === 0 ? undefined : headerText(record.headers, INPUT_ERROR_HEADER);
  if (inputError !== undefined) return reject({ code: 'invalid_input_line', detail: inputError });
  if (!isKnownTopic(record.topic)) {
    return reject({ code: 'unknown_topic', detail: `topic "${record.topic}" has no contract` });
  }
  if (!isValidTime(record.timestamp)) {
    return reject({ code: 'invalid_value', field: 'kafka_timestamp', detail: `broker timestamp ${record.timestamp} is not a time` });
  }
  if (record.value === null) return reject({ code: 'tombstone', detail: 'record has no value (tombstone)' });

  if (text === undefined) return reject({ code: 'invalid_utf8', detail: 'value is not valid UTF-8' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(withoutBom(text));
  } catch (error) {
    return reject({ code: 'malformed_json', detail: (error as Error).message.slice(0, 200) });
  }
  return validateValue(record.topic, parsed, { timestamp: record.timestamp, key: record.key, valueJson: text }, catalog);
};

/** What the checks read of the record besides its value: the broker clock, and the key that gold keeps. */
export interface RecordContext {
  readonly timestamp: number;
  readonly key: string | null;
  /** The JSON text the value was parsed from, when there is one (lets the control character check skip its walk). */
  readonly valueJson?: string;
}

/**
 * The checks on a value already parsed from JSON: its topic's contract, text a CSV field can
 * carry, the broker clock and the reference data. The loader judges gold rows read back from a
 * file with it.
 */
export const validateValue = (topic: Topic, parsed: unknown, context: RecordContext, catalog: ReferenceCatalog): Verdict => {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject({ code: 'not_an_object', detail: `value is ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}` });
  }

  let value: UserEvent | Transaction;
  if (acceptedAsIs(topic, parsed)) {
    value = parsed;
  } else {
    const result = TOPIC_SCHEMAS[topic].safeParse(parsed);
    if (!result.success) return reject(...reasonsFromZod(result.error, parsed));
    value = result.data;
  }

  const control = controlCharacterReasons(value, context);
  const time = timeReasons(value.event_ts, context.timestamp);
  const reference = referenceReasons(topic, value, catalog);
  return control.length + time.length + reference.length > 0 ? reject(...control, ...time, ...reference) : { ok: true, topic, value };
};
