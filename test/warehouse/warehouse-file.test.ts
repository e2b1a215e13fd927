/**
 * The local warehouse file opens in any DuckDB client: the README promises `warehouse.duckdb`
 * opens "with the duckdb CLI or any DuckDB client", so every view must work from a connection
 * that ran none of StreamFlow's set-up (no macros, no `use`, no time zone).
 */
import '../support/quiet-powertools.js';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoader } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { GOLD_VIEWS, tableOf } from '../../lambdas/warehouse/task-graph.js';
import { openWarehouseFixture, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;

beforeAll(async () => {
  fixture = await openWarehouseFixture('warehouse-file');
  await writeStandardScenario(fixture.store);
  await runLoader({ kind: 'pending' }, { store: fixture.store, warehouse: fixture.warehouse, logger });
  await runTaskGraph(fixture.warehouse);
  // Released, as after `streamflow run`: DuckDB lets one process write a file at a time.
  await fixture.warehouse.close();
});

afterAll(async () => {
  await fixture.close();
});

/** Runs `work` on a brand-new DuckDB instance over the file, as another client would. */
const asAnotherClient = async <T>(open: string, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> => {
  const instance = await DuckDBInstance.create(open === 'file' ? fixture.warehouseFile : ':memory:');
  const connection = await instance.connect();
  try {
    if (open === 'attach') await connection.run(`attach '${fixture.warehouseFile}' as other_name (read_only)`);
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};

const views = GOLD_VIEWS.map((model) => tableOf(model).name);

describe('the warehouse file, from a DuckDB client that ran no StreamFlow set-up', () => {
  it('opened directly, reads gold.measure_total_revenue', async () => {
    const rows = await asAnotherClient('file', async (connection) => (await connection.runAndReadAll('select * from gold.measure_total_revenue')).getRowObjects());
    expect(rows.length).toBeGreaterThan(0);
  });

  it.each(views)('opened directly, reads gold.%s', async (view) => {
    await asAnotherClient('file', (connection) => connection.run(`select * from gold.${view}`));
  });

  it('attached under another name, reads every view through that name', async () => {
    await asAnotherClient('attach', async (connection) => {
      for (const view of views) await connection.run(`select * from other_name.gold.${view}`);
    });
  });

  it('keeps the Snowflake-name macros in the file, schema-qualified, not in the session', async () => {
    const macros = await asAnotherClient('file', async (connection) =>
      (
        await connection.runAndReadAll(
          "select distinct schema_name, function_name from duckdb_functions() where function_name in ('dateadd', 'div0', 'iff') and not internal order by 2",
        )
      ).getRowObjects(),
    );
    expect(macros).toEqual([
      { schema_name: 'main', function_name: 'dateadd' },
      { schema_name: 'main', function_name: 'div0' },
      { schema_name: 'main', function_name: 'iff' },
    ]);
  });
});
