import type { MSKEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMskEvent } from '../../lambdas/consumer/kafka-record.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import { DEFAULT_ESM_SETTINGS, EsmSimulator, invokingWith, type EsmSettings, type FailedBatch } from '../../lambdas/local/esm-simulator.js';
import { TopicLog } from '../../lambdas/local/topic-log.js';
import { header } from '../support/msk-event.js';

const message = (topic: string, key: string | null, text: string, headers?: ProducedMessage['headers']): ProducedMessage => ({
  topic,
  key,
  value: Buffer.from(text, 'utf8'),
  timestamp: 1_700_000_000_000,
  ...(headers ? { headers } : {}),
});

const numbered = (count: number, topic = 't', key = 'k'): ProducedMessage[] => Array.from({ length: count }, (_, i) => message(topic, key, `m${i}`));

/** The offsets an event carries, in its order. */
const offsetsOf = (event: MSKEvent): number[] => Object.values(event.records).flat().map((record) => record.offset);

/** A simulator over a fresh log with an injected clock, recording every invocation and failure. */
const harness = (settings: Partial<EsmSettings>, invoke: (event: MSKEvent, call: number) => Promise<void> = () => Promise.resolve(), partitions = 1) => {
  const time = { now: 0 };
  const clock = () => time.now;
  const log = new TopicLog(partitions, clock);
  const calls: MSKEvent[] = [];
  const failures: FailedBatch[] = [];
  const esm = new EsmSimulator(
    log,
    invokingWith((event) => {
      calls.push(event);
      return invoke(event, calls.length);
    }),
    (failure) => {
      failures.push(failure);
      return Promise.resolve();
    },
    { ...DEFAULT_ESM_SETTINGS, ...settings },
    clock,
  );
  return { time, log, esm, calls, failures };
};

