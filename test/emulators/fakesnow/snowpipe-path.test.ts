/**
 * Snowpipe mode's Snowflake side against fakesnow, through the real snowflake-sdk: `sql deploy
 * --load-mode snowpipe`'s plan (fakesnow has no pipes: CREATE PIPE must be refused as such, the
 * rest, the manifest table included, must run), and the loader's PUT of each file version to its
 * own path, twice, as two loaders seeing the same version would. The insertFiles call goes to a
 * recording stand-in here (its HTTP request is tested in test/shared/adapters/snowpipe-rest.test.ts);
 * only a real account shows the pipes loading the files.
 */
import '../../support/quiet-powertools.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runLoader } from '../../../lambdas/loader/run-loader.js';
import { FolderObjectStore } from '../../../lambdas/shared/adapters/folder-object-store.js';
import type { SnowflakeWarehouse } from '../../../lambdas/shared/adapters/snowflake-warehouse.js';
import { snowpipeIngest } from '../../../lambdas/shared/adapters/snowpipe-ingest.js';
import { logger } from '../../../lambdas/shared/powertools.js';
import { BRONZE_TABLES } from '../../../lambdas/shared/contracts/bronze-tables.js';
import { snowflakeDeployPlan } from '../../../lambdas/warehouse/snowflake-deploy.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../../lambdas/warehouse/deploy-variables.js';
import { tableColumns } from '../../../lambdas/warehouse/prepare-warehouse.js';
import { LOAD_MANIFEST } from '../../../lambdas/warehouse/load-manifest.js';
import { describeOnEmulator } from '../support/emulators.js';
import { FAKESNOW_SESSION_NOPS, applyOnFakesnow } from '../support/fakesnow-plan.js';
import { startFakesnow, fakesnowWarehouse, type Fakesnow } from '../support/fakesnow.js';
import { tempFolder } from '../../support/files.js';
import { writeStandardScenario } from '../../support/warehouse-fixtures.js';

describeOnEmulator('fakesnow', 'Snowpipe mode against fakesnow (snowflake-sdk; no pipes there)', () => {
  let fakesnow: Fakesnow;
  let snowflake: SnowflakeWarehouse;
  let bucket: Awaited<ReturnType<typeof tempFolder>>;
  let store: FolderObjectStore;
  const submitted: { pipe: string; paths: readonly string[] }[] = [];
  const recordingRest = {
    insertFiles: (pipe: string, paths: readonly string[]) => {
      submitted.push({ pipe, paths });
      return Promise.resolve();
    },
  };

  beforeAll(async () => {
    fakesnow = await startFakesnow({ nopRegexes: FAKESNOW_SESSION_NOPS });
    snowflake = fakesnowWarehouse(fakesnow, { queryTag: 'streamflow-fakesnow-snowpipe', loadTables: BRONZE_TABLES.map((bronze) => bronze.table) });
    bucket = await tempFolder('fakesnow-snowpipe');
    store = new FolderObjectStore(bucket.path);
    await writeStandardScenario(store);
  });

  afterAll(async () => {
    await snowflake?.close();
    await fakesnow?.stop();
    await bucket?.remove();
  });

  it('runs the snowpipe deploy plan but its CREATE PIPEs, which it refuses (one per Bronze table and the manifest)', async () => {
    // Act
    const deploy = await applyOnFakesnow(snowflake, await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES, loadMode: 'snowpipe' }));

    // Assess
    expect(deploy.unexpected).toEqual([]);
    expect(deploy.refusedByGap.pipes).toBe(BRONZE_TABLES.length + 1);
    expect(await tableColumns(snowflake, LOAD_MANIFEST.table.schema, LOAD_MANIFEST.table.name)).toEqual(LOAD_MANIFEST.columns.map((column) => column.name));
  });

  it('PUTs each queued file version to its own path, and to the same path when a second loader sees the same version', async () => {
    // Prepare
    const objects = (await store.list('gold/')).map((object, index) => ({ messageId: `m-${index}`, key: object.key }));
    const pipes = snowpipeIngest(snowflake, recordingRest);

    // Act
    const first = await runLoader({ kind: 'objects', objects, unreadable: [] }, { store, warehouse: snowflake, logger, pipes });
    const second = await runLoader({ kind: 'objects', objects, unreadable: [] }, { store, warehouse: snowflake, logger, pipes });

    // Assess: every submitted path is in the stage once, under its pipe's folder
    expect(first.loaded).toBe(objects.length);
    expect(second.loaded).toBe(objects.length);
    const listed = (await snowflake.query<{ name: string }>('list @bronze.csv_stage')).map((row) => row.name);
    const dataSubmissions = submitted.filter((submission) => submission.pipe !== 'bronze.load_manifest_pipe');
    expect(dataSubmissions).toHaveLength(4);
    expect(dataSubmissions[2]!.paths).toEqual(dataSubmissions[0]!.paths);
    for (const { pipe, paths } of dataSubmissions) {
      const table = pipe.replace(/^bronze\./, '').replace(/_pipe$/, '');
      for (const path of paths) expect(listed.filter((name) => name.endsWith(`${table}/${path}`)), path).toHaveLength(1);
    }
    expect(listed.filter((name) => /^load_manifest\/[0-9a-f]{16}\/gold\/.+\/manifest\.csv$/.test(name.replace(/^[^/]*\/?csv_stage\//i, '')))).toHaveLength(objects.length);
  });
});
