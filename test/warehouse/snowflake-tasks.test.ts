/**
 * The Snowflake task graph generated from task-graph.ts (rendered-SQL assertions): every model
 * once, in dependency order, a triggered root that waits on every stream the graph reads, and
 * tasks resumed children first.
 */
import '../support/quiet-powertools.js';
import { describe, expect, it } from 'vitest';
import { loadChecks } from '../../lambdas/warehouse/dq-checks.js';
import { renderedModels, snowflakeDeployPlan, streamStatements } from '../../lambdas/warehouse/snowflake-deploy.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../lambdas/warehouse/deploy-variables.js';
import {
  DEFAULT_SERVERLESS_COMPUTE,
  DEFAULT_TASK_OPTIONS,
  checkTaskStatement,
  insertedRowsOf,
  modelTaskBody,
  taskGraphStatements,
} from '../../lambdas/warehouse/snowflake-tasks.js';
import { TASK_GRAPH, modelStepsOf, streamNameFor, streamsOf, tableOf, triggerStreamsOf } from '../../lambdas/warehouse/task-graph.js';

const models = await renderedModels();
const checks = await loadChecks('snowflake');
const options = { ...DEFAULT_TASK_OPTIONS, compute: { kind: 'warehouse', warehouse: 'STREAMFLOW_WH' } } as const;
const statements = taskGraphStatements(TASK_GRAPH, models, checks, options);
const plan = await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES });

const qualified = (model: string): string => {
  const { schema, name } = tableOf(model);
  return `${schema}.${name}`;
};

/** A CREATE TASK's clauses before its body. */
const headerOf = (statement: string): string => statement.slice(0, statement.indexOf('\nas\n'));

/** The table a statement writes, if it writes one. */
const targetOf = (statement: string): string | undefined =>
  /^(?:merge into|insert into|create or replace table|create table if not exists|create or replace view) (\w+\.\w+)/.exec(statement)?.[1];

/** Model tables (and views) another model's SQL reads (comments aside), by qualified name. */
const upstreamOf = (model: string): string[] => {
  const sql = models.get(model)!.sql.replace(/--.*$/gm, '');
  return modelStepsOf()
    .map((step) => qualified(step.model))
    .filter((table) => table !== qualified(model) && new RegExp(`\\b${table.replace('.', '\\.')}\\b`).test(sql));
};

