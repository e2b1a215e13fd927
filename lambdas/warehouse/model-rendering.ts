/**
 * What each model becomes in a dialect, for `streamflow sql render`: the DDL that creates its
 * table (at deployment in Snowflake, on the first refresh locally) and the statements that keep
 * it up to date (a Snowflake task's body, or the local runner's refresh).
 */
import type { SqlDialect } from '../shared/ports/warehouse.js';
import { modelColumnsOf } from './model-columns.js';
import { ensureStatements, READ_STREAMS, refreshStatements } from './render-step.js';
import { taskOrder } from './run-task-graph.js';
import { deployStatementsFor, taskStatementsFor } from './snowflake-tasks.js';
import { SQL_DIR, readModel } from './sql-files.js';
import { TASK_GRAPH, type Materialization, type Task } from './task-graph.js';

export interface ModelRendering {
  /** `<layer>/<table>`. */
  readonly model: string;
  /** The task whose run refreshes it. */
  readonly task: string;
  readonly materialization: Materialization;
  /** Creates the table or view. */
  readonly create: readonly string[];
  /** Keeps it up to date (empty for a view). */
  readonly refresh: readonly string[];
}

/** Every model of the graph (or the one named), in run order, rendered for `dialect`. */
export const renderModels = async (dialect: SqlDialect, graph: readonly Task[] = TASK_GRAPH, sqlDir = SQL_DIR): Promise<ModelRendering[]> => {
  const columns = await modelColumnsOf(graph, sqlDir);
  const renderings: ModelRendering[] = [];
  for (const task of taskOrder(graph)) {
    if (task.kind !== 'models') continue;
    for (const step of task.steps) {
      const sql = await readModel(step.model, dialect, sqlDir);
      const model = { step, sql, columns: columns.get(step.model) ?? [] };
      renderings.push({
        model: step.model,
        task: task.name,
        materialization: step.materialization,
        create: dialect === 'snowflake' ? deployStatementsFor(model) : ensureStatements(step, sql),
        refresh:
          dialect === 'snowflake' ? taskStatementsFor(model) : refreshStatements(step, sql, model.columns, READ_STREAMS),
      });
    }
  }
  return renderings;
};

/** How a materialization reads in one line: `merge on (event_id), first delivery kept`. */
export const describeMaterialization = (materialization: Materialization): string => {
  switch (materialization.kind) {
    case 'merge':
      return `merge on (${materialization.uniqueKey.join(', ')}), ${materialization.whenMatched === 'keep' ? 'first delivery kept' : 'changes applied'}, new rows of ${materialization.changesFrom}`;
    case 'scd2':
      return `SCD type 2 on ${materialization.uniqueKey}, tracking ${materialization.trackedColumns.join(', ')}`;
    default:
      return materialization.kind;
  }
};
