/**
 * What the fakesnow suites run of the Snowflake plan, and how they compare results with the twin.
 * fakesnow's gaps are named here once ({@link FAKESNOW_GAPS}), each with why: a statement in a
 * gap must be refused (so the list shrinks when fakesnow learns one), every other one must run.
 */
import type { WarehouseRow, WarehouseSession, WarehouseValue } from '../../../lambdas/shared/ports/warehouse.js';
import { loadChecks } from '../../../lambdas/warehouse/dq-checks.js';
import { migrateTablesCreatedBy } from '../../../lambdas/warehouse/schema-migration.js';
import { taskOrder } from '../../../lambdas/warehouse/run-task-graph.js';
import { rebuiltTables, renderedModels, type DeployScript } from '../../../lambdas/warehouse/snowflake-deploy.js';
import { checksTaskBody, insertedRowsOf, modelTaskBody } from '../../../lambdas/warehouse/snowflake-tasks.js';
import { TASK_GRAPH, changesFromOf, streamNameFor } from '../../../lambdas/warehouse/task-graph.js';

/**
 * Statements the loader sends that fakesnow 0.12.1 cannot run, run as no-ops:
 * - its ALTER SESSION (time zone, TIMESTAMP_TYPE_MAPPING, output formats, lock timeout): fakesnow
 *   implements ALTER SESSION only for AUTOCOMMIT and QUOTED_IDENTIFIERS_IGNORE_CASE and refuses
 *   the rest. Its sessions are UTC and NTZ anyway; the output formats are not applied, which
 *   {@link comparableRows} allows for;
 * - the REMOVE of a load's stage folder after its COPY, which fakesnow cannot parse: the staged
 *   files stay in fakesnow's bucket, under a folder no later load reuses (one per load).
 */
export const FAKESNOW_SESSION_NOPS: readonly string[] = [String.raw`alter session set\s`, String.raw`remove\s+@`];

interface Gap {
  readonly name: string;
  readonly statement: RegExp;
  /** What the harness runs instead, when the rest of the plan depends on the statement's effect. */
  readonly substitute?: (statement: string) => string;
}

/** Deploy statements fakesnow 0.12.1 refuses, and why it cannot run them. */
export const FAKESNOW_GAPS: readonly Gap[] = [
  { name: 'warehouses (fakesnow computes in-process)', statement: /^(create|alter) warehouse /i },
  {
    // The schemas themselves are needed; managed access only moves grant rights to the owner.
    name: 'schemas with managed access (no access control)',
    statement: /^create schema .* with managed access$/i,
    substitute: (statement) => statement.replace(/ with managed access$/i, ''),
  },
  { name: 'file format changes', statement: /^alter file format /i },
  { name: 'streams', statement: /^create stream /i },
  // Snowpipe mode only (sql deploy --load-mode snowpipe): fakesnow has no Snowpipe service.
  { name: 'pipes', statement: /^create pipe /i },
  { name: 'tasks', statement: /^(create or replace|alter) task /i },
  { name: 'roles', statement: /^create role /i },
  { name: 'shares', statement: /^(create share|grant .* to share|alter share) /i },
  { name: 'grants', statement: /^grant /i },
];

export interface FakesnowDeploy {
  readonly accepted: number;
  /** `alter table … add column` statements the migration ran after the scripts. */
  readonly migrated: readonly string[];
  /** Refused statements per gap name. */
  readonly refusedByGap: Record<string, number>;
  /** Refusals outside every gap, and statements a gap names that ran after all: should be none. */
  readonly unexpected: readonly string[];
}

/**
 * Runs each statement of the plan, expecting a refusal exactly where a gap says so, and migrates
 * each script's tables after it, as applyDeployPlan does (which stops at the first refusal).
 */
export const applyOnFakesnow = async (warehouse: WarehouseSession, plan: readonly DeployScript[]): Promise<FakesnowDeploy> => {
  let accepted = 0;
  const refusedByGap: Record<string, number> = {};
  const unexpected: string[] = [];
  const migrated: string[] = [];
  for (const script of plan) {
    for (const statement of script.statements) {
      const gap = FAKESNOW_GAPS.find((candidate) => candidate.statement.test(statement));
      const error = await warehouse.execute(statement).then(
        () => undefined,
        (refusal: unknown) => refusal as Error,
      );
      if (!gap) {
        if (error) unexpected.push(`${statement.slice(0, 120)} => ${error.message}`);
        else accepted += 1;
        continue;
      }
      if (!error) unexpected.push(`ran although fakesnow was expected to refuse it (${gap.name}): ${statement.slice(0, 120)}`);
      refusedByGap[gap.name] = (refusedByGap[gap.name] ?? 0) + 1;
      if (gap.substitute) await warehouse.execute(gap.substitute(statement));
    }
    migrated.push(...(await migrateTablesCreatedBy(warehouse, script.statements, rebuiltTables())));
  }
  return { accepted, migrated, refusedByGap, unexpected };
};

/** A task body's transaction brackets. */
const TRANSACTION_CONTROL = /^(begin transaction|commit)$/;

/**
 * Every task's body in graph order, as the deployed tasks would run them, with three changes
 * for fakesnow 0.12.1: each stream's inserted rows are read from its base table (no streams);
 * the checks' run id (a Snowflake Scripting variable) is spelled as a literal; and each
 * statement autocommits, because a MERGE inside BEGIN … COMMIT fails there ("a single
 * transaction can only write to a single attached database": fakesnow records metadata in a
 * second DuckDB database). The statements themselves are the generator's, unchanged.
 */
