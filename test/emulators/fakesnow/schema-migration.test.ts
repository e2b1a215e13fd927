/**
 * "A redeploy migrates", against fakesnow through snowflake-sdk: the deploy plan of the current
 * models is applied, a model gains a column, the plan of the newer models is applied to the same
 * account, and the table gains the column before the task bodies run; the MERGE then executes.
 * A retyped column stops the redeploy with a message. fakesnow's gaps (no streams, tasks, grants)
 * are handled as in snowflake-path.test.ts.
 */
import '../../support/quiet-powertools.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SnowflakeWarehouse } from '../../../lambdas/shared/adapters/snowflake-warehouse.js';
import { tableColumns } from '../../../lambdas/warehouse/prepare-warehouse.js';
import { snowflakeDeployPlan } from '../../../lambdas/warehouse/snowflake-deploy.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../../lambdas/warehouse/deploy-variables.js';
import { STG_USER_EVENTS_EDITS, sqlDirWithEditedUserEvents } from '../../support/evolved-models.js';
import { describeOnEmulator } from '../support/emulators.js';
import { FAKESNOW_SESSION_NOPS, applyOnFakesnow, taskBodiesOnBaseTables } from '../support/fakesnow-plan.js';
import { fakesnowWarehouse, startFakesnow, type Fakesnow } from '../support/fakesnow.js';

describeOnEmulator('fakesnow', 'sql deploy migrates tables against fakesnow (snowflake-sdk; task bodies as plain statements)', () => {
  let fakesnow: Fakesnow;
  let snowflake: SnowflakeWarehouse;
  const folders: { remove(): Promise<void> }[] = [];

  beforeAll(async () => {
    fakesnow = await startFakesnow({ nopRegexes: FAKESNOW_SESSION_NOPS });
    snowflake = fakesnowWarehouse(fakesnow, { queryTag: 'streamflow-fakesnow-migration' });
    const first = await applyOnFakesnow(snowflake, await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES }));
    expect(first.unexpected).toEqual([]);
    expect(first.migrated).toEqual([]);
  });

  afterAll(async () => {
    await snowflake?.close();
    await fakesnow?.stop();
    for (const folder of folders) await folder.remove();
  });

  it('adds the column a model gained on redeploy, and the next refresh_silver MERGE executes', async () => {
    // Prepare
    const evolved = await sqlDirWithEditedUserEvents(STG_USER_EVENTS_EDITS.gainsColumn);
    folders.push(evolved);
    await snowflake.execute(
      `insert into bronze.raw_user_events (event_id, user_id, session_id, event_type, event_ts, _source_file, _source_row_number, _loaded_at)
       values ('E-1', 'USR-00001', 'S-1', 'Page_View', '2025-02-26 09:15:00', 'gold/user_events/x.csv.gz', 1, '2025-02-26 09:20:00')`,
    );

    // Act
    const redeploy = await applyOnFakesnow(snowflake, await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES, sqlDir: evolved.path }));
    for (const statement of await taskBodiesOnBaseTables({ sqlDir: evolved.path, checks: false })) await snowflake.execute(statement);

    // Assess
    expect(redeploy.unexpected).toEqual([]);
    expect(redeploy.migrated).toEqual(['alter table silver.stg_user_events add column event_type_code VARCHAR']);
    expect(await tableColumns(snowflake, 'silver', 'stg_user_events')).toContain('event_type_code');
    const rows = await snowflake.query<{ event_type_code: string }>("select event_type_code from silver.stg_user_events where event_id = 'E-1'");
    expect(rows).toEqual([{ event_type_code: 'PAGE_VIEW' }]);
  });

  it('stops a redeploy whose model retypes a column, saying which column and what to do', async () => {
    // Prepare
    const evolved = await sqlDirWithEditedUserEvents(STG_USER_EVENTS_EDITS.retypesColumn);
    folders.push(evolved);

    // Act + Assess
    await expect(applyOnFakesnow(snowflake, await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES, sqlDir: evolved.path }))).rejects.toThrow(
      /silver\.stg_user_events cannot be migrated automatically: column event_type is VARCHAR but the current definition makes it NUMBER\(\d+,0\)/,
    );
  });
});
