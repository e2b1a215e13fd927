/**
 * The ids the consumer checks records against: products and customers from the bucket's
 * `reference/` prefix, the same files the loader turns into the dimensions.
 */
import type { ObjectStore } from './ports/object-store.js';

export const REFERENCE_KEYS = { products: 'reference/products.json', customers: 'reference/customers.json' } as const;

export interface ReferenceCatalog {
  /** False when no reference data was found: referential checks are then skipped, not failed. */
  readonly available: boolean;
  hasUser(userId: string): boolean;
  hasProduct(productId: string): boolean;
  /** Its ids as plain data, which a worker thread can be sent (functions cannot): {@link catalogFromIds} rebuilds it. */
  readonly ids: CatalogIds;
}

/** A catalog as structured-clone data; empty sets when no reference data was found. */
export interface CatalogIds {
  readonly available: boolean;
  readonly users: ReadonlySet<string>;
  readonly products: ReadonlySet<string>;
}

export const catalogOf = (userIds: Iterable<string>, productIds: Iterable<string>): ReferenceCatalog => {
  const users = new Set(userIds);
  const products = new Set(productIds);
  return { available: true, hasUser: (id) => users.has(id), hasProduct: (id) => products.has(id), ids: { available: true, users, products } };
};

export const NO_REFERENCE_DATA: ReferenceCatalog = {
  available: false,
  hasUser: () => true,
  hasProduct: () => true,
  ids: { available: false, users: new Set(), products: new Set() },
};

/** The catalog {@link ReferenceCatalog.ids} was taken from. */
export const catalogFromIds = (ids: CatalogIds): ReferenceCatalog => (ids.available ? catalogOf(ids.users, ids.products) : NO_REFERENCE_DATA);

const idsIn = (body: Uint8Array, field: string, key: string): string[] => {
  const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${key} must hold a JSON array`);
  return parsed.map((row: Record<string, unknown>) => String(row[field]));
};

/** Reads both reference files; without either of them, returns {@link NO_REFERENCE_DATA}. */
export const loadReferenceCatalog = async (store: ObjectStore): Promise<ReferenceCatalog> => {
  const [products, customers] = await Promise.all([store.get(REFERENCE_KEYS.products), store.get(REFERENCE_KEYS.customers)]);
  if (!products || !customers) return NO_REFERENCE_DATA;
  return catalogOf(idsIn(customers, 'user_id', REFERENCE_KEYS.customers), idsIn(products, 'product_id', REFERENCE_KEYS.products));
};

/**
 * Caches the catalog per container for `ttlMs`, so a warm function does not re-read it per batch
 * yet picks up a new `reference/` drop within minutes.
 */
export const cachedReferenceCatalog = (store: ObjectStore, ttlMs: number, now: () => number = Date.now) => {
  let cached: { catalog: ReferenceCatalog; at: number } | undefined;
  return async (): Promise<ReferenceCatalog> => {
    if (!cached || now() - cached.at > ttlMs) cached = { catalog: await loadReferenceCatalog(store), at: now() };
    return cached.catalog;
  };
};
