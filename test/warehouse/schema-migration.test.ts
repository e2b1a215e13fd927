/**
 * Schema evolution on the DuckDB twin: an existing warehouse (an `--out` built by an older
 * version) meets newer models and contracts. Missing columns are added and the next MERGE runs;
 * a retyped or dropped column is refused with a message, before any row changes.
 */
import '../support/quiet-powertools.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { tableColumns, prepareWarehouse } from '../../lambdas/warehouse/prepare-warehouse.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { planTableMigration } from '../../lambdas/warehouse/schema-migration.js';
import { STG_USER_EVENTS_EDITS, sqlDirWithEditedUserEvents } from '../support/evolved-models.js';
import { consumeBatch, openWarehouseFixture, userEvent, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

describe('planTableMigration', () => {
  it('adds missing columns in order and refuses retyped or dropped ones', () => {
    // Act
    const plan = planTableMigration(
      'silver.t',
      [
        { name: 'a', type: 'VARCHAR' },
        { name: 'b', type: 'INTEGER' },
        { name: 'gone', type: 'DATE' },
      ],
      [
        { name: 'a', type: 'VARCHAR' },
        { name: 'b', type: 'BIGINT' },
        { name: 'c', type: 'DECIMAL(12,2)' },
      ],
    );

    // Assess
    expect(plan.add).toEqual(['alter table silver.t add column c DECIMAL(12,2)']);
    expect(plan.refused).toEqual(['column b is INTEGER but the current definition makes it BIGINT', 'column gone is no longer in the current definition']);
  });
});

describe('an existing local warehouse meets newer models (DuckDB twin)', () => {
  let fixture: WarehouseFixture;
  let evolved: Awaited<ReturnType<typeof sqlDirWithEditedUserEvents>> | undefined;

  beforeEach(async () => {
    fixture = await openWarehouseFixture('schema-migration');
    await writeStandardScenario(fixture.store);
    await runLoader({ kind: 'pending' }, { store: fixture.store, warehouse: fixture.warehouse, logger });
    await runTaskGraph(fixture.warehouse);
  });

  afterEach(async () => {
    await fixture.close();
    await evolved?.remove();
    evolved = undefined;
  });

  it('adds the column a model gained, and the next MERGE fills it for new rows', async () => {
    // Prepare: a new event arrives after the upgrade
    evolved = await sqlDirWithEditedUserEvents(STG_USER_EVENTS_EDITS.gainsColumn);
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-after-upgrade', 2)], { firstOffset: 100 });
    await runLoader({ kind: 'pending' }, { store: fixture.store, warehouse: fixture.warehouse, logger });

    // Act
    await runTaskGraph(fixture.warehouse, { sqlDir: evolved.path });

    // Assess
    expect(await tableColumns(fixture.warehouse, 'silver', 'stg_user_events')).toContain('event_type_code');
    const rows = await fixture.warehouse.query<{ event_id: string; event_type_code: string | null }>(
      "select event_id, event_type_code from silver.stg_user_events where event_id in ('E-1', 'E-after-upgrade') order by event_id",
    );
    expect(rows).toEqual([
      { event_id: 'E-1', event_type_code: null },
      { event_id: 'E-after-upgrade', event_type_code: 'PAGE_VIEW' },
    ]);
  });

  it.each([
    ['retyped', STG_USER_EVENTS_EDITS.retypesColumn, /column event_type is VARCHAR but the current definition makes it BIGINT/],
    ['dropped', STG_USER_EVENTS_EDITS.dropsColumn, /column event_type is no longer in the current definition/],
  ])('refuses a %s column with a message and changes no row', async (_, edit, message) => {
    // Prepare
    evolved = await sqlDirWithEditedUserEvents(edit);
    const before = await fixture.warehouse.query('select count(*) as n from silver.stg_user_events');

    // Act + Assess
    await expect(runTaskGraph(fixture.warehouse, { sqlDir: evolved.path })).rejects.toThrow(message);
    await expect(runTaskGraph(fixture.warehouse, { sqlDir: evolved.path })).rejects.toThrow(/cannot be migrated automatically.*sql\/README\.md/);
    expect(await fixture.warehouse.query('select count(*) as n from silver.stg_user_events')).toEqual(before);
    expect(await tableColumns(fixture.warehouse, 'silver', 'stg_user_events')).toContain('event_type');
  });

  it('sets a model table up again when it changed by hand while the warehouse stayed open', async () => {
    // Prepare: the same open warehouse (the runner remembers tables it set up), one column dropped by hand
    const columns = await tableColumns(fixture.warehouse, 'silver', 'stg_user_events');
    await fixture.warehouse.execute(`alter table silver.stg_user_events drop column ${columns.at(-1)!}`);

    // Act
    await runTaskGraph(fixture.warehouse);

    // Assess: migrated back, as a fresh process would
    expect(await tableColumns(fixture.warehouse, 'silver', 'stg_user_events')).toEqual(columns);
  });

  it('adds a Bronze column the contract gained to a table an older version created', async () => {
    // Prepare: raw_products as an older version might have left it, without its last column
    const columns = await tableColumns(fixture.warehouse, 'bronze', 'raw_products');
    await fixture.warehouse.execute(`alter table bronze.raw_products drop column ${columns.at(-1)!}`);

    // Act
    await prepareWarehouse(fixture.warehouse);

    // Assess
    expect(await tableColumns(fixture.warehouse, 'bronze', 'raw_products')).toEqual(columns);
  });
});
