import '../support/quiet-powertools.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLoader } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { latestCheckResults, loadChecks, parseCheck, runChecks } from '../../lambdas/warehouse/dq-checks.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { TASK_GRAPH } from '../../lambdas/warehouse/task-graph.js';
import { openWarehouseFixture, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;

beforeEach(async () => {
  fixture = await openWarehouseFixture('dq');
  await writeStandardScenario(fixture.store);
  await runLoader({ kind: 'pending' }, { store: fixture.store, warehouse: fixture.warehouse, logger });
});

afterEach(async () => {
  await fixture.close();
});

/** Copies a Bronze row under a new id with some columns replaced (DuckDB's SELECT * REPLACE). */
const plant = (table: 'raw_user_events' | 'raw_transactions', from: string, replacements: string): Promise<number> => {
  const id = table === 'raw_user_events' ? 'event_id' : 'transaction_id';
  return fixture.warehouse.execute(`insert into bronze.${table} select * replace (${replacements}) from bronze.${table} where ${id} = '${from}'`);
};

const violationsByName = (results: readonly { name: string; violations: number }[]): Record<string, number> =>
  Object.fromEntries(results.filter((result) => result.violations > 0).map((result) => [result.name, result.violations]));

describe('data quality checks', () => {
  it('find nothing wrong with clean data but the quarantined record and the duplicate delivery Silver dropped', async () => {
    // Act
    const run = await runTaskGraph(fixture.warehouse);

    // Assess
    expect(violationsByName(run.checks)).toEqual({ bronze_duplicate_deliveries: 1, quarantine_missing_fields: 1 });
    expect(run.checks.find((check) => check.name === 'bronze_duplicate_deliveries')?.sample).toEqual([{ topic: 'user_events', id: 'E-1', copies: 2 }]);
  });

  it('find planted violations of completeness, validity and referential integrity', async () => {
    // Prepare
    await plant('raw_user_events', 'E-2', "'E-90' as event_id, null as session_id");
    await plant('raw_user_events', 'E-2', "'E-91' as event_id, cast('1999-12-31 23:00:00' as timestamp) as event_ts");
    await plant('raw_user_events', 'E-2', "'E-92' as event_id, 'USR-99999' as user_id");
    await plant('raw_transactions', 'T-2', "'T-90' as transaction_id, 1.00 as total");
    await plant('raw_transactions', 'T-2', "'T-91' as transaction_id, 'not json' as products");
    await plant('raw_transactions', 'T-2', "'T-92' as transaction_id, '[{\"product_id\": \"PRD-99999\", \"quantity\": 0, \"unit_price\": 19.99}]' as products");

    // Act
    const run = await runTaskGraph(fixture.warehouse);

    // Assess
    expect(violationsByName(run.checks)).toEqual({
      bronze_duplicate_deliveries: 1,
      quarantine_missing_fields: 1,
      silver_user_events_complete: 1,
      silver_timestamps_in_window: 1,
      gold_fact_user_activity_unknown_ids: 1,
      silver_transactions_amounts_valid: 3,
      silver_transactions_have_items: 1,
      silver_transaction_items_valid: 1,
      gold_fact_transactions_unknown_product: 1,
    });
    expect(run.checks.find((check) => check.name === 'gold_fact_transactions_unknown_product')?.sample).toEqual([
      { transaction_id: 'T-92', line_number: 1, product_id: 'PRD-99999' },
    ]);
  });

  it('find duplicate keys and broken SCD2 history planted in Silver and Gold', async () => {
    // Prepare
    await runTaskGraph(fixture.warehouse);
    await fixture.warehouse.execute("insert into silver.stg_transactions select * from silver.stg_transactions where transaction_id = 'T-1'");
    await fixture.warehouse.execute("update gold.dim_customer set is_current = false where user_id = 'USR-00002'");

    // Act
    const results = await runChecks(fixture.warehouse, await loadChecks('duckdb'), 'run-planted');

    // Assess
    expect(violationsByName(results)).toMatchObject({ silver_transactions_unique: 1, gold_dim_customer_one_current_version: 1 });
  });

  it('flag Bronze tables that received nothing in the last 24 hours', async () => {
    // Prepare
    await runTaskGraph(fixture.warehouse);
    await fixture.warehouse.execute("update bronze.raw_transactions set _loaded_at = cast('2025-01-01 00:00:00' as timestamp)");

    // Act
    const results = await runChecks(fixture.warehouse, await loadChecks('duckdb'), 'run-stale');

    // Assess
    expect(results.find((result) => result.name === 'bronze_freshness')).toMatchObject({
      violations: 1,
      severity: 'warn',
      sample: [{ table_name: 'raw_transactions', last_loaded_at: '2025-01-01T00:00:00.000Z' }],
    });
  });

  it('record every run in gold.dq_results, the latest run readable for the report', async () => {
    // Prepare
    await runTaskGraph(fixture.warehouse, { graph: TASK_GRAPH.filter((task) => task.kind === 'models') });
    await runChecks(fixture.warehouse, await loadChecks('duckdb'), 'run-1');
    await runChecks(fixture.warehouse, await loadChecks('duckdb'), 'run-2');

    // Act
    const latest = await latestCheckResults(fixture.warehouse);

    // Assess
    const checks = (await loadChecks('duckdb')).length;
    expect(await fixture.warehouse.query('select run_id, count(*) as checks from gold.dq_results group by run_id order by run_id')).toEqual([
      { run_id: 'run-1', checks },
      { run_id: 'run-2', checks },
    ]);
    expect(latest?.runId).toBe('run-2');
    expect(latest?.results).toHaveLength(checks);
  });

  it('refuse a check file without its header', () => {
    expect(() => parseCheck('nameless', 'select 1')).toThrow(/needs "-- description:" and "-- layer:"/);
    expect(() => parseCheck('odd', '-- description: x\n-- layer: gold\n-- category: validity\n-- severity: fatal\nselect 1')).toThrow(/severity.*error, warn, info/);
  });
});
