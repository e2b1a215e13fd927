import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMskEvent } from '../../lambdas/consumer/kafka-record.js';
import type { PartitionBatch } from '../../lambdas/consumer/kafka-record.js';
import { batchName, goldKeyFor, landingKeyFor, quarantineKeyFor, topicSegment } from '../../lambdas/consumer/object-keys.js';
import { parseBatchName } from '../../lambdas/shared/contracts/batch-names.js';
import { assertSafeKey } from '../../lambdas/shared/ports/object-store.js';
import { mskEvent, partitionBatch } from '../support/msk-event.js';

/** Kafka's legal topic names: letters, digits, `.`, `_`, `-`, up to 249, never `.` or `..`. */
const topicArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,249}$/).filter((topic) => topic !== '.' && topic !== '..');

const batchArb = fc
  .record({
    topic: topicArb,
    partition: fc.nat({ max: 10_000 }),
    firstOffset: fc.nat({ max: Number.MAX_SAFE_INTEGER - 1000 }),
    count: fc.integer({ min: 1, max: 5 }),
    timestamp: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
  })
  .map(({ topic, partition, firstOffset, count, timestamp }) =>
    partitionBatch(
      topic,
      Array.from({ length: count }, (_, index) => ({ offset: firstOffset + index * 3, timestamp: timestamp + index * 1000, value: null })),
      partition,
    ),
  );

describe('object keys', () => {
  it('follow the layout of the design: <prefix>/<topic or table>/dt=YYYY-MM-DD/<topic>+<partition>+<first>-<last>', () => {
    // Prepare: three records of partition 3, offsets 100..102, broker time 2025-03-01T12:00:00Z.
    const batch = partitionBatch('user_events', [{ value: null }, { value: null }, { value: null }], 3);

    // Act
    const keys = [landingKeyFor(batch), goldKeyFor(batch, 'user_events'), quarantineKeyFor(batch)];

    // Assess
    expect(keys).toEqual([
      'landing/user_events/dt=2025-03-01/user_events+3+100-102.ndjson.gz',
      'gold/user_events/dt=2025-03-01/user_events+3+100-102.csv.gz',
      'quarantine/user_events/dt=2025-03-01/user_events+3+100-102.ndjson.gz',
    ]);
  });

  it('take the dt= partition from the first record, in UTC', () => {
    // Prepare: 23:30 in New York on Feb 28 is Mar 1 in UTC; the second record is a day later.
    const firstAt = Date.parse('2025-02-28T23:30:00-05:00');
    const batch = partitionBatch('transactions', [{ timestamp: firstAt, value: null }, { timestamp: firstAt + 86_400_000, value: null }]);

    // Act
    const key = landingKeyFor(batch);

    // Assess
    expect(key).toContain('/dt=2025-03-01/');
  });

  it('put records without a broker time under dt=1970-01-01 instead of failing', () => {
    // Prepare: Kafka reports -1 for a record without a timestamp.
    const batch = partitionBatch('user_events', [{ timestamp: -1, value: null }]);

    // Act
    const key = goldKeyFor(batch, 'user_events');

    // Assess
    expect(key).toBe('gold/user_events/dt=1970-01-01/user_events+0+100-100.csv.gz');
  });

  it('are the same for a redelivered batch, whatever order its records arrive in', () => {
    fc.assert(
      fc.property(
        batchArb.chain((batch) => fc.tuple(fc.constant(batch), fc.shuffledSubarray([...batch.records], { minLength: batch.records.length }))),
        ([batch, shuffled]) => {
          // Prepare: the same records delivered again, shuffled, through the MSK event shape.
          const [redelivered] = decodeMskEvent(mskEvent(shuffled.map((record) => ({ ...record, value: null }))));

          // Act
          const keys = [landingKeyFor(redelivered!), goldKeyFor(redelivered!, 't'), quarantineKeyFor(redelivered!)];

          // Assess
          expect(keys).toEqual([landingKeyFor(batch), goldKeyFor(batch, 't'), quarantineKeyFor(batch)]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('are safe object keys for every legal Kafka topic name', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        // Act
        const keys = [landingKeyFor(batch), goldKeyFor(batch, 'user_events'), quarantineKeyFor(batch)];

        // Assess
        for (const key of keys) expect(() => assertSafeKey(key)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseBatchName', () => {
  it('recovers topic, partition and offsets from every key of a batch', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        // Prepare
        const expected = {
          topic: topicSegment(batch.topic),
          partition: batch.partition,
          firstOffset: batch.records[0]!.offset,
          lastOffset: batch.records[batch.records.length - 1]!.offset,
        };

        // Act
        const parsed = [landingKeyFor(batch), goldKeyFor(batch, 'some_table'), quarantineKeyFor(batch), `${batchName(batch)}.csv.gz`].map(parseBatchName);

        // Assess
        expect(parsed).toEqual([expected, expected, expected, expected]);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    'reference/products.json',
    'landing/user_events/dt=2025-03-01/user_events+0+1-2.ndjson',
    'landing/user_events/dt=2025-03-01/user_events+0+1-2.json.gz',
    'gold/user_events/dt=2025-03-01/user_events+x+1-2.csv.gz',
    'gold/user_events/dt=2025-03-01/user_events+0+1.csv.gz',
    'gold/user_events/dt=2025-03-01/+0+1-2.csv.gz',
  ])('returns undefined for %j, which names no batch', (key) => {
    // Act
    const parsed = parseBatchName(key);

    // Assess
    expect(parsed).toBeUndefined();
  });
});

describe('topicSegment', () => {

  it('keeps a topic of up to 100 characters as it is, and shortens a longer one to a stable name no legal topic can have', () => {
    fc.assert(
      fc.property(fc.oneof(topicArb, fc.stringMatching(/^[A-Za-z0-9._-]{101,249}$/)), (topic) => {
        // Act
        const segment = topicSegment(topic);

        // Assess
        if (topic.length <= 100) expect(segment).toBe(topic);
        else expect(segment).toMatch(/^[A-Za-z0-9._-]{80}~[0-9a-f]{16}$/);
        expect(topicSegment(topic)).toBe(segment);
        expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(97);
      }),
      { numRuns: 300 },
    );
  });

  it('names two long topics that share their first 80 characters apart', () => {
    // Prepare
    const common = 'a'.repeat(200);

    // Act / Assess
    expect(topicSegment(`${common}-one`)).not.toBe(topicSegment(`${common}-two`));
  });

  it('fits the longest batch file name under 255 bytes for a 249-character topic and the largest coordinates', () => {
    // Prepare
    const batch = { topic: 'T'.repeat(249), partition: 2 ** 31 - 1, records: [{ offset: Number.MAX_SAFE_INTEGER, timestamp: 0 }] } as unknown as PartitionBatch;

    // Act
    const name = landingKeyFor(batch).split('/').at(-1)!;

    // Assess
    expect(Buffer.byteLength(name)).toBeLessThan(255);
    expect(parseBatchName(landingKeyFor(batch))).toEqual({ topic: topicSegment(batch.topic), partition: batch.partition, firstOffset: Number.MAX_SAFE_INTEGER, lastOffset: Number.MAX_SAFE_INTEGER });
  });
});
