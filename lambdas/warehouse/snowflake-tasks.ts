/**
 * Snowflake's task graph, generated from the one declaration in task-graph.ts: one CREATE TASK
 * per task, with the same statements the local runner executes (render-step.ts), except that
 * each incremental step reads only the rows inserted into its upstream table since the task last
 * ran, through the stream on that table. The root is a triggered task: no schedule, it runs when
 * one of the graph's streams has data (https://docs.snowflake.com/en/user-guide/tasks-triggered),
 * so an idle pipeline costs no credits and fresh rows reach Gold within the trigger interval;
 * its children run AFTER it.
 */
import { recordCheckStatement, type DataQualityCheck } from './dq-checks.js';
import { ensureStatements, READ_STREAMS, refreshStatements } from './render-step.js';
import { taskOrder } from './run-task-graph.js';
import { streamNameFor, tableOf, triggerStreamsOf, type ModelStep, type ModelTask, type Task } from './task-graph.js';

/** A model step with what rendering it needs: its Snowflake SQL and its table's columns. */
export interface RenderedModel {
  readonly step: ModelStep;
  /** The model's SELECT in the Snowflake dialect (snippets filled in). */
  readonly sql: string;
  /** Its table's columns in order (see model-columns.ts). */
  readonly columns: readonly string[];
}

/**
 * What the tasks run on (https://docs.snowflake.com/en/user-guide/tasks-intro, "Define compute
 * resources"): a warehouse the user manages, or serverless compute billed per second of use,
 * which a triggered task requires a TARGET_COMPLETION_INTERVAL for and which must not name a
 * WAREHOUSE (https://docs.snowflake.com/en/user-guide/tasks-triggered). Serverless tasks need
 * the owning role to hold EXECUTE MANAGED TASK on the account.
 */
export type TaskCompute =
  | {
      readonly kind: 'warehouse';
      /** A warehouse name, or a deploy variable such as `&{warehouse}`. */
      readonly warehouse: string;
    }
  | {
      readonly kind: 'serverless';
      /** The time Snowflake sizes compute to finish a run in: `'<n> MINUTES'` or `'<n> SECONDS'`. */
      readonly targetCompletionInterval: string;
      /** USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE: the size of the first runs, before Snowflake has history to size from. */
      readonly initialWarehouseSize: string;
    };

/** Names a compute choice on the command line: `warehouse` or `serverless`. */
export type TaskComputeKind = TaskCompute['kind'];

/** Statements the root task runs before its steps (in their transaction), and the streams they read. */
export interface RootPrelude {
  readonly statements: readonly string[];
  /** Streams the statements consume: they trigger the graph too. */
  readonly streams: readonly string[];
}

export interface SnowflakeTaskOptions {
  /** Schema the tasks live in: every task of a graph must share one. */
  readonly schema: string;
  readonly compute: TaskCompute;
  /** Snowpipe mode's manifest upkeep (snowflake-deploy.ts manifestPrelude). @default none */
  readonly rootPrelude?: RootPrelude;
  /**
   * USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS on the root: the least time between two
   * triggered runs. Snowflake's default is 30 and its minimum 10 (tasks-triggered page).
   */
  readonly minimumTriggerIntervalSeconds: number;
}

/** @default serverless compute sized to finish a run within a minute, starting X-Small. */
export const DEFAULT_SERVERLESS_COMPUTE: Extract<TaskCompute, { kind: 'serverless' }> = {
  kind: 'serverless',
  targetCompletionInterval: '60 SECONDS',
  initialWarehouseSize: 'XSMALL',
};

/** @default tasks beside the Silver tables they fill first, triggered at most every 30 s (Snowflake's default). */
export const DEFAULT_TASK_OPTIONS: Omit<SnowflakeTaskOptions, 'compute'> = { schema: 'silver', minimumTriggerIntervalSeconds: 30 };

/** The compute a deploy names: the deploy's warehouse, or {@link DEFAULT_SERVERLESS_COMPUTE}. */
export const taskComputeFor = (kind: TaskComputeKind, warehouse: string): TaskCompute =>
  kind === 'warehouse' ? { kind: 'warehouse', warehouse } : DEFAULT_SERVERLESS_COMPUTE;

