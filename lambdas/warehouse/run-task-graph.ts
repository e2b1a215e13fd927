/**
 * The local task runner: executes the task graph against a warehouse, task by task in dependency
 * order, each model task in one transaction (as Snowflake's refresh tasks read their streams in
 * one). Idempotent by construction: MERGEs insert only what is missing and update only what
 * changed, rebuilds recompute the same rows, so running it twice changes nothing.
 * {@link runTriggeredTaskGraph} runs it as Snowflake's triggered root would: only when one of the
 * graph's streams has data (local-streams.ts), never on a timer.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDialect, Warehouse, WarehouseSession } from '../shared/ports/warehouse.js';
import { loadChecks, runChecks, type DataQualityResult } from './dq-checks.js';
import { tableColumns } from './prepare-warehouse.js';
import { duplicateKeysCheck, ensureStatements, READ_STREAMS, refreshStatements, sourceSqlFor, type DuplicateKeysCheck } from './render-step.js';
import { migrateTablesCreatedBy } from './schema-migration.js';
import { consumeStreams, createStreams, ensureStreamOffsets, resetStream, streamHasData, streamsWithData, tableExists } from './local-streams.js';
import { markViewCurrent, modelsFingerprint as fingerprintOf, viewsCurrentUnder } from './local-views.js';
import { keyOf, recordSettled, settledColumns, settledTablesOf, tableIdentities, type SettledTables, type TableIdentity } from './settled-tables.js';
import { readModel, SQL_DIR } from './sql-files.js';
import {
  TASK_GRAPH,
  changesFromOf,
  modelStepsOf,
  tableOf,
  triggerTablesOf,
  type Materialization,
  type ModelStep,
  type ModelTask,
  type Task,
} from './task-graph.js';

export interface StepRun {
  readonly task: string;
  readonly model: string;
  readonly materialization: Materialization['kind'];
  /** Rows inserted, updated or (for a rebuild) written. */
  readonly rowsChanged: number;
  /** Rows in the table afterwards; absent for a view, which holds none of its own. */
  readonly rows?: number;
  readonly ms: number;
}

export interface TaskRun {
  readonly task: string;
  readonly ms: number;
}

export interface TaskGraphRun {
  readonly runId: string;
  readonly tasks: readonly TaskRun[];
  readonly steps: readonly StepRun[];
  readonly checks: readonly DataQualityResult[];
}

export interface RunTaskGraphOptions {
  readonly graph?: readonly Task[];
  /** Drop every model table first and rebuild from Bronze (after a model's columns changed). */
  readonly fullRefresh?: boolean;
  readonly runId?: string;
  readonly sqlDir?: string;
  /** Called as each task starts, for progress output. */
  readonly onTask?: (task: string) => void;
}

/** Tasks in an order where each runs after the one it names; fails on unknown or circular `after`. */
export const taskOrder = (graph: readonly Task[]): Task[] => {
  const byName = new Map(graph.map((task) => [task.name, task]));
  const ordered: Task[] = [];
  const visit = (task: Task, path: readonly string[]): void => {
    if (ordered.includes(task)) return;
    if (path.includes(task.name)) throw new Error(`Task graph has a cycle: ${[...path, task.name].join(' -> ')}`);
    if (task.after !== undefined) {
      const parent = byName.get(task.after);
      if (!parent) throw new Error(`Task ${task.name} runs after unknown task ${task.after}`);
      visit(parent, [...path, task.name]);
    }
    ordered.push(task);
  };
  for (const task of graph) visit(task, []);
  return ordered;
};

const countRows = async (session: WarehouseSession, table: string): Promise<number> => {
  const [count] = await session.query<{ rows: number }>(`select count(*) as rows from ${table}`);
  return count?.rows ?? 0;
};

/**
 * Where a model task runs: its dialect and SQL and, on DuckDB, the fingerprint of every model's SQL
 * its views are kept under and its tables' set-up is remembered under (local-views.ts, settled-tables.ts).
 */
interface StepContext {
  readonly dialect: SqlDialect;
  readonly task: string;
  readonly sqlDir: string;
  readonly local: LocalTaskState | undefined;
}

/** What a DuckDB task reads from the catalog once, at its start, instead of once per step. */
interface LocalTaskState {
  readonly modelsFingerprint: string;
  readonly settled: SettledTables;
  /** Views already created under the fingerprint. */
  readonly currentViews: ReadonlySet<string>;
  /** The task's MERGE and SCD2 targets that exist, as the task started. */
  readonly identities: ReadonlyMap<string, TableIdentity>;
}

const setsUpTable = (step: ModelStep): boolean => step.materialization.kind === 'merge' || step.materialization.kind === 'scd2';