describe('the generated Snowflake task graph', () => {
  it('refreshes every model that is not a view exactly once, in one task, in dependency order', () => {
    // Prepare: the tables written by the task bodies, in the order a graph run writes them
    const writes = TASK_GRAPH.flatMap((task) =>
      task.kind === 'models' ? modelTaskBody(task, models).flatMap((statement) => (targetOf(statement) ? [{ task: task.name, table: targetOf(statement)! }] : [])) : [],
    );
    const firstWrite = (table: string): number => writes.findIndex((write) => write.table === table);

    for (const step of modelStepsOf()) {
      const table = qualified(step.model);
      const own = writes.filter((write) => write.table === table);
      if (step.materialization.kind === 'view') {
        // Assess: a view is created at deployment and never refreshed
        expect(own, step.model).toEqual([]);
        continue;
      }
      // Assess: one task, one contiguous run of statements (SCD2 closes then opens versions)
      expect(own.length, step.model).toBe(step.materialization.kind === 'scd2' ? 2 : 1);
      expect(new Set(own.map((write) => write.task)).size, step.model).toBe(1);
      for (const upstream of upstreamOf(step.model)) {
        if (firstWrite(upstream) === -1) continue; // a view upstream is always current
        expect(firstWrite(upstream), `${step.model} reads ${upstream}, which must be refreshed first`).toBeLessThan(firstWrite(table));
      }
    }
  });

  it('creates every model table and view once at deployment, after what it reads', () => {
    // Prepare
    const created = plan
      .find((script) => script.name === '050_model_tables.sql')!
      .statements.map((statement) => targetOf(statement));

    // Assess
    expect(created).toEqual(modelStepsOf().map((step) => qualified(step.model)));
    for (const step of modelStepsOf()) {
      for (const upstream of upstreamOf(step.model)) {
        expect(created.indexOf(upstream), `${step.model} reads ${upstream}`).toBeLessThan(created.indexOf(qualified(step.model)));
      }
    }
  });

  // https://docs.snowflake.com/en/user-guide/tasks-triggered: a triggered task has no SCHEDULE and a
  // WHEN of SYSTEM$STREAM_HAS_DATA only; in a task graph only the root is triggered.
  it('triggers only the root: no SCHEDULE, a WHEN of SYSTEM$STREAM_HAS_DATA calls only; children run AFTER their parent', () => {
    const tasks = statements.filter((statement) => statement.startsWith('create or replace task'));
    expect(tasks.map((statement) => /^create or replace task (\S+)/.exec(statement)![1])).toEqual([
      'silver.refresh_silver',
      'silver.refresh_gold',
      'silver.dq_checks',
    ]);
    const [silver, gold, dq] = tasks.map(headerOf) as [string, string, string];
    expect(silver).not.toMatch(/schedule/);
    const when = /\n {4}when ([\s\S]*)$/.exec(silver)![1]!;
    expect(when.split(/\s+or\s+/).every((call) => /^system\$stream_has_data\('\w+\.\w+'\)$/.test(call)), when).toBe(true);
    expect(silver).toContain('user_task_minimum_trigger_interval_in_seconds = 30');
    expect(gold).toMatch(/\n {4}after silver\.refresh_silver$/);
    expect(dq).toMatch(/\n {4}after silver\.refresh_gold$/);
    for (const child of [gold, dq]) expect(child).not.toMatch(/schedule|\n {4}when |trigger_interval/);
  });

  it('checks every stream any task reads in the root WHEN, so a failed refresh_gold runs again without new Bronze rows', () => {
    // Prepare: the streams the task bodies read, and the ones the root waits on
    const read = new Set(statements.flatMap((statement) => [...statement.matchAll(/\bfrom (\w+\.\w+_stream)\b/g)].map((match) => match[1]!)));
    const root = headerOf(statements.find((statement) => statement.startsWith('create or replace task silver.refresh_silver'))!);
    const waited = new Set([...root.matchAll(/system\$stream_has_data\('(\w+\.\w+)'\)/g)].map((match) => match[1]!));

    // Assess: refresh_gold reads the Silver streams; the root must wait on them too
    expect(read).toContain('silver.stg_transaction_items_stream');
    expect(read).toContain('silver.stg_user_events_stream');
    expect([...waited].sort()).toEqual([...read].sort());
    expect([...waited].sort()).toEqual(triggerStreamsOf(TASK_GRAPH).sort());
  });

  it('runs on the warehouse, or on serverless compute with a target completion interval and no WAREHOUSE', () => {
    // Act
    const serverless = taskGraphStatements(TASK_GRAPH, models, checks, { ...DEFAULT_TASK_OPTIONS, compute: DEFAULT_SERVERLESS_COMPUTE });

    // Assess
    for (const task of statements.filter((statement) => statement.startsWith('create or replace task')).map(headerOf)) {
      expect(task).toMatch(/\n {4}warehouse = STREAMFLOW_WH\n/);
      expect(task).not.toMatch(/target_completion_interval|user_task_managed_initial_warehouse_size/);
    }
    for (const task of serverless.filter((statement) => statement.startsWith('create or replace task')).map(headerOf)) {
      expect(task).not.toMatch(/warehouse =/);
      expect(task).toContain(`user_task_managed_initial_warehouse_size = 'XSMALL'`);
      expect(task).toMatch(/\n {4}target_completion_interval = '\d+ (HOURS|MINUTES|SECONDS)'\n/);
    }
  });

  it('suspends the root before replacing the graph and resumes children first, the root last', () => {
    const alters = statements.filter((statement) => statement.startsWith('alter task'));
    expect(statements[0]).toBe('alter task if exists silver.refresh_silver suspend');
    expect(alters.slice(1)).toEqual(['alter task silver.dq_checks resume', 'alter task silver.refresh_gold resume', 'alter task silver.refresh_silver resume']);
    expect(statements.at(-1)).toBe('alter task silver.refresh_silver resume');
  });

  it('drains every stream it waits on, reading only inserted rows, and creates each stream once', () => {
    const bodies = statements.map((statement) => statement.slice(statement.indexOf('\nas\n'))).join('\n');
    const streams = TASK_GRAPH.flatMap(streamsOf);
    for (const stream of streams) {
      expect(bodies, stream).toContain(insertedRowsOf(stream));
      // Never read the stream without the INSERT filter: the loader's deletes must not reach Silver
      expect(bodies.split(insertedRowsOf(stream)).join('').includes(stream), stream).toBe(false);
    }
    expect(streamStatements(TASK_GRAPH)).toEqual(
      [...new Set(streams)].map((stream) => `create stream if not exists ${stream} on table ${stream.replace(/_stream$/, '')}`),
    );
    expect(streams.every((stream) => streamNameFor(stream.replace(/_stream$/, '')) === stream)).toBe(true);
  });

  it('runs the steps that read one stream in one transaction, and DDL outside any', () => {
    // Prepare
    const silver = modelTaskBody(TASK_GRAPH[0] as Extract<(typeof TASK_GRAPH)[number], { kind: 'models' }>, models);

    // Assess: both transaction models read raw_transactions_stream: one commit moves its offset once
    expect(silver[0]).toBe('begin transaction');
    expect(silver.at(-1)).toBe('commit');
    expect(silver.filter((statement) => statement === 'begin transaction')).toHaveLength(1);
    for (const task of TASK_GRAPH) {
      if (task.kind !== 'models') continue;
      let open = false;
      for (const statement of modelTaskBody(task, models)) {
        if (statement === 'begin transaction') open = true;
        else if (statement === 'commit') open = false;
        else if (/^create\b/.test(statement)) expect(open, `${task.name}: DDL inside a transaction would commit it`).toBe(false);
        else expect(open, `${task.name}: DML outside a transaction`).toBe(true);
      }
    }
  });

  it('records every data quality check under the run id, with its own name, layer and severity', () => {
    // Prepare
    const check = checks.find((candidate) => candidate.description.length > 0)!;

    // Act
    const statement = checkTaskStatement({ ...check, description: "it's quoted" });

    // Assess
    expect(statement).toContain(`select :run_id, current_timestamp, '${check.name}', '${check.layer}', '${check.severity}', 'it''s quoted', count(*)`);
    expect(statement).not.toContain('?,');
    const dq = statements.find((candidate) => candidate.startsWith('create or replace task silver.dq_checks'))!;
    expect(dq.match(/insert into gold\.dq_results/g)).toHaveLength(checks.length);
  });
});
