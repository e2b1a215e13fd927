import { readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../../lambdas/shared/adapters/folder-object-store.js';
import { tempFolder } from '../../support/files.js';
import { describeObjectStoreContract } from '../../support/object-store-contract.js';

let root: Awaited<ReturnType<typeof tempFolder>>;
let store: FolderObjectStore;

beforeAll(async () => {
  root = await tempFolder('folder-store');
  store = new FolderObjectStore(root.path);
});

afterAll(async () => {
  await root.remove();
});

describeObjectStoreContract('FolderObjectStore', () => store);

const filesUnder = async (path: string): Promise<string[]> => (await readdir(path, { recursive: true })).map(String);

describe('FolderObjectStore', () => {
  it('writes an object as a file at its key under the root', async () => {
    // Prepare
    const key = 'layout/landing/user_events/dt=2025-03-01/user_events+0+1-2.ndjson.gz';

    // Act
    await store.put(key, Buffer.from('line\n'), 'application/x-ndjson+gzip');

    // Assess
    expect(await filesUnder(join(root.path, 'layout'))).toContain(join('landing', 'user_events', 'dt=2025-03-01', 'user_events+0+1-2.ndjson.gz'));
  });

  it('leaves no temporary .partial file behind after concurrent writes to one key', async () => {
    // Prepare
    const key = 'atomic/gold/user_events/batch.csv.gz';
    const bodies = Array.from({ length: 20 }, (_, index) => Buffer.alloc(64 * 1024 + index, index + 1));

    // Act
    await Promise.all(bodies.map((body) => store.put(key, body, 'text/csv')));

    // Assess
    const files = await filesUnder(join(root.path, 'atomic'));
    expect(files.filter((file) => file.endsWith('.partial'))).toEqual([]);
    const final = Buffer.from((await store.get(key))!);
    // Whole objects replace each other: the survivor is one of the bodies, never a mix.
    expect(bodies.some((body) => body.equals(final))).toBe(true);
  });

  it('does not list a .partial file left by an interrupted write', async () => {
    // Prepare
    await store.put('interrupted/done.csv.gz', Buffer.from('done'), 'text/csv');
    await writeFile(join(root.path, 'interrupted', 'next.csv.gz.6f1c.partial'), 'half an obj');

    // Act
    const listed = await store.list('interrupted/');

    // Assess
    expect(listed.map((object) => object.key)).toEqual(['interrupted/done.csv.gz']);
  });

  it('lists nothing, rather than failing, when the root folder does not exist yet', async () => {
    // Prepare
    const fresh = new FolderObjectStore(join(root.path, 'not-created-yet'));

    // Act
    const listed = await fresh.list('landing/');

    // Assess
    expect(listed).toEqual([]);
  });

  it('creates the root folder on the first write', async () => {
    // Prepare
    const fresh = new FolderObjectStore(join(root.path, 'created-on-write'));

    // Act
    await fresh.put('reference/products.json', Buffer.from('[]'), 'application/json');

    // Assess
    expect(Buffer.from((await fresh.get('reference/products.json'))!).toString()).toBe('[]');
  });

  it('gives the path of an object relative to the working directory', () => {
    // Prepare
    const key = 'gold/transactions/dt=2025-03-01/transactions+1+5-9.csv.gz';

    // Act
    const path = store.pathOf(key);

    // Assess
    expect(path).toBe(relative(process.cwd(), join(root.path, key)));
  });
});
