/**
 * `streamflow sql deploy`: the scripts under `sql/snowflake/`, in file-name order, with the parts
 * that derive from code generated in place. A line `{{ generated: <name> }}` in a script stands for
 * statements built here from the one source of each: Bronze and control tables from the table
 * contracts, model tables and streams and tasks from task-graph.ts and sql/models, the loader's
 * table grants from the Bronze tables. Every statement is idempotent, so a deploy can be re-run.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SNOWFLAKE_COLUMN_TYPES } from '../shared/adapters/snowflake-names.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { BRONZE_TABLES, bronzeTableDdl } from '../shared/contracts/bronze-tables.js';
import { CONTROL_TABLES, DQ_RESULTS, LOAD_HISTORY, controlTableDdl } from './control-tables.js';
import { CHURN_TABLES } from '../churn/churn-tables.js';
import { loadChecks } from './dq-checks.js';
import { modelColumnsOf } from './model-columns.js';
import { prepareWarehouse } from './prepare-warehouse.js';
import { migrateTablesCreatedBy } from './schema-migration.js';
import { taskOrder } from './run-task-graph.js';
import {
  DEFAULT_TASK_OPTIONS,
  deployStatementsFor,
  taskComputeFor,
  taskGraphStatements,
  type RenderedModel,
  type TaskComputeKind,
} from './snowflake-tasks.js';
import { fillVariables, splitStatements } from './sql-script.js';
import type { DeployVariables } from './deploy-variables.js';
import { SQL_DIR, readModel } from './sql-files.js';
import { TASK_GRAPH, modelStepsOf, streamNameFor, tableOf, type Task } from './task-graph.js';

export interface DeployOptions {
  readonly variables: DeployVariables;
  /** What the triggered tasks run on: the deploy's warehouse, or serverless compute. @default 'warehouse' */
  readonly taskCompute?: TaskComputeKind;
  readonly sqlDir?: string;
  readonly graph?: readonly Task[];
}

/** One script of the plan and its statements, variables filled in, ready to run in order. */
export interface DeployScript {
  readonly name: string;
  readonly statements: readonly string[];
}

/** The folder of the ordered deploy scripts. */
export const snowflakeScriptsDir = (sqlDir = SQL_DIR): string => join(sqlDir, 'snowflake');

/** Every model of the graph in its Snowflake form, with its table's columns. */
export const renderedModels = async (graph: readonly Task[] = TASK_GRAPH, sqlDir = SQL_DIR): Promise<Map<string, RenderedModel>> => {
  const columns = await modelColumnsOf(graph, sqlDir);
  const models = new Map<string, RenderedModel>();
  for (const step of modelStepsOf(taskOrder(graph))) {
    models.set(step.model, { step, sql: await readModel(step.model, 'snowflake', sqlDir), columns: columns.get(step.model) ?? [] });
  }
  return models;
};

/** The streams the tasks drain, one per upstream table, on that table. */
export const streamStatements = (graph: readonly Task[]): string[] => {
  const tables = new Set<string>();
  for (const step of modelStepsOf(taskOrder(graph))) if (step.materialization.kind === 'merge') tables.add(step.materialization.changesFrom);
  return [...tables].map((table) => `create stream if not exists ${streamNameFor(table)} on table ${table}`);
};

/** Least privilege for the loader: read, append and replace rows of Bronze tables; claim and record files. */
export const loaderGrantStatements = (): string[] => [
  ...BRONZE_TABLES.map((bronze) => `grant select, insert, delete on table &{database}.${bronze.table.schema}.${bronze.table.name} to role &{loader_role}`),
  `grant select, insert, update on table &{database}.${LOAD_HISTORY.table.schema}.${LOAD_HISTORY.table.name} to role &{loader_role}`,
  // The scheduled tick publishes the latest data quality results as a metric: read-only, one table.
  `grant usage on schema &{database}.${DQ_RESULTS.table.schema} to role &{loader_role}`,
  `grant select on table &{database}.${DQ_RESULTS.table.schema}.${DQ_RESULTS.table.name} to role &{loader_role}`,
  // The scheduled tick trains the churn model (lambdas/churn/): it reads the features the tasks
  // build and replaces its own model rows, nothing else in Gold.
  `grant select on table &{database}.gold.churn_features to role &{loader_role}`,
  ...CHURN_TABLES.map((churn) => `grant select, insert, delete on table &{database}.${churn.table.schema}.${churn.table.name} to role &{loader_role}`),
];

