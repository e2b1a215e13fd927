import '../../support/quiet-powertools.js';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import type { MSKEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BatchLedger } from '../../../lambdas/consumer/transform-batch.js';
import { makeConsumerHandler } from '../../../lambdas/consumer/make-handler.js';
import { S3ObjectStore } from '../../../lambdas/shared/adapters/s3-object-store.js';
import type { ObjectStore } from '../../../lambdas/shared/ports/object-store.js';
import { logger, metrics } from '../../../lambdas/shared/powertools.js';
import { cachedReferenceCatalog, REFERENCE_KEYS } from '../../../lambdas/shared/reference-catalog.js';
import { dirtyValueArb, kafkaRecordArb, validTransactionArb, validUserEventArb } from '../../support/arbitraries.js';
import { parseCsvTable } from '../../support/csv-parser.js';
import { gunzipText, ndjsonLines, snapshotStore } from '../../support/files.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { mskEvent, type PlainRecord } from '../../support/msk-event.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;

/** A bucket of its own holding the committed reference data, as the stack deploys it. */
const bucketWithReferenceData = async (): Promise<S3ObjectStore> => {
  const store = new S3ObjectStore(moto.s3(), await moto.createBucket('consumer'));
  for (const [file, key] of [
    ['products.json', REFERENCE_KEYS.products],
    ['customers.json', REFERENCE_KEYS.customers],
  ] as const) {
    await store.put(key, await readFile(new URL(`../../../data/${file}`, import.meta.url)), 'application/json');
  }
  return store;
};

const handlerFor = (store: ObjectStore) =>
  makeConsumerHandler({ store, referenceCatalog: cachedReferenceCatalog(store, 60_000), logger, metrics });

const invoke = (store: ObjectStore, event: MSKEvent): Promise<BatchLedger[]> => handlerFor(store)(event, lambdaContext());

/** Rows in the consumer's output under each prefix, read back from the bucket. */
const countRows = async (store: ObjectStore): Promise<{ landing: number; gold: number; quarantine: number }> => {
  const files = await snapshotStore(store);
  const count = (prefix: string, rows: (text: string) => number): number =>
    [...files].filter(([key]) => key.startsWith(prefix)).reduce((sum, [, body]) => sum + rows(gunzipText(body)), 0);
  return {
    landing: count('landing/', (text) => ndjsonLines(text).length),
    gold: count('gold/', (text) => parseCsvTable(text).rows.length),
    quarantine: count('quarantine/', (text) => ndjsonLines(text).length),
  };
};

/** 12 valid user events, 6 valid transactions, and 10 dirty records, spread over four partitions. */
const MIXED_EVENT = ((): { event: MSKEvent; valid: number; dirty: number } => {
  const userEvents = fc.sample(validUserEventArb, { numRuns: 12, seed: 101 });
  const transactions = fc.sample(validTransactionArb, { numRuns: 6, seed: 102 });
  const dirtyEvents = fc.sample(dirtyValueArb('user_events'), { numRuns: 6, seed: 103 });
  const dirtyTransactions = fc.sample(dirtyValueArb('transactions'), { numRuns: 4, seed: 104 });
  const records: PlainRecord[] = [
    ...userEvents.map((record, index) => ({ topic: 'user_events', partition: index % 2, ...record })),
    ...dirtyEvents.map((record, index) => ({ topic: 'user_events', partition: index % 3, ...record })),
    ...transactions.map((record) => ({ topic: 'transactions', partition: 0, ...record })),
    ...dirtyTransactions.map((record) => ({ topic: 'transactions', partition: 0, ...record })),
  ];
  return { event: mskEvent(records), valid: userEvents.length + transactions.length, dirty: dirtyEvents.length + dirtyTransactions.length };
})();

