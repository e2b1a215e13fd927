/**
 * Against a real Snowflake account, when one is configured: deploy `sql/snowflake/` into a scratch
 * database, load the standard fixture's gold, reference and quarantine files with the loader and
 * the Snowflake adapter (PUT + COPY), run the generated task bodies, and compare every Gold table
 * and view with what the local twin (DuckDB) computes from the same files. Everything created is
 * dropped afterwards. Without credentials the suite is skipped and says why.
 *
 * Run: SNOWFLAKE_ACCOUNT=… SNOWFLAKE_USER=… SNOWFLAKE_ROLE=… SNOWFLAKE_PRIVATE_KEY_PATH=… \
 *      npx vitest run test/integration/snowflake.test.ts   (see sql/README.md)
 */
import '../support/quiet-powertools.js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingSnowflakeEnv, snowflakeEnv } from '../../bin/cli/snowflake-env.js';
import { runLoader } from '../../lambdas/loader/run-loader.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { createSnowflakeWarehouse, type SnowflakeWarehouse } from '../../lambdas/shared/adapters/snowflake-warehouse.js';
import type { WarehouseRow, WarehouseValue } from '../../lambdas/shared/ports/warehouse.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { BRONZE_TABLES } from '../../lambdas/shared/contracts/bronze-tables.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { applyDeployPlan, snowflakeDeployPlan } from '../../lambdas/warehouse/snowflake-deploy.js';
import { type DeployVariables } from '../../lambdas/warehouse/deploy-variables.js';
import { modelStepsOf, tableOf } from '../../lambdas/warehouse/task-graph.js';
import { tempFolder } from '../support/files.js';
import { openWarehouseFixture, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

const missing = missingSnowflakeEnv();
if (missing.length > 0) {
  console.info(`Snowflake integration suite skipped: set ${missing.join(', ')} to run it against a real account (see sql/README.md).`);
}

const MINUTES = 60_000;
const suffix = `${new Date().toISOString().slice(0, 10).replaceAll('-', '')}_${randomBytes(3).toString('hex')}`.toUpperCase();
const ownWarehouse = !process.env.SNOWFLAKE_WAREHOUSE;
const variables: DeployVariables = {
  database: `STREAMFLOW_IT_${suffix}`,
  // The deploy sets the warehouse to X-SMALL with a 60 s auto-suspend: a scratch one unless named.
  warehouse: process.env.SNOWFLAKE_WAREHOUSE || `STREAMFLOW_IT_WH_${suffix}`,
  loader_role: `STREAMFLOW_IT_LOADER_${suffix}`,
  reader_role: `STREAMFLOW_IT_READER_${suffix}`,
};

/** Gold columns that record when a row was loaded, which differs between two loads by nature. */
const LOAD_TIME = /(^|_)loaded_at$|^updated_at$/;

/** A row as comparable text: load times dropped, numbers rounded past float noise. */
const comparable = (row: WarehouseRow): string => {
  const out: Record<string, WarehouseValue> = {};
  for (const [name, value] of Object.entries(row).sort(([a], [b]) => a.localeCompare(b))) {
    if (LOAD_TIME.test(name)) continue;
    out[name] = typeof value === 'number' ? Number(value.toPrecision(12)) : value;
  }
  return JSON.stringify(out);
};

const tableRows = async (warehouse: { query(sql: string): Promise<WarehouseRow[]> }, table: string): Promise<string[]> =>
  (await warehouse.query(`select * from ${table}`)).map(comparable).sort();

/** The body of a generated CREATE TASK (`execute immediate $$ … $$`), which runs as a statement of its own. */
const taskBodies = (plan: Awaited<ReturnType<typeof snowflakeDeployPlan>>): Map<string, string> =>
  new Map(
    plan
      .flatMap((script) => script.statements)
      .filter((statement) => statement.startsWith('create or replace task'))
      .map((statement) => [/^create or replace task \w+\.(\w+)/.exec(statement)![1]!, statement.slice(statement.indexOf('\nas\n') + 4)]),
  );

describe.skipIf(missing.length > 0)('Snowflake, end to end (real account)', () => {
  let snowflake: SnowflakeWarehouse;
  let local: WarehouseFixture;
  let bucket: Awaited<ReturnType<typeof tempFolder>>;
  let store: FolderObjectStore;
  let bodies: Map<string, string>;

  const refresh = async (): Promise<void> => {
    for (const task of ['refresh_silver', 'refresh_gold', 'dq_checks']) await snowflake.execute(bodies.get(task)!);
  };

  beforeAll(async () => {
    bucket = await tempFolder('snowflake-it');
    store = new FolderObjectStore(bucket.path);
    await writeStandardScenario(store);
    local = await openWarehouseFixture('snowflake-it-local');
    await writeStandardScenario(local.store);

    snowflake = createSnowflakeWarehouse({
      ...snowflakeEnv(variables),
      queryTag: 'streamflow-integration-test',
      logger,
      loadTables: BRONZE_TABLES.map((bronze) => bronze.table),
    });
    const plan = await snowflakeDeployPlan({ variables });
    bodies = taskBodies(plan);
    await applyDeployPlan(snowflake, plan);
    // The test drives the refresh itself: the scheduled root must not race it for the streams.
    await snowflake.execute('alter task silver.refresh_silver suspend');
  }, 15 * MINUTES);

  afterAll(async () => {
    if (snowflake) {
      // The deploy's secure share (090_secure_share.sql) lives outside the database.
      await snowflake.execute(`drop share if exists ${variables.database}_customer_360`).catch(() => undefined);
      await snowflake.execute(`drop database if exists ${variables.database}`).catch(() => undefined);
      await snowflake.execute(`drop role if exists ${variables.loader_role}`).catch(() => undefined);
      await snowflake.execute(`drop role if exists ${variables.reader_role}`).catch(() => undefined);
      if (ownWarehouse) await snowflake.execute(`drop warehouse if exists ${variables.warehouse}`).catch(() => undefined);
      await snowflake.close();
    }
    await local?.close();
    await bucket?.remove();
  }, 5 * MINUTES);

  it('loads every fixture file once, with COPY counts in the history and the object key in _source_file', async () => {
    // Act
    const first = await runLoader({ kind: 'pending' }, { store, warehouse: snowflake, logger });
    const second = await runLoader({ kind: 'pending' }, { store, warehouse: snowflake, logger });
    const expected = await runLoader({ kind: 'pending' }, { store: local.store, warehouse: local.warehouse, logger });

    // Assess
    expect(first.failed).toBe(0);
    expect(first.rowsLoaded).toEqual(expected.rowsLoaded);
    expect(second).toMatchObject({ loaded: 0, failed: 0, skipped: first.loaded });
    const history = await snowflake.query<{ status: string; rows_parsed: number; rows_loaded: number; errors_seen: number }>(
      'select status, rows_parsed, rows_loaded, errors_seen from bronze.load_history',
    );
    expect(history).toHaveLength(first.loaded);
    for (const row of history) expect(row).toMatchObject({ status: 'loaded', errors_seen: 0, rows_loaded: row.rows_parsed });
    const keys = await snowflake.query<{ source_file: string }>('select distinct _source_file as source_file from bronze.raw_user_events');
    expect(keys.map((row) => row.source_file).sort()).toEqual((await store.list('gold/user_events/')).map((object) => object.key).sort());
    for (const bronze of BRONZE_TABLES) {
      const table = `${bronze.table.schema}.${bronze.table.name}`;
      expect(await tableRows(snowflake, table), table).toEqual(await tableRows(local.warehouse, table));
    }
  }, 15 * MINUTES);

  it('refreshes Silver and Gold through the generated task bodies to the same rows as the local twin', async () => {
    // Act
    await refresh();
    await runTaskGraph(local.warehouse);

    // Assess: every Silver and Gold table and view
    for (const step of modelStepsOf()) {
      const { schema, name } = tableOf(step.model);
      const table = `${schema}.${name}`;
      expect(await tableRows(snowflake, table), table).toEqual(await tableRows(local.warehouse, table));
    }
    const [checks] = await snowflake.query<{ checks: number }>('select count(*) as checks from gold.dq_results');
    expect(checks!.checks).toBeGreaterThan(0);
  }, 15 * MINUTES);

  it('changes nothing when the tasks run again with no new rows in the streams', async () => {
    // Prepare
    const gold = modelStepsOf().map((step) => `${tableOf(step.model).schema}.${tableOf(step.model).name}`);
    const before = await Promise.all(gold.map((table) => tableRows(snowflake, table)));

    // Act
    await refresh();

    // Assess
    expect(await Promise.all(gold.map((table) => tableRows(snowflake, table)))).toEqual(before);
  }, 15 * MINUTES);
});
