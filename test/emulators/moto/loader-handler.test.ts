import '../../support/quiet-powertools.js';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { HeadObjectCommand, PutBucketEncryptionCommand, ServerSideEncryption } from '@aws-sdk/client-s3';
import type { MSKEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { makeConsumerHandler } from '../../../lambdas/consumer/make-handler.js';
import { scheduledTick, type ObjectCreatedEvent } from '../../../lambdas/loader/loader-request.js';
import { makeLoaderHandler } from '../../../lambdas/loader/make-handler.js';
import { S3ObjectStore } from '../../../lambdas/shared/adapters/s3-object-store.js';
import type { ObjectStore } from '../../../lambdas/shared/ports/object-store.js';
import { logger, metrics } from '../../../lambdas/shared/powertools.js';
import { cachedReferenceCatalog } from '../../../lambdas/shared/reference-catalog.js';
import { validTransactionArb, validUserEventArb } from '../../support/arbitraries.js';
import { awsPayload, sqsEventCarrying } from '../../support/aws-payloads.js';
import { parseCsvTable } from '../../support/csv-parser.js';
import { gunzipText, snapshotStore } from '../../support/files.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { mskEvent, type PlainRecord } from '../../support/msk-event.js';
import { openWarehouseFixture, putReferenceData, type WarehouseFixture } from '../../support/warehouse-fixtures.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startMoto, type Moto } from '../support/moto.js';

/** 8 user events on two partitions and 4 transactions: three gold files, three landing files. */
const EVENT: MSKEvent = mskEvent([
  ...fc.sample(validUserEventArb, { numRuns: 8, seed: 301 }).map((record, index): PlainRecord => ({ topic: 'user_events', partition: index % 2, ...record })),
  ...fc.sample(validTransactionArb, { numRuns: 4, seed: 302 }).map((record): PlainRecord => ({ topic: 'transactions', partition: 0, ...record })),
]);

/**
 * The ETags S3 gives objects encrypted with SSE-KMS, which moto does not: "not an MD5 digest of
 * their object data" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html), and in
 * practice new on every PUT, even of identical bytes. Each put here gets a fresh opaque ETag, so
 * the loader sees what it would see in AWS when the consumer rewrites a redelivered batch.
 */
const withSseKmsEtags = (store: ObjectStore): ObjectStore => {
  const etags = new Map<string, string>();
  return {
    put: async (key, body, contentType) => {
      await store.put(key, body, contentType);
      etags.set(key, randomBytes(16).toString('hex'));
    },
    get: (key) => store.get(key),
    list: async (prefix) => (await store.list(prefix)).map((object) => ({ ...object, etag: etags.get(object.key) ?? object.etag })),
  };
};

describeOnEmulator('moto', "loader handler (makeLoaderHandler) on gold files in an SSE-KMS bucket, against moto's S3 and KMS", () => {
  let moto: Moto;
  let keyArn: string;
  let fixture: WarehouseFixture;

  beforeAll(async () => {
    moto = await startMoto();
    keyArn = await moto.createKmsKey('streamflow test bucket key');
  });

  afterAll(async () => {
    await moto?.stop();
  });

  beforeEach(async () => {
    fixture = await openWarehouseFixture('moto-loader');
  });

  afterEach(async () => {
    await fixture.close();
  });

  /** A bucket encrypted by default with the moto KMS key, as the storage stack configures its bucket. */
  const encryptedBucket = async (): Promise<{ name: string; store: S3ObjectStore }> => {
    const name = await moto.createBucket('kms-loader');
    await moto.s3().send(
      new PutBucketEncryptionCommand({
        Bucket: name,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: ServerSideEncryption.aws_kms, KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }],
        },
      }),
    );
    const store = new S3ObjectStore(moto.s3(), name);
    await putReferenceData(store);
    return { name, store };
  };

  const consume = (store: ObjectStore) =>
    makeConsumerHandler({ store, referenceCatalog: cachedReferenceCatalog(store, 60_000), logger, metrics })(EVENT, lambdaContext());

  const tick = (store: ObjectStore) => makeLoaderHandler({ store, warehouse: fixture.warehouse, logger, metrics })(scheduledTick(), lambdaContext('streamflow-loader'));

  /** Bronze rows per source file, and rows in each gold file of the bucket. */
  const bronzeAndGoldRows = async (store: ObjectStore): Promise<{ bronze: Record<string, number>; gold: Record<string, number> }> => {
    const bronze: Record<string, number> = {};
    for (const table of ['bronze.raw_user_events', 'bronze.raw_transactions']) {
      const rows = await fixture.warehouse.query<{ file: string; rows: number }>(`select _source_file as file, count(*) as rows from ${table} group by _source_file`);
      for (const row of rows) bronze[row.file] = Number(row.rows);
    }
    const gold: Record<string, number> = {};
    for (const [key, body] of await snapshotStore(store, 'gold/')) gold[key] = parseCsvTable(gunzipText(body)).rows.length;
    return { bronze, gold };
  };

  it("loads every gold file of a batch the consumer wrote to an SSE-KMS bucket, each row once, against moto's S3 and KMS", async () => {
    // Prepare
    const { name, store } = await encryptedBucket();
    await consume(store);

    // Act
    const summary = await tick(store);

    // Assess: moto applied the bucket's default key to what the consumer wrote, and Bronze holds each gold row once.
    const [goldKey] = (await store.list('gold/')).map((object) => object.key);
    const head = await moto.s3().send(new HeadObjectCommand({ Bucket: name, Key: goldKey }));
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn });
    expect(summary).toMatchObject({ loaded: 5, skipped: 0, failed: 0 });
    const { bronze, gold } = await bronzeAndGoldRows(store);
    expect(Object.keys(gold)).toHaveLength(3);
    expect(bronze).toEqual(gold);
  });

  it("skips a redelivered identical gold file, since moto keeps MD5 ETags under SSE-KMS (S3 does not), against moto's S3 and KMS", async () => {
    // Prepare
    const { store } = await encryptedBucket();
    await consume(store);
    await tick(store);

    // Act: the event source mapping redelivers the batch; the consumer rewrites the same bytes.
    await consume(store);
    const summary = await tick(store);

    // Assess
    expect(summary).toMatchObject({ loaded: 0, skipped: 5, failed: 0 });
    const { bronze, gold } = await bronzeAndGoldRows(store);
    expect(bronze).toEqual(gold);
    // What makes moto skip where S3 would not: its ETag is the body's MD5 although the object is KMS-encrypted.
    const [object] = await store.list('gold/');
    expect(object!.etag).toBe(createHash('md5').update((await store.get(object!.key))!).digest('hex'));
  });

  it("loads the gold file a queued S3 Object Created event names, raw or URL-encoded, once, against moto's S3 and KMS", async () => {
    // Prepare: AWS's published event, naming a gold key (its `+` and `=` are what URL-encoding changes).
    const { store } = await encryptedBucket();
    await consume(store);
    const [gold] = await store.list('gold/transactions/');
    const published = awsPayload<ObjectCreatedEvent>('s3ObjectCreatedEvent');
    const naming = (key: string): ObjectCreatedEvent => ({ ...published, detail: { ...published.detail, object: { ...published.detail.object, key } } });
    const handler = makeLoaderHandler({ store, warehouse: fixture.warehouse, logger, metrics });

    // Act
    const encoded = await handler(sqsEventCarrying([naming(encodeURIComponent(gold!.key).replaceAll('%2F', '/'))]), lambdaContext('streamflow-loader'));
    const raw = await handler(sqsEventCarrying([naming(gold!.key)]), lambdaContext('streamflow-loader'));

    // Assess
    expect(encoded.files).toEqual([expect.objectContaining({ status: 'loaded', key: gold!.key })]);
    expect(raw.files).toEqual([expect.objectContaining({ status: 'skipped', key: gold!.key, reason: 'already_loaded' })]);
    const { bronze, gold: goldRows } = await bronzeAndGoldRows(store);
    expect(bronze[gold!.key]).toBe(goldRows[gold!.key]);
  });

  it("reloads, without doubling Bronze, a redelivered identical gold file whose SSE-KMS ETag changed as in AWS, against moto's S3 and KMS", async () => {
    // Prepare
    const { store: s3Store } = await encryptedBucket();
    const store = withSseKmsEtags(s3Store);
    await consume(store);
    const first = await tick(store);

    // Act: same bytes rewritten under the same keys, each now with a new ETag.
    await consume(store);
    const second = await tick(store);

    // Assess: every rewritten file is a new version to the loader; it replaces its rows, never adds.
    expect(first).toMatchObject({ loaded: 5, failed: 0 });
    expect(second).toMatchObject({ loaded: 3, skipped: 2, failed: 0 });
    expect(second.files.filter((file) => file.status === 'loaded').map((file) => file.key).sort()).toEqual(
      (await store.list('')).map((object) => object.key).filter((key) => !key.startsWith('landing/') && !key.startsWith('reference/')),
    );
    const { bronze, gold } = await bronzeAndGoldRows(store);
    expect(bronze).toEqual(gold);
  });
});
