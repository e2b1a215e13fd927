import '../support/quiet-powertools.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import { onFailureKeyFor } from '../../lambdas/local/ingest.js';
import { batchOfLandingFile, replay } from '../../lambdas/local/replay.js';
import { countObjectLedger } from '../../lambdas/shared/object-ledger.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import { CUSTOMERS, PRODUCTS } from '../support/arbitraries.js';
import { snapshotStore, tempFolder } from '../support/files.js';
import { consumerOutputs, diffOutputs, ingestInto, newBucket, streamOf, type Bucket } from '../support/local-twin.js';
import { consumeBatch, putReferenceData, transaction } from '../support/warehouse-fixtures.js';

const STREAM = { events: 900, seed: 5, dirtyRate: 0.1, days: 10 } as const;
const ESM: EsmSettings = { ...DEFAULT_ESM_SETTINGS, batchSize: 100 };

let root: Awaited<ReturnType<typeof tempFolder>>;
let runs = 0;
let clean: Bucket;
let cleanOutputs: Map<string, Buffer>;

/** A bucket holding the stream's files, optionally through a store that breaks some writes. */
const ingested = async (wrap?: (store: ObjectStore) => ObjectStore, esm = ESM): Promise<Bucket> => {
  const bucket = await newBucket(root.path, `run-${++runs}`);
  await ingestInto(bucket, streamOf(STREAM), esm, wrap ? { store: wrap(bucket.store) } : {});
  return bucket;
};

const keysUnder = async (bucket: Bucket, prefix: string): Promise<string[]> => (await bucket.store.list(prefix)).map((object) => object.key);

beforeAll(async () => {
  root = await tempFolder('replay');
  clean = await ingested();
  cleanOutputs = await consumerOutputs(clean.store);
});

afterAll(async () => {
  await root.remove();
});

describe('replay from landing', () => {
  it('derives every gold and quarantine file again, byte for byte, and a second replay changes nothing', async () => {
    // Prepare: a bucket that lost its gold and quarantine files
    const bucket = await ingested();
    await rm(join(bucket.dir, 'gold'), { recursive: true });
    await rm(join(bucket.dir, 'quarantine'), { recursive: true });

    // Act
    const first = await replay({ store: bucket.store });
    const afterFirst = await snapshotStore(bucket.store);
    const second = await replay({ store: bucket.store });

    // Assess
    expect(diffOutputs(await consumerOutputs(bucket.store), cleanOutputs)).toEqual([]);
    expect(first.landing).toMatchObject({ objects: (await keysUnder(clean, 'landing/')).length, records: STREAM.events, failed: [], cleared: [] });
    expect(first.landing.gold + first.landing.quarantined).toBe(STREAM.events);
    expect(Object.values(first.reasons).reduce((sum, count) => sum + count, 0)).toBe(first.landing.quarantined);
    expect(second.landing).toMatchObject({ objects: first.landing.objects, failed: [], cleared: [] });
    expect(await snapshotStore(bucket.store)).toEqual(afterFirst);
  });

  it.each([
    ['a topic', { topic: 'transactions' }, (key: string) => key.startsWith('landing/transactions/')],
    ['a prefix', { prefix: 'landing/user_events/' }, (key: string) => key.startsWith('landing/user_events/')],
  ] as const)('replays only the batches of %s', async (_, selection, selected) => {
    // Prepare
    const expected = (await keysUnder(clean, 'landing/')).filter(selected);

    // Act
    const summary = await replay({ store: clean.store, selection });

    // Assess
    expect(summary.landing.objects).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
    expect(diffOutputs(await consumerOutputs(clean.store), cleanOutputs)).toEqual([]);
  });

  it('replays only the batches filed under a day with a date, and nothing for a prefix of the other source', async () => {
    // Prepare
    const landing = await keysUnder(clean, 'landing/');
    const day = /dt=(\d{4}-\d{2}-\d{2})/.exec(landing[0]!)![1]!;
    const progress: number[] = [];

    // Act
    const dated = await replay({ store: clean.store, selection: { date: day }, onProgress: ({ done }) => progress.push(done) });
    const none = await replay({ store: clean.store, selection: { sources: ['landing'], prefix: 'onfailure/' } });

    // Assess
    const expected = landing.filter((key) => key.includes(`/dt=${day}/`)).length;
    expect(dated.landing.objects).toBe(expected);
    expect(progress).toEqual(Array.from({ length: expected }, (_, index) => index + 1));
    expect(none.landing.objects + none.onFailure.objects).toBe(0);
  });

  it('reports a landing file it cannot read back whole, writes nothing for it, and replays the others', async () => {
    // Prepare: one file that is not gzip, one with a line that is not a landing record, one under another batch's name
    const bucket = await ingested();
    const [first, second, third] = await keysUnder(bucket, 'landing/user_events/');
    await bucket.store.put(first!, Buffer.from('not gzip'), 'application/x-ndjson+gzip');
    await bucket.store.put(second!, gzipSync('{"topic":"user_events"}\n'), 'application/x-ndjson+gzip');
    const moved = (await bucket.store.get(third!))!;
    const renamed = third!.replace(/\+(\d+)-(\d+)\.ndjson\.gz$/, '+9$1-9$2.ndjson.gz');
    await bucket.store.put(renamed, moved, 'application/x-ndjson+gzip');
    const before = await snapshotStore(bucket.store);

    // Act
    const summary = await replay({ store: bucket.store, selection: { sources: ['landing'] } });

    // Assess
    expect(summary.landing.failed.map((failure) => failure.key).sort()).toEqual([first!, second!, renamed].sort());
    expect(summary.landing.failed.find((failure) => failure.key === second)!.error).toMatch(/line 1 is not a landing record/);
    expect(summary.landing.failed.find((failure) => failure.key === renamed)!.error).toMatch(/holds the records of/);
    expect(summary.landing.objects).toBe((await keysUnder(bucket, 'landing/')).length - 3);
    const after = await snapshotStore(bucket.store);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const key of [first!, second!, renamed]) expect(after.get(key)!.equals(before.get(key)!)).toBe(true);
  });

  it('empties a file an earlier derivation wrote when the batch no longer has such rows (new reference data)', async () => {
    // Prepare: a transaction quarantined for a product the reference data does not have yet
    const bucket = await newBucket(root.path, `run-${++runs}`);
    const newProduct = { ...PRODUCTS[0]!, product_id: 'PRD-NEW-1' };
    const late = { ...transaction('T-1', 0, [[0, 1, 1000]]), products: [{ product_id: 'PRD-NEW-1', quantity: 1, unit_price: 10 }] };
    await consumeBatch(bucket.store, 'transactions', [late]);
    const [quarantineKey] = await keysUnder(bucket, 'quarantine/');
    await putReferenceData(bucket.store, { products: [...PRODUCTS, newProduct], customers: CUSTOMERS });

    // Act
    const summary = await replay({ store: bucket.store });

    // Assess: the record is gold now, the quarantine file holds nothing, the ledger still balances
    expect(summary.landing).toMatchObject({ gold: 1, quarantined: 0, cleared: [quarantineKey] });
    expect(await keysUnder(bucket, 'gold/')).toHaveLength(1);
    expect(await countObjectLedger(bucket.store)).toMatchObject({ lost: 0, topics: { transactions: { landed: 1, gold: 1, quarantined: 0 } } });
    expect((await replay({ store: bucket.store })).landing.cleared).toEqual([]);
  });

  it('rebuilds a batch from its landing lines, keeping a broker time that was not a number', () => {
    // Prepare
    const key = 'landing/user_events/dt=1970-01-01/user_events+0+7-7.ndjson.gz';
    const text = '{"topic":"user_events","partition":0,"offset":7,"timestamp":null,"key":null,"value":"{}"}\n';

    // Act
    const batch = batchOfLandingFile(key, text);

    // Assess
    expect(batch.records).toHaveLength(1);
    expect(batch.records[0]!.timestamp).toBeNaN();
  });
});