/**
 * The rows a task may apply from a stream: only inserted ones. The loader deletes and reloads a
 * key's rows when a new version of a gold file arrives; those deletes must not reach Silver.
 */
export const insertedRowsOf = (stream: string): string => `(select * from ${stream} where metadata$action = 'INSERT')`;

/**
 * A replaced view or rebuilt table keeps the privileges granted on the one it replaces (the
 * reader's SELECT, the loader's reads): `COPY GRANTS`, which CREATE OR REPLACE TABLE and VIEW
 * accept before `AS` (https://docs.snowflake.com/en/sql-reference/sql/create-view,
 * https://docs.snowflake.com/en/sql-reference/sql/create-table). Without it the replacement
 * drops them and only inherits the schema's future grants
 * (https://docs.snowflake.com/en/release-notes/bcr-bundles/2026_08/bcr-2433).
 */
const withCopyGrants = (statement: string): string =>
  statement.replace(/^(create or replace (?:view|table) \w+\.\w+) as\n/, '$1 copy grants as\n');

/** DDL that creates a step's table (or view) at deployment; a rebuilt table is created from its model once. */
export const deployStatementsFor = (model: RenderedModel): string[] => {
  if (model.step.materialization.kind !== 'rebuild') return ensureStatements(model.step, model.sql).map(withCopyGrants);
  const { schema, name } = tableOf(model.step.model);
  return [`create table if not exists ${schema}.${name} as\n${model.sql}`];
};

/** What the task runs for a step: the local runner's statements, reading inserted stream rows. */
export const taskStatementsFor = (model: RenderedModel): string[] => {
  const statements = refreshStatements(model.step, model.sql, model.columns, READ_STREAMS).map(withCopyGrants);
  const { materialization } = model.step;
  if (materialization.kind !== 'merge') return statements;
  const stream = streamNameFor(materialization.changesFrom);
  const reference = new RegExp(`\\b${stream.replace('.', '\\.')}\\b`, 'g');
  return statements.map((statement) => statement.replace(reference, insertedRowsOf(stream)));
};

const indent = (sql: string, by = '    '): string => sql.replace(/^(?=.)/gm, by);

/** A Snowflake string literal. */
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** DDL commits on its own in Snowflake, so only runs of DML share a transaction. */
const isDdl = (statement: string): boolean => /^\s*(create|drop|alter)\b/i.test(statement);

/**
 * Groups consecutive DML in one transaction: statements reading the same stream must see the same
 * rows, and the stream's offset moves only when that transaction commits.
 */
const inTransactions = (statements: readonly string[]): string[] => {
  const out: string[] = [];
  let open = false;
  for (const statement of statements) {
    if (isDdl(statement) && open) {
      out.push('commit');
      open = false;
    }
    if (!isDdl(statement) && !open) {
      out.push('begin transaction');
      open = true;
    }
    out.push(statement);
  }
  if (open) out.push('commit');
  return out;
};

/**
 * A Snowflake Scripting block: a failure rolls back the open transaction (so no stream offset
 * moves) and fails the task run, where TASK_HISTORY and the alarms see it.
 */
const scriptingBlock = (statements: readonly string[], declarations: readonly string[] = []): string => {
  for (const statement of statements) {
    if (statement.includes('$$')) throw new Error(`A task statement cannot contain $$ (it delimits the task body): ${statement.slice(0, 80)}`);
  }
  const declare = declarations.length > 0 ? `declare\n${indent(declarations.map((line) => `${line};`).join('\n'))}\n` : '';
  return `execute immediate $$
${declare}begin
${indent(statements.map((statement) => `${statement};`).join('\n'))}
exception
    when other then
        rollback;
        raise;
end;
$$`;
};

/** The statements of a model task, in step order, after any `prelude` (the root's). */
export const modelTaskBody = (task: ModelTask, models: ReadonlyMap<string, RenderedModel>, prelude: readonly string[] = []): string[] =>
  inTransactions([
    ...prelude,
    ...task.steps.flatMap((step) => {
      const model = models.get(step.model);
      if (!model) throw new Error(`No rendered SQL for ${step.model} (task ${task.name})`);
      return taskStatementsFor(model);
    }),
  ]);

const CHECK_VALUES = /^select \?, current_timestamp, \?, \?, \?, \?, count\(\*\)$/m;

