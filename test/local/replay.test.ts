import '../support/quiet-powertools.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { MSKEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
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
    const none = await replay({ store: clean.store, selection: { sources: ['landing'], prefix: 'aws/lambda/' } });

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

  it('replays a landing file of the previous version, headers as an object, reading its headers (and writes them as a list)', async () => {
    // Prepare: a line the `--input` reader could not read, landed with its reason in a header, the old way.
    const bucket = await newBucket(root.path, `run-${++runs}`);
    const key = 'landing/user_events/dt=2025-03-01/user_events+0+7-7.ndjson.gz';
    const line = '{"topic":"user_events","partition":0,"offset":7,"timestamp":1740830400000,"key":null,"value":"x","headers":{"streamflow-input-error":"line 3: not JSON"}}';
    await bucket.store.put(key, gzipSync(`${line}\n`), 'application/x-ndjson+gzip');

    // Act
    const summary = await replay({ store: bucket.store, selection: { sources: ['landing'] } });

    // Assess: quarantined for the header's reason (not as malformed JSON), the header now in the list form.
    expect(summary.landing).toMatchObject({ objects: 1, gold: 0, quarantined: 1, failed: [] });
    const [quarantined] = [...(await snapshotStore(bucket.store, 'quarantine/')).values()].map((body) => JSON.parse(gunzipSync(body).toString('utf8')) as Record<string, unknown>);
    expect(quarantined).toMatchObject({
      headers: [{ name: 'streamflow-input-error', value_base64: Buffer.from('line 3: not JSON').toString('base64') }],
      reasons: [{ code: 'invalid_input_line', detail: 'line 3: not JSON' }],
    });
  });
});

/** AWS's published on-failure records (test/fixtures/aws/README.md), under the key layout Lambda uses. */
const AWS_ESM_UUID = 'f89f8514-cdd9-4602-9e1f-01a5b77d449b';
const awsFixture = (name: string): Promise<Buffer> => readFile(new URL(`../fixtures/aws/${name}`, import.meta.url));
const awsKey = (suffix: string): string => `aws/lambda/${AWS_ESM_UUID}/0/2019/11/14/2019-11-14T00.38.06-${suffix}`;

