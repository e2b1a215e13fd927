/**
 * The Snowflake adapter at the SDK boundary: snowflake-sdk and Secrets Manager are mocked, the
 * loader core (runLoader) is real, so these tests see exactly what would be sent to Snowflake.
 */
import '../../support/quiet-powertools.js';
import { generateKeyPairSync } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runLoader } from '../../../lambdas/loader/run-loader.js';
import { FolderObjectStore } from '../../../lambdas/shared/adapters/folder-object-store.js';
import { secretsManagerPrivateKey, type PrivateKeySource } from '../../../lambdas/shared/adapters/snowflake-private-key.js';
import { SnowflakeWarehouse } from '../../../lambdas/shared/adapters/snowflake-warehouse.js';
import { WarehouseConflictError, WarehouseLockTimeoutError } from '../../../lambdas/shared/ports/warehouse.js';
import { BRONZE_TABLES, RAW_USER_EVENTS } from '../../../lambdas/shared/contracts/bronze-tables.js';
import { FakeSnowflake, snowflakeError } from '../../support/fake-snowflake.js';
import { tempFolder } from '../../support/files.js';
import { consumeBatch, userEvent } from '../../support/warehouse-fixtures.js';

const sdk = vi.hoisted(() => ({ createConnection: vi.fn(), configure: vi.fn() }));
vi.mock('snowflake-sdk', () => ({ default: sdk }));

/** A real key (the key source decrypts it before the driver sees it); its body must never appear in a log line. */
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
const KEY_BODY = PEM.split('\n')[1]!;
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:streamflow/snowflake-AbCdEf';
/** The gold file the consumer wrote (dated by broker time, 2025-03-01). */
const KEY = 'gold/user_events/dt=2025-03-01/user_events+0+0-1.csv.gz';

let snowflake: FakeSnowflake;
let logLines: string[];
let logger: Logger;
let secretRequests: ReturnType<typeof vi.fn>;
let privateKey: PrivateKeySource;
let sleeps: number[];
let folder: Awaited<ReturnType<typeof tempFolder>>;
let store: FolderObjectStore;

/** A logger whose every line (message and keys) is captured as JSON instead of printed. */
const capturingLogger = (level: 'DEBUG' | 'INFO'): Logger => {
  const captured = new Logger({ serviceName: 'snowflake-test', logLevel: level });
  for (const method of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(captured, method).mockImplementation((...args: unknown[]) => {
      logLines.push(JSON.stringify(args, (_, value: unknown) => (value instanceof Error ? { message: value.message, stack: value.stack } : value)));
    });
  }
  return captured;
};

const openWarehouse = (overrides: Partial<ConstructorParameters<typeof SnowflakeWarehouse>[0]> = {}): SnowflakeWarehouse =>
  new SnowflakeWarehouse({
    account: 'myorg-myaccount',
    username: 'STREAMFLOW_LOADER_USER',
    role: 'STREAMFLOW_LOADER',
    warehouse: 'STREAMFLOW_WH',
    database: 'STREAMFLOW_DW',
    queryTag: 'streamflow-loader',
    privateKey,
    logger,
    loadTables: BRONZE_TABLES.map((bronze) => bronze.table),
    tmpDir: folder.path,
    retry: { sleep: (ms) => Promise.resolve(void sleeps.push(ms)), random: () => 0 },
    ...overrides,
  });

/** One loader invocation against the fake bucket and the given warehouse. */
const invoke = (warehouse: SnowflakeWarehouse, request: Parameters<typeof runLoader>[0] = { kind: 'pending' }) =>
  runLoader(request, { store, warehouse, logger });

