import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromLandingLine, type KafkaRecord, type LandingLine, type PartitionBatch } from '../../lambdas/consumer/kafka-record.js';
import { REASON_CODES, type ReasonCode } from '../../lambdas/consumer/reasons.js';
import { transformBatch, type TransformedBatch } from '../../lambdas/consumer/transform-batch.js';
import { GOLD_TABLE_BY_TOPIC, TRANSACTIONS_TABLE, USER_EVENTS_TABLE } from '../../lambdas/shared/contracts/tables.js';
import {
  dirtyValueArb,
  kafkaRecordArb,
  REFERENCE_CATALOG,
  validTransactionArb,
  validUserEventArb,
  type DirtyValue,
  type Timed,
} from '../support/arbitraries.js';
import { parseCsvTable, type CsvField } from '../support/csv-parser.js';
import { ndjsonLines } from '../support/files.js';
import { partitionBatch, raw } from '../support/msk-event.js';

type Topic = 'user_events' | 'transactions';
type Json = Record<string, unknown>;

interface QuarantineLine extends LandingLine {
  reasons: { code: ReasonCode; field?: string; detail: string }[];
}

/** One generated batch item: a valid value (must reach gold) or a dirty one (must be quarantined). */
type Item = { readonly kind: 'valid'; readonly id: string; readonly value: Json; readonly timestamp: number } | ({ readonly kind: 'dirty' } & DirtyValue);

const validArb = (topic: Topic): fc.Arbitrary<Timed<Json>> => (topic === 'user_events' ? validUserEventArb : validTransactionArb);
const idField = (topic: Topic): string => (topic === 'user_events' ? 'event_id' : 'transaction_id');

/** A topic and a shuffled mix of valid records (unique ids) and dirty ones. */
const mixedBatchArb = fc.constantFrom<Topic>('user_events', 'transactions').chain((topic) =>
  fc
    .tuple(
      fc.uniqueArray(validArb(topic), { selector: (record) => record.value[idField(topic)], maxLength: 8 }),
      fc.array(dirtyValueArb(topic), { maxLength: 8 }),
    )
    .filter(([valid, dirty]) => valid.length + dirty.length > 0)
    .chain(([valid, dirty]) => {
      const items: Item[] = [
        ...valid.map((record): Item => ({ kind: 'valid', id: record.value[idField(topic)] as string, ...record })),
        ...dirty.map((record): Item => ({ kind: 'dirty', ...record })),
      ];
      return fc.shuffledSubarray(items, { minLength: items.length }).map((shuffled) => ({ topic, items: shuffled }));
    }),
);

const batchOf = (topic: string, items: readonly Item[]): PartitionBatch =>
  partitionBatch(
    topic,
    items.map((item) => ({ value: item.value, timestamp: item.timestamp, key: `key-${item.kind}`, headers: item.kind === 'dirty' ? item.headers : undefined })),
    2,
  );

const goldTable = (output: TransformedBatch, name: string): { header: string[]; rows: Record<string, CsvField>[] } => {
  const csv = output.gold.get(name);
  if (csv === undefined) return { header: [], rows: [] };
  return parseCsvTable(csv);
};

const quarantineLines = (output: TransformedBatch): QuarantineLine[] => ndjsonLines(output.quarantine ?? '') as QuarantineLine[];

/** The value a text column should hold for an optional field: absent and null are both NULL. */
const textOrNull = (value: unknown): CsvField => (value === undefined || value === null ? null : (value as string));