describe('replay from the on-failure destination', () => {
  it('re-delivers a batch whose retries ran out through the consumer, then skips its fresh landing file', async () => {
    // Prepare: every write of partition 1 of user_events fails, with no retries left
    const failing = (store: ObjectStore): ObjectStore => ({
      put: (key, body, type) => (/^(landing|gold|quarantine)\/user_events\/.*user_events\+1\+/.test(key) ? Promise.reject(new Error('injected')) : store.put(key, body, type)),
      get: (key) => store.get(key),
      list: (prefix) => store.list(prefix),
    });
    const bucket = await ingested(failing, { ...ESM, maximumRetryAttempts: 0 });
    const onFailure = await keysUnder(bucket, 'onfailure/');
    expect(onFailure.length).toBeGreaterThan(0);
    expect(onFailure.every((key) => key.startsWith('onfailure/user_events/user_events+1+'))).toBe(true);

    // Act
    const summary = await replay({ store: bucket.store });
    const again = await replay({ store: bucket.store, selection: { sources: ['onfailure'] } });

    // Assess
    expect(diffOutputs(await consumerOutputs(bucket.store), cleanOutputs)).toEqual([]);
    expect(summary.onFailure).toMatchObject({ objects: onFailure.length, failed: [] });
    expect(summary.landing.skipped).toBe(onFailure.length);
    expect(summary.onFailure.records + summary.landing.records).toBe(STREAM.events);
    expect(again.onFailure.objects).toBe(onFailure.length);
    expect(diffOutputs(await consumerOutputs(bucket.store), cleanOutputs)).toEqual([]);
    const stored = JSON.parse(await readFile(join(bucket.dir, onFailure[0]!), 'utf8')) as { topic: string; partition: number; firstOffset: number; lastOffset: number };
    expect(onFailureKeyFor(stored as Parameters<typeof onFailureKeyFor>[0])).toBe(onFailure[0]);
  });

  it('reports an on-failure file that holds no MSK event and replays the rest', async () => {
    // Prepare
    const bucket = await ingested();
    await writeFile(join(bucket.dir, 'onfailure-note.txt'), 'ignored: not under onfailure/');
    await bucket.store.put('onfailure/user_events/user_events+0+0-9.json', Buffer.from('{"event":{"records":[]}}'), 'application/json');
    await bucket.store.put('onfailure/user_events/user_events+0+10-19.json', Buffer.from('{"event":'), 'application/json');

    // Act
    const summary = await replay({ store: bucket.store, selection: { sources: ['onfailure'] } });

    // Assess
    expect(summary.onFailure.objects).toBe(0);
    expect(summary.onFailure.failed.map((failure) => failure.error)).toEqual([
      expect.stringMatching(/holds no MSK event/) as string,
      expect.stringMatching(/is not JSON/) as string,
    ]);
  });
});
