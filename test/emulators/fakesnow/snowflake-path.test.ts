/**
 * The Snowflake path against fakesnow, through the real snowflake-sdk and the loader's own
 * adapter: `sql deploy`'s plan, the loader's PUT (its COPY INTO is refused, so Bronze is filled by
 * INSERT), the task bodies run as plain statements, and the Gold they compute compared with
 * the DuckDB twin's for the standard fixture (the approach of test/integration/snowflake.test.ts,
 * which does the same against a real account).
 *
 * fakesnow has no warehouses, roles, grants, streams or tasks: the statements it refuses are
 * named below, asserted to be refused (so a fakesnow that learns one fails here and the list
 * shrinks), and everything else is run. Task bodies read each stream's base table instead, only
 * in this harness: Bronze starts empty, so the base table holds exactly the stream's inserts.
 */
import '../../support/quiet-powertools.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runLoader } from '../../../lambdas/loader/run-loader.js';
import { FolderObjectStore } from '../../../lambdas/shared/adapters/folder-object-store.js';
import type { SnowflakeWarehouse } from '../../../lambdas/shared/adapters/snowflake-warehouse.js';
import { logger } from '../../../lambdas/shared/powertools.js';
import { BRONZE_TABLES, bronzeColumnsOf } from '../../../lambdas/shared/contracts/bronze-tables.js';
import { buildLedgerReport } from '../../../lambdas/warehouse/ledger-report.js';
import { runTaskGraph } from '../../../lambdas/warehouse/run-task-graph.js';
import { snowflakeDeployPlan, type DeployScript } from '../../../lambdas/warehouse/snowflake-deploy.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../../lambdas/warehouse/deploy-variables.js';
import { tableColumns } from '../../../lambdas/warehouse/prepare-warehouse.js';
import { modelStepsOf, tableOf } from '../../../lambdas/warehouse/task-graph.js';
import { describeOnEmulator } from '../support/emulators.js';
import { DIM_DATE_TO_CHAR_PATCH, FAKESNOW_SESSION_NOPS, FAKESNOW_VALUE_GAPS, applyOnFakesnow, comparableRows, copyRowsInto, taskBodiesOnBaseTables, type FakesnowDeploy } from '../support/fakesnow-plan.js';
import { startFakesnow, fakesnowWarehouse, type Fakesnow } from '../support/fakesnow.js';
import { tempFolder } from '../../support/files.js';
import { openWarehouseFixture, writeStandardScenario, type WarehouseFixture } from '../../support/warehouse-fixtures.js';