describeOnEmulator('moto', "consumer handler (makeConsumerHandler) through @aws-sdk/client-s3 against moto's S3", () => {
  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it("writes landing, gold and quarantine objects whose rows add up, against moto's S3", async () => {
    // Prepare
    const store = await bucketWithReferenceData();

    // Act
    const ledgers = await invoke(store, MIXED_EVENT.event);

    // Assess
    const rows = await countRows(store);
    expect(rows).toEqual({ landing: MIXED_EVENT.valid + MIXED_EVENT.dirty, gold: MIXED_EVENT.valid, quarantine: MIXED_EVENT.dirty });
    expect(ledgers).toHaveLength(4);
    for (const ledger of ledgers) expect(ledger.in).toBe(ledger.gold + ledger.quarantined);
    expect((await store.list('landing/')).length).toBe(4);
  });

  it("leaves the same objects with identical bytes when the same event is delivered twice, against moto's S3", async () => {
    // Prepare
    const store = await bucketWithReferenceData();
    await invoke(store, MIXED_EVENT.event);
    const afterFirst = await snapshotStore(store);

    // Act
    await invoke(store, MIXED_EVENT.event);

    // Assess
    const afterSecond = await snapshotStore(store);
    expect([...afterSecond.keys()]).toEqual([...afterFirst.keys()]);
    for (const [key, body] of afterFirst) expect(afterSecond.get(key)!.equals(body), key).toBe(true);
  });

  it("checks ids against the reference data in the bucket, against moto's S3", async () => {
    // Prepare
    const store = await bucketWithReferenceData();
    const [record] = fc.sample(validUserEventArb, { numRuns: 1, seed: 105 });
    const stranger = { ...record!.value, user_id: 'USR-99999' };

    // Act
    const [ledger] = await invoke(store, mskEvent([{ topic: 'user_events', value: stranger, timestamp: record!.timestamp }]));

    // Assess
    expect(ledger).toMatchObject({ gold: 0, quarantined: 1, reasons: { unknown_user_id: 1 } });
  });

  it("throws when the object store fails, so the event source mapping retries the batch, against moto's S3", async () => {
    // Prepare: the bucket is gone (deleted, or the function points at the wrong one).
    const store = new S3ObjectStore(moto.s3(), 'no-such-bucket');

    // Act
    const invocation = invoke(store, MIXED_EVENT.event);

    // Assess
    await expect(invocation).rejects.toThrow(/bucket/i);
  });

  it("ends, after a failed write and the retry, with exactly the objects of a clean delivery, against moto's S3", async () => {
    // Prepare
    const clean = await bucketWithReferenceData();
    await invoke(clean, MIXED_EVENT.event);
    const flakyTarget = await bucketWithReferenceData();
    let failuresLeft = 1;
    const flaky: ObjectStore = {
      put: (key, body, type) => {
        if (key.startsWith('gold/') && failuresLeft-- > 0) return Promise.reject(new Error('InternalError: We encountered an internal error'));
        return flakyTarget.put(key, body, type);
      },
      get: (key) => flakyTarget.get(key),
      list: (prefix) => flakyTarget.list(prefix),
    };

    // Act
    const firstAttempt = invoke(flaky, MIXED_EVENT.event);
    await expect(firstAttempt).rejects.toThrow(/InternalError/);
    await invoke(flaky, MIXED_EVENT.event);

    // Assess
    const expected = await snapshotStore(clean);
    const actual = await snapshotStore(flakyTarget);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [key, body] of expected) expect(actual.get(key)!.equals(body), key).toBe(true);
  });

  it("never throws for bad records, whatever their topic or bytes, against moto's S3", async () => {
    // Prepare
    const store = await bucketWithReferenceData();
    const handler = handlerFor(store);
    const badEventArb = fc
      .array(
        fc.oneof(
          kafkaRecordArb.map((record): PlainRecord => ({ ...record })),
          fc.constantFrom<'user_events' | 'transactions'>('user_events', 'transactions').chain((topic) =>
            dirtyValueArb(topic).map((record): PlainRecord => ({ topic, ...record })),
          ),
        ),
        { minLength: 1, maxLength: 8 },
      )
      // Offsets are unique within a partition in Kafka: let the fixture number them.
      .map((records) => records.map(({ offset: _offset, ...record }) => record));

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(badEventArb, async (records) => {
        const ledgers = await handler(mskEvent(records), lambdaContext());
        expect(ledgers.reduce((sum, ledger) => sum + ledger.in, 0)).toBe(records.length);
        for (const ledger of ledgers) expect(ledger.in).toBe(ledger.gold + ledger.quarantined);
      }),
      { numRuns: 25 },
    );
  });
});
