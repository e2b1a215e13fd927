/**
 * The catalog of models the docs page shows: each model's grain, definition, materialization,
 * columns (as the warehouse built them) and the tables upstream and downstream of it, plus the
 * tables the models read that no model builds (Bronze and control tables: the sources).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { readModel, SQL_DIR } from '../warehouse/sql-files.js';
import { TASK_GRAPH, tableOf, type Materialization, type Task } from '../warehouse/task-graph.js';
import { modelHeader, tableReferences } from './model-lineage.js';

export interface ColumnDoc {
  readonly name: string;
  readonly type: string;
}

/** A table the lineage shows: a model's or a source's. */
export interface TableDoc {
  /** `schema.table`. */
  readonly table: string;
  readonly schema: string;
  readonly columns: readonly ColumnDoc[];
  /** Tables that read this one. */
  readonly downstream: readonly string[];
}

export interface ModelDoc extends TableDoc {
  /** `<layer>/<table>`: the file under sql/models/. */
  readonly model: string;
  readonly task: string;
  readonly materialization: Materialization['kind'];
  readonly grain: string;
  readonly description: string;
  /** Tables this model reads, from its SQL. */
  readonly upstream: readonly string[];
}

export interface ModelCatalog {
  /** In task-graph order: every model after the ones it reads. */
  readonly models: readonly ModelDoc[];
  /** Tables read by models but built by none (loaded by the loader or written by the checks). */
  readonly sources: readonly TableDoc[];
}

const columnsOf = async (warehouse: Warehouse, table: string): Promise<ColumnDoc[]> => {
  const [schema = '', name = ''] = table.split('.');
  const rows = await warehouse.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns
     where lower(table_catalog) = lower(current_database()) and lower(table_schema) = ? and lower(table_name) = ?
     order by ordinal_position`,
    [schema, name],
  );
  return rows.map((row) => ({ name: row.column_name.toLowerCase(), type: row.data_type.toLowerCase() }));
};

/**
 * Builds the catalog from the model files and a warehouse where the graph has run (its tables
 * exist, empty or not), so every column is what the engine made of the SQL.
 */
export const buildModelCatalog = async (warehouse: Warehouse, options: { graph?: readonly Task[]; sqlDir?: string } = {}): Promise<ModelCatalog> => {
  const graph = options.graph ?? TASK_GRAPH;
  const sqlDir = options.sqlDir ?? SQL_DIR;
  const steps = graph.flatMap((task) => (task.kind === 'models' ? task.steps.map((step) => ({ task: task.name, step })) : []));
  const schemas = [...new Set(['bronze', ...steps.map(({ step }) => tableOf(step.model).schema)])];

  const drafts = await Promise.all(
    steps.map(async ({ task, step }) => {
      const { schema, name } = tableOf(step.model);
      const text = await readFile(join(sqlDir, 'models', `${step.model}.sql`), 'utf8');
      const table = `${schema}.${name}`;
      return {
        model: step.model,
        table,
        schema,
        task,
        materialization: step.materialization.kind,
        ...modelHeader(text),
        upstream: tableReferences(await readModel(step.model, warehouse.dialect, sqlDir), schemas).filter((upstream) => upstream !== table),
      };
    }),
  );

  const downstreamOf = (table: string): string[] => drafts.filter((draft) => draft.upstream.includes(table)).map((draft) => draft.table);
  const built = new Set(drafts.map((draft) => draft.table));
  const sourceTables = [...new Set(drafts.flatMap((draft) => draft.upstream))].filter((table) => !built.has(table)).sort();

  return {
    models: await Promise.all(drafts.map(async (draft) => ({ ...draft, columns: await columnsOf(warehouse, draft.table), downstream: downstreamOf(draft.table) }))),
    sources: await Promise.all(
      sourceTables.map(async (table) => ({ table, schema: table.split('.')[0]!, columns: await columnsOf(warehouse, table), downstream: downstreamOf(table) })),
    ),
  };
};
