/**
 * The loader enforces the gold table contract before Bronze, on the DuckDB twin for real: a gold
 * file that did not come from our consumer (short or long rows, values the consumer quarantines, a
 * gzip bomb) is rejected with its reasons, counted in the load history, and none of its rows load;
 * the table's other files of the same tick still load. The Snowflake path runs the same check
 * before PUT (test/shared/adapters/snowflake-warehouse.test.ts).
 */
import '../support/quiet-powertools.js';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader, type LoaderDeps, type LoaderSummary } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { consumeBatch, openWarehouseFixture, putReferenceData, transaction, userEvent, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;
let deps: LoaderDeps;

beforeEach(async () => {
  fixture = await openWarehouseFixture('gold-contract');
  deps = { store: fixture.store, warehouse: fixture.warehouse, logger };
  await putReferenceData(fixture.store);
});

afterEach(async () => {
  await fixture.close();
});

/** Writes a valid gold file of two user events through the consumer, then lets `tamper` rewrite its text. */
const tamperedUserEvents = async (tamper: (lines: string[]) => string[], firstOffset = 0): Promise<string> => {
  await consumeBatch(fixture.store, 'user_events', [userEvent(`E-${firstOffset}`, 0), userEvent(`E-${firstOffset + 1}`, 0)], { firstOffset });
  const key = (await fixture.store.list('gold/user_events/')).map((object) => object.key).find((candidate) => candidate.includes(`+${firstOffset}-`))!;
  const lines = gunzipSync((await fixture.store.get(key))!).toString('utf8').split('\n');
  await fixture.store.put(key, gzipSync(tamper(lines).join('\n')), 'text/csv+gzip');
  return key;
};

const failureOf = (summary: LoaderSummary, key: string): string => {
  const file = summary.files.find((candidate) => candidate.key === key);
  expect(file).toMatchObject({ status: 'failed' });
  return (file as { error: string }).error;
};

const historyOf = (key: string) =>
  fixture.warehouse.query('select status, rows_parsed, errors_seen from bronze.load_history where file_key = ?', [key]);

const bronzeRowsOf = async (key: string): Promise<number> => {
  const [row] = await fixture.warehouse.query<{ n: number }>('select count(*) as n from bronze.raw_user_events where _source_file = ?', [key]);
  return row!.n;
};

describe('the loader enforces the gold contract before Bronze (DuckDB twin)', () => {
  it('rejects a file with a short row and one with a long row, naming the rows, and loads the clean file beside them', async () => {
    // Prepare: row 1 loses its last field, row 2 of another file gains one; a third file is clean
    const short = await tamperedUserEvents((lines) => lines.map((line, index) => (index === 1 ? line.slice(0, line.lastIndexOf(',')) : line)), 0);
    const long = await tamperedUserEvents((lines) => lines.map((line, index) => (index === 2 ? `${line},extra` : line)), 10);
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-20', 0)], { firstOffset: 20 });

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(failureOf(summary, short)).toMatch(/1 of 2 rows break the user_events contract \(row 1: field_count: 17 fields, the contract has 18\)/);
    expect(failureOf(summary, long)).toMatch(/1 of 2 rows break the user_events contract \(row 2: field_count: 19 fields, the contract has 18\)/);
    expect(await historyOf(short)).toEqual([{ status: 'failed', rows_parsed: 2, errors_seen: 1 }]);
    expect(await historyOf(long)).toEqual([{ status: 'failed', rows_parsed: 2, errors_seen: 1 }]);
    expect(await bronzeRowsOf(short)).toBe(0);
    expect(await bronzeRowsOf(long)).toBe(0);
    expect(summary.rowsLoaded['bronze.raw_user_events']).toBe(1);
  });

  it("rejects values the consumer would have quarantined: event_type 'hacked' and a 10 MB page_url", async () => {
    // Prepare
    const hacked = await tamperedUserEvents((lines) => lines.map((line, index) => (index === 1 ? line.replace(',page_view,', ',hacked,') : line)), 0);
    const huge = await tamperedUserEvents((lines) => lines.map((line, index) => (index === 2 ? line.replace(',/home,', `,/${'x'.repeat(10 * 1024 * 1024)},`) : line)), 10);

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(failureOf(summary, hacked)).toMatch(/row 1: invalid_value event_type: /);
    expect(failureOf(summary, huge)).toMatch(/row 2: invalid_value page_url: Too big: expected string to have <=2048 characters/);
    const [silverReady] = await fixture.warehouse.query<{ n: number }>(
      "select count(*) as n from bronze.raw_user_events where event_type = 'hacked' or length(page_url) > 2048",
    );
    expect(silverReady!.n).toBe(0);
  });

  it('rejects a row whose text holds NUL or another C0 control character (not tab, LF, CR), as the consumer quarantines it', async () => {
    // Prepare: a foreign file with a NUL in page_url (row 1), another with a BEL in the (empty) Kafka key, the last field (row 2)
    const nul = await tamperedUserEvents((lines) => lines.map((line, index) => (index === 1 ? line.replace(',/home,', ',/ho\u0000me,') : line)), 0);
    const bell = await tamperedUserEvents((lines) => lines.map((line, index) => (index === 2 ? line.replace(/,$/, ',k\u0007ey') : line)), 10);

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(failureOf(summary, nul)).toMatch(/row 1: control_character page_url: page_url holds U\+0000 at character 4/);
    expect(failureOf(summary, bell)).toMatch(/row 2: control_character kafka_key: kafka_key holds U\+0007 at character 2/);
    expect(await bronzeRowsOf(nul)).toBe(0);
    expect(await bronzeRowsOf(bell)).toBe(0);
  });

  it('rejects a row that is not written as the contract writes it (a transaction whose item_count lies)', async () => {
    // Prepare: item_count is derived from the products; a foreign file says 7
    await consumeBatch(fixture.store, 'transactions', [transaction('T-1', 0, [[0, 1, 100]])]);
    const [object] = await fixture.store.list('gold/transactions/');
    const text = gunzipSync((await fixture.store.get(object!.key))!).toString('utf8');
    await fixture.store.put(object!.key, gzipSync(text.replace('}]",1,', '}]",7,')), 'text/csv+gzip');

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(failureOf(summary, object!.key)).toMatch(/row 1: not_canonical item_count: the file has "7", the contract writes "1"/);
  });

  it('rejects a file that inflates past the configured limit, with that reason, instead of running out of memory', async () => {
    // Prepare: a valid header, then 4 MiB of zeros that gzip shrinks to a few KB
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-1', 0)]);
    const { key } = (await fixture.store.list('gold/user_events/'))[0]!;
    const header = gunzipSync((await fixture.store.get(key))!).toString('utf8').split('\n')[0]!;
    const bomb = gzipSync(Buffer.concat([Buffer.from(`${header}\n`), Buffer.alloc(4 * 1024 * 1024, '0')]));
    await fixture.store.put(key, bomb, 'text/csv+gzip');

    // Act
    const summary = await runLoader({ kind: 'pending' }, { ...deps, maxInflatedBytes: 1024 * 1024 });

    // Assess
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    expect(failureOf(summary, key)).toBe(`${key} inflates past the loader's limit of 1048576 bytes (maxInflatedBytes)`);
  });

  it('still loads gold files when the reference data is unreadable: that file is rejected, the referential checks skipped', async () => {
    // Prepare
    await fixture.store.put('reference/customers.json', Buffer.from('{ not json'), 'application/json');
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-1', 0)]);

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(failureOf(summary, 'reference/customers.json')).toMatch(/is not JSON/);
    expect(summary.rowsLoaded['bronze.raw_user_events']).toBe(1);
  });

  it('rejects a row whose user is not in the reference data, as the consumer does', async () => {
    // Prepare
    const key = await tamperedUserEvents((lines) => lines.map((line, index) => (index === 1 ? line.replace(/^([^,]*),[^,]*,/, '$1,USR-99999,') : line)));

    // Act
    const summary = await runLoader({ kind: 'pending' }, deps);

    // Assess
    expect(failureOf(summary, key)).toMatch(/row 1: unknown_user_id user_id: user USR-99999 is not in reference\/customers/);
  });
});
