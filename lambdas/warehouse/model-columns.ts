/**
 * The columns of every table the task graph builds, found by building them, empty, in a scratch
 * DuckDB warehouse. Snowflake's MERGE must name every column, and deployment has to render the
 * task bodies before (or without) a connection, as `sql deploy --dry-run` does. The models are
 * written once for both engines, so the columns are the same in Snowflake.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../shared/adapters/duckdb-warehouse.js';
import { prepareWarehouse, tableColumns } from './prepare-warehouse.js';
import { runTaskGraph } from './run-task-graph.js';
import { SQL_DIR } from './sql-files.js';
import { TASK_GRAPH, modelStepsOf, tableOf, type Task } from './task-graph.js';

/** Column names, in table order, of each model's table, by model (`silver/stg_user_events`). */
export type ModelColumns = ReadonlyMap<string, readonly string[]>;

/** Builds the graph's tables on an empty Bronze and reads their columns back. */
export const modelColumnsOf = async (graph: readonly Task[] = TASK_GRAPH, sqlDir = SQL_DIR): Promise<ModelColumns> => {
  const dir = await mkdtemp(join(tmpdir(), 'streamflow-columns-'));
  const warehouse = await DuckDbWarehouse.open(join(dir, 'columns.duckdb'));
  try {
    await prepareWarehouse(warehouse);
    await runTaskGraph(warehouse, { graph: graph.filter((task) => task.kind === 'models'), sqlDir });
    const columns = new Map<string, readonly string[]>();
    for (const step of modelStepsOf(graph)) {
      const table = tableOf(step.model);
      columns.set(step.model, await tableColumns(warehouse, table.schema, table.name));
    }
    return columns;
  } finally {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  }
};
