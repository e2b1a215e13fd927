/**
 * The ledger cannot lie: for any sequence of deliveries (any batch boundaries, redeliveries that
 * overlap), discarded batches (with and without payload), deleted files, copied gold files and
 * consumer-group commits (anywhere, backwards too, as an offset reset moves them), the counts the
 * report's verdict is made of are exactly the truth, computed here from what the sequence did,
 * offset by offset: `pending` = offsets held only by an on-failure record; of the offsets with no
 * landing copy or no gold or quarantine row that are not pending, those nothing landed at or past
 * the group's committed offset are `unconsumed` (the group has not read them yet; all of a
 * partition it never committed on), and every other one is `lost` (all of them without a group:
 * the local topic log ends with its run).
 * Runs on the consumer's own writer and the ESM simulator's on-failure destination, in memory.
 */
import '../support/quiet-powertools.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeBatch } from '../../lambdas/consumer/consume-event.js';
import { goldKeyFor, landingKeyFor, quarantineKeyFor } from '../../lambdas/consumer/object-keys.js';
import type { FailedBatch } from '../../lambdas/local/esm-simulator.js';
import { OnFailureDestination } from '../../lambdas/local/onfailure-destination.js';
import { mskEventOf } from '../../lambdas/local/msk-event.js';
import { countObjectLedger } from '../../lambdas/shared/object-ledger.js';
import { buildLedgerReport } from '../../lambdas/warehouse/ledger-report.js';
import type { ObjectStore, StoredObject } from '../../lambdas/shared/ports/object-store.js';
import { NO_REFERENCE_DATA } from '../../lambdas/shared/reference-catalog.js';
import { CUSTOMERS } from '../support/arbitraries.js';
import { partitionBatch } from '../support/msk-event.js';

const TOPIC = 'user_events';
const BROKER_TIME = Date.UTC(2025, 2, 1, 12);

/** A bucket in memory that can also lose and copy objects, as a person with the console can. */
class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  put(key: string, body: Uint8Array): Promise<void> {
    this.objects.set(key, body);
    return Promise.resolve();
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.objects.get(key));
  }
  list(prefix: string): Promise<StoredObject[]> {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    return Promise.resolve(keys.map((key) => ({ key, size: this.objects.get(key)!.length, etag: key, lastModified: new Date(0) })));
  }
}

/** Offset `o` of partition `p`: a valid event (gold) or, every third one, junk (quarantine). */
const isValid = (offset: number): boolean => offset % 3 !== 2;
const valueOf = (partition: number, offset: number): unknown =>
  isValid(offset)
    ? {
        event_id: `E-${partition}-${offset}`,
        user_id: CUSTOMERS[0]!.user_id,
        session_id: 'S-1',
        event_type: 'page_view',
        event_ts: '2025-03-01T11:00:00Z',
        page_url: '/',
        device_type: 'mobile',
        browser: 'chrome',
        operating_system: 'ios',
        referrer: 'direct',
      }
    : `{not json ${offset}`;

const batchOf = (partition: number, first: number, last: number) =>
  partitionBatch(
    TOPIC,
    Array.from({ length: last - first + 1 }, (_, i) => ({ offset: first + i, value: valueOf(partition, first + i), timestamp: BROKER_TIME })),
    partition,
  );

type Step =
  | { readonly kind: 'deliver' | 'discard'; readonly partition: number; readonly from: number; readonly length: number; readonly payload: boolean }
  | { readonly kind: 'delete'; readonly prefix: 'landing/' | 'gold/' | 'quarantine/'; readonly pick: number }
  | { readonly kind: 'copy-gold'; readonly pick: number }
  | { readonly kind: 'commit'; readonly partition: number; readonly offset: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('deliver' as const), partition: fc.nat({ max: 1 }), from: fc.nat({ max: 24 }), length: fc.integer({ min: 1, max: 9 }), payload: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('discard' as const), partition: fc.nat({ max: 1 }), from: fc.nat({ max: 24 }), length: fc.integer({ min: 1, max: 9 }), payload: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), prefix: fc.constantFrom('landing/' as const, 'gold/' as const, 'quarantine/' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy-gold' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('commit' as const), partition: fc.nat({ max: 1 }), offset: fc.nat({ max: 31 }) }) },
);

/** What each object holds, as the test knows it: the offsets it lands, or has a row for. */
type Holds = Map<string, { readonly partition: number; readonly offsets: readonly number[] }>;

const failedBatchOf = (partition: number, first: number, last: number, payload: boolean): FailedBatch => {
  const event = mskEventOf(
    Array.from({ length: last - first + 1 }, (_, i) => ({ topic: TOPIC, partition, offset: first + i, key: null, value: Buffer.from('x'), timestamp: BROKER_TIME, appendedAt: 0 })),
  );
  return {
    topic: TOPIC,
    partition,
    firstOffset: first,
    lastOffset: last,
    firstTimestamp: BROKER_TIME,
    lastTimestamp: BROKER_TIME,
    batchSize: last - first + 1,
    attempts: 4,
    condition: payload ? 'RetryAttemptsExhausted' : 'MaximumPayloadSizeExceeded',
    error: 'injected',
    payloadBytes: Buffer.byteLength(JSON.stringify(event)),
    event,
  };
};

