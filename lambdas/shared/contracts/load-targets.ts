/**
 * Which Bronze table an object loads into, and in what form. Gold CSV files load as they are;
 * reference data loads from `products.json` / `customers.json` (validated against the reference
 * contract, then written with the project's CSV writer) or from a CSV with the same header;
 * quarantine NDJSON loads into `raw_quarantine`, written as CSV the same way.
 */
import type { z } from 'zod';
import { productSchema, customerSchema } from './reference.js';
import type { Transaction, UserEvent } from './events.js';
import { CUSTOMERS_TABLE, PRODUCTS_TABLE, QUARANTINE_TABLE, TRANSACTIONS_TABLE, USER_EVENTS_TABLE, type Column, type GoldTable } from './tables.js';
import { RAW_CUSTOMERS, RAW_PRODUCTS, RAW_QUARANTINE, RAW_TRANSACTIONS, RAW_USER_EVENTS, type BronzeTable } from './bronze-tables.js';

/** Prefixes a scheduled tick looks under; reference data first, so a run loads dimensions with facts. */
export const LOAD_PREFIXES = ['reference/', 'gold/', 'quarantine/'] as const;

export interface LoadTarget {
  readonly bronze: BronzeTable;
  /**
   * `csv`: load the object as it is; `json`: a JSON array of reference records and `ndjson`: one
   * quarantined record a line, both converted to CSV first.
   */
  readonly format: 'csv' | 'json' | 'ndjson';
  /** The contract columns, which write the CSV (json) and name the header every file must carry. */
  readonly columns: readonly Column<never>[];
  /** Validates each record of a JSON reference file. */
  readonly recordSchema?: z.ZodType;
  /** The gold table a gold CSV claims to hold: every row is checked against it (gold-rows.ts). */
  readonly gold?: GoldTable<UserEvent> | GoldTable<Transaction>;
  readonly gzipped: boolean;
}

const GOLD_KEY = /^gold\/([a-z_]+)\/.+\.csv\.gz$/;
const REFERENCE_KEY = /^reference\/(?:.+\/)?(products|customers)[^/]*\.(json|csv|csv\.gz)$/;
const QUARANTINE_KEY = /^quarantine\/[^/]+\/.+\.ndjson\.gz$/;

const GOLD_TARGETS: Readonly<Record<string, Pick<LoadTarget, 'bronze' | 'columns' | 'gold'>>> = {
  [USER_EVENTS_TABLE.name]: { bronze: RAW_USER_EVENTS, columns: USER_EVENTS_TABLE.columns, gold: USER_EVENTS_TABLE },
  [TRANSACTIONS_TABLE.name]: { bronze: RAW_TRANSACTIONS, columns: TRANSACTIONS_TABLE.columns, gold: TRANSACTIONS_TABLE },
};

const REFERENCE_TARGETS = {
  products: { bronze: RAW_PRODUCTS, columns: PRODUCTS_TABLE.columns, recordSchema: productSchema },
  customers: { bronze: RAW_CUSTOMERS, columns: CUSTOMERS_TABLE.columns, recordSchema: customerSchema },
} as const;

/** The target of an object key, or `undefined` for objects the loader does not load. */
export const loadTargetFor = (key: string): LoadTarget | undefined => {
  const gold = GOLD_KEY.exec(key);
  if (gold) {
    // Own keys only: `gold/constructor/…` must not find Object's constructor.
    const target = Object.hasOwn(GOLD_TARGETS, gold[1]!) ? GOLD_TARGETS[gold[1]!] : undefined;
    return target && { ...target, format: 'csv', gzipped: true };
  }
  if (QUARANTINE_KEY.test(key)) return { bronze: RAW_QUARANTINE, columns: QUARANTINE_TABLE.columns, format: 'ndjson', gzipped: true };
  const reference = REFERENCE_KEY.exec(key);
  if (reference) {
    const target = REFERENCE_TARGETS[reference[1] as keyof typeof REFERENCE_TARGETS];
    const extension = reference[2]!;
    return extension === 'json'
      ? { ...target, format: 'json', gzipped: false }
      : { bronze: target.bronze, columns: target.columns, format: 'csv', gzipped: extension === 'csv.gz' };
  }
  return undefined;
};
