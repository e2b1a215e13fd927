/**
 * Security checks that belong to no single module:
 * - no secret in any log line: the Snowflake adapter with the real snowflake-sdk at TRACE, a
 *   throwaway encrypted key, a stand-in Snowflake endpoint that fails in the ways that make drivers
 *   chatty, and the real Powertools logger, whose JSON output is captured as CloudWatch would get it;
 * - identifiers only from allow-lists: whatever key lands in the bucket, the loader writes only
 *   the Bronze tables it knows, and a name it does not know is ignored, never a failed tick.
 * Least-privilege IAM (no wildcard where a narrow grant exists) and the TLS-only bucket policies
 * are asserted on the synthesized stacks in test/cdk/pipeline-stack.test.ts ("least privilege
 * across the app") and test/cdk/storage-stack.test.ts ("denies requests without TLS"); Snowflake
 * loads into allow-listed tables only in test/shared/adapters/snowflake-warehouse.test.ts.
 */
import '../support/quiet-powertools.js';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeLoaderHandler } from '../../lambdas/loader/make-handler.js';
import { scheduledTick } from '../../lambdas/loader/loader-request.js';
import { loadTargetFor } from '../../lambdas/shared/contracts/load-targets.js';
import { localLambdaContext } from '../../lambdas/local/lambda-context.js';
import { metrics } from '../../lambdas/shared/powertools.js';
import { BRONZE_TABLES, RAW_USER_EVENTS } from '../../lambdas/shared/contracts/bronze-tables.js';
import { tempFolder } from '../support/files.js';
import { invokeLoader, newBucket, openWarehouse, recordFigures } from '../support/local-twin.js';
import { consumeBatch, userEvent } from '../support/warehouse-fixtures.js';

/** Where the wrapped driver connects: the stand-in endpoint of this file. */
const endpoint = vi.hoisted(() => ({ url: '' }));

// The real driver, pointed at the stand-in endpoint and giving up after one retry of its own.
vi.mock('snowflake-sdk', async (importOriginal) => {
  const real = (await importOriginal<{ default: Record<string, unknown> }>()).default;
  const createConnection = real.createConnection as (options: Record<string, unknown>) => unknown;
  const wrapped = Object.create(real) as Record<string, unknown>;
  wrapped.createConnection = (options: Record<string, unknown>) =>
    createConnection.call(real, { ...options, accessUrl: endpoint.url, sfRetryMaxLoginRetries: 1, retryTimeout: 1 });
  return { default: wrapped };
});
const { SnowflakeWarehouse } = await import('../../lambdas/shared/adapters/snowflake-warehouse.js');

const PASSPHRASE = 'correct horse battery staple 42';

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('security');
});

afterAll(async () => {
  await root.remove();
});

/**
 * A Snowflake login endpoint that answers its Nth request with the Nth behaviour: drop the
 * connection, a proxy error page echoing the request, a login refusal quoting the request.
 * Records every request body (the JWT the driver signed with the key is in it).
 */
const standInSnowflake = async (): Promise<{ server: Server; bodies: string[] }> => {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(body);
      const behaviour = (bodies.length - 1) % 3;
      if (behaviour === 0) {
        request.socket.destroy();
      } else if (behaviour === 1) {
        response.statusCode = 503;
        response.end(`Service Unavailable. Your request was: ${body}`);
      } else {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ success: false, code: '390144', message: `JWT token is invalid: ${body}`, data: { nextAction: 'RETRY_LOGIN' } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { server, bodies };
};

describe('no secret in any log line', () => {
  it('keeps the key, its passphrase and the signed JWT out of everything the adapter, the driver and the loader log', async () => {
    // Prepare: a throwaway encrypted key, a bucket with a gold file, a logger at TRACE whose output is captured
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string;
    const secrets = [PASSPHRASE, ...pem.split('\n').filter((line) => line.length >= 40)];
    const { server, bodies } = await standInSnowflake();
    const bucket = await newBucket(root.path, 'bucket');
    await consumeBatch(bucket.store, 'user_events', [userEvent('E-1', 0), userEvent('E-2', 0)]);
    const output: string[] = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);

    try {
      // Act: two loader invocations through the middy handler, each failing to log in (transient failures retried)
      const logger = new Logger({ serviceName: 'streamflow-loader', logLevel: 'TRACE' });
      const warehouse = new SnowflakeWarehouse({
        account: 'myorg-myaccount',
        username: 'STREAMFLOW_LOADER_USER',
        role: 'STREAMFLOW_LOADER',
        warehouse: 'STREAMFLOW_WH',
        database: 'STREAMFLOW_DW',
        queryTag: 'streamflow-loader',
        privateKey: { get: () => Promise.resolve({ pem, passphrase: PASSPHRASE }), forget: () => undefined },
        logger,
        loadTables: BRONZE_TABLES.map((bronze) => bronze.table),
        retry: { sleep: () => Promise.resolve() },
      });
      const handler = makeLoaderHandler({ store: bucket.store, warehouse, logger, metrics });
      for (let invocation = 0; invocation < 2; invocation++) {
        await expect(handler(scheduledTick(), localLambdaContext('streamflow-loader'))).rejects.toThrow();
      }
      await warehouse.close();
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      await new Promise((resolve) => server.close(resolve));
    }

    // Assess: the driver did sign JWTs with the key and send them, and talked at length about it …
    const tokens = bodies.map((body) => (JSON.parse(body) as { data: { TOKEN?: string } }).data.TOKEN).filter((token) => token !== undefined);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    const lines = output.join('').split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.filter((line) => line.includes('"snowflake-sdk"')).length).toBeGreaterThan(20);
    expect(lines.some((line) => line.includes('transient Snowflake error, retrying'))).toBe(true);
    // … and no line holds the key, its passphrase or a token (whole or the signature alone)
    const leaks = [...secrets, ...tokens, ...tokens.map((token) => token.split('.')[2]!)].filter((secret) => lines.some((line) => line.includes(secret)));
    expect(leaks).toEqual([]);
    expect(lines.filter((line) => /-----BEGIN [A-Z ]*PRIVATE KEY|eyJ[\w-]+\.eyJ/.test(line))).toEqual([]);
    recordFigures('security: log lines captured with the real driver at TRACE', { lines: lines.length, tokensSent: tokens.length, leaks: leaks.length });
  });
});