beforeEach(async () => {
  sdk.createConnection.mockClear();
  sdk.configure.mockClear();
  snowflake = new FakeSnowflake();
  sdk.createConnection.mockImplementation(snowflake.createConnection);
  logLines = [];
  logger = capturingLogger('INFO');
  sleeps = [];
  secretRequests = vi.fn(() => Promise.resolve({ SecretString: JSON.stringify({ private_key: PEM }) }));
  const client = Object.assign(new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }), {
    send: secretRequests,
  });
  privateKey = secretsManagerPrivateKey(client, SECRET_ARN);
  folder = await tempFolder('snowflake');
  store = new FolderObjectStore(`${folder.path}/bucket`);
  await consumeBatch(store, 'user_events', [userEvent('E-1', 0), userEvent('E-2', 0)]);
  expect((await store.list('gold/')).map((object) => object.key)).toEqual([KEY]);
});

afterEach(async () => {
  // No secret in any log line of any test: the adapter's, the loader's or the driver's.
  expect(logLines.join('\n')).not.toContain(KEY_BODY);
  await folder.remove();
});

describe('SnowflakeWarehouse: session and credentials', () => {
  it('connects with key-pair (JWT) auth, the query tag and the key from Secrets Manager, in UTC (SDK mocked)', async () => {
    // Act
    await openWarehouse().query('select 1 as one');

    // Assess
    expect(snowflake.connectionOptions).toEqual([
      expect.objectContaining({
        account: 'myorg-myaccount',
        username: 'STREAMFLOW_LOADER_USER',
        role: 'STREAMFLOW_LOADER',
        warehouse: 'STREAMFLOW_WH',
        database: 'STREAMFLOW_DW',
        authenticator: 'SNOWFLAKE_JWT',
        privateKey: PEM,
        queryTag: 'streamflow-loader',
      }),
    ]);
    expect(snowflake.sql()[0]).toMatch(/^alter session set\n {4}timezone = 'UTC',\n {4}timestamp_type_mapping = 'TIMESTAMP_NTZ',/);
  });

  it('fetches the key once and reuses one session across warm invocations (SDK mocked)', async () => {
    // Prepare: one warehouse per container, as handler.ts creates it at module load
    const warehouse = openWarehouse();

    // Act: three invocations
    for (let i = 0; i < 3; i++) await invoke(warehouse);

    // Assess
    expect(secretRequests).toHaveBeenCalledTimes(1);
    expect(sdk.createConnection).toHaveBeenCalledTimes(1);
    expect(snowflake.sql(/^alter session/)).toHaveLength(1);
  });

  it('opens a new session when the old one dropped, without reading the secret again (SDK mocked)', async () => {
    // Prepare
    const warehouse = openWarehouse();
    await warehouse.query('select 1');
    snowflake.connections[0]!.up = false;

    // Act
    await warehouse.query('select 2');

    // Assess
    expect(sdk.createConnection).toHaveBeenCalledTimes(2);
    expect(secretRequests).toHaveBeenCalledTimes(1);
    expect(snowflake.statements.at(-1)).toMatchObject({ sql: 'select 2', connection: 1 });
  });

  it('reads the secret again after a rejected login, so a rotated key is picked up (SDK mocked)', async () => {
    // Prepare
    const warehouse = openWarehouse();
    snowflake.connectFailures.push(snowflakeError('JWT token is invalid.', '390144'));

    // Act
    await expect(warehouse.query('select 1')).rejects.toThrow(/JWT token is invalid/);
    await warehouse.query('select 1');

    // Assess: no retry of a rejected login, one more secret read
    expect(sdk.createConnection).toHaveBeenCalledTimes(2);
    expect(secretRequests).toHaveBeenCalledTimes(2);
  });

  it('sends the driver log lines to the Powertools logger at its level, with no log file (SDK mocked)', () => {
    // Prepare
    logger = capturingLogger('DEBUG');

    // Act
    openWarehouse();
    const options = sdk.configure.mock.calls.at(-1)![0] as { logLevel: string; customLogger: { warn(text: string): void }; logFilePath?: string };
    options.customLogger.warn(`login request with key ${PEM}`);

    // Assess
    expect(options).toMatchObject({ logLevel: 'DEBUG', additionalLogToConsole: false });
    expect(options.logFilePath).toBeUndefined();
    expect(logLines.at(-1)).toContain('snowflake-sdk');
    expect(logLines.at(-1)).toContain('[redacted]');
  });
});

