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
import { createPipeStatement, pipeNameFor } from '../shared/adapters/snowflake-load-sql.js';
import type { LoadMode } from '../shared/contracts/load-mode.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { BRONZE_TABLES, bronzeTableDdl } from '../shared/contracts/bronze-tables.js';
import { CONTROL_TABLES, DQ_RESULTS, LOAD_HISTORY, controlTableDdl } from './control-tables.js';
import { CHURN_TABLES } from '../churn/churn-tables.js';
import { loadChecks } from './dq-checks.js';
import { LOAD_MANIFEST, MANIFEST_FILE_COLUMNS, manifestUpkeepStatements, pipeFailureStatements } from './load-manifest.js';
import { modelColumnsOf } from './model-columns.js';
import { prepareWarehouse } from './prepare-warehouse.js';
import { migrateTablesCreatedBy } from './schema-migration.js';
import { taskOrder } from './run-task-graph.js';
import {
  DEFAULT_TASK_OPTIONS,
  deployStatementsFor,
  taskComputeFor,
  insertedRowsOf,
  taskGraphStatements,
  type RenderedModel,
  type RootPrelude,
  type TaskComputeKind,
} from './snowflake-tasks.js';
import { fillVariables, splitStatements } from './sql-script.js';
import type { DeployVariables } from './deploy-variables.js';
import { SQL_DIR, readModel } from './sql-files.js';
import { TASK_GRAPH, modelStepsOf, streamNameFor, tableOf, type Task } from './task-graph.js';

export interface DeployOptions {
  readonly variables: DeployVariables;
  /** What the triggered tasks run on: the deploy's warehouse, or serverless compute. @default 'serverless' in snowpipe mode, else 'warehouse' */
  readonly taskCompute?: TaskComputeKind;
  /** How the loader loads (lambdas/shared/contracts/load-mode.ts); snowpipe adds the pipes and the manifest. @default 'copy' */
  readonly loadMode?: LoadMode;
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

/** A table's name in the deploy's database: `&{database}.<schema>.<name>`. */
const inDatabase = (table: { readonly schema: string; readonly name: string }): string => `&{database}.${table.schema}.${table.name}`;

/** The tables Snowpipe mode loads through a pipe of their own: every Bronze table, and the manifest. */
const PIPED_TABLES = [...BRONZE_TABLES.map((bronze) => ({ table: bronze.table, columns: bronze.fileColumns })), { table: LOAD_MANIFEST.table, columns: MANIFEST_FILE_COLUMNS }];

/** Snowpipe mode: one pipe per piped table, each with the loader's COPY (snowflake-load-sql.ts). */
export const pipeStatements = (): string[] => PIPED_TABLES.map(({ table, columns }) => createPipeStatement(table, columns));

/**
 * What the loader needs to submit files to the pipes over the Snowpipe REST API: OPERATE on each
 * pipe (insertFiles), MONITOR to read its status and load reports, and on the manifest only
 * INSERT and SELECT (it is append-only); the stage, file format and Bronze grants it already has
 * (https://docs.snowflake.com/en/user-guide/data-load-snowpipe-rest-gs, step 3;
 * https://docs.snowflake.com/en/user-guide/data-load-snowpipe-manage, privileges).
 */
export const pipeGrantStatements = (): string[] => [
  `grant select, insert on table ${inDatabase(LOAD_MANIFEST.table)} to role &{loader_role}`,
  ...PIPED_TABLES.map(({ table }) => `grant operate, monitor on pipe &{database}.${pipeNameFor(table)} to role &{loader_role}`),
];

/** The stream the refresh graph's first step reads new manifest rows from. */
export const MANIFEST_STREAM = streamNameFor(`${LOAD_MANIFEST.table.schema}.${LOAD_MANIFEST.table.name}`);

/**
 * The stream the upkeep reads a Bronze table's new rows from: one of its own, because the Silver
 * steps' stream on the same table may be drained by another task's transaction, and a stream's
 * offset moves for whichever DML reads it (https://docs.snowflake.com/en/user-guide/streams-intro).
 */
export const upkeepStreamFor = (table: string): string => `${table}_upkeep_stream`;

const BRONZE_TABLE_NAMES = BRONZE_TABLES.map((bronze) => `${bronze.table.schema}.${bronze.table.name}`);

/**
 * Snowpipe mode's first step of the root task: replace-on-reload and the load history from the
 * manifest, then the files the pipes rejected (load-manifest.ts), reading the manifest's and the Bronze tables' new rows through
 * streams of their own, which also trigger the graph: a version that loads after a later one of
 * its key is removed on the run its rows start.
 */
export const manifestPrelude = (): RootPrelude => ({
  statements: [...manifestUpkeepStatements(insertedRowsOf(MANIFEST_STREAM), (table) => insertedRowsOf(upkeepStreamFor(table))), ...pipeFailureStatements()],
  streams: [MANIFEST_STREAM, ...BRONZE_TABLE_NAMES.map(upkeepStreamFor)],
});

/** Snowpipe mode's streams: the manifest's and one per Bronze table for the upkeep. */
const upkeepStreamStatements = (): string[] => [
  `create stream if not exists ${MANIFEST_STREAM} on table ${LOAD_MANIFEST.table.schema}.${LOAD_MANIFEST.table.name}`,
  ...BRONZE_TABLE_NAMES.map((table) => `create stream if not exists ${upkeepStreamFor(table)} on table ${table}`),
];

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
  const snowpipe = options.loadMode === 'snowpipe';
  // In snowpipe mode no warehouse runs for loads, so the refresh does not wake one either by default.
  const compute = options.taskCompute ?? (snowpipe ? 'serverless' : 'warehouse');
  const taskOptions = { ...DEFAULT_TASK_OPTIONS, compute: taskComputeFor(compute, '&{warehouse}'), ...(snowpipe ? { rootPrelude: manifestPrelude() } : {}) };
  const generators: Generators = {
    bronze_tables: () => [
      ...BRONZE_TABLES.map((bronze) => bronzeTableDdl(bronze, SNOWFLAKE_COLUMN_TYPES)),
      ...CONTROL_TABLES.map((control) => controlTableDdl(control, SNOWFLAKE_COLUMN_TYPES)),
      ...(snowpipe ? [controlTableDdl(LOAD_MANIFEST, SNOWFLAKE_COLUMN_TYPES)] : []),
    ],
    pipes: () => (snowpipe ? pipeStatements() : []),
    model_tables: () => [...models.values()].flatMap(deployStatementsFor),
    streams: () => [...streamStatements(graph), ...(snowpipe ? upkeepStreamStatements() : [])],
    tasks: () => taskGraphStatements(graph, models, checks, taskOptions),
    loader_grants: () => [...loaderGrantStatements(), ...(snowpipe ? pipeGrantStatements() : [])],
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
