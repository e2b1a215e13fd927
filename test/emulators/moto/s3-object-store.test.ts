import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { ChecksumMode, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../lambdas/shared/adapters/s3-object-store.js';
import { describeObjectStoreContract } from '../../support/object-store-contract.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startMoto, type Moto } from '../support/moto.js';

describeOnEmulator('moto', "S3ObjectStore through @aws-sdk/client-s3 against moto's S3", () => {
  let moto: Moto;
  let bucket: string;
  let store: S3ObjectStore;

  beforeAll(async () => {
    moto = await startMoto();
    bucket = await moto.createBucket('object-store');
    store = new S3ObjectStore(moto.s3(), bucket);
  });

  afterAll(async () => {
    await moto?.stop();
  });

  describeObjectStoreContract('S3ObjectStore', () => store, ", against moto's S3");

  it("stores the content type given on put, against moto's S3", async () => {
    // Prepare
    const key = 'content-type/gold/user_events/batch.csv.gz';

    // Act
    await store.put(key, Buffer.from('a,b\n'), 'text/csv+gzip');

    // Assess
    const head = await moto.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentType).toBe('text/csv+gzip');
  });

  it("stores intact what the SDK uploads with its default flexible checksums (no WHEN_REQUIRED workaround), against moto's S3", async () => {
    // Prepare: the functions build `new S3Client({})`, so PutObject streams the body aws-chunked with
    // a CRC32 trailer. s3rver (retired) stored such bodies corrupted; moto decodes them (it does not
    // verify the trailer, S3 does).
    const key = 'checksum/landing/batch.ndjson.gz';
    const body = Buffer.from('{"event_id":"e-1"}\n'.repeat(1_000));

    // Act
    await store.put(key, body, 'application/x-ndjson+gzip');

    // Assess
    const head = await moto.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: ChecksumMode.ENABLED }));
    const crc32 = Buffer.alloc(4);
    crc32.writeUInt32BE(zlibCrc32(body));
    expect(head.ChecksumCRC32).toBe(crc32.toString('base64'));
    expect(Buffer.from((await store.get(key))!).equals(body)).toBe(true);
  });

  it("follows continuation tokens until every page is listed, against moto's S3", async () => {
    // Prepare: a client whose list pages hold 3 keys, so 10 objects need 4 pages.
    const client = moto.s3();
    let pages = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        if (args.input && typeof args.input === 'object' && 'ContinuationToken' in args.input) pages++;
        return next(args);
      },
      { step: 'initialize', name: 'countListPages' },
    );
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.input as { MaxKeys?: number }).MaxKeys = 3;
        return next(args);
      },
      { step: 'initialize', name: 'smallListPages' },
    );
    const paged = new S3ObjectStore(client, bucket);
    const keys = Array.from({ length: 10 }, (_, index) => `paged/landing/key-${String(index).padStart(2, '0')}.ndjson.gz`);
    await Promise.all(keys.map((key) => store.put(key, Buffer.from(key), 'application/x-ndjson+gzip')));

    // Act
    const listed = await paged.list('paged/');

    // Assess
    expect(listed.map((object) => object.key)).toEqual(keys);
    expect(pages).toBe(4);
  });

  it("lists more than 1,000 objects (S3 page size) under one prefix, against moto's S3", async () => {
    // Prepare
    const keys = Array.from({ length: 1005 }, (_, index) => `many/gold/user_events/part-${String(index).padStart(4, '0')}.csv.gz`);
    for (let start = 0; start < keys.length; start += 100) {
      await Promise.all(keys.slice(start, start + 100).map((key) => store.put(key, Buffer.from('x'), 'text/csv')));
    }
    const firstPage = await moto.s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'many/' }));

    // Act
    const listed = await store.list('many/');

    // Assess
    expect(firstPage.IsTruncated).toBe(true);
    expect(listed.map((object) => object.key)).toEqual(keys);
  });

  it("reports an MD5 etag without the quotes S3 puts around it, against moto's S3", async () => {
    // Prepare
    const body = Buffer.from('{"event_id":"e-1"}\n');
    await store.put('etag/object.ndjson', body, 'application/x-ndjson');

    // Act
    const [object] = await store.list('etag/');

    // Assess
    expect(object?.etag).toBe(createHash('md5').update(body).digest('hex'));
  });

  it("rethrows errors other than a missing key, against moto's S3", async () => {
    // Prepare
    const noBucket = new S3ObjectStore(moto.s3(), 'no-such-bucket');

    // Act / Assess: one at a time, so neither rejection waits unhandled while the other is awaited
    await expect(noBucket.get('reference/products.json')).rejects.toThrow(/bucket/i);
    await expect(noBucket.put('landing/x.ndjson.gz', Buffer.from('x'), 'application/x-ndjson+gzip')).rejects.toThrow(/bucket/i);
  });
});
