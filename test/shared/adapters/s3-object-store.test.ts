import { createHash } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../lambdas/shared/adapters/s3-object-store.js';
import { describeObjectStoreContract } from '../../support/object-store-contract.js';
import { startLocalS3, type LocalS3 } from '../../support/s3-server.js';

let s3: LocalS3;
let store: S3ObjectStore;

beforeAll(async () => {
  s3 = await startLocalS3();
  store = new S3ObjectStore(s3.client(), s3.bucket);
});

afterAll(async () => {
  await s3.stop();
});

describe('S3ObjectStore', () => {
  describeObjectStoreContract('S3ObjectStore', () => store, ', against a local S3 server (s3rver)');

  it('stores the content type given on put, against a local S3 server (s3rver)', async () => {
    // Prepare
    const key = 'content-type/gold/user_events/batch.csv.gz';

    // Act
    await store.put(key, Buffer.from('a,b\n'), 'text/csv+gzip');

    // Assess
    const head = await s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.ContentType).toBe('text/csv+gzip');
  });

  it('follows continuation tokens until every page is listed, against a local S3 server (s3rver)', async () => {
    // Prepare: a client whose list pages hold 3 keys, so 10 objects need 4 pages.
    const client = s3.client();
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
    const paged = new S3ObjectStore(client, s3.bucket);
    const keys = Array.from({ length: 10 }, (_, index) => `paged/landing/key-${String(index).padStart(2, '0')}.ndjson.gz`);
    await Promise.all(keys.map((key) => store.put(key, Buffer.from(key), 'application/x-ndjson+gzip')));

    // Act
    const listed = await paged.list('paged/');

    // Assess
    expect(listed.map((object) => object.key)).toEqual(keys);
    expect(pages).toBe(4);
  });

  it('lists more than 1,000 objects (S3 page size) under one prefix, against a local S3 server (s3rver)', async () => {
    // Prepare
    const keys = Array.from({ length: 1005 }, (_, index) => `many/gold/user_events/part-${String(index).padStart(4, '0')}.csv.gz`);
    for (let start = 0; start < keys.length; start += 100) {
      await Promise.all(keys.slice(start, start + 100).map((key) => store.put(key, Buffer.from('x'), 'text/csv')));
    }
    const firstPage = await s3.client().send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'many/' }));

    // Act
    const listed = await store.list('many/');

    // Assess
    expect(firstPage.IsTruncated).toBe(true);
    expect(listed.map((object) => object.key)).toEqual(keys);
  });

  it('reports an MD5 etag without the quotes S3 puts around it, against a local S3 server (s3rver)', async () => {
    // Prepare
    const body = Buffer.from('{"event_id":"e-1"}\n');
    await store.put('etag/object.ndjson', body, 'application/x-ndjson');

    // Act
    const [object] = await store.list('etag/');

    // Assess
    expect(object?.etag).toBe(createHash('md5').update(body).digest('hex'));
  });

  it('rethrows errors other than a missing key, against a local S3 server (s3rver)', async () => {
    // Prepare
    const noBucket = new S3ObjectStore(s3.client(), 'no-such-bucket');

    // Act
    const get = noBucket.get('reference/products.json');
    const put = noBucket.put('landing/x.ndjson.gz', Buffer.from('x'), 'application/x-ndjson+gzip');

    // Assess
    await expect(get).rejects.toThrow(/bucket/i);
    await expect(put).rejects.toThrow(/bucket/i);
  });
});
