import '../support/quiet-powertools.js';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { consumeEvent, type ConsumerDeps } from '../../lambdas/consumer/consume-event.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import { logger, metrics } from '../../lambdas/shared/powertools.js';
import { NO_REFERENCE_DATA, type ReferenceCatalog } from '../../lambdas/shared/reference-catalog.js';
import { REFERENCE_CATALOG, validTransactionArb, validUserEventArb } from '../support/arbitraries.js';
import { parseCsvTable } from '../support/csv-parser.js';
import { gunzipText, ndjsonLines, snapshotStore, tempFolder } from '../support/files.js';
import { mskEvent, raw, type PlainRecord } from '../support/msk-event.js';

let folder: Awaited<ReturnType<typeof tempFolder>>;
let store: FolderObjectStore;

beforeEach(async () => {
  folder = await tempFolder('consume');
  store = new FolderObjectStore(folder.path);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await folder.remove();
});

const depsWith = (objectStore: ObjectStore, catalog: ReferenceCatalog = REFERENCE_CATALOG): ConsumerDeps => ({
  store: objectStore,
  referenceCatalog: () => Promise.resolve(catalog),
  logger,
  metrics,
});

const [userEvent1, userEvent2, userEvent3] = fc.sample(validUserEventArb, { numRuns: 3, seed: 21 });
const [transaction1] = fc.sample(validTransactionArb, { numRuns: 1, seed: 22 });

const BROKER = Date.UTC(2025, 5, 30, 8);
/** A valid value as if it happened a minute before {@link BROKER}. */
const justBefore = (value: object): object => ({ ...value, event_ts: new Date(BROKER - 60_000).toISOString() });

/** Two partitions of user_events (one with dirty records) and one of transactions, all at one broker time. */
const MIXED_RECORDS: readonly PlainRecord[] = [
  { topic: 'user_events', partition: 0, value: justBefore(userEvent1!.value) },
  { topic: 'user_events', partition: 0, value: raw('{"event_id": ') },
  { topic: 'user_events', partition: 0, value: justBefore(userEvent2!.value) },
  { topic: 'user_events', partition: 0, value: null },
  { topic: 'user_events', partition: 1, value: justBefore(userEvent3!.value) },
  { topic: 'transactions', partition: 4, value: justBefore(transaction1!.value) },
].map((record) => ({ ...record, timestamp: BROKER }));