const localTaskState = async (session: WarehouseSession, warehouse: Warehouse, task: ModelTask, modelsFingerprint: string): Promise<LocalTaskState> => ({
  modelsFingerprint,
  settled: settledTablesOf(warehouse),
  currentViews: await viewsCurrentUnder(session, modelsFingerprint),
  identities: await tableIdentities(session, task.steps.filter(setsUpTable).map((step) => tableOf(step.model))),
});

/**
 * Makes sure the step's table exists with the model's columns (creating or migrating it) and
 * returns its columns in order; skipped, on DuckDB, for a table already set up by this open
 * warehouse (settled-tables.ts). A MERGE target created here reads its whole upstream.
 */
const setUpTable = async (session: WarehouseSession, context: StepContext, step: ModelStep, modelSql: string): Promise<readonly string[]> => {
  const table = tableOf(step.model);
  const { materialization } = step;
  const { local } = context;
  const identity = local?.identities.get(keyOf(table));
  const known = local ? settledColumns(local.settled, table, identity, local.modelsFingerprint) : undefined;
  if (known) return known;
  const exists = local ? identity !== undefined : await tableExists(session, `${table.schema}.${table.name}`);
  const ensure = ensureStatements(step, modelSql);
  for (const statement of ensure) await session.execute(statement);
  // An empty new table reads its whole upstream (the MERGEs are idempotent), not only the loads since the stream's last commit.
  if (materialization.kind === 'merge' && !exists) await resetStream(session, materialization.changesFrom);
  // A table an older version created lacks the model's new columns, which the MERGE names.
  await migrateTablesCreatedBy(session, ensure);
  const columns = await tableColumns(session, table.schema, table.name);
  const settledNow = local ? (await tableIdentities(session, [table])).get(keyOf(table)) : undefined;
  if (local && settledNow) recordSettled(local.settled, table, settledNow, local.modelsFingerprint, columns);
  return columns;
};

/**
 * Fails the step (its task's transaction rolls back) when the check finds repeated keys: a model
 * must deduplicate its rows, as Snowflake's MERGE requires (render-step.ts).
 */
const refuseDuplicateKeys = async (session: WarehouseSession, step: ModelStep, check: DuplicateKeysCheck): Promise<void> => {
  const [row] = await session.query<{ duplicate_keys: number }>(check.sql);
  const count = row?.duplicate_keys ?? 0;
  if (count === 0) return;
  const found = check.afterMerge ? `after the MERGE its table holds ${count} duplicate keys (rows the model repeats, or repeats already in the table)` : `the MERGE source has ${count} duplicate keys`;
  throw new Error(`${step.model}: ${found}; deduplicate the model`);
};

const runStep = async (session: WarehouseSession, context: StepContext, step: ModelStep): Promise<StepRun> => {
  const started = performance.now();
  const { dialect, task, sqlDir, local } = context;
  const table = tableOf(step.model);
  const { materialization } = step;
  if (materialization.kind === 'view' && local?.currentViews.has(keyOf(table))) {
    return { task, model: step.model, materialization: 'view', rowsChanged: 0, ms: Math.round(performance.now() - started) };
  }
  const modelSql = await readModel(step.model, dialect, sqlDir);
  // A rebuild creates its own table, whole; a view is (re)created, then kept while no model changed.
  let columns: readonly string[] = [];
  if (setsUpTable(step)) columns = await setUpTable(session, context, step, modelSql);
  else for (const statement of ensureStatements(step, modelSql)) await session.execute(statement);
  if (materialization.kind === 'view' && local) await markViewCurrent(session, table, local.modelsFingerprint);

  // A MERGE over an empty stream changes nothing: locally it is not run (reference data rarely changes, live cycles come every second).
  if (materialization.kind === 'merge' && local && !(await streamHasData(session, materialization.changesFrom))) {
    return { task, model: step.model, materialization: 'merge', rowsChanged: 0, rows: await countRows(session, `${table.schema}.${table.name}`), ms: Math.round(performance.now() - started) };
  }
  const duplicates = duplicateKeysCheck(step, sourceSqlFor(step, modelSql, READ_STREAMS));
  if (duplicates && !duplicates.afterMerge) await refuseDuplicateKeys(session, step, duplicates);
  let rowsChanged = 0;
  for (const statement of refreshStatements(step, modelSql, columns, READ_STREAMS)) {
    rowsChanged += await session.execute(statement);
  }
  if (duplicates?.afterMerge) await refuseDuplicateKeys(session, step, duplicates);
  // A view is not counted: counting one runs its whole query (measure views read all of Gold), for a figure nothing reads.
  const rows = step.materialization.kind === 'view' ? undefined : await countRows(session, `${table.schema}.${table.name}`);
  return {
    task,
    model: step.model,
    materialization: step.materialization.kind,
    // CREATE OR REPLACE reports no row count; a rebuild writes every row.
    rowsChanged: step.materialization.kind === 'rebuild' ? (rows ?? 0) : rowsChanged,
    ...(rows === undefined ? {} : { rows }),
    ms: Math.round(performance.now() - started),
  };
};