describe('the ledger against any sequence of deliveries, faults and deletions', () => {
  it('counts exactly the offsets that are lost, pending replay or not yet consumed, and its verdict says which, whatever happened', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 2 }), fc.array(stepArb, { maxLength: 25 }), fc.boolean(), async (produced, steps, hasGroup) => {
        // Prepare
        const store = new MemoryStore();
        const landing: Holds = new Map();
        const outcomes: Holds = new Map();
        const held: { partition: number; first: number; last: number }[] = [];
        /** The group's committed offset per partition (the next it reads), as the last commit left it. */
        const committed = new Map<number, number>();
        let clock = Date.UTC(2025, 2, 2);
        const destination = new OnFailureDestination({ store, clock: () => (clock += 1000) });

        // Act: the sequence, clamped to what each partition produced
        for (const step of steps) {
          if (step.kind === 'commit') {
            const end = produced[step.partition];
            if (end !== undefined) committed.set(step.partition, Math.min(step.offset, end));
          } else if (step.kind === 'deliver' || step.kind === 'discard') {
            const end = produced[step.partition];
            if (end === undefined || step.from >= end) continue;
            const last = Math.min(end - 1, step.from + step.length - 1);
            const offsets = Array.from({ length: last - step.from + 1 }, (_, i) => step.from + i);
            if (step.kind === 'discard') {
              await destination.send(failedBatchOf(step.partition, step.from, last, step.payload));
              held.push({ partition: step.partition, first: step.from, last });
              continue;
            }
            const batch = batchOf(step.partition, step.from, last);
            await writeBatch(store, batch, NO_REFERENCE_DATA);
            landing.set(landingKeyFor(batch), { partition: step.partition, offsets });
            const valid = offsets.filter(isValid);
            const invalid = offsets.filter((offset) => !isValid(offset));
            if (valid.length > 0) outcomes.set(goldKeyFor(batch, TOPIC), { partition: step.partition, offsets: valid });
            if (invalid.length > 0) outcomes.set(quarantineKeyFor(batch), { partition: step.partition, offsets: invalid });
          } else if ('pick' in step) {
            const prefix = step.kind === 'delete' ? step.prefix : 'gold/';
            const keys = [...store.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
            if (keys.length === 0) continue;
            const key = keys[step.pick % keys.length]!;
            if (step.kind === 'delete') {
              store.objects.delete(key);
              landing.delete(key);
              outcomes.delete(key);
            } else {
              const copy = key.replace(/dt=\d{4}-\d{2}-\d{2}/, 'dt=2099-12-31');
              await store.put(copy, store.objects.get(key)!);
              outcomes.set(copy, outcomes.get(key)!);
            }
          }
        }
        const source = {
          source: 'test',
          ...(hasGroup ? { group: 'test-group' } : {}),
          partitions: produced.map((end, partition) => ({ topic: TOPIC, partition, start: 0, end, ...(committed.has(partition) ? { committed: committed.get(partition) } : {}) })),
        };
        const ledger = await countObjectLedger(store, { source });
        // The verdict line itself, on the files and offsets alone (no warehouse in memory).
        const { verdict, nothingLost } = await buildLedgerReport(store, { notChecked: 'in memory' }, { source });

        // Assess: the truth, offset by offset
        let lost = 0;
        let pending = 0;
        let unconsumed = 0;
        for (const [partition, end] of produced.entries()) {
          const has = (holds: Holds, offset: number) => [...holds.values()].some((entry) => entry.partition === partition && entry.offsets.includes(offset));
          const readFrom = committed.get(partition) ?? 0;
          for (let offset = 0; offset < end; offset++) {
            const landed = has(landing, offset);
            if (landed && has(outcomes, offset)) continue;
            if (!landed && held.some((range) => range.partition === partition && range.first <= offset && offset <= range.last)) pending++;
            else if (!landed && hasGroup && offset >= readFrom) unconsumed++;
            else lost++;
          }
        }
        expect({ lost: ledger.lost, pending: ledger.pending, unconsumed: ledger.unconsumed }).toEqual({ lost, pending, unconsumed });
        const head = lost > 0 ? `LOST ${lost} records` : pending > 0 ? `PENDING ${pending} records` : unconsumed > 0 ? `Not yet consumed: ${unconsumed} records (group test-group` : 'Files and offsets balance';
        expect(verdict.startsWith(head), verdict).toBe(true);
        expect(verdict).toMatch(/warehouse not checked: in memory/);
        expect(nothingLost).toBe(false);
        expect(ledger.unreadableOnFailure).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