describe('consumeEvent', () => {
  it('writes landing, gold and quarantine files per partition batch under the keys of the design', async () => {
    // Prepare
    const event = mskEvent(MIXED_RECORDS);

    // Act
    await consumeEvent(event, depsWith(store));

    // Assess
    const keys = (await store.list('')).map((object) => object.key);
    expect(keys).toEqual([
      'gold/transactions/dt=2025-06-30/transactions+4+100-100.csv.gz',
      'gold/user_events/dt=2025-06-30/user_events+0+100-103.csv.gz',
      'gold/user_events/dt=2025-06-30/user_events+1+100-100.csv.gz',
      'landing/transactions/dt=2025-06-30/transactions+4+100-100.ndjson.gz',
      'landing/user_events/dt=2025-06-30/user_events+0+100-103.ndjson.gz',
      'landing/user_events/dt=2025-06-30/user_events+1+100-100.ndjson.gz',
      'quarantine/user_events/dt=2025-06-30/user_events+0+100-103.ndjson.gz',
    ]);
  });

  it('returns one ledger per batch whose counts match the rows of the gzipped files', async () => {
    // Prepare
    const event = mskEvent(MIXED_RECORDS);

    // Act
    const ledgers = await consumeEvent(event, depsWith(store));

    // Assess
    expect(ledgers.map(({ topic, partition, in: count, gold, quarantined }) => ({ topic, partition, count, gold, quarantined }))).toEqual(
      expect.arrayContaining([
        { topic: 'user_events', partition: 0, count: 4, gold: 2, quarantined: 2 },
        { topic: 'user_events', partition: 1, count: 1, gold: 1, quarantined: 0 },
        { topic: 'transactions', partition: 4, count: 1, gold: 1, quarantined: 0 },
      ]),
    );
    const files = await snapshotStore(store);
    const rowsUnder = (prefix: string, count: (text: string) => number): number =>
      [...files].filter(([key]) => key.startsWith(prefix)).reduce((sum, [, body]) => sum + count(gunzipText(body)), 0);
    const landing = rowsUnder('landing/', (text) => ndjsonLines(text).length);
    const gold = rowsUnder('gold/', (text) => parseCsvTable(text).rows.length);
    const quarantined = rowsUnder('quarantine/', (text) => ndjsonLines(text).length);
    expect({ landing, gold, quarantined }).toEqual({ landing: 6, gold: 4, quarantined: 2 });
  });

  it('writes the landing file of a batch before its gold and quarantine files', async () => {
    // Prepare
    const written: string[] = [];
    const recording: ObjectStore = {
      put: async (key, body, type) => {
        written.push(key);
        await store.put(key, body, type);
      },
      get: (key) => store.get(key),
      list: (prefix) => store.list(prefix),
    };

    // Act
    await consumeEvent(mskEvent(MIXED_RECORDS.filter((record) => record.partition === 0)), depsWith(recording));

    // Assess
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^landing\//);
  });

  it('rejects, writing neither gold nor quarantine, when the landing file cannot be written', async () => {
    // Prepare
    const landingFails: ObjectStore = {
      put: (key, body, type) => (key.startsWith('landing/') ? Promise.reject(new Error('SlowDown: please reduce your request rate')) : store.put(key, body, type)),
      get: (key) => store.get(key),
      list: (prefix) => store.list(prefix),
    };

    // Act
    const consumed = consumeEvent(mskEvent(MIXED_RECORDS), depsWith(landingFails));

    // Assess
    await expect(consumed).rejects.toThrow(/SlowDown/);
    expect(await store.list('')).toEqual([]);
  });

  it('warns and lets unknown ids through when there is no reference data', async () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    const stranger = { ...userEvent1!.value, user_id: 'USR-99999' };

    // Act
    const [ledger] = await consumeEvent(mskEvent([{ topic: 'user_events', value: stranger, timestamp: userEvent1!.timestamp }]), depsWith(store, NO_REFERENCE_DATA));

    // Assess
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]![0]).toMatch(/reference/);
    expect(ledger).toMatchObject({ gold: 1, quarantined: 0 });
  });

  it('quarantines an unknown id when reference data is loaded, without warning', async () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    const stranger = { ...userEvent1!.value, user_id: 'USR-99999' };

    // Act
    const [ledger] = await consumeEvent(mskEvent([{ topic: 'user_events', value: stranger, timestamp: userEvent1!.timestamp }]), depsWith(store));

    // Assess
    expect(warn).not.toHaveBeenCalled();
    expect(ledger).toMatchObject({ gold: 0, quarantined: 1, reasons: { unknown_user_id: 1 } });
  });

  it('adds the event totals of records in, gold rows and quarantined records as metrics', async () => {
    // Prepare
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    await consumeEvent(mskEvent(MIXED_RECORDS), depsWith(store));

    // Assess
    const recorded = Object.fromEntries(addMetric.mock.calls.map(([name, , value]) => [name, value]));
    expect(recorded).toEqual({ RecordsIn: 6, GoldRows: 4, QuarantinedRecords: 2 });
  });

  it('writes nothing and reports zeros for an event without records', async () => {
    // Prepare
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const ledgers = await consumeEvent(mskEvent([]), depsWith(store));

    // Assess
    expect(ledgers).toEqual([]);
    expect(await store.list('')).toEqual([]);
    expect(addMetric.mock.calls.map(([name, , value]) => [name, value])).toEqual([
      ['RecordsIn', 0],
      ['GoldRows', 0],
      ['QuarantinedRecords', 0],
    ]);
  });
});