describe('SnowflakeWarehouse: retries', () => {
  it('retries a transient network error with growing delays, at most 3 attempts in all (SDK mocked)', async () => {
    // Prepare: the network fails every time
    snowflake.script = (sql) => (sql === 'select 1' ? snowflakeError('Network error. Could not reach Snowflake.', 401001) : undefined);

    // Act
    await expect(openWarehouse().query('select 1')).rejects.toThrow(/Could not reach Snowflake/);

    // Assess
    expect(snowflake.sql(/^select 1$/)).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
    expect(logLines.filter((line) => line.includes('transient Snowflake error, retrying'))).toHaveLength(2);
  });

  it('recovers from one transient failure on the next attempt (SDK mocked)', async () => {
    // Prepare
    let failures = 1;
    snowflake.script = (sql) => (sql === 'select 1' && failures-- > 0 ? snowflakeError('socket hang up', 'ECONNRESET') : undefined);

    // Act + Assess
    await expect(openWarehouse().query('select 1')).resolves.toEqual([]);
    expect(snowflake.sql(/^select 1$/)).toHaveLength(2);
  });

  it('reconnects when the session expired while the container was frozen (SDK mocked)', async () => {
    // Prepare
    const warehouse = openWarehouse();
    await warehouse.query('select 1');
    let expired = true;
    snowflake.script = (sql) => {
      if (sql !== 'select 2' || !expired) return undefined;
      expired = false;
      return snowflakeError('Authentication token has expired.  The user must authenticate again.', '390114');
    };

    // Act
    await warehouse.query('select 2');

    // Assess: the retry ran on a new session
    expect(sdk.createConnection).toHaveBeenCalledTimes(2);
    expect(snowflake.statements.filter((statement) => statement.sql === 'select 2').map((statement) => statement.connection)).toEqual([0, 1]);
  });

  it('does not retry a SQL error (SDK mocked)', async () => {
    // Prepare
    snowflake.script = (sql) => (sql.startsWith('selec ') ? snowflakeError("SQL compilation error: syntax error line 1 at position 0 unexpected 'selec'.", '001003', '42000') : undefined);

    // Act + Assess
    await expect(openWarehouse().query('selec 1')).rejects.toThrow(/SQL compilation error/);
    expect(snowflake.sql(/^selec /)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a transaction as a whole on a transient error, after rolling it back (SDK mocked)', async () => {
    // Prepare: the first COPY loses its connection
    let failures = 1;
    snowflake.script = (sql) => (sql.startsWith('copy into') && failures-- > 0 ? snowflakeError('Request to Snowflake failed.', 401002) : undefined);

    // Act
    const summary = await invoke(openWarehouse());

    // Assess
    expect(summary).toMatchObject({ loaded: 1, failed: 0 });
    expect(snowflake.sql(/^(begin transaction|commit|rollback)$/)).toEqual(['begin transaction', 'rollback', 'begin transaction', 'commit']);
    expect(snowflake.historyOf(KEY)).toEqual([expect.objectContaining({ status: 'loaded' })]);
  });
});

describe('SnowflakeWarehouse: loading a gold file', () => {
  it('claims (autocommitted), PUTs, then replaces, COPYs and records in one transaction, then REMOVEs the staged folder (SDK mocked)', async () => {
    // Act
    const summary = await invoke(openWarehouse());

    // Assess: no statement between PUT and COPY holds a lock across the network; the local files sit under the test's tmp folder
    expect(summary).toMatchObject({ loaded: 1, rowsLoaded: { 'bronze.raw_user_events': 2 } });
    const [object] = await store.list('gold/');
    const statements = snowflake.statements.slice(1).map(({ sql, binds }) => ({ sql: sql.split('\n')[0], binds }));
    const stageFolder = /@bronze\.csv_stage\/raw_user_events\/[0-9a-f-]{36}\//.exec(snowflake.sql(/^put /)[0]!)![0];
    const lease = expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/) as string;
    const token = expect.stringMatching(/^[0-9a-f-]{36}$/) as string;
    expect(statements).toEqual([
      { sql: "select file_key, etag from bronze.load_history where status in ('loaded', 'failed')", binds: [] },
      { sql: 'merge into bronze.load_history as history', binds: [KEY, object!.etag, 'bronze.raw_user_events', lease, token, lease, token, lease] },
      { sql: 'select file_key, etag from bronze.load_history where claimed_by = ? and lease_expires_at is not null', binds: [token] },
      {
        // One PUT of the load's local folder (under the test's tmp folder), into a stage folder of its own
        sql: `put 'file://${/file:\/\/([^']+)\/\*/.exec(snowflake.sql(/^put /)[0]!)![1]!}/*' '${stageFolder}' auto_compress = false overwrite = true`,
        binds: [],
      },
      { sql: 'begin transaction', binds: [] },
      { sql: 'delete from bronze.raw_user_events where _source_file in (?)', binds: [KEY] },
      { sql: `copy into bronze.raw_user_events (${[...RAW_USER_EVENTS.fileColumns.map((c) => c.name), '_source_file', '_source_row_number', '_loaded_at'].join(', ')})`, binds: [] },
      { sql: 'update bronze.load_history as history', binds: [KEY, object!.etag, 2, 2, token] },
      { sql: 'commit', binds: [] },
      { sql: `remove ${stageFolder}`, binds: [] },
      { sql: 'update bronze.load_history set lease_expires_at = null where claimed_by = ? and lease_expires_at is not null', binds: [token] },
    ]);
    expect(snowflake.sql(/^put /)[0]).toMatch(new RegExp(`^put 'file://${folder.path}/streamflow-put-\\w+/\\*' `));
    const copy = snowflake.sql(/^copy into/)[0]!;
    expect(copy).toContain(`select ${RAW_USER_EVENTS.fileColumns.map((_, i) => `$${i + 1}`).join(', ')}, case split_part(metadata$filename, '/', -1)\n        when '0.csv.gz' then '${KEY}'\n    end, metadata$file_row_number, current_timestamp`);
    expect(copy).toContain(`from ${stageFolder}\n)\nfiles = ('0.csv.gz')`);
    expect(copy.endsWith('on_error = continue\nforce = true')).toBe(true);
    // What was PUT is the gold file, byte for byte
    expect(snowflake.uploads.get(`${stageFolder.slice('@bronze.csv_stage/'.length)}0.csv.gz`)).toEqual(await store.get(KEY));
  });

  it('loads every pending file of the table with one PUT and one COPY naming them all (SDK mocked)', async () => {
    // Prepare: two more user_events files
    await consumeBatch(store, 'user_events', [userEvent('E-3', 0), userEvent('E-4', 0)], { firstOffset: 2 });
    await consumeBatch(store, 'user_events', [userEvent('E-5', 0), userEvent('E-6', 0)], { firstOffset: 4 });

    // Act
    const summary = await invoke(openWarehouse());

    // Assess
    expect(summary).toMatchObject({ loaded: 3, rowsLoaded: { 'bronze.raw_user_events': 6 } });
    expect(snowflake.sql(/^put /)).toHaveLength(1);
    expect(snowflake.sql(/^copy into/)).toHaveLength(1);
    expect(snowflake.sql(/^copy into/)[0]).toContain("files = ('0.csv.gz', '1.csv.gz', '2.csv.gz')");
    expect(snowflake.sql(/^(begin transaction|commit)$/)).toEqual(['begin transaction', 'commit']);
    for (const object of await store.list('gold/')) expect(snowflake.historyOf(object.key)).toEqual([expect.objectContaining({ status: 'loaded', rows_parsed: 2 })]);
  });

  it('checks every row before PUT: a short and a long row reject their files, which are never staged (SDK mocked)', async () => {
    // Prepare: rewrite the gold file twice over, under two keys, one row short and one row long
    const text = gunzipSync((await store.get(KEY))!).toString('utf8');
    const lines = text.split('\n');
    const shortKey = KEY.replace('+0+0-1', '+0+10-11');
    const longKey = KEY.replace('+0+0-1', '+0+20-21');
    await store.put(shortKey, gzipSync(lines.map((line, index) => (index === 1 ? line.slice(0, line.lastIndexOf(',')) : line)).join('\n')), 'text/csv+gzip');
    await store.put(longKey, gzipSync(lines.map((line, index) => (index === 2 ? `${line},extra` : line)).join('\n')), 'text/csv+gzip');

    // Act
    const summary = await invoke(openWarehouse());

    // Assess: only the clean file is staged and copied; the others are recorded with their reasons
    expect(summary).toMatchObject({ loaded: 1, failed: 2 });
    expect([...snowflake.uploads.values()]).toEqual([await store.get(KEY)]);
    expect(snowflake.historyOf(shortKey)).toEqual([expect.objectContaining({ status: 'failed', rows_parsed: 2, errors_seen: 1 })]);
    expect(String(snowflake.historyOf(shortKey)[0]!.first_error)).toMatch(/row 1: field_count: 17 fields, the contract has 18/);
    expect(String(snowflake.historyOf(longKey)[0]!.first_error)).toMatch(/row 2: field_count: 19 fields, the contract has 18/);
  });

  it("records COPY's own counts in the load history and cleans up the local temp files (SDK mocked)", async () => {
    // Act
    await invoke(openWarehouse());

    // Assess
    expect(snowflake.statements.find((statement) => statement.sql.startsWith('update bronze.load_history as history'))!.binds.slice(2, 4)).toEqual([2, 2]);
    expect(snowflake.historyOf(KEY)).toEqual([expect.objectContaining({ status: 'loaded', rows_parsed: 2, lease_expires_at: null })]);
    await expect(readdir(folder.path)).resolves.toEqual(['bucket']);
  });

  it("rejects a file COPY could not read whole: rolls back, records COPY's first error and still removes the staged folder (SDK mocked)", async () => {
    // Prepare
    snowflake.copyReport = { rows: 2, errors: 1, firstError: "Timestamp 'yesterday' is not recognized" };

    // Act
    const summary = await invoke(openWarehouse());

    // Assess
    expect(summary).toMatchObject({ loaded: 0, failed: 1 });
    expect(snowflake.sql(/^(commit|rollback)$/)).toEqual(['rollback']);
    const [failure] = snowflake.historyOf(KEY);
    expect(failure).toMatchObject({ status: 'failed' });
    expect(String(failure!.first_error)).toContain("Timestamp 'yesterday' is not recognized");
    expect(snowflake.sql(/^remove @bronze\.csv_stage\/raw_user_events\//)).toHaveLength(1);
  });

  it('never loads a file twice, unless a reload is forced (SDK mocked)', async () => {
    // Prepare
    const warehouse = openWarehouse();
    await invoke(warehouse);

    // Act: a second tick, an S3 event for the same object, then a forced reload
    const again = await invoke(warehouse);
    const event = await invoke(warehouse, { kind: 'objects', objects: [{ messageId: 'message-1', key: KEY }], unreadable: [] });
    const copiesBeforeForce = snowflake.sql(/^copy into/).length;
    const forced = await invoke(warehouse, { kind: 'reload', prefix: 'gold/', force: true });

    // Assess: every load stages into a new folder, so Snowflake's own load metadata never skips; our history decides
    expect(again).toMatchObject({ loaded: 0, skipped: 1 });
    expect(event).toMatchObject({ loaded: 0, skipped: 1 });
    expect(copiesBeforeForce).toBe(1);
    expect(forced).toMatchObject({ loaded: 1 });
    const folders = snowflake.sql(/^put /).map((sql) => /'(@[^']+)'/.exec(sql)![1]);
    expect(new Set(folders).size).toBe(2);
    expect(snowflake.sql(/^remove /)).toEqual(folders.map((stageFolder) => `remove ${stageFolder}`));
  });

  it('reports a claim that waited out LOCK_TIMEOUT as lock_timeout, not as claimed by another loader, and stages nothing (SDK mocked)', async () => {
    // Prepare: the claim waits for another transaction's lock until Snowflake gives up
    snowflake.script = (sql) =>
      sql.startsWith('merge into bronze.load_history as history\nusing (select * from (values')
        ? snowflakeError('Statement reached its lock timeout and was canceled.', '000625')
        : undefined;

    // Act
    const summary = await invoke(openWarehouse());

    // Assess
    expect(summary.files).toEqual([expect.objectContaining({ status: 'skipped', reason: 'lock_timeout' })]);
    expect(snowflake.sql(/^put /)).toEqual([]);
  });

  it('classifies lock waits and deadlocks apart (SDK mocked)', async () => {
    // Prepare
    const warehouse = openWarehouse();
    snowflake.script = (sql) => {
      if (sql === 'update waits') return snowflakeError("Statement 'x' has locked table 'LOAD_HISTORY' in transaction 1 and this lock has not yet been released.", '000625', '57014');
      if (sql === 'update deadlocks') return snowflakeError('Transaction was aborted because of a deadlock.', '000626');
      return undefined;
    };

    // Act + Assess
    await expect(warehouse.execute('update waits')).rejects.toBeInstanceOf(WarehouseLockTimeoutError);
    await expect(warehouse.transaction((session) => session.execute('update waits'))).rejects.toBeInstanceOf(WarehouseLockTimeoutError);
    await expect(warehouse.transaction((session) => session.execute('update deadlocks'))).rejects.toBeInstanceOf(WarehouseConflictError);
  });

  it('rejects a file whose key Snowflake cannot stage, and loads the others in the same tick (SDK mocked)', async () => {
    // Prepare: a reference file dropped by hand under a name with spaces and brackets; reference files load first
    const odd = 'reference/products (1).json';
    await store.put(odd, Buffer.from(JSON.stringify([])), 'application/json');

    // Act
    const summary = await invoke(openWarehouse());

    // Assess: recorded as rejected, not a failed invocation that would stop every later tick at this file
    expect(summary.files).toEqual([
      expect.objectContaining({ status: 'failed', key: odd, error: expect.stringMatching(/cannot be staged/) as string }),
      expect.objectContaining({ status: 'loaded', key: KEY }),
    ]);
    expect(snowflake.historyOf(odd)).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(snowflake.sql(/^put /)).toHaveLength(1);
  });

  it('loads only into allow-listed tables, and only keys that cannot break out of a literal (SDK mocked)', async () => {
    // Prepare
    const warehouse = openWarehouse({ loadTables: [RAW_USER_EVENTS.table] });
    const source = { fileName: 'x.csv', bytes: Buffer.from('a\n1\n') };
    const load = (table: { schema: string; name: string }, sourceFile: string) =>
      warehouse.transaction((session) => session.load({ table, columns: [{ name: 'a', type: 'varchar' }], source, sourceFile }));

    // Act + Assess
    await expect(load({ schema: 'silver', name: 'stg_user_events' }, 'gold/x.csv')).rejects.toThrow(/not a table this loader may write/);
    await expect(load(RAW_USER_EVENTS.table, "gold/x'); drop table bronze.raw_user_events; --.csv")).rejects.toThrow(/cannot be staged/);
    await expect(load(RAW_USER_EVENTS.table, 'gold/../x.csv')).rejects.toThrow(/cannot be staged/);
    expect(snowflake.sql(/^(put|copy) /)).toEqual([]);
  });
});