export const taskBodiesOnBaseTables = async (options: { checks?: boolean; sqlDir?: string } = {}): Promise<string[]> => {
  const models = await renderedModels(TASK_GRAPH, options.sqlDir);
  const checks = await loadChecks('snowflake', options.sqlDir);
  const statements: string[] = [];
  for (const task of taskOrder(TASK_GRAPH)) {
    if (task.kind === 'checks') {
      if (options.checks !== false) statements.push(...checksTaskBody(checks));
      continue;
    }
    let body = modelTaskBody(task, models);
    for (const table of changesFromOf(task)) {
      body = body.map((statement) => statement.replaceAll(insertedRowsOf(streamNameFor(table)), `(select * from ${table})`));
    }
    statements.push(...body);
  }
  return statements.filter((statement) => !TRANSACTION_CONTROL.test(statement)).map((statement) => statement.replaceAll(':run_id', `'fakesnow-run'`));
};

/** Columns that record when a row was loaded or refreshed: they differ between two runs by nature. */
const LOAD_TIME = /(^|_)loaded_at$|^updated_at$|^checked_at$/;
const DATE_OR_TIMESTAMP = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d:\d\d(?:\.\d+)?Z?)?$/;

/**
 * A value as comparable text. fakesnow ignores the session's output formats (its ALTER SESSION is
 * a no-op), so the driver prints dates and timestamps in its defaults: compare the instants, at
 * millisecond precision, and numbers past float noise.
 */
const comparableValue = (value: WarehouseValue): WarehouseValue => {
  if (typeof value === 'number') return Number(value.toPrecision(12));
  if (typeof value === 'string' && DATE_OR_TIMESTAMP.test(value)) {
    const instant = new Date(value.length === 10 ? `${value}T00:00:00Z` : value.replace(' ', 'T').replace(/Z?$/, 'Z'));
    return Number.isNaN(instant.getTime()) ? value : instant.toISOString();
  }
  return value;
};

const comparable = (row: WarehouseRow, omit: readonly string[]): string => {
  const out: Record<string, WarehouseValue> = {};
  for (const [name, value] of Object.entries(row).sort(([a], [b]) => a.localeCompare(b))) {
    if (!LOAD_TIME.test(name) && !omit.includes(name)) out[name] = comparableValue(value);
  }
  return JSON.stringify(out);
};

/** A Gold column whose value fakesnow 0.12.1 computes differently from Snowflake's documentation. */
interface ValueGap {
  readonly table: string;
  readonly column: string;
  /** A row where the gap shows, and what fakesnow gives there. */
  readonly where: string;
  readonly fakesnowGives: RegExp;
  readonly why: string;
}

/**
 * Where the twin and fakesnow disagree because of fakesnow: compared without these columns, and
 * each asserted to still be fakesnow's value (so a fixed fakesnow makes this list shrink).
 * The twin's TO_CHAR is held to Snowflake's documented output in test/warehouse/duckdb-macros.test.ts.
 */
export const FAKESNOW_VALUE_GAPS: readonly ValueGap[] = [
  ...['month_name', 'day_name', 'year_month'].map((column) => ({
    table: 'gold.dim_date',
    column,
    where: "date_day = '2025-02-26'",
    fakesnowGives: /^2025-02-26/,
    why: 'fakesnow ignores the format of TO_CHAR(date, format) and prints the date',
  })),
];

/**
 * dim_date's TO_CHAR columns as Snowflake documents them (MON 'Feb', DY 'Wed', YYYY-MM), from
 * functions fakesnow does run, so the measure views that group by them can be compared.
 */
export const DIM_DATE_TO_CHAR_PATCH = `update gold.dim_date set
    month_name = monthname(date_day),
    day_name = dayname(date_day),
    year_month = cast(year(date_day) as varchar) || '-' || lpad(cast(month(date_day) as varchar), 2, '0')`;

/** All rows of a table as sorted comparable text, load times (and any `omit` columns) dropped. */
export const comparableRows = async (
  warehouse: { query(sql: string): Promise<WarehouseRow[]> },
  table: string,
  omit: readonly string[] = [],
): Promise<string[]> => (await warehouse.query(`select * from ${table}`)).map((row) => comparable(row, omit)).sort();

const literal = (value: WarehouseValue): string => {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
};

/**
 * Copies the twin's rows of a table into fakesnow with plain multi-row INSERTs, for the steps
 * after a load that fakesnow cannot do itself (see the PUT test): same rows, same columns.
 */
export const copyRowsInto = async (
  target: { execute(sql: string): Promise<number> },
  source: { query(sql: string): Promise<WarehouseRow[]> },
  table: string,
): Promise<number> => {
  const rows = await source.query(`select * from ${table}`);
  const columns = Object.keys(rows[0] ?? {});
  for (let start = 0; start < rows.length; start += 500) {
    const values = rows.slice(start, start + 500).map((row) => `(${columns.map((column) => literal(row[column] ?? null)).join(', ')})`);
    await target.execute(`insert into ${table} (${columns.join(', ')}) values ${values.join(',\n')}`);
  }
  return rows.length;
};