const runModelTask = (warehouse: Warehouse, task: ModelTask, sqlDir: string, modelsFingerprint: string | undefined): Promise<StepRun[]> =>
  warehouse.transaction(async (session) => {
    const runs: StepRun[] = [];
    const local = modelsFingerprint === undefined ? undefined : await localTaskState(session, warehouse, task, modelsFingerprint);
    const context: StepContext = { dialect: warehouse.dialect, task: task.name, sqlDir, local };
    // In Snowflake the streams are deployed; here they are views over tables an earlier task may have just created.
    await createStreams(session, changesFromOf(task));
    for (const step of task.steps) runs.push(await runStep(session, context, step));
    // Commits with the task's changes, as a Snowflake stream's offset moves with its consumer's commit.
    await consumeStreams(session, changesFromOf(task));
    return runs;
  });

/** Drops every table and view the graph builds, downstream first. */
export const dropModelTables = async (warehouse: Warehouse, graph: readonly Task[] = TASK_GRAPH): Promise<void> => {
  for (const step of modelStepsOf(taskOrder(graph)).reverse()) {
    const table = tableOf(step.model);
    // DuckDB refuses DROP TABLE on a view (and Snowflake DROP VIEW on a table).
    const kind = step.materialization.kind === 'view' ? 'view' : 'table';
    await warehouse.execute(`drop ${kind} if exists ${table.schema}.${table.name}`);
  }
};

const runGraph = async (warehouse: Warehouse, options: RunTaskGraphOptions): Promise<TaskGraphRun> => {
  const graph = options.graph ?? TASK_GRAPH;
  const sqlDir = options.sqlDir ?? SQL_DIR;
  const runId = options.runId ?? randomUUID();
  await ensureStreamOffsets(warehouse);
  // Each MERGE target created again then reads its stream from the start (runStep).
  if (options.fullRefresh) await dropModelTables(warehouse, graph);

  // Locally a view is kept, and a table's set-up remembered, while no model changed (local-views.ts,
  // settled-tables.ts); Snowflake's are deployed, not run here.
  const modelsFingerprint =
    warehouse.dialect === 'duckdb'
      ? fingerprintOf(await Promise.all(modelStepsOf(graph).map((step) => readModel(step.model, warehouse.dialect, sqlDir))))
      : undefined;
  const tasks: TaskRun[] = [];
  const steps: StepRun[] = [];
  let checks: DataQualityResult[] = [];
  for (const task of taskOrder(graph)) {
    options.onTask?.(task.name);
    const started = performance.now();
    if (task.kind === 'models') steps.push(...(await runModelTask(warehouse, task, sqlDir, modelsFingerprint)));
    else checks = await runChecks(warehouse, await loadChecks(warehouse.dialect, sqlDir), runId);
    tasks.push({ task: task.name, ms: Math.round(performance.now() - started) });
  }
  return { runId, tasks, steps, checks };
};

/** Runs refresh_silver -> refresh_gold -> dq_checks (or the given graph) once. */
export const runTaskGraph = (warehouse: Warehouse, options: RunTaskGraphOptions = {}): Promise<TaskGraphRun> => runGraph(warehouse, options);

/** A triggered run: the streams that had data, and the graph's run when there were any. */
export interface TriggeredRun {
  /** The graph's streams that had data (empty: nothing to do, the graph did not run). */
  readonly triggeredBy: readonly string[];
  readonly run?: TaskGraphRun;
}

/**
 * Runs the graph as Snowflake's triggered root task would (snowflake-tasks.ts): only when one of
 * the streams the graph reads has data. A run whose refresh_gold failed leaves the Silver streams
 * with data, so the next call retries it even when no load added a row.
 */
export const runTriggeredTaskGraph = async (warehouse: Warehouse, options: RunTaskGraphOptions = {}): Promise<TriggeredRun> => {
  await ensureStreamOffsets(warehouse);
  const graph = options.graph ?? TASK_GRAPH;
  const triggeredBy = await streamsWithData(warehouse, triggerTablesOf(graph));
  if (triggeredBy.length === 0) return { triggeredBy };
  return { triggeredBy, run: await runGraph(warehouse, options) };
};
