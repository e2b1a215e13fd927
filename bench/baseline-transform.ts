/**
 * The irreducible work of the consumer, as a yardstick: decode each record, `JSON.parse` it, write
 * its gold CSV line with the most direct code there is, gzip the file. No validation, no landing
 * or quarantine copy, no column machinery. It writes the same bytes as the consumer's gold file
 * for valid records, which the bench checks, so the two do the same job.
 */
import { gzipSync } from 'node:zlib';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { GZIP_LEVEL } from '../lambdas/consumer/consume-event.js';
import { TRANSACTIONS_TABLE, USER_EVENTS_TABLE } from '../lambdas/shared/contracts/tables.js';
import type { Transaction, UserEvent } from '../lambdas/shared/contracts/events.js';
import { isoTimestamp } from '../lambdas/shared/csv.js';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const text = (value: string): string => (value === '' ? '""' : NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const optional = (value: string | null | undefined): string => (value === null || value === undefined ? '' : text(value));
// The fastest timestamp formatting there is, the consumer's own: the baseline must not be slow by choice.
const iso = (time: string | number): string => isoTimestamp(typeof time === 'number' ? time : Date.parse(time));

const kafkaCells = (record: MSKRecord, key: string | null): string =>
  `${record.topic},${record.partition},${record.offset},${iso(record.timestamp)},${optional(key)}`;

const userEventLine = (e: UserEvent, record: MSKRecord, key: string | null): string =>
  `${text(e.event_id)},${text(e.user_id)},${text(e.session_id)},${e.event_type},${iso(e.event_ts)},${text(e.page_url)},` +
  `${optional(e.product_id)},${optional(e.search_query)},${optional(e.transaction_id)},${e.device_type},${e.browser},` +
  `${e.operating_system},${e.referrer},${kafkaCells(record, key)}`;

const transactionLine = (t: Transaction, record: MSKRecord, key: string | null): string => {
  let items = 0;
  for (const item of t.products) items += item.quantity;
  return (
    `${text(t.transaction_id)},${text(t.user_id)},${optional(t.session_id)},${iso(t.event_ts)},${text(JSON.stringify(t.products))},${items},` +
    `${t.subtotal.toFixed(2)},${t.discount.toFixed(2)},${t.tax.toFixed(2)},${t.total.toFixed(2)},${t.currency},${t.payment_method},` +
    `${t.status},${t.shipping_state},${kafkaCells(record, key)}`
  );
};

const decodeText = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');

/**
 * The gzipped gold CSV of an MSK event of `user_events` or `transactions` records; with `landing`,
 * also the gzipped landing NDJSON (each record's Kafka coordinates and value as a JSON string), the
 * other file the consumer must write: the irreducible work of the whole job, not just the flatten.
 */
export const baselineTransform = (event: MSKEvent, options: { readonly landing?: boolean; readonly level?: number } = {}): Buffer[] => {
  const records = Object.values(event.records).flat();
  const transactions = records[0]?.topic === TRANSACTIONS_TABLE.topic;
  const table = transactions ? TRANSACTIONS_TABLE : USER_EVENTS_TABLE;
  let csv = `${table.columns.map((column) => column.name).join(',')}\n`;
  let ndjson = '';
  for (const record of records) {
    const text = decodeText(record.value);
    const value: unknown = JSON.parse(text);
    const key = record.key === undefined || record.key === null ? null : decodeText(record.key);
    csv += `${transactions ? transactionLine(value as Transaction, record, key) : userEventLine(value as UserEvent, record, key)}\n`;
    if (options.landing) {
      ndjson += `{"topic":${JSON.stringify(record.topic)},"partition":${record.partition},"offset":${record.offset},"timestamp":${record.timestamp},"key":${JSON.stringify(key)},"value":${JSON.stringify(text)}}\n`;
    }
  }
  const level = options.level ?? GZIP_LEVEL;
  return options.landing ? [gzipSync(csv, { level }), gzipSync(ndjson, { level })] : [gzipSync(csv, { level })];
};
