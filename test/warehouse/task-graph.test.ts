import '../support/quiet-powertools.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader, type LoaderDeps } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { runTaskGraph, taskOrder } from '../../lambdas/warehouse/run-task-graph.js';
import { modelStepsOf, streamsOf, tableOf, TASK_GRAPH, type Task } from '../../lambdas/warehouse/task-graph.js';
import { consumeBatch, dumpTable, openWarehouseFixture, userEvent, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;
let deps: LoaderDeps;

beforeEach(async () => {
  fixture = await openWarehouseFixture('task-graph');
  deps = { store: fixture.store, warehouse: fixture.warehouse, logger };
  await writeStandardScenario(fixture.store);
  await runLoader({ kind: 'pending' }, deps);
});

afterEach(async () => {
  await fixture.close();
});

/** Every Silver and Gold table's rows, by table. */
const snapshot = async (): Promise<Record<string, string[]>> => {
  const tables: Record<string, string[]> = {};
  for (const step of modelStepsOf()) {
    const { schema, name } = tableOf(step.model);
    tables[`${schema}.${name}`] = dumpTable(await fixture.warehouse.query(`select * from ${schema}.${name}`));
  }
  return tables;
};

describe('the task graph', () => {
  it('runs refresh_silver, then refresh_gold, then dq_checks', () => {
    expect(taskOrder(TASK_GRAPH).map((task) => task.name)).toEqual(['refresh_silver', 'refresh_gold', 'dq_checks']);
  });

  it('names the streams each Snowflake task waits on', () => {
    expect(TASK_GRAPH.map((task) => [task.name, streamsOf(task)])).toEqual([
      ['refresh_silver', ['bronze.raw_user_events_stream', 'bronze.raw_transactions_stream', 'bronze.raw_products_stream', 'bronze.raw_customers_stream']],
      ['refresh_gold', ['silver.stg_transaction_items_stream', 'silver.stg_user_events_stream']],
      ['dq_checks', []],
    ]);
  });

  it('is idempotent: a second run changes no row', async () => {
    // Prepare
    await runTaskGraph(fixture.warehouse);
    const before = await snapshot();

    // Act
    const second = await runTaskGraph(fixture.warehouse);

    // Assess
    expect(await snapshot()).toEqual(before);
    for (const step of second.steps.filter((run) => run.materialization !== 'rebuild')) expect(step, step.model).toMatchObject({ rowsChanged: 0 });
  });

  it('applies only what is new: a batch delivered again changes nothing in Silver or Gold', async () => {
    // Prepare
    await runTaskGraph(fixture.warehouse);
    const before = await snapshot();
    // The same events again, at other offsets (a producer retry): a new gold file, the same ids
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-1', 0), userEvent('E-4', 2, { event_type: 'add_to_cart', product_id: 'PRD-00002' })], {
      firstOffset: 50,
    });

    // Act
    const loaded = await runLoader({ kind: 'pending' }, deps);
    await runTaskGraph(fixture.warehouse);

    // Assess
    expect(loaded.rowsLoaded).toEqual({ 'bronze.raw_user_events': 2 });
    expect(await snapshot()).toEqual(before);
  });

  it('rebuilds the same tables from Bronze on a full refresh', async () => {
    // Prepare
    await runTaskGraph(fixture.warehouse);
    const before = await snapshot();

    // Act
    await runTaskGraph(fixture.warehouse, { fullRefresh: true });

    // Assess
    expect(await snapshot()).toEqual(before);
  });

  it('fails a MERGE whose source repeats a key, as Snowflake would, and rolls the task back', async () => {
    // Prepare: a model that forgot to deduplicate
    const sqlDir = join(fixture.dir, 'sql');
    await mkdir(join(sqlDir, 'models', 'silver'), { recursive: true });
    await writeFile(join(sqlDir, 'models', 'silver', 'repeated.sql'), '-- grain: one row per event (not really)\nselect event_id from bronze.raw_user_events\n');
    const graph: Task[] = [
      {
        name: 'refresh_silver',
        kind: 'models',
        steps: [{ model: 'silver/repeated', materialization: { kind: 'merge', uniqueKey: ['event_id'], whenMatched: 'keep', changesFrom: 'bronze.raw_user_events' } }],
      },
    ];

    // Act + Assess: E-1 was delivered twice
    await expect(runTaskGraph(fixture.warehouse, { graph, sqlDir })).rejects.toThrow(/silver\/repeated: the MERGE source has 1 duplicate keys/);
    expect(await fixture.warehouse.query("select table_name from information_schema.tables where table_name = 'repeated'")).toEqual([]);
  });

  it('refuses a graph whose tasks run after a missing task or each other', () => {
    expect(() => taskOrder([{ name: 'a', kind: 'checks', after: 'b' }])).toThrow(/runs after unknown task b/);
    expect(() => taskOrder([{ name: 'a', kind: 'checks', after: 'b' }, { name: 'b', kind: 'checks', after: 'a' }])).toThrow(/cycle/);
  });
});
