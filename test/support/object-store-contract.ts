/**
 * The object-store port's contract, run against every adapter: what business logic may rely on
 * whether it writes to S3 or to a folder.
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';

const md5 = (body: Uint8Array): string => createHash('md5').update(body).digest('hex');
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Keys the port refuses: absolute, empty, or with empty, `.` or `..` segments. */
export const UNSAFE_KEYS = ['', '/etc/passwd', '../outside', 'a/../../b', 'a//b', './a', 'a/.', 'a/'] as const;

/**
 * Registers the contract tests; `store()` is called inside each test, after the suite's setup.
 * `suffix` ends every test name (suites against a server say so in each name).
 */
export const describeObjectStoreContract = (label: string, store: () => ObjectStore, suffix = ''): void => {
  describe(`object-store contract: ${label}`, () => {
    // Each test works under its own prefix, so tests never see each other's objects.
    const prefix = (): string => `contract-${randomUUID()}/`;

    it(`returns exactly the bytes that were put, for every byte value${suffix}`, async () => {
      // Prepare
      const key = `${prefix()}landing/all-bytes.bin`;
      const body = Uint8Array.from({ length: 512 }, (_, index) => index % 256);

      // Act
      await store().put(key, body, 'application/octet-stream');
      const read = await store().get(key);

      // Assess
      expect(read).toBeDefined();
      expect(Buffer.from(read!).equals(Buffer.from(body))).toBe(true);
    });

    it(`lists when each object was last written, on the store's clock${suffix}`, async () => {
      // Prepare: S3's LastModified has whole seconds, so allow a second either side
      const key = `${prefix()}gold/written.csv`;
      const before = Date.now() - 1000;

      // Act
      await store().put(key, bytes('a,b\n'), 'text/csv');
      const [object] = await store().list(key);

      // Assess
      expect(object?.lastModified).toBeInstanceOf(Date);
      expect(object!.lastModified.getTime()).toBeGreaterThanOrEqual(before);
      expect(object!.lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it(`replaces an existing object when the same key is put again${suffix}`, async () => {
      // Prepare
      const key = `${prefix()}gold/batch.csv.gz`;
      await store().put(key, bytes('first version, longer than the second'), 'text/plain');

      // Act
      await store().put(key, bytes('second'), 'text/plain');

      // Assess
      expect(Buffer.from((await store().get(key))!).toString('utf8')).toBe('second');
      expect(await store().list(key)).toHaveLength(1);
    });

    it(`stores an empty object as empty bytes, not as a missing one${suffix}`, async () => {
      // Prepare
      const key = `${prefix()}empty`;

      // Act
      await store().put(key, new Uint8Array(), 'text/plain');

      // Assess
      const read = await store().get(key);
      expect(read).toBeDefined();
      expect(read).toHaveLength(0);
    });

    it(`returns undefined for a key that holds no object${suffix}`, async () => {
      // Prepare
      const base = prefix();
      await store().put(`${base}present/object.txt`, bytes('x'), 'text/plain');

      // Act
      const absent = await store().get(`${base}absent/object.txt`);
      const folderLike = await store().get(`${base}present`);
      const belowAnObject = await store().get(`${base}present/object.txt/child`);

      // Assess
      expect(absent).toBeUndefined();
      expect(folderLike).toBeUndefined();
      expect(belowAnObject).toBeUndefined();
    });

    it(`lists the objects under a prefix in key order, with size and MD5 etag${suffix}`, async () => {
      // Prepare
      const base = prefix();
      const bodies = new Map([
        [`${base}landing/user_events/dt=2025-03-02/b.ndjson.gz`, bytes('bb')],
        [`${base}landing/user_events/dt=2025-03-01/z.ndjson.gz`, bytes('z')],
        [`${base}landing/user_events/dt=2025-03-01/a.ndjson.gz`, bytes('aaaa')],
        [`${base}landing/transactions/dt=2025-03-01/a.ndjson.gz`, bytes('t')],
        [`${base}gold/user_events/dt=2025-03-01/a.csv.gz`, bytes('gold')],
      ]);
      for (const [key, body] of bodies) await store().put(key, body, 'application/octet-stream');

      // Act
      const listed = await store().list(`${base}landing/user_events/`);

      // Assess
      const expectedKeys = [...bodies.keys()].filter((key) => key.startsWith(`${base}landing/user_events/`)).sort();
      expect(listed.map((object) => object.key)).toEqual(expectedKeys);
      for (const object of listed) {
        const body = bodies.get(object.key)!;
        expect(object.size).toBe(body.length);
        expect(object.etag).toBe(md5(body));
      }
    });

    it(`matches prefixes that end inside a key segment${suffix}`, async () => {
      // Prepare
      const base = prefix();
      await store().put(`${base}gold/user_events/dt=2025-03-01/x.csv.gz`, bytes('1'), 'text/csv');
      await store().put(`${base}gold/user_events/dt=2025-04-01/x.csv.gz`, bytes('2'), 'text/csv');
      await store().put(`${base}gold/user_events_archive/x.csv.gz`, bytes('3'), 'text/csv');

      // Act
      const march = await store().list(`${base}gold/user_events/dt=2025-03`);
      const userEventsOrArchive = await store().list(`${base}gold/user_ev`);

      // Assess
      expect(march.map((object) => object.key)).toEqual([`${base}gold/user_events/dt=2025-03-01/x.csv.gz`]);
      expect(userEventsOrArchive).toHaveLength(3);
    });

    it(`lists nothing for a prefix without objects${suffix}`, async () => {
      // Prepare
      const base = prefix();

      // Act
      const listed = await store().list(`${base}nothing/here/`);

      // Assess
      expect(listed).toEqual([]);
    });

    it.each(UNSAFE_KEYS)(`rejects the unsafe key %j on put and get${suffix}`, async (key) => {
      // Prepare
      const body = bytes('never written');

      // Act
      const put = store().put(key, body, 'text/plain');
      const get = store().get(key);

      // Assess
      await expect(put).rejects.toThrow(/Unsafe object key/);
      await expect(get).rejects.toThrow(/Unsafe object key/);
    });
  });
};