describe('identifiers only from allow-lists', () => {
  const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'hasownproperty', 'tostring', 'valueof'];

  it('maps any object key to one of the Bronze tables or to nothing', () => {
    // Prepare
    const allowed = new Set(BRONZE_TABLES.map((bronze) => bronze.table));
    const segment = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'user_events', 'transactions', 'raw_products', 'products', 'customers'), fc.string({ maxLength: 20 }));
    const key = fc.tuple(fc.constantFrom('gold', 'reference', 'quarantine', 'landing', 'onfailure'), segment, segment, fc.constantFrom('.csv.gz', '.json', '.csv', '.ndjson.gz', ''));

    // Act / Assess
    fc.assert(
      fc.property(key, ([prefix, folder, name, extension]) => {
        const target = loadTargetFor(`${prefix}/${folder}/${name}${extension}`);
        expect(target === undefined || allowed.has(target.bronze.table)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
    for (const name of PROTOTYPE_NAMES) expect(loadTargetFor(`gold/${name}/dt=2025-03-01/x+0+0-1.csv.gz`)).toBeUndefined();
  });

  it('ignores files under names it does not know, loading the rest and binding odd keys as values', async () => {
    // Prepare: a gold file, files under prototype and unknown table names, and a reference file with an odd name
    const bucket = await newBucket(root.path, 'names');
    await consumeBatch(bucket.store, 'user_events', [userEvent('E-1', 0), userEvent('E-2', 0)]);
    const [gold] = await bucket.store.list('gold/');
    const body = (await bucket.store.get(gold!.key))!;
    const strangers = [...PROTOTYPE_NAMES, 'raw_user_events', 'bronze', 'user_events;drop'].map((name) => `gold/${name}/dt=2025-03-01/x+0+0-1.csv.gz`);
    for (const key of strangers) await bucket.store.put(key, body, 'text/csv+gzip');
    const oddReference = "reference/products (1) it's ; drop table bronze.raw_products; --.json";
    await bucket.store.put(oddReference, (await bucket.store.get('reference/products.json'))!, 'application/json');
    const warehouse = await openWarehouse(bucket.warehouseFile);

    try {
      // Act
      const summary = await invokeLoader(bucket.store, warehouse);

      // Assess: the tick succeeds, the strangers are ignored, the odd key is data, not SQL
      expect(summary.failed).toBe(0);
      expect([...summary.ignored].sort()).toEqual([...strangers].sort());
      expect(summary.files.filter((file) => file.status === 'loaded').map((file) => file.key).sort()).toEqual(
        [gold!.key, oddReference, 'reference/customers.json', 'reference/products.json'].sort(),
      );
      const [events] = await warehouse.query<{ n: number }>(`select count(*) as n from ${RAW_USER_EVENTS.table.schema}.${RAW_USER_EVENTS.table.name}`);
      expect(events!.n).toBe(2);
      const products = await warehouse.query<{ file: string; n: number }>('select _source_file as file, count(*) as n from bronze.raw_products group by 1 order by 1');
      expect(products.map((row) => row.file)).toEqual([oddReference, 'reference/products.json'].sort());
    } finally {
      await warehouse.close();
    }
  });

  it('refuses a load whose table or column is not a plain identifier, before any SQL runs', async () => {
    // Prepare
    const bucket = await newBucket(root.path, 'identifiers');
    const warehouse = await openWarehouse(bucket.warehouseFile);
    const source = { fileName: 'x.csv', bytes: Buffer.from('a\n1\n') };
    const load = (schema: string, name: string, column: string) =>
      warehouse.transaction((session) => session.load({ table: { schema, name }, columns: [{ name: column, type: 'varchar' }], source, sourceFile: 'gold/x.csv' }));

    try {
      // Act / Assess
      await expect(load('bronze', 'raw_user_events; drop table bronze.load_history', 'a')).rejects.toThrow(/plain lower-case SQL identifier/);
      await expect(load('bronze"', 'raw_user_events', 'a')).rejects.toThrow(/plain lower-case SQL identifier/);
      await expect(load('bronze', 'raw_user_events', 'a) select 1; --')).rejects.toThrow(/plain lower-case SQL identifier/);
      const [history] = await warehouse.query<{ n: number }>('select count(*) as n from bronze.load_history');
      expect(history!.n).toBe(0);
    } finally {
      await warehouse.close();
    }
  });
});