const GENERATED = /^\{\{\s*generated:\s*([a-z_]+)\s*\}\}\s*$/;

type Generators = Readonly<Record<string, () => string[]>>;

/** A script's statements: its own text split, with each `{{ generated: name }}` line expanded in place. */
export const scriptStatements = (text: string, generators: Generators): string[] => {
  const statements: string[] = [];
  let pending: string[] = [];
  for (const line of text.split('\n')) {
    const marker = GENERATED.exec(line.trim());
    if (!marker) {
      pending.push(line);
      continue;
    }
    const generate = generators[marker[1]!];
    if (!generate) throw new Error(`Unknown generated section "${marker[1]}" (known: ${Object.keys(generators).join(', ')})`);
    statements.push(...splitStatements(pending.join('\n')), ...generate());
    pending = [];
  }
  return [...statements, ...splitStatements(pending.join('\n'))];
};

/** The ordered deploy scripts, every statement final (dry-run prints exactly what deploy runs). */
export const snowflakeDeployPlan = async (options: DeployOptions): Promise<DeployScript[]> => {
  const sqlDir = options.sqlDir ?? SQL_DIR;
  const graph = options.graph ?? TASK_GRAPH;
  const models = await renderedModels(graph, sqlDir);
  const checks = await loadChecks('snowflake', sqlDir);
  const taskOptions = { ...DEFAULT_TASK_OPTIONS, compute: taskComputeFor(options.taskCompute ?? 'warehouse', '&{warehouse}') };
  const generators: Generators = {
    bronze_tables: () => [
      ...BRONZE_TABLES.map((bronze) => bronzeTableDdl(bronze, SNOWFLAKE_COLUMN_TYPES)),
      ...CONTROL_TABLES.map((control) => controlTableDdl(control, SNOWFLAKE_COLUMN_TYPES)),
    ],
    model_tables: () => [...models.values()].flatMap(deployStatementsFor),
    streams: () => streamStatements(graph),
    tasks: () => taskGraphStatements(graph, models, checks, taskOptions),
    loader_grants: loaderGrantStatements,
  };
  const dir = snowflakeScriptsDir(sqlDir);
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const scripts: DeployScript[] = [];
  for (const file of files) {
    const statements = scriptStatements(await readFile(join(dir, file), 'utf8'), generators);
    scripts.push({ name: file, statements: statements.map((statement) => fillVariables(statement, options.variables)) });
  }
  return scripts;
};

/** Tables the task bodies replace whole on every run (`create or replace … as`): never migrated. */
export const rebuiltTables = (graph: readonly Task[] = TASK_GRAPH): Set<string> =>
  new Set(
    modelStepsOf(taskOrder(graph))
      .filter((step) => step.materialization.kind === 'rebuild')
      .map((step) => `${tableOf(step.model).schema}.${tableOf(step.model).name}`),
  );

/**
 * Runs the plan statement by statement. `create table if not exists` leaves a table an older
 * version created as it was, so after each script its tables are migrated (schema-migration.ts):
 * missing columns added, a retyped or dropped column refused with a message.
 */
export const applyDeployPlan = async (
  warehouse: Warehouse,
  plan: readonly DeployScript[],
  onStatement: (script: string, statement: string) => void = () => undefined,
): Promise<void> => {
  for (const script of plan) {
    for (const statement of script.statements) {
      onStatement(script.name, statement);
      await warehouse.execute(statement);
    }
    // Before the tasks script resumes anything: tables an older deploy created gain the columns
    // the current contracts and models have, or the deploy stops here saying what it will not change.
    for (const alter of await migrateTablesCreatedBy(warehouse, script.statements, rebuiltTables())) onStatement(script.name, alter);
  }
  await prepareWarehouse(warehouse);
};