describe('replay from the on-failure destination', () => {
  it('re-delivers a batch whose retries ran out through the consumer, then skips its fresh landing file', async () => {
    // Prepare: every write of partition 1 of user_events fails, with no retries left
    const failing = (store: ObjectStore): ObjectStore => ({
      put: (key, body, type) => (/^(landing|gold|quarantine)\/user_events\/.*user_events\+1\+/.test(key) ? Promise.reject(new Error('injected')) : store.put(key, body, type)),
      get: (key) => store.get(key),
      list: (prefix) => store.list(prefix),
    });
    const bucket = await ingested(failing, { ...ESM, maximumRetryAttempts: 0 });
    const onFailure = await keysUnder(bucket, 'aws/lambda/');
    expect(onFailure.length).toBeGreaterThan(0);
    expect(onFailure.every((key) => /^aws\/lambda\/[0-9a-f-]{36}\/1\//.test(key))).toBe(true);

    // Act
    const summary = await replay({ store: bucket.store });
    const again = await replay({ store: bucket.store, selection: { sources: ['onfailure'] } });

    // Assess
    expect(diffOutputs(await consumerOutputs(bucket.store), cleanOutputs)).toEqual([]);
    expect(summary.onFailure).toMatchObject({ objects: onFailure.length, failed: [], reread: [] });
    expect(summary.landing.skipped).toBe(onFailure.length);
    expect(summary.onFailure.records + summary.landing.records).toBe(STREAM.events);
    expect(again.onFailure.objects).toBe(onFailure.length);
    expect(diffOutputs(await consumerOutputs(bucket.store), cleanOutputs)).toEqual([]);
  });

  it("re-delivers AWS's published S3 on-failure record from its payload, and a second replay changes nothing", async () => {
    // Prepare
    const bucket = await newBucket(root.path, `run-${++runs}`);
    await putReferenceData(bucket.store);
    await bucket.store.put(awsKey('0b7a6c1e-1111-4111-8111-111111111111'), await awsFixture('kafka-onfailure-s3-retry-attempts-exhausted.json'), 'application/json');

    // Act
    const first = await replay({ store: bucket.store, selection: { sources: ['onfailure'] } });
    const afterFirst = await snapshotStore(bucket.store);
    const second = await replay({ store: bucket.store, selection: { sources: ['onfailure'] } });

    // Assess: AWS's sample event is one record of topic mytopic, offset 15, broker time 2018-12-17
    expect(first.onFailure).toMatchObject({ objects: 1, records: 1, failed: [], reread: [] });
    expect(await keysUnder(bucket, 'landing/')).toEqual(['landing/mytopic/dt=2018-12-17/mytopic+0+15-15.ndjson.gz']);
    expect(second.onFailure).toMatchObject({ objects: 1, records: 1 });
    expect(await snapshotStore(bucket.store)).toEqual(afterFirst);
  });

  it('lists the exact offsets to re-read for a MaximumPayloadSizeExceeded record, which has no payload', async () => {
    // Prepare
    const bucket = await newBucket(root.path, `run-${++runs}`);
    const key = awsKey('0b7a6c1e-2222-4222-8222-222222222222');
    await bucket.store.put(key, await awsFixture('kafka-onfailure-s3-maximum-payload-size-exceeded.json'), 'application/json');

    // Act
    const summary = await replay({ store: bucket.store, selection: { sources: ['onfailure'] } });

    // Assess: AWS's recordsInfo, offsets kept whole (56 digits, past any JavaScript number)
    expect(summary.onFailure.objects).toBe(0);
    expect(summary.onFailure.reread).toEqual(
      ['Topic', 'Topic'].map((topic, partition) => ({
        key,
        topic,
        partition,
        firstOffset: '49601189658422359378836298521827638475320189012309704722',
        lastOffset: '49601189658422359378836298522902373528957594348623495186',
      })),
    );
    expect(await keysUnder(bucket, 'landing/')).toEqual([]);
  });

  it('re-reads a record without payload through the given Kafka reader', async () => {
    // Prepare: the reader stands in for the brokers and answers with AWS's sample event
    const bucket = await newBucket(root.path, `run-${++runs}`);
    await putReferenceData(bucket.store);
    await bucket.store.put(awsKey('0b7a6c1e-3333-4333-8333-333333333333'), await awsFixture('kafka-onfailure-s3-maximum-payload-size-exceeded.json'), 'application/json');
    const sample = JSON.parse((JSON.parse((await awsFixture('kafka-onfailure-s3-retry-attempts-exhausted.json')).toString()) as { payload: string }).payload) as MSKEvent;
    const asked: string[] = [];

    // Act
    const summary = await replay({
      store: bucket.store,
      selection: { sources: ['onfailure'] },
      reread: (range) => {
        asked.push(`${range.topic}-${range.partition}`);
        return Promise.resolve(sample);
      },
    });

    // Assess
    expect(asked).toEqual(['Topic-0', 'Topic-1']);
    expect(summary.onFailure).toMatchObject({ objects: 1, records: 2, reread: [] });
  });

  it('reads the on-failure records from their own bucket when one is given', async () => {
    // Prepare
    const data = await newBucket(root.path, `run-${++runs}`);
    const onFailureBucket = await newBucket(root.path, `run-${++runs}`);
    await putReferenceData(data.store);
    await onFailureBucket.store.put(awsKey('0b7a6c1e-4444-4444-8444-444444444444'), await awsFixture('kafka-onfailure-s3-retry-attempts-exhausted.json'), 'application/json');

    // Act
    const summary = await replay({ store: data.store, onFailureStore: onFailureBucket.store, selection: { sources: ['onfailure'] } });

    // Assess
    expect(summary.onFailure.objects).toBe(1);
    expect(await keysUnder(data, 'landing/')).toHaveLength(1);
    expect(await keysUnder(onFailureBucket, 'landing/')).toEqual([]);
  });

  it('reports an on-failure object that is not a Kafka on-failure record and replays the rest', async () => {
    // Prepare
    const bucket = await ingested();
    await writeFile(join(bucket.dir, 'onfailure-note.txt'), 'ignored: not under aws/lambda/');
    await bucket.store.put(awsKey('a'), Buffer.from('{"event":{"records":[]}}'), 'application/json');
    await bucket.store.put(awsKey('b'), Buffer.from('{"requestContext":'), 'application/json');

    // Act
    const summary = await replay({ store: bucket.store, selection: { sources: ['onfailure'] } });

    // Assess
    expect(summary.onFailure.objects).toBe(0);
    expect(summary.onFailure.failed.map((failure) => failure.error)).toEqual([
      expect.stringMatching(/is not a Lambda on-failure record for Kafka/) as string,
      expect.stringMatching(/is not JSON/) as string,
    ]);
  });
});