describeOnEmulator('fakesnow', 'the Snowflake path against fakesnow (snowflake-sdk; no streams or tasks there)', () => {
  let fakesnow: Fakesnow;
  let snowflake: SnowflakeWarehouse;
  let local: WarehouseFixture;
  let bucket: Awaited<ReturnType<typeof tempFolder>>;
  let store: FolderObjectStore;
  let plan: DeployScript[];
  let deploy: FakesnowDeploy;

  beforeAll(async () => {
    fakesnow = await startFakesnow({ nopRegexes: FAKESNOW_SESSION_NOPS });
    snowflake = fakesnowWarehouse(fakesnow, { queryTag: 'streamflow-fakesnow-test', loadTables: BRONZE_TABLES.map((bronze) => bronze.table) });
    bucket = await tempFolder('fakesnow-bucket');
    store = new FolderObjectStore(bucket.path);
    await writeStandardScenario(store);
    local = await openWarehouseFixture('fakesnow-twin');
    await writeStandardScenario(local.store);
    plan = await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES });
  });

  afterAll(async () => {
    await snowflake?.close();
    await fakesnow?.stop();
    await local?.close();
    await bucket?.remove();
  });

  it('accepts every deploy statement but warehouses, roles, grants, managed access, streams and tasks, which it refuses', async () => {
    // Act
    deploy = await applyOnFakesnow(snowflake, plan);

    // Assess: nothing outside the named gaps was refused, and each gap was refused at least once
    expect(deploy.unexpected).toEqual([]);
    expect(deploy.refusedByGap).toEqual({
      'warehouses (fakesnow computes in-process)': 2,
      'schemas with managed access (no access control)': 3,
      'file format changes': 1,
      'streams': 6,
      'tasks': expect.any(Number) as number,
      'roles': 2,
      'shares': expect.any(Number) as number,
      'grants': expect.any(Number) as number,
    });
    expect(deploy.accepted).toBeGreaterThan(40);
    for (const bronze of BRONZE_TABLES) {
      expect(await tableColumns(snowflake, bronze.table.schema, bronze.table.name), bronze.table.name).toEqual(
        bronzeColumnsOf(bronze).map((column) => column.name),
      );
    }
  });

  it('stages the loader\'s files with PUT through snowflake-sdk, then refuses its COPY INTO … FILES (fakesnow gaps)', async () => {
    // Act
    const outcome = await runLoader({ kind: 'pending' }, { store, warehouse: snowflake, logger }).then(
      (summary) => JSON.stringify(summary.files),
      (error: unknown) => (error as Error).message,
    );

    // Assess: the PUT uploaded to fakesnow's presigned stage URL (see the proxy's PUT rewrites);
    // the COPY is refused on the first of fakesnow 0.12.1's COPY gaps (docs/emulators.md), the
    // deployed CSV format's ERROR_ON_COLUMN_COUNT_MISMATCH, so nothing is copied.
    expect(outcome).toMatch(/FILE_FORMAT option ERROR_ON_COLUMN_COUNT_MISMATCH not implemented/);
    expect((await snowflake.query('list @bronze.csv_stage')).length).toBeGreaterThan(0);
    for (const bronze of BRONZE_TABLES) {
      const [row] = await snowflake.query<{ n: number }>(`select count(*) as n from ${bronze.table.schema}.${bronze.table.name}`);
      expect(row!.n, bronze.table.name).toBe(0);
    }
  });

  it('holds the twin\'s Bronze rows after a plain INSERT of them (the load fakesnow cannot do, replaced)', async () => {
    // Prepare
    const loaded = await runLoader({ kind: 'pending' }, { store: local.store, warehouse: local.warehouse, logger });
    expect(loaded.failed).toBe(0);

    // Act: the rows the twin's COPY loaded, with their load metadata
    for (const bronze of BRONZE_TABLES) await copyRowsInto(snowflake, local.warehouse, `${bronze.table.schema}.${bronze.table.name}`);

    // Assess
    for (const bronze of BRONZE_TABLES) {
      const table = `${bronze.table.schema}.${bronze.table.name}`;
      expect(await comparableRows(snowflake, table), table).toEqual(await comparableRows(local.warehouse, table));
    }
  });

  it('runs the task bodies as plain statements (no tasks; streams read as their base tables) to the twin\'s Silver and Gold', async () => {
    // Prepare
    const bodies = await taskBodiesOnBaseTables();

    // Act
    for (const statement of bodies) await snowflake.execute(statement);
    await runTaskGraph(local.warehouse);

    // Assess: fakesnow's own gaps first, each asserted (so a fixed fakesnow makes the list shrink),
    // then patched with what Snowflake's documentation says, so the views built on them compare.
    for (const gap of FAKESNOW_VALUE_GAPS) {
      const [row] = await snowflake.query<Record<string, string>>(`select ${gap.column} as value from ${gap.table} where ${gap.where}`);
      expect(row?.value, `${gap.table}.${gap.column}: ${gap.why}`).toMatch(gap.fakesnowGives);
    }
    await snowflake.execute(DIM_DATE_TO_CHAR_PATCH);
    const mismatched: string[] = [];
    for (const step of modelStepsOf()) {
      const { schema, name } = tableOf(step.model);
      const table = `${schema}.${name}`;
      if (JSON.stringify(await comparableRows(snowflake, table)) !== JSON.stringify(await comparableRows(local.warehouse, table))) mismatched.push(table);
    }
    expect(mismatched, 'Silver and Gold tables and views that differ from the twin').toEqual([]);
    const [checks] = await snowflake.query<{ checks: number }>('select count(*) as checks from gold.dq_results');
    expect(checks!.checks).toBeGreaterThan(0);
  });

  it('changes nothing when the task bodies run again over the same rows (MERGEs are idempotent)', async () => {
    // Prepare
    const gold = modelStepsOf().map((step) => `${tableOf(step.model).schema}.${tableOf(step.model).name}`);
    const before = await Promise.all(gold.map((table) => comparableRows(snowflake, table)));

    // Act
    for (const statement of await taskBodiesOnBaseTables({ checks: false })) await snowflake.execute(statement);
    // dim_date is rebuilt by every run, so fakesnow's TO_CHAR gap comes back with it.
    await snowflake.execute(DIM_DATE_TO_CHAR_PATCH);

    // Assess
    expect(await Promise.all(gold.map((table) => comparableRows(snowflake, table)))).toEqual(before);
  });

  it("reconciles the ledger's warehouse half through the Snowflake adapter as the twin does on DuckDB (report --bucket's queries)", async () => {
    // Act: the same report code on both warehouses, over the same files
    const onSnowflake = await buildLedgerReport(store, snowflake);
    const onTwin = await buildLedgerReport(local.store, local.warehouse);

    // Assess
    expect(onSnowflake.gold).toEqual(onTwin.gold);
    expect(onSnowflake.gold.loaded).toBeGreaterThan(0);
    expect(onSnowflake.stages).toEqual(onTwin.stages);
    // Every table's rows alike but the load history: Bronze was filled here by INSERT, so only the
    // loader's one refused COPY is recorded (the twin's loader recorded each file it loaded).
    const withoutHistory = (tables: Record<string, number>) => Object.fromEntries(Object.entries(tables).filter(([table]) => table !== 'bronze.load_history'));
    expect(withoutHistory(onSnowflake.tables)).toEqual(withoutHistory(onTwin.tables));
    expect([onSnowflake.tables['bronze.load_history'], onTwin.tables['bronze.load_history']]).toEqual([1, 6]);
    expect(onSnowflake.dq.map((check) => [check.name, check.violations])).toEqual(onTwin.dq.map((check) => [check.name, check.violations]));
    expect(onSnowflake.verdict).toBe(onTwin.verdict);
    expect(onSnowflake.verdict).toMatch(/^Nothing lost: /);
  });
});