describe('transformBatch', () => {
  it('sends every record to gold or quarantine, never both, and keeps the ledger in = gold + quarantined', () => {
    fc.assert(
      fc.property(mixedBatchArb, ({ topic, items }) => {
        // Prepare
        const batch = batchOf(topic, items);
        const validItems = items.filter((item) => item.kind === 'valid');
        const dirtyItems = items.filter((item) => item.kind === 'dirty');

        // Act
        const output = transformBatch(batch, REFERENCE_CATALOG);

        // Assess
        const gold = goldTable(output, topic);
        const quarantine = quarantineLines(output);
        expect(output.ledger).toMatchObject({ topic, partition: 2, in: items.length, gold: validItems.length, quarantined: dirtyItems.length });
        expect(output.ledger.in).toBe(output.ledger.gold + output.ledger.quarantined);
        expect(gold.rows).toHaveLength(validItems.length);
        expect(quarantine).toHaveLength(dirtyItems.length);
        expect(ndjsonLines(output.landing)).toHaveLength(items.length);
        // Gold holds the valid ids in offset order; quarantine the rest, each at its own offset.
        expect(gold.rows.map((row) => row[idField(topic)])).toEqual(validItems.map((item) => item.id));
        const offsetsOf = (kind: Item['kind']): number[] => batch.records.filter((_, index) => items[index]!.kind === kind).map((record) => record.offset);
        expect(gold.rows.map((row) => Number(row.kafka_offset))).toEqual(offsetsOf('valid'));
        expect(quarantine.map((line) => line.offset)).toEqual(offsetsOf('dirty'));
      }),
      { numRuns: 300 },
    );
  });

  it('counts each quarantined record once, under the first reason it was rejected for', () => {
    fc.assert(
      fc.property(mixedBatchArb, ({ topic, items }) => {
        // Prepare
        const expected: Partial<Record<ReasonCode, number>> = {};
        for (const item of items) if (item.kind === 'dirty') expected[item.expected] = (expected[item.expected] ?? 0) + 1;

        // Act
        const output = transformBatch(batchOf(topic, items), REFERENCE_CATALOG);

        // Assess
        expect(output.ledger.reasons).toEqual(expected);
        expect(quarantineLines(output).map((line) => line.reasons[0]!.code)).toEqual(items.flatMap((item) => (item.kind === 'dirty' ? [item.expected] : [])));
      }),
      { numRuns: 300 },
    );
  });

  it('counts a record rejected for several reasons once, under the reason its quarantine line lists first', () => {
    fc.assert(
      fc.property(validTransactionArb, ({ value, timestamp }) => {
        // Prepare: an unknown user and unknown products, so several reasons apply.
        const strangers = { ...value, user_id: 'USR-99999', products: value.products.map((line) => ({ ...line, product_id: 'PRD-99999' })) };

        // Act
        const output = transformBatch(partitionBatch('transactions', [{ value: strangers, timestamp }]), REFERENCE_CATALOG);

        // Assess
        const [line] = quarantineLines(output);
        expect(line!.reasons.length).toBe(1 + value.products.length);
        expect(output.ledger.reasons).toEqual({ [line!.reasons[0]!.code]: 1 });
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    ['user_events', USER_EVENTS_TABLE.columns],
    ['transactions', TRANSACTIONS_TABLE.columns],
  ] as const)('writes a %s gold CSV whose header is the table definition', (topic, columns) => {
    // Prepare
    const [record] = fc.sample(validArb(topic), { numRuns: 1, seed: 11 });
    const batch = batchOf(topic, [{ kind: 'valid', id: 'x', ...record! }]);

    // Act
    const output = transformBatch(batch, REFERENCE_CATALOG);

    // Assess
    expect([...output.gold.keys()]).toEqual([GOLD_TABLE_BY_TOPIC[topic].name]);
    expect(goldTable(output, topic).header).toEqual(columns.map((column) => column.name));
  });

  it('writes user event fields, normalised times and Kafka coordinates into the gold row', () => {
    fc.assert(
      fc.property(validUserEventArb, ({ value, timestamp }) => {
        // Prepare
        const batch = partitionBatch('user_events', [{ value, timestamp, key: value.user_id }], 5);

        // Act
        const [row] = goldTable(transformBatch(batch, REFERENCE_CATALOG), 'user_events').rows;

        // Assess
        const source = value;
        expect(row).toEqual({
          event_id: source.event_id,
          user_id: source.user_id,
          session_id: source.session_id,
          event_type: source.event_type,
          event_ts: new Date(Date.parse(source.event_ts)).toISOString(),
          page_url: source.page_url,
          product_id: textOrNull(source.product_id),
          search_query: textOrNull(source.search_query),
          transaction_id: textOrNull(source.transaction_id),
          device_type: source.device_type,
          browser: source.browser,
          operating_system: source.operating_system,
          referrer: source.referrer,
          kafka_topic: 'user_events',
          kafka_partition: '5',
          kafka_offset: String(batch.records[0]!.offset),
          kafka_timestamp: new Date(timestamp).toISOString(),
          kafka_key: source.user_id,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('writes transaction amounts to the cent, items as JSON and their total quantity', () => {
    fc.assert(
      fc.property(validTransactionArb, ({ value, timestamp }) => {
        // Prepare
        const batch = partitionBatch('transactions', [{ value, timestamp, key: null }]);
        const cents = (amount: number): string => {
          const whole = Math.round(amount * 100);
          return `${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, '0')}`;
        };

        // Act
        const [row] = goldTable(transformBatch(batch, REFERENCE_CATALOG), 'transactions').rows;

        // Assess
        const source = value;
        expect(row).toMatchObject({
          transaction_id: source.transaction_id,
          session_id: textOrNull(source.session_id),
          item_count: String(source.products.reduce((sum, line) => sum + line.quantity, 0)),
          subtotal: cents(source.subtotal),
          discount: cents(source.discount),
          tax: cents(source.tax),
          total: cents(source.total),
          currency: 'USD',
          shipping_state: source.shipping_state,
          kafka_key: null,
        });
        expect(JSON.parse(row!.products!)).toEqual(source.products);
      }),
      { numRuns: 300 },
    );
  });

  it('quarantines later records that repeat an id within the batch as duplicate_in_batch', () => {
    // Prepare
    const [first, other] = fc.sample(validUserEventArb, { numRuns: 2, seed: 3 });
    const twin = { ...first!.value, event_id: first!.value.event_id, page_url: '/a/different/page' };
    const other2 = { ...other!.value, event_id: `${first!.value.event_id}-other` };
    const batch = partitionBatch('user_events', [
      { value: first!.value, timestamp: first!.timestamp },
      { value: other2, timestamp: other!.timestamp },
      { value: twin, timestamp: first!.timestamp },
      { value: first!.value, timestamp: first!.timestamp },
    ]);

    // Act
    const output = transformBatch(batch, REFERENCE_CATALOG);

    // Assess
    expect(goldTable(output, 'user_events').rows.map((row) => [row.event_id, row.kafka_offset])).toEqual([
      [first!.value.event_id, '100'],
      [other2.event_id, '101'],
    ]);
    const quarantine = quarantineLines(output);
    expect(quarantine.map((line) => [line.offset, line.reasons.map((reason) => reason.code)])).toEqual([
      [102, ['duplicate_in_batch']],
      [103, ['duplicate_in_batch']],
    ]);
    expect(output.ledger.reasons).toEqual({ duplicate_in_batch: 2 });
  });

  it('quarantines every repeat of an id, whatever the batch, keeping the first valid occurrence', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Topic>('user_events', 'transactions').chain((topic) =>
          fc.tuple(fc.constant(topic), fc.array(fc.tuple(validArb(topic), fc.nat({ max: 3 })), { minLength: 1, maxLength: 10 })),
        ),
        ([topic, drawn]) => {
          // Prepare: ids drawn from a pool of four, so repeats are common.
          const values = drawn.map(([record, slot]) => ({ ...record, value: { ...record.value, [idField(topic)]: `id-${slot}` } }));
          const distinctIds = new Set(values.map((record) => record.value[idField(topic)]));

          // Act
          const output = transformBatch(partitionBatch(topic, values), REFERENCE_CATALOG);

          // Assess
          expect(output.ledger.gold).toBe(distinctIds.size);
          expect(output.ledger.reasons).toEqual(values.length > distinctIds.size ? { duplicate_in_batch: values.length - distinctIds.size } : {});
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does not count a rejected record as the first occurrence of its id', () => {
    // Prepare
    const [record] = fc.sample(validTransactionArb, { numRuns: 1, seed: 5 });
    const unknownUser = { ...record!.value, user_id: 'USR-99999' };
    const batch = partitionBatch('transactions', [
      { value: unknownUser, timestamp: record!.timestamp },
      { value: record!.value, timestamp: record!.timestamp },
    ]);

    // Act
    const output = transformBatch(batch, REFERENCE_CATALOG);

    // Assess
    expect(output.ledger).toMatchObject({ gold: 1, quarantined: 1, reasons: { unknown_user_id: 1 } });
    expect(goldTable(output, 'transactions').rows[0]!.kafka_offset).toBe('101');
  });

  it('writes quarantine lines that carry the original record and every reason', () => {
    fc.assert(
      fc.property(mixedBatchArb, ({ topic, items }) => {
        // Prepare
        const batch = batchOf(topic, items);
        const dirtyRecords = batch.records.filter((_, index) => items[index]!.kind === 'dirty');

        // Act
        const output = transformBatch(batch, REFERENCE_CATALOG);

        // Assess
        const lines = quarantineLines(output);
        // Value bytes, key, headers and Kafka coordinates all come back from the line.
        expect(lines.map((line) => fromLandingLine(line))).toEqual(dirtyRecords);
        for (const line of lines) {
          expect(line.reasons.length).toBeGreaterThan(0);
          for (const reason of line.reasons) {
            expect(REASON_CODES).toContain(reason.code);
            expect(reason.detail).toBeTypeOf('string');
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('writes no gold file when nothing is valid, and no quarantine file when everything is', () => {
    // Prepare
    const [valid] = fc.sample(validUserEventArb, { numRuns: 1, seed: 9 });
    const allDirty = partitionBatch('user_events', [{ value: null }, { value: raw('nope') }]);
    const allValid = partitionBatch('user_events', [{ value: valid!.value, timestamp: valid!.timestamp }]);

    // Act
    const dirtyOutput = transformBatch(allDirty, REFERENCE_CATALOG);
    const validOutput = transformBatch(allValid, REFERENCE_CATALOG);

    // Assess
    expect(dirtyOutput.gold.size).toBe(0);
    expect(quarantineLines(dirtyOutput)).toHaveLength(2);
    expect(validOutput.quarantine).toBeUndefined();
    expect(validOutput.gold.size).toBe(1);
  });

  it('quarantines a whole batch of a topic without contract as unknown_topic', () => {
    // Prepare
    const [valid] = fc.sample(validUserEventArb, { numRuns: 1, seed: 1 });
    const batch = partitionBatch('user_events_dlq', [{ value: valid!.value, timestamp: valid!.timestamp }, { value: null }]);

    // Act
    const output = transformBatch(batch, REFERENCE_CATALOG);

    // Assess
    expect(output.gold.size).toBe(0);
    expect(output.ledger).toMatchObject({ topic: 'user_events_dlq', in: 2, gold: 0, quarantined: 2, reasons: { unknown_topic: 2 } });
    expect(ndjsonLines(output.landing)).toHaveLength(2);
  });

  it('rebuilds identical landing, gold, quarantine and ledger when replayed from its own landing file', () => {
    const anyRecordArb = fc.constantFrom<Topic>('user_events', 'transactions').chain((topic) =>
      fc.tuple(
        fc.constant(topic),
        fc.array(
          fc.oneof(
            validArb(topic).map((record) => ({ value: record.value, timestamp: record.timestamp })),
            dirtyValueArb(topic),
            kafkaRecordArb.map((record) => ({ value: record.value, timestamp: record.timestamp, headers: record.headers, key: record.key })),
          ),
          { minLength: 1, maxLength: 12 },
        ),
      ),
    );
    fc.assert(
      fc.property(anyRecordArb, ([topic, records]) => {
        // Prepare
        const batch = partitionBatch(topic, records);
        const original = transformBatch(batch, REFERENCE_CATALOG);

        // Act
        const replayedRecords: KafkaRecord[] = (ndjsonLines(original.landing) as LandingLine[]).map(fromLandingLine);
        const replayed = transformBatch({ topic: batch.topic, partition: batch.partition, records: replayedRecords }, REFERENCE_CATALOG);

        // Assess
        expect(replayed.landing).toBe(original.landing);
        expect([...replayed.gold]).toEqual([...original.gold]);
        expect(replayed.quarantine).toBe(original.quarantine);
        expect(replayed.ledger).toEqual(original.ledger);
      }),
      { numRuns: 300 },
    );
  });
});
