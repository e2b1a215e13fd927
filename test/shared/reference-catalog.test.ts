import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { cachedReferenceCatalog, catalogOf, loadReferenceCatalog, REFERENCE_KEYS } from '../../lambdas/shared/reference-catalog.js';
import { tempFolder } from '../support/files.js';

let folder: Awaited<ReturnType<typeof tempFolder>>;
let store: FolderObjectStore;

beforeEach(async () => {
  folder = await tempFolder('catalog');
  store = new FolderObjectStore(folder.path);
});

afterEach(async () => {
  await folder.remove();
});

const putJson = (key: string, rows: unknown): Promise<void> => store.put(key, Buffer.from(JSON.stringify(rows)), 'application/json');

const putReference = async (userIds: string[], productIds: string[]): Promise<void> => {
  await putJson(REFERENCE_KEYS.customers, userIds.map((user_id) => ({ user_id, email: `${user_id}@example.com` })));
  await putJson(REFERENCE_KEYS.products, productIds.map((product_id) => ({ product_id, msrp: 1 })));
};

describe('reference catalog', () => {
  it('reads the reference files under reference/ and knows exactly their ids', async () => {
    // Prepare
    await putReference(['USR-00001', 'USR-00002'], ['PRD-00010']);

    // Act
    const catalog = await loadReferenceCatalog(store);

    // Assess
    expect(REFERENCE_KEYS).toEqual({ products: 'reference/products.json', customers: 'reference/customers.json' });
    expect(catalog.available).toBe(true);
    expect([catalog.hasUser('USR-00001'), catalog.hasUser('USR-00002'), catalog.hasUser('USR-00003')]).toEqual([true, true, false]);
    expect([catalog.hasProduct('PRD-00010'), catalog.hasProduct('USR-00001')]).toEqual([true, false]);
  });

  it.each([
    ['neither file', false, false],
    ['only the products', true, false],
    ['only the customers', false, true],
  ])('is unavailable and accepts every id when the bucket holds %s', async (_label, withProducts, withCustomers) => {
    // Prepare
    if (withProducts) await putJson(REFERENCE_KEYS.products, [{ product_id: 'PRD-00001' }]);
    if (withCustomers) await putJson(REFERENCE_KEYS.customers, [{ user_id: 'USR-00001' }]);

    // Act
    const catalog = await loadReferenceCatalog(store);

    // Assess
    expect(catalog.available).toBe(false);
    expect([catalog.hasUser('anyone'), catalog.hasProduct('anything')]).toEqual([true, true]);
  });

  it('fails loudly when a reference file is not a JSON array', async () => {
    // Prepare
    await putJson(REFERENCE_KEYS.products, { product_id: 'PRD-00001' });
    await putJson(REFERENCE_KEYS.customers, []);

    // Act
    const loading = loadReferenceCatalog(store);

    // Assess
    await expect(loading).rejects.toThrow(/reference\/products\.json must hold a JSON array/);
  });

  it('builds a catalog from id lists', () => {
    // Act
    const catalog = catalogOf(['u1'], ['p1']);

    // Assess
    expect([catalog.available, catalog.hasUser('u1'), catalog.hasUser('p1'), catalog.hasProduct('p1')]).toEqual([true, true, false, true]);
  });

  it('keeps the catalog for the TTL and re-reads the bucket after it', async () => {
    // Prepare
    let now = 1_000_000;
    await putReference(['USR-00001'], ['PRD-00001']);
    const catalog = cachedReferenceCatalog(store, 300_000, () => now);
    const first = await catalog();
    await putReference(['USR-00001', 'USR-00002'], ['PRD-00001']);

    // Act
    now += 300_000;
    const withinTtl = await catalog();
    now += 1;
    const afterTtl = await catalog();

    // Assess
    expect(withinTtl).toBe(first);
    expect(withinTtl.hasUser('USR-00002')).toBe(false);
    expect(afterTtl.hasUser('USR-00002')).toBe(true);
  });

  it('picks up reference data dropped after a first read found none, once the TTL has passed', async () => {
    // Prepare
    let now = 0;
    const catalog = cachedReferenceCatalog(store, 1000, () => now);
    const before = await catalog();
    await putReference(['USR-00001'], ['PRD-00001']);

    // Act
    now = 1001;
    const after = await catalog();

    // Assess
    expect(before.available).toBe(false);
    expect(after.available).toBe(true);
  });
});
