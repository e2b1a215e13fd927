import '../support/quiet-powertools.js';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { claimFiles } from '../../lambdas/loader/load-history.js';
import { runLoader, type LoaderDeps } from '../../lambdas/loader/run-loader.js';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { CheckWorkers } from '../../lambdas/local/check-workers.js';
import { consumeBatch, openWarehouseFixture, userEvent, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;
let deps: LoaderDeps;

// Every case runs twice: files checked on the loader's thread (Lambda's), and on the local twin's
// worker threads from the first file, which must change nothing but where the work runs.
const workers = new CheckWorkers({ workers: 2, inThreadFirst: 0 });
afterAll(() => workers.close());
const CHECKERS = [
  { where: 'on the loader thread', checker: undefined },
  { where: 'on worker threads', checker: workers },
] as const;

afterEach(async () => {
  await fixture.close();
});

const bronzeCount = async (table: string): Promise<number> => {
  const [row] = await fixture.warehouse.query<{ n: number }>(`select count(*) as n from bronze.${table}`);
  return row?.n ?? 0;
};

const GOLD_EVENTS_KEY = 'gold/user_events/dt=2025-03-01/user_events+0+0-3.csv.gz';

/** Records how many files each load statement of the warehouse loads. */
const spyOnLoads = (): number[] => {
  const loads: number[] = [];
  const original = fixture.warehouse.transaction.bind(fixture.warehouse);
  vi.spyOn(fixture.warehouse, 'transaction').mockImplementation((work) =>
    original((session) =>
      work({
        ...session,
        execute: session.execute.bind(session),
        query: session.query.bind(session),
        load: session.load.bind(session),
        loadStaged: (staged, only) => {
          loads.push((only ?? staged.request.files).length);
          return session.loadStaged(staged, only);
        },
      }),
    ),
  );
  return loads;
};

describe.each(CHECKERS)('runLoader, files checked $where', ({ checker }) => {
  beforeEach(async () => {
    fixture = await openWarehouseFixture('loader');
    deps = { store: fixture.store, warehouse: fixture.warehouse, logger, ...(checker ? { checker } : {}) };
  });
  it('loads every pending gold and reference file into Bronze with its load metadata', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess: 2 reference files, 2 user_events files, 1 transactions file, 1 quarantine file
    expect(summary).toMatchObject({ loaded: 6, skipped: 0, failed: 0 });
    expect(summary.rowsLoaded).toEqual({
      'bronze.raw_products': 2000,
      'bronze.raw_customers': 1000,
      'bronze.raw_user_events': 6,
      'bronze.raw_transactions': 4,
      'bronze.raw_quarantine': 1,
    });
    expect(summary.ignored.length).toBe(0);
    const rows = await fixture.warehouse.query(
      `select event_id, _source_file, _source_row_number from bronze.raw_user_events where _source_file = ? order by _source_row_number`,
      [GOLD_EVENTS_KEY],
    );
    expect(rows).toEqual([
      { event_id: 'E-1', _source_file: GOLD_EVENTS_KEY, _source_row_number: 1 },
      { event_id: 'E-2', _source_file: GOLD_EVENTS_KEY, _source_row_number: 2 },
      { event_id: 'E-3', _source_file: GOLD_EVENTS_KEY, _source_row_number: 3 },
    ]);
    const history = await fixture.warehouse.query('select status, count(*) as files, sum(rows_loaded) as rows from bronze.load_history group by status');
    expect(history).toEqual([{ status: 'loaded', files: 6, rows: 3011 }]);
  });

  it('skips files it already loaded: a second run loads nothing', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);
    await runLoader({ kind: 'pending' }, deps);

    // Act
    const again = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(again).toMatchObject({ loaded: 0, skipped: 6, failed: 0, rowsLoaded: {} });
    expect(await bronzeCount('raw_user_events')).toBe(6);
  });

  it('loads each file once when two invocations run at the same time', async () => {
    // Prepare: the second invocation has its own warehouse handle, as a second Lambda would
    await writeStandardScenario(fixture.store);
    const other = await DuckDbWarehouse.open(fixture.warehouseFile);

    try {
      // Act
      const [first, second] = await Promise.all([runLoader({ kind: 'pending' }, deps), runLoader({ kind: 'pending' }, { ...deps, warehouse: other })]);

      // Assess
      expect(first.loaded + second.loaded).toBe(6);
      expect(first.failed + second.failed).toBe(0);
      expect(await bronzeCount('raw_user_events')).toBe(6);
      expect(await bronzeCount('raw_transactions')).toBe(4);
      expect(await bronzeCount('raw_products')).toBe(2000);
      const duplicated = await fixture.warehouse.query(
        'select _source_file, _source_row_number from bronze.raw_user_events group by 1, 2 having count(*) > 1',
      );
      expect(duplicated).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('loads the files a queued batch names, each once, in one load per table, and nothing else', async () => {
    // Prepare: the batch names both user_events files (one twice, as an at-least-once queue may) and the transactions file
    await writeStandardScenario(fixture.store);
    const loads = spyOnLoads();
    const [otherEvents] = (await fixture.store.list('gold/user_events/')).filter((object) => object.key !== GOLD_EVENTS_KEY);
    const [transactions] = await fixture.store.list('gold/transactions/');
    const keys = [GOLD_EVENTS_KEY, otherEvents!.key, GOLD_EVENTS_KEY, transactions!.key];
    const missingKey = 'gold/user_events/dt=2025-03-01/nothing+0+0-1.csv.gz';

    // Act
    const summary = await runLoader({ kind: 'objects', objects: [...keys, missingKey].map((key, index) => ({ messageId: `m${index}`, key })), unreadable: [] }, deps);

    // Assess: one COPY per table (transactions, then both user_events files); reference/ and quarantine/ untouched
    expect(loads).toEqual([1, 2]);
    expect(summary).toMatchObject({ loaded: 3, skipped: 0, failed: 0, unsettled: [] });
    expect(summary.files.map((file) => file.key).sort()).toEqual([GOLD_EVENTS_KEY, otherEvents!.key, transactions!.key].sort());
    expect(await bronzeCount('raw_user_events')).toBe(6);
    expect(await bronzeCount('raw_products')).toBe(0);
  });

  it('names, for a queued batch, the keys whose file another load still holds, so their messages return to the queue', async () => {
    // Prepare: another invocation holds a live claim on one user_events file
    await writeStandardScenario(fixture.store);
    const [held] = await fixture.store.list(GOLD_EVENTS_KEY);
    await claimFiles(fixture.warehouse, [{ key: held!.key, etag: held!.etag }], 'bronze.raw_user_events', { token: 'another-load', now: new Date(), leaseSeconds: 900, force: false });
    const [transactions] = await fixture.store.list('gold/transactions/');

    // Act
    const summary = await runLoader({ kind: 'objects', objects: [{ messageId: 'm1', key: GOLD_EVENTS_KEY }, { messageId: 'm2', key: transactions!.key }], unreadable: [] }, deps);

    // Assess
    expect(summary.files).toContainEqual(expect.objectContaining({ status: 'skipped', key: GOLD_EVENTS_KEY, reason: 'claimed_concurrently' }));
    expect(summary).toMatchObject({ loaded: 1, unsettled: [GOLD_EVENTS_KEY] });
  });

  it('loads every pending file of a table in one statement and one transaction, keeping a history row per file', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);
    const loads = spyOnLoads();

    // Act
    await runLoader({ kind: 'pending' }, deps);

    // Assess: customers, products, transactions, user_events (2 files), quarantine: one load each
    expect(loads).toEqual([1, 1, 1, 2, 1]);
    const history = await fixture.warehouse.query("select target_table, count(*) as files from bronze.load_history where status = 'loaded' group by 1 order by 1");
    expect(history).toContainEqual({ target_table: 'bronze.raw_user_events', files: 2 });
  });

  it('finds an object whose key the event carries URL-encoded', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);

    // Act
    const summary = await runLoader({ kind: 'objects', objects: [{ messageId: 'm1', key: encodeURIComponent(GOLD_EVENTS_KEY).replaceAll('%2F', '/') }], unreadable: [] }, deps);

    // Assess
    expect(summary.files).toContainEqual(expect.objectContaining({ status: 'loaded', key: GOLD_EVENTS_KEY }));
  });

  it('reloads a prefix when forced, replacing rows instead of adding them', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);
    await runLoader({ kind: 'pending' }, deps);

    // Act
    const unforced = await runLoader({ kind: 'reload', prefix: 'gold/user_events/', force: false }, deps);
    const forced = await runLoader({ kind: 'reload', prefix: 'gold/user_events/', force: true }, deps);

    // Assess
    expect(unforced).toMatchObject({ loaded: 0, skipped: 2 });
    expect(forced).toMatchObject({ loaded: 2, skipped: 0, rowsLoaded: { 'bronze.raw_user_events': 6 } });
    expect(await bronzeCount('raw_user_events')).toBe(6);
  });

  it('replaces the rows of a gold file when a new version of it arrives under the same key', async () => {
    // Prepare
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-1', 0), userEvent('E-2', 0)]);
    await runLoader({ kind: 'pending' }, deps);
    // The same batch rewritten with different content (e.g. replayed with other reference data)
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-1', 0), userEvent('E-2', 0, { page_url: '/changed' })]);

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(summary.loaded).toBe(1);
    expect(await fixture.warehouse.query('select event_id, page_url from bronze.raw_user_events order by event_id')).toEqual([
      { event_id: 'E-1', page_url: '/home' },
      { event_id: 'E-2', page_url: '/changed' },
    ]);
  });

  it('rejects a gold file whose header is not the contract, records it and does not retry it', async () => {
    // Prepare
    const key = 'gold/transactions/dt=2025-03-01/transactions+0+0-0.csv.gz';
    await fixture.store.put(key, gzipSync('transaction_id,user_id\nT-1,USR-00001\n'), 'text/csv+gzip');

    // Act
    const first = await runLoader({ kind: 'pending' }, deps);
    const second = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(first.files).toEqual([
      expect.objectContaining({ status: 'failed', key, error: expect.stringMatching(/has header "transaction_id,user_id" but raw_transactions expects/) as string }),
    ]);
    expect(second).toMatchObject({ loaded: 0, skipped: 1, failed: 0 });
    expect(await fixture.warehouse.query('select file_key, status from bronze.load_history')).toEqual([{ file_key: key, status: 'failed' }]);
    expect(await bronzeCount('raw_transactions')).toBe(0);
  });

  it('rejects a file with rows COPY cannot read whole, like ON_ERROR = ABORT_STATEMENT, and loads the others again without it', async () => {
    // Prepare: reference CSVs are not row-checked by the loader; this one's msrp holds text
    await writeStandardScenario(fixture.store);
    const header = 'product_id,product_name,description,category,subcategory,brand,manufacturer,msrp,cost_price,created_date,is_active';
    await fixture.store.put('reference/products-extra.csv', Buffer.from(`${header}\nPRD-X,x,x,x,x,x,x,one dollar,1.00,2025-01-01,true\n`), 'text/csv');

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(summary.files).toContainEqual(
      expect.objectContaining({ status: 'failed', key: 'reference/products-extra.csv', error: expect.stringMatching(/1 of 1 rows .* could not be read/) as string }),
    );
    expect(summary.files).toContainEqual(expect.objectContaining({ status: 'loaded', key: 'reference/products.json', rows: 2000 }));
    expect(await bronzeCount('raw_products')).toBe(2000);
  });

  it('takes over a claim whose lease expired (a Lambda killed mid-load), and only then', async () => {
    // Prepare: another invocation claimed the user_events files at 12:00 and died
    await writeStandardScenario(fixture.store);
    const objects = await fixture.store.list('gold/user_events/');
    const noon = new Date('2026-12-01T12:00:00Z');
    await claimFiles(fixture.warehouse, objects, 'bronze.raw_user_events', { token: 'dead-lambda', now: noon, leaseSeconds: 900, force: false });
    const at = (minutes: number) => ({ ...deps, now: () => new Date(noon.getTime() + minutes * 60_000) });

    // Act
    const during = await runLoader({ kind: 'pending' }, at(10));
    const after = await runLoader({ kind: 'pending' }, at(16));

    // Assess
    expect(during.files.filter((file) => file.key.startsWith('gold/user_events/'))).toEqual([
      expect.objectContaining({ status: 'skipped', reason: 'claimed_concurrently' }),
      expect.objectContaining({ status: 'skipped', reason: 'claimed_concurrently' }),
    ]);
    expect(after.files.filter((file) => file.status === 'loaded').map((file) => file.key)).toEqual(objects.map((object) => object.key));
    expect(await bronzeCount('raw_user_events')).toBe(6);
    expect(await fixture.warehouse.query("select claimed_by is not null as claimed, lease_expires_at from bronze.load_history where file_key like 'gold/user_events/%'")).toEqual([
      { claimed: true, lease_expires_at: null },
      { claimed: true, lease_expires_at: null },
    ]);
  });

  it('rejects a reference file whose records break the reference contract, naming them', async () => {
    // Prepare
    await fixture.store.put('reference/products.json', Buffer.from(JSON.stringify([{ product_id: 'PRD-00001', product_name: '' }])), 'application/json');

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(summary.files).toEqual([
      expect.objectContaining({ status: 'failed', error: expect.stringMatching(/1 of 1 records break the reference contract \(record 0: /) as string }),
    ]);
    expect(await bronzeCount('raw_products')).toBe(0);
  });

  it('loads quarantined records with their reasons into raw_quarantine', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);

    // Act
    await runLoader({ kind: 'reload', prefix: 'quarantine/', force: false }, deps);

    // Assess
    const [row] = await fixture.warehouse.query<{ kafka_topic: string; reason_code: string; value: string; reasons: string }>(
      'select kafka_topic, kafka_offset, reason_code, value, reasons from bronze.raw_quarantine',
    );
    expect(row).toMatchObject({ kafka_topic: 'user_events', kafka_offset: 3, reason_code: 'missing_field' });
    expect(JSON.parse(row!.value)).toEqual({ event_id: 'E-bad', user_id: 'USR-00001' });
    expect(JSON.parse(row!.reasons)).toContainEqual(expect.objectContaining({ code: 'missing_field', field: 'session_id' }));
  });

  it('rejects a quarantine file it cannot convert, and loads the files after it in the same tick', async () => {
    // Prepare: broker times no timestamp column holds, and a key that cannot become text
    await writeStandardScenario(fixture.store);
    const line = (fields: object) => JSON.stringify({ topic: 'user_events', partition: 0, offset: 9, key: null, value: '{}', reasons: [{ code: 'tombstone', detail: 'x' }], ...fields });
    await fixture.store.put('quarantine/user_events/dt=1970-01-01/user_events+0+9-9.ndjson.gz', gzipSync(`${line({ timestamp: 1e20 })}\n${line({ timestamp: 253_402_300_800_000 })}\n`), 'application/x-ndjson+gzip');
    await fixture.store.put('quarantine/user_events/dt=1970-01-01/user_events+0+8-8.ndjson.gz', gzipSync(`${line({ timestamp: 0, key: { toString: 1 } })}\n`), 'application/x-ndjson+gzip');

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess: the times load as NULL, the odd key rejects its file, the tick goes on
    expect(summary.files).toContainEqual(expect.objectContaining({ status: 'loaded', key: 'quarantine/user_events/dt=1970-01-01/user_events+0+9-9.ndjson.gz', rows: 2 }));
    expect(summary.files).toContainEqual(
      expect.objectContaining({ status: 'failed', key: 'quarantine/user_events/dt=1970-01-01/user_events+0+8-8.ndjson.gz', error: expect.stringMatching(/cannot be converted for loading/) as string }),
    );
    expect(summary).toMatchObject({ loaded: 7, failed: 1 });
  });

  it('ignores objects that are not gold, reference or quarantine files', async () => {
    // Prepare
    await writeStandardScenario(fixture.store);

    // Act
    const summary = await runLoader({ kind: 'reload', prefix: 'landing/', force: false }, deps);

    // Assess
    expect(summary.loaded).toBe(0);
    expect(summary.ignored).toHaveLength(3);
  });
});
