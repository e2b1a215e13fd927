import '../support/quiet-powertools.js';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader, type LoaderDeps } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { runTaskGraph, runTriggeredTaskGraph, taskOrder } from '../../lambdas/warehouse/run-task-graph.js';
import { SQL_DIR } from '../../lambdas/warehouse/sql-files.js';
import { modelStepsOf, streamsOf, tableOf, TASK_GRAPH, triggerStreamsOf, type Task } from '../../lambdas/warehouse/task-graph.js';
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

  it('runs, as the triggered root does, only when one of its streams has data: after a load, not again without one', async () => {
    // Act: the standard scenario was loaded; then nothing new; then one new batch of user events
    const afterLoad = await runTriggeredTaskGraph(fixture.warehouse);
    const idle = await runTriggeredTaskGraph(fixture.warehouse);
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-9', 2)], { firstOffset: 60 });
    await runLoader({ kind: 'pending' }, deps);
    const afterNewRows = await runTriggeredTaskGraph(fixture.warehouse);

    // Assess
    expect([...afterLoad.triggeredBy].sort()).toEqual(streamsOf(TASK_GRAPH[0]!).sort());
    expect(afterLoad.run?.tasks.map((task) => task.task)).toEqual(['refresh_silver', 'refresh_gold', 'dq_checks']);
    expect(idle).toEqual({ triggeredBy: [] });
    expect(afterNewRows.triggeredBy).toEqual(['bronze.raw_user_events_stream']);
    expect(await fixture.warehouse.query("select event_id from gold.fact_user_activity where event_id = 'E-9'")).toEqual([{ event_id: 'E-9' }]);
  });

  it('reads only the loads its streams have not consumed, late-committed ones too; a full refresh reads every row again (DuckDB twin)', async () => {
    // Prepare: a first run consumes the scenario's loads; then a Silver row is removed behind the
    // graph's back (only a refresh that re-read all of Bronze would bring it back)
    const stream = 'bronze.raw_user_events_stream';
    const inStream = async () => (await fixture.warehouse.query<{ id: string }>(`select trim(event_id) as id from ${stream} order by 1`)).map((row) => row.id);
    await runTaskGraph(fixture.warehouse);
    const [removed] = await fixture.warehouse.query<{ id: string }>('select event_id as id from silver.stg_user_events order by 1 limit 1');
    await fixture.warehouse.execute('delete from silver.stg_user_events where event_id = ?', [removed!.id]);
    const emptyAfterRun = await inStream();
    await consumeBatch(fixture.store, 'user_events', [userEvent('E-9', 2)], { firstOffset: 60 });
    await runLoader({ kind: 'pending' }, deps);
    // a load that commits after a later one, with an earlier load time: a stream's offset is a set, not a high-water mark
    await fixture.warehouse.execute(
      `insert into bronze.raw_user_events select * replace ('E-8' as event_id, 'late' as _source_file, timestamp '2000-01-01 00:00:00' as _loaded_at)
       from bronze.raw_user_events where trim(event_id) = 'E-9'`,
    );
    const beforeRun = await inStream();

    // Act
    const run = await runTriggeredTaskGraph(fixture.warehouse);
    const afterRun = await inStream();
    const silverIds = async () => (await fixture.warehouse.query<{ id: string }>('select event_id as id from silver.stg_user_events')).map((row) => row.id);
    const incremental = await silverIds();
    await runTaskGraph(fixture.warehouse, { fullRefresh: true });

    // Assess
    expect(emptyAfterRun).toEqual([]);
    expect(beforeRun).toEqual(['E-8', 'E-9']);
    expect(run.run?.steps.find((step) => step.model === 'silver/stg_user_events')).toMatchObject({ rowsChanged: 2 });
    expect(afterRun).toEqual([]);
    expect(incremental).toEqual(expect.arrayContaining(['E-8', 'E-9']));
    expect(incremental).not.toContain(removed!.id);
    expect(await silverIds()).toContain(removed!.id);
    expect(await fixture.warehouse.query("select event_id from gold.fact_user_activity where event_id in ('E-8', 'E-9') order by 1")).toEqual([
      { event_id: 'E-8' },
      { event_id: 'E-9' },
    ]);
  });

  it('lets no reference snapshot overwrite one loaded later, though it commits after it (DuckDB twin)', async () => {
    // Prepare: a first run keeps the scenario's products; then two loads of one product commit,
    // the first stamped before the kept one's load (a load that began earlier and committed later)
    await runTaskGraph(fixture.warehouse);
    const [kept] = await fixture.warehouse.query<{ id: string; name: string }>('select product_id as id, product_name as name from silver.stg_products order by 1 limit 1');
    const loadOf = (name: string, loadedAt: string) =>
      fixture.warehouse.execute(
        `insert into bronze.raw_products select * replace (? as product_name, 'late/' || ? as _source_file, cast(? as timestamp) as _loaded_at)
         from bronze.raw_products where product_id = ? order by _loaded_at desc limit 1`,
        [name, name, loadedAt, kept!.id],
      );
    const nameInSilver = async () =>
      (await fixture.warehouse.query<{ name: string }>('select product_name as name from silver.stg_products where product_id = ?', [kept!.id]))[0]!.name;

    // Act
    await loadOf('older snapshot', '2000-01-01 00:00:00');
    await runTriggeredTaskGraph(fixture.warehouse);
    const afterOlder = await nameInSilver();
    await loadOf('newer snapshot', '2999-01-01 00:00:00');
    await runTriggeredTaskGraph(fixture.warehouse);

    // Assess
    expect(afterOlder).toBe(kept!.name);
    expect(await nameInSilver()).toBe('newer snapshot');
  });

  it('refills a MERGE target dropped by hand from its whole upstream, though its stream had consumed those loads (DuckDB twin)', async () => {
    // Prepare
    await runTaskGraph(fixture.warehouse);
    const count = async (table: string) => (await fixture.warehouse.query<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n;
    const before = await count('silver.stg_transaction_items');
    await fixture.warehouse.execute('drop table silver.stg_transaction_items');

    // Act: no new load; the next run recreates the table empty
    await runTaskGraph(fixture.warehouse);

    // Assess
    expect(before).toBeGreaterThan(0);
    expect(await count('silver.stg_transaction_items')).toBe(before);
  });

  it('retries a failed refresh_gold on the next trigger, with no new Bronze data: the Silver streams still have it', async () => {
    // Prepare: a copy of sql/ whose fact_transactions model fails, as a bad deploy or a lost race would
    const brokenSql = join(fixture.dir, 'broken-sql');
    await cp(SQL_DIR, brokenSql, { recursive: true });
    await writeFile(join(brokenSql, 'models', 'gold', 'fact_transactions.sql'), '-- grain: none\nselect * from gold.no_such_table\n');
    await expect(runTriggeredTaskGraph(fixture.warehouse, { sqlDir: brokenSql })).rejects.toThrow(/no_such_table/);
    expect(await fixture.warehouse.query('select count(*) as n from silver.stg_transaction_items')).toEqual([{ n: 7 }]);

    // Act: the model is fixed; no load runs in between
    const retry = await runTriggeredTaskGraph(fixture.warehouse);

    // Assess: Bronze was consumed by the refresh_silver that committed; the Silver streams trigger the retry
    expect([...retry.triggeredBy].sort()).toEqual(['silver.stg_transaction_items_stream', 'silver.stg_user_events_stream']);
    expect(triggerStreamsOf()).toEqual(expect.arrayContaining([...retry.triggeredBy]));
    expect(await fixture.warehouse.query('select count(*) as n from gold.fact_transactions')).toEqual([{ n: 7 }]);
    expect(await runTriggeredTaskGraph(fixture.warehouse)).toEqual({ triggeredBy: [] });
  });

  it('counts the rows of the tables it builds, and does not run a view to count it', async () => {
    // Act
    const run = await runTaskGraph(fixture.warehouse);

    // Assess: a view's count would evaluate its whole query (every measure view reads all of Gold)
    const views = run.steps.filter((step) => step.materialization === 'view');
    expect(views.length).toBeGreaterThan(0);
    for (const view of views) expect(view, view.model).not.toHaveProperty('rows');
    const [events] = await fixture.warehouse.query<{ n: number }>('select count(*) as n from gold.fact_user_activity');
    expect(run.steps.find((step) => step.model === 'gold/fact_user_activity')).toMatchObject({ rows: events!.n });
  });

  it('keeps its views while no model changed, and re-creates them all when one did (DuckDB twin)', async () => {
    // Prepare: DuckDB gives a re-created view a new oid
    const viewOids = async (): Promise<string[]> =>
      (await fixture.warehouse.query<{ oid: number }>("select view_oid as oid from duckdb_views() where schema_name = 'gold' order by view_name")).map((row) => String(row.oid));
    await runTaskGraph(fixture.warehouse);
    const created = await viewOids();
    const edited = join(fixture.dir, 'edited-sql');
    await cp(SQL_DIR, edited, { recursive: true });
    const model = join(edited, 'models', 'gold', 'agg_daily_revenue.sql');
    await writeFile(model, `${await readFile(model, 'utf8')}\n-- an edit to a table's model, not to any view's\n`);

    // Act
    await runTaskGraph(fixture.warehouse);
    const kept = await viewOids();
    await runTaskGraph(fixture.warehouse, { sqlDir: edited });

    // Assess
    expect(created.length).toBeGreaterThan(20);
    expect(kept).toEqual(created);
    expect((await viewOids()).filter((oid) => created.includes(oid))).toEqual([]);
    expect(await fixture.warehouse.query('select count(*) as n from gold.measure_total_revenue')).not.toEqual([{ n: 0 }]);
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
    await expect(runTaskGraph(fixture.warehouse, { graph, sqlDir })).rejects.toThrow(/silver\/repeated: after the MERGE its table holds 1 duplicate keys.*deduplicate the model/);
    expect(await fixture.warehouse.query("select table_name from information_schema.tables where table_name = 'repeated'")).toEqual([]);
  });

  it('refuses a graph whose tasks run after a missing task or each other', () => {
    expect(() => taskOrder([{ name: 'a', kind: 'checks', after: 'b' }])).toThrow(/runs after unknown task b/);
    expect(() => taskOrder([{ name: 'a', kind: 'checks', after: 'b' }, { name: 'b', kind: 'checks', after: 'a' }])).toThrow(/cycle/);
  });
});