describe('EsmSimulator', () => {
  describe('batching', () => {
    it('delivers every record exactly once, in offset order per partition, within batch size and payload cap', async () => {
      // Prepare
      const messageArb = fc.record({
        topic: fc.constantFrom('user_events', 'transactions'),
        key: fc.option(fc.constantFrom('USR-00001', 'USR-00002', 'USR-00003', 'USR-00004'), { nil: null }),
        text: fc.string({ maxLength: 300 }),
        header: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
      });
      const settingsArb = fc.record({
        batchSize: fc.integer({ min: 1, max: 20 }),
        maxPayloadBytes: fc.integer({ min: 700, max: 5_000 }),
        concurrency: fc.integer({ min: 1, max: 3 }),
      });

      // Act / Assess
      await fc.assert(
        fc.asyncProperty(fc.array(messageArb, { maxLength: 120 }), settingsArb, fc.integer({ min: 1, max: 3 }), async (specs, settings, partitions) => {
          const { log, esm, calls, failures } = harness(settings, undefined, partitions);
          const published = specs.map((spec) => message(spec.topic, spec.key, spec.text, spec.header === undefined ? undefined : [header('trace', spec.header)]));
          await log.publish(published);

          await esm.drain();

          const delivered = new Map<string, number[]>();
          for (const event of calls) {
            expect(Object.keys(event.records)).toHaveLength(1);
            const records = Object.values(event.records)[0]!;
            expect(records.length).toBeGreaterThan(0);
            expect(records.length).toBeLessThanOrEqual(settings.batchSize);
            expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThanOrEqual(settings.maxPayloadBytes);
            for (const batch of decodeMskEvent(event)) {
              const seen = delivered.get(`${batch.topic}-${batch.partition}`) ?? [];
              delivered.set(`${batch.topic}-${batch.partition}`, [...seen, ...batch.records.map((record) => record.offset)]);
            }
          }
          // A record too large alone goes to on-failure, without payload: delivered or discarded, each exactly once.
          for (const failure of failures) {
            expect(failure).toMatchObject({ condition: 'MaximumPayloadSizeExceeded', batchSize: 1 });
            expect(failure.payloadBytes).toBeGreaterThan(settings.maxPayloadBytes);
            const seen = delivered.get(`${failure.topic}-${failure.partition}`) ?? [];
            delivered.set(`${failure.topic}-${failure.partition}`, [...seen, failure.firstOffset].sort((a, b) => a - b));
          }
          for (const { topic, partition } of log.topicPartitions()) {
            const end = log.endOffset(topic, partition);
            expect(delivered.get(`${topic}-${partition}`) ?? []).toEqual(Array.from({ length: end }, (_, i) => i));
          }
          expect(esm.stats.records + failures.length).toBe(published.length);
          expect(esm.lag()).toBe(0);
        }),
        { numRuns: 150 },
      );
    });

    it('holds a partial batch on poll until the batching window has elapsed since its first record', async () => {
      // Prepare
      const { time, log, esm, calls } = harness({ batchSize: 10, batchingWindowMs: 1_000 });
      await log.publish(numbered(2));
      time.now = 600;
      await log.publish([message('t', 'k', 'late')]);

      // Act
      time.now = 999;
      await esm.poll();
      const heldAt999 = calls.length;
      time.now = 1_000;
      await esm.poll();

      // Assess
      expect(heldAt999).toBe(0);
      expect(calls.map(offsetsOf)).toEqual([[0, 1, 2]]);
      expect(esm.lag()).toBe(0);
    });

    it('releases full batches on poll at once and holds the partial rest', async () => {
      // Prepare
      const { log, esm, calls } = harness({ batchSize: 10, batchingWindowMs: 60_000 });
      await log.publish(numbered(25));

      // Act
      await esm.poll();

      // Assess
      expect(calls.map(offsetsOf)).toEqual([
        Array.from({ length: 10 }, (_, i) => i),
        Array.from({ length: 10 }, (_, i) => i + 10),
      ]);
      expect(esm.lag()).toBe(5);
    });

    it('releases a batch that reached the payload cap on poll at once', async () => {
      // Prepare: each record is about 1.5 kB in the event, so three do not fit in 4 kB
      const { log, esm, calls } = harness({ batchSize: 100, batchingWindowMs: 60_000, maxPayloadBytes: 4_000 });
      await log.publish(Array.from({ length: 5 }, (_, i) => message('t', 'k', `${i}`.repeat(1_000))));

      // Act
      await esm.poll();

      // Assess
      expect(calls.map(offsetsOf)).toEqual([
        [0, 1],
        [2, 3],
      ]);
      expect(calls.every((event) => Buffer.byteLength(JSON.stringify(event)) <= 4_000)).toBe(true);
      expect(esm.lag()).toBe(1);
    });

    it('counts headers toward the payload cap', async () => {
      // Prepare: small values, large headers
      const { log, esm, calls } = harness({ batchSize: 100, maxPayloadBytes: 10_000 });
      await log.publish(Array.from({ length: 6 }, () => message('t', 'k', 'v', [header('note', 'h'.repeat(1_000))])));

      // Act
      await esm.drain();

      // Assess
      expect(calls.length).toBeGreaterThan(1);
      expect(calls.every((event) => Buffer.byteLength(JSON.stringify(event)) <= 10_000)).toBe(true);
    });

    it('sends a single record larger than the cap to on-failure without payload (MaximumPayloadSizeExceeded), as Lambda does, and goes on', async () => {
      // Prepare
      const { log, esm, calls, failures } = harness({ batchSize: 100, maxPayloadBytes: 1_000 });
      await log.publish([message('t', 'k', 'small'), message('t', 'k', 'x'.repeat(5_000)), message('t', 'k', 'small')]);

      // Act
      await esm.drain();

      // Assess
      expect(calls.map(offsetsOf)).toEqual([[0], [2]]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ topic: 't', firstOffset: 1, lastOffset: 1, batchSize: 1, attempts: 0, condition: 'MaximumPayloadSizeExceeded' });
      expect(failures[0]!.event).toBeUndefined();
      expect(failures[0]!.payloadBytes).toBeGreaterThan(1_000);
      expect(failures[0]!.error).toMatch(/exceeds the 1000-byte payload cap/);
      expect(esm.stats.failedBatches).toBe(1);
      expect(esm.lag()).toBe(0);
    });

    it('flushes partial batches on drain without waiting for the window', async () => {
      // Prepare
      const { log, esm, calls } = harness({ batchSize: 10, batchingWindowMs: 300_000 }, undefined, 2);
      await log.publish([message('t', 'a', '1'), message('t', 'b', '2'), message('u', 'a', '3')]);

      // Act
      await esm.drain();

      // Assess
      expect(calls.flatMap(offsetsOf)).toHaveLength(3);
      expect(esm.lag()).toBe(0);
    });

    it('does nothing on poll or drain when nothing is pending', async () => {
      // Prepare
      const { esm, calls } = harness({});

      // Act
      await esm.poll();
      await esm.drain();

      // Assess
      expect(calls).toEqual([]);
      expect(esm.stats).toEqual({ invocations: 0, batches: 0, retries: 0, failedBatches: 0, records: 0 });
    });

    it('frees delivered records from the topic log, keeping offsets for what comes next', async () => {
      // Prepare
      const { log, esm, calls } = harness({ batchSize: 3 });
      await log.publish(numbered(4));
      await esm.drain();

      // Act
      await log.publish([message('t', 'k', 'next')]);
      await esm.drain();

      // Assess
      expect(log.read('t', 0, 0, 100)).toEqual([]);
      expect(calls.map(offsetsOf)).toEqual([[0, 1, 2], [3], [4]]);
    });

    it('delivers up to `concurrency` partitions at a time, never two batches of one partition at once', async () => {
      // Prepare
      const inFlight = new Set<string>();
      let most = 0;
      const overlaps: string[] = [];
      const { log, esm } = harness(
        { batchSize: 2, concurrency: 2 },
        async (event) => {
          const group = Object.keys(event.records)[0]!;
          if (inFlight.has(group)) overlaps.push(group);
          inFlight.add(group);
          most = Math.max(most, inFlight.size);
          await new Promise((resolve) => setTimeout(resolve, 2));
          inFlight.delete(group);
        },
        4,
      );
      await log.publish(Array.from({ length: 40 }, (_, i) => message('t', `key-${i}`, 'v')));

      // Act
      await esm.drain();

      // Assess
      expect(most).toBe(2);
      expect(overlaps).toEqual([]);
      expect(esm.stats.records).toBe(40);
    });
  });

  describe('retries and the on-failure destination', () => {
    it('retries a failing batch maximumRetryAttempts times, sends it to on-failure, then delivers the next batch', async () => {
      // Prepare: the batch starting at offset 2 always fails
      const { log, esm, calls, failures } = harness({ batchSize: 2, maximumRetryAttempts: 2 }, (event) =>
        offsetsOf(event)[0] === 2 ? Promise.reject(new Error('S3 is down')) : Promise.resolve(),
      );
      await log.publish(numbered(6));

      // Act
      await esm.drain();

      // Assess
      expect(calls.map((event) => offsetsOf(event)[0])).toEqual([0, 2, 2, 2, 4]);
      expect(failures).toHaveLength(1);
      const [failure] = failures;
      expect(failure).toMatchObject({ topic: 't', partition: 0, firstOffset: 2, lastOffset: 3, batchSize: 2, attempts: 3, condition: 'RetryAttemptsExhausted', error: 'S3 is down' });
      expect(failure!.event).toEqual(calls[1]);
      expect(failure!.payloadBytes).toBe(Buffer.byteLength(JSON.stringify(calls[1])));
      expect(decodeMskEvent(failure!.event!)[0]!.records.map((record) => record.value!.toString())).toEqual(['m2', 'm3']);
      expect(esm.stats).toEqual({ invocations: 5, batches: 3, retries: 2, failedBatches: 1, records: 6 });
      expect(esm.lag()).toBe(0);
    });

    it('makes a single attempt when maximumRetryAttempts is 0', async () => {
      // Prepare
      const { log, esm, calls, failures } = harness({ maximumRetryAttempts: 0 }, () => Promise.reject(new Error('boom')));
      await log.publish(numbered(3));

      // Act
      await esm.drain();

      // Assess
      expect(calls).toHaveLength(1);
      expect(failures.map((failure) => [failure.attempts, failure.firstOffset, failure.lastOffset])).toEqual([[1, 0, 2]]);
    });

    it('records a rejection that is not an Error as its text', async () => {
      // Prepare
      const { log, esm, failures } = harness({ maximumRetryAttempts: 0 }, () =>
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a handler may reject with anything
        Promise.reject('timeout after 900 s'),
      );
      await log.publish(numbered(1));

      // Act
      await esm.drain();

      // Assess
      expect(failures.map((failure) => failure.error)).toEqual(['timeout after 900 s']);
    });

    it('delivers a batch once it succeeds within its retries, without on-failure', async () => {
      // Prepare: the first two attempts fail
      const { log, esm, calls, failures } = harness({ batchSize: 10, maximumRetryAttempts: 3 }, (_event, call) =>
        call <= 2 ? Promise.reject(new Error('throttled')) : Promise.resolve(),
      );
      await log.publish(numbered(4));

      // Act
      await esm.drain();

      // Assess
      expect(calls.map(offsetsOf)).toEqual([
        [0, 1, 2, 3],
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ]);
      expect(failures).toEqual([]);
      expect(esm.stats).toMatchObject({ invocations: 3, retries: 2, failedBatches: 0, batches: 1 });
    });

    it('retries until success when maximumRetryAttempts is -1', async () => {
      // Prepare: fails 25 times, far beyond any finite default
      const { log, esm, calls, failures } = harness({ batchSize: 10, maximumRetryAttempts: -1 }, (_event, call) =>
        call <= 25 ? Promise.reject(new Error('still failing')) : Promise.resolve(),
      );
      await log.publish(numbered(3));

      // Act
      await esm.drain();

      // Assess
      expect(calls).toHaveLength(26);
      expect(failures).toEqual([]);
      expect(esm.stats.retries).toBe(25);
      expect(esm.lag()).toBe(0);
    });
  });

  describe('settings', () => {
    it.each<[string, Partial<EsmSettings>, RegExp]>([
      ['batch size 0', { batchSize: 0 }, /batchSize must be an integer from 1 to 10000/],
      ['batch size 10,001', { batchSize: 10_001 }, /batchSize/],
      ['a fractional batch size', { batchSize: 2.5 }, /batchSize/],
      ['a negative batching window', { batchingWindowMs: -1 }, /batchingWindowMs must be from 0 to 300000/],
      ['a batching window over 5 minutes', { batchingWindowMs: 300_001 }, /batchingWindowMs/],
      ['a NaN batching window', { batchingWindowMs: Number.NaN }, /batchingWindowMs/],
      ['retries below -1', { maximumRetryAttempts: -2 }, /maximumRetryAttempts must be -1 or a non-negative integer/],
      ['fractional retries', { maximumRetryAttempts: 1.5 }, /maximumRetryAttempts/],
      ['a zero payload cap', { maxPayloadBytes: 0 }, /maxPayloadBytes must be a positive integer/],
      ['a NaN payload cap', { maxPayloadBytes: Number.NaN }, /maxPayloadBytes/],
      ['zero concurrency', { concurrency: 0 }, /concurrency must be a positive integer/],
    ])('refuses %s with a clear error', (_label, patch, problem) => {
      // Prepare
      const settings = { ...DEFAULT_ESM_SETTINGS, ...patch };

      // Act
      const create = () => new EsmSimulator(new TopicLog(), () => Promise.resolve(), () => Promise.resolve(), settings);

      // Assess
      expect(create).toThrow(/^Invalid event source mapping settings: /);
      expect(create).toThrow(problem);
    });

    it('names every problem of the settings in one error', () => {
      // Prepare
      const settings = { ...DEFAULT_ESM_SETTINGS, batchSize: 0, concurrency: 0 };

      // Act
      const create = () => new EsmSimulator(new TopicLog(), () => Promise.resolve(), () => Promise.resolve(), settings);

      // Assess
      expect(create).toThrow(/batchSize must be an integer from 1 to 10000; concurrency must be a positive integer/);
    });

    it('accepts the AWS defaults and the edges of each range', () => {
      // Prepare
      const edges: EsmSettings[] = [
        DEFAULT_ESM_SETTINGS,
        { batchSize: 1, batchingWindowMs: 0, maximumRetryAttempts: -1, maxPayloadBytes: 1, concurrency: 1 },
        { batchSize: 10_000, batchingWindowMs: 300_000, maximumRetryAttempts: 10_000, maxPayloadBytes: 6 * 1024 * 1024, concurrency: 64 },
      ];

      // Act / Assess
      for (const settings of edges) expect(() => new EsmSimulator(new TopicLog(), () => Promise.resolve(), () => Promise.resolve(), settings)).not.toThrow();
    });
  });
});