/** One check's record statement with the run id variable and the check's own fields in place of binds. */
export const checkTaskStatement = (check: DataQualityCheck): string => {
  const statement = recordCheckStatement(check);
  if (!CHECK_VALUES.test(statement)) throw new Error('recordCheckStatement changed shape: update checkTaskStatement to bind its values');
  const values = [':run_id', 'current_timestamp', ...[check.name, check.layer, check.severity, check.description].map(literal), 'count(*)'];
  return statement.replace(CHECK_VALUES, `select ${values.join(', ')}`);
};

/** The dq_checks body: every check counted under one run id, in one transaction. */
export const checksTaskBody = (checks: readonly DataQualityCheck[]): string[] => inTransactions(checks.map(checkTaskStatement));

const qualifiedTask = (name: string, options: SnowflakeTaskOptions): string => `${options.schema}.${name}`;

const computeLines = (compute: TaskCompute): string[] =>
  compute.kind === 'warehouse'
    ? [`    warehouse = ${compute.warehouse}`]
    : [`    user_task_managed_initial_warehouse_size = ${literal(compute.initialWarehouseSize)}`];

/**
 * CREATE OR REPLACE TASK for one task of the graph, its clauses in the order of the CREATE TASK
 * syntax (https://docs.snowflake.com/en/sql-reference/sql/create-task). The root is triggered:
 * no SCHEDULE, and a WHEN made only of SYSTEM$STREAM_HAS_DATA calls, the one condition a
 * triggered task accepts (tasks-triggered page), over every stream of the graph. Children have
 * neither: in a task graph only the root is triggered; they run AFTER their parent.
 */
export const createTaskStatement = (task: Task, body: readonly string[], options: SnowflakeTaskOptions, graph: readonly Task[]): string => {
  const lines = [`create or replace task ${qualifiedTask(task.name, options)}`, ...computeLines(options.compute)];
  // Session parameters, as in the loader's sessions: CURRENT_TIMESTAMP and date casts in UTC, and
  // TIMESTAMP meaning TIMESTAMP_NTZ even on an account mapped to LTZ (parameters#timestamp-type-mapping).
  lines.push(`    timezone = 'UTC'`, `    timestamp_type_mapping = 'TIMESTAMP_NTZ'`);
  if (task.after === undefined) lines.push(`    user_task_minimum_trigger_interval_in_seconds = ${options.minimumTriggerIntervalSeconds}`);
  if (options.compute.kind === 'serverless') lines.push(`    target_completion_interval = ${literal(options.compute.targetCompletionInterval)}`);
  if (task.after !== undefined) lines.push(`    after ${qualifiedTask(task.after, options)}`);
  else {
    const streams = [...(options.rootPrelude?.streams ?? []), ...triggerStreamsOf(graph)];
    if (streams.length === 0) throw new Error(`Root task ${task.name}: the graph reads no stream, so nothing would ever trigger it`);
    lines.push(`    when ${streams.map((stream) => `system$stream_has_data(${literal(stream)})`).join('\n        or ')}`);
  }
  const declarations = task.kind === 'checks' ? ['run_id varchar default uuid_string()'] : [];
  return `${lines.join('\n')}\nas\n${scriptingBlock(body, declarations)}`;
};

/**
 * The whole graph: suspend the root (Snowflake refuses to change a graph whose root runs), create
 * or replace every task parents first, then resume children first and the root last, so the first
 * triggered run finds every child ready.
 */
export const taskGraphStatements = (
  graph: readonly Task[],
  models: ReadonlyMap<string, RenderedModel>,
  checks: readonly DataQualityCheck[],
  options: SnowflakeTaskOptions,
): string[] => {
  const ordered = taskOrder(graph);
  const roots = ordered.filter((task) => task.after === undefined);
  return [
    ...roots.map((root) => `alter task if exists ${qualifiedTask(root.name, options)} suspend`),
    ...ordered.map((task) =>
      createTaskStatement(
        task,
        task.kind === 'models' ? modelTaskBody(task, models, task.after === undefined ? options.rootPrelude?.statements : []) : checksTaskBody(checks),
        options,
        graph,
      ),
    ),
    ...[...ordered].reverse().map((task) => `alter task ${qualifiedTask(task.name, options)} resume`),
  ];
};
