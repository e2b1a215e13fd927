/**
 * Every statement we send to Snowflake, checked offline: what node-sql-parser (Snowflake mode)
 * can parse is parsed; what it has no grammar for is checked against the shape Snowflake documents,
 * with every query and expression inside it parsed on its own.
 */
import '../support/quiet-powertools.js';
import { describe, expect, it } from 'vitest';
import { SESSION_SETTINGS } from '../../lambdas/shared/adapters/snowflake-connection.js';
import { copyStatement, loadFolderFor, putStatement, removeStatement, stagedNameFor } from '../../lambdas/shared/adapters/snowflake-load-sql.js';
import { CSV_FORMAT, CSV_STAGE, CSV_TIMESTAMP_FORMAT } from '../../lambdas/shared/adapters/snowflake-names.js';
import { HANDLED_FILES_QUERY, HELD_FILES_QUERY, RECORD_FAILURE_STATEMENT, RELEASE_STATEMENT, claimStatement, completeStatement } from '../../lambdas/loader/load-history.js';
import { BRONZE_TABLES, bronzeColumnsOf } from '../../lambdas/shared/contracts/bronze-tables.js';
import { loadChecks } from '../../lambdas/warehouse/dq-checks.js';
import { renderedModels, snowflakeDeployPlan } from '../../lambdas/warehouse/snowflake-deploy.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../lambdas/warehouse/deploy-variables.js';
import { checksTaskBody, modelTaskBody } from '../../lambdas/warehouse/snowflake-tasks.js';
import { TASK_GRAPH } from '../../lambdas/warehouse/task-graph.js';
import { checkStatement, parseSnowflake, topLevelList } from '../support/snowflake-sql.js';

const plan = await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES });
const models = await renderedModels();
const checks = await loadChecks('snowflake');
const deployStatements = plan.flatMap((script) => script.statements.map((statement) => [script.name, statement] as const));

/** Statements node-sql-parser reads: tables, CTAS, views, the database. */
const PARSED = /^(create table|create or replace table|create or replace view|create database)\b/;

/**
 * Account objects and tasks, which node-sql-parser has no grammar for, by the shape Snowflake
 * documents for each (CREATE WAREHOUSE, CREATE SCHEMA … WITH MANAGED ACCESS, CREATE FILE FORMAT,
 * CREATE STAGE, CREATE STREAM, CREATE ROLE, GRANT, ALTER TASK, USE).
 */
const SHAPES: readonly (readonly [string, RegExp])[] = [
  ['create warehouse', /^create warehouse if not exists \w+\n {4}warehouse_size = 'XSMALL'\n {4}auto_suspend = 60\n {4}auto_resume = true\n {4}initially_suspended = true$/],
  ['alter warehouse', /^alter warehouse \w+ set\n {4}warehouse_size = 'XSMALL'\n {4}auto_suspend = 60\n {4}auto_resume = true$/],
  ['use', /^use (warehouse|database) \w+$/],
  ['create schema', /^create schema if not exists (bronze|silver|gold) with managed access$/],
  ['create file format', /^create file format if not exists bronze\.csv_format\n {4}type = csv(\n {4}\w+ = (?:'(?:[^']|'')*'|\(\)|\w+|\d+))+$/],
  ['alter file format', /^alter file format bronze\.csv_format set(\n {4}\w+ = (?:'(?:[^']|'')*'|\(\)|\w+|\d+))+$/],
  ['create stage', /^create stage if not exists bronze\.csv_stage\n {4}comment = '[^']*'$/],
  ['create stream', /^create stream if not exists (\w+\.\w+)_stream on table \1$/],
  ['create role', /^create role if not exists \w+$/],
  [
    'grant',
    /^grant [a-z, ]+ on (warehouse|database|schema|stage|file format|table|(all|future) (tables|views) in schema) \w+(\.\w+){0,2} to role \w+$/,
  ],
  ['alter task', /^alter task (if exists )?\w+\.\w+ (suspend|resume)$/],
  // the secure share (https://docs.snowflake.com/en/sql-reference/sql/create-share, .../grant-privilege-share)
  ['create share', /^create share if not exists \w+$/],
  ['grant to share', /^grant (usage on (database|schema)|select on view) \w+(\.\w+){0,2} to share \w+$/],
];

const TASK = new RegExp(
  [
    String.raw`^create or replace task (?<name>\w+\.\w+)`,
    String.raw`(?:\n {4}warehouse = \w+|\n {4}user_task_managed_initial_warehouse_size = '(?:XSMALL|SMALL|MEDIUM|LARGE|XLARGE|XXLARGE)')`,
    String.raw`(?<schedule>\n {4}schedule = '[^']*')?`,
    String.raw`\n {4}timezone = 'UTC'`,
    String.raw`\n {4}timestamp_type_mapping = 'TIMESTAMP_NTZ'`,
    String.raw`(?<interval>\n {4}user_task_minimum_trigger_interval_in_seconds = \d+)?`,
    String.raw`(?:\n {4}target_completion_interval = '\d+ (?:HOURS|MINUTES|SECONDS)')?`,
    String.raw`(?:\n {4}after (?<after>\w+\.\w+)|\n {4}when (?<when>system\$stream_has_data\('\w+\.\w+'\)(?:\n {8}or system\$stream_has_data\('\w+\.\w+'\))*))`,
    String.raw`\nas\nexecute immediate \$\$\n(?:declare\n {4}run_id varchar default uuid_string\(\);\n)?begin\n(?<body>[\s\S]*)`,
    String.raw`\nexception\n {4}when other then\n {8}rollback;\n {8}raise;\nend;\n\$\$$`,
  ].join(''),
);

/** A CREATE TASK: its header by shape, its WHEN condition by the parser, its body as the generator's statements. */
const checkTask = (statement: string): void => {
  const match = TASK.exec(statement);
  if (!match?.groups) throw new Error(`CREATE TASK does not have the expected shape:\n${statement.slice(0, 600)}`);
  const { name, schedule, interval, after, when, body } = match.groups;
  // Triggered tasks (https://docs.snowflake.com/en/user-guide/tasks-triggered): no SCHEDULE at all.
  expect(schedule, `${name}: a triggered task has no schedule`).toBeUndefined();
  expect(interval === undefined, `${name}: only the triggered root has a trigger interval`).toBe(when === undefined);
  expect(after === undefined, `${name}: a task runs either AFTER another or WHEN its streams have data`).toBe(when !== undefined);
  if (when) parseSnowflake(`select ${when}`);
  const task = TASK_GRAPH.find((candidate) => `silver.${candidate.name}` === name)!;
  const statements = task.kind === 'models' ? modelTaskBody(task, models) : checksTaskBody(checks);
  expect(body).toBe(statements.map((line) => `${line};`).join('\n').replace(/^(?=.)/gm, '    '));
};

const checkDeployStatement = (statement: string): void => {
  if (statement.startsWith('create or replace task')) return checkTask(statement);
  // SECURE changes who may see the definition, not the grammar: parsed as the plain view it is.
  if (statement.startsWith('create or replace secure view')) return parseSnowflake(statement.replace(/^create or replace secure view/, 'create or replace view'));
  if (PARSED.test(statement)) return parseSnowflake(statement);
  const shape = SHAPES.find(([, pattern]) => pattern.test(statement));
  if (!shape) throw new Error(`no parser or known shape for:\n${statement.slice(0, 400)}`);
};

describe('sql deploy statements', () => {
  it.each(deployStatements.filter(([, statement]) => PARSED.test(statement)))(
    '%s: parses with node-sql-parser in Snowflake mode: %s',
    (_, statement) => {
      parseSnowflake(statement);
    },
  );

  it.each(deployStatements.filter(([, statement]) => !PARSED.test(statement)))(
    '%s: keeps the documented shape (node-sql-parser has no grammar for warehouses, managed-access schemas, file formats, stages, streams, roles, grants and tasks): %s',
    (_, statement) => {
      checkDeployStatement(statement);
    },
  );

  it('creates the stage and file format the loader names, with the timestamp format the CSV writer prints', () => {
    const statements = deployStatements.map(([, statement]) => statement);
    expect(statements).toContain(`create stage if not exists ${CSV_STAGE}\n    comment = 'Files PUT by the loader, one folder per Bronze table'`);
    const format = statements.find((statement) => statement.startsWith(`create file format if not exists ${CSV_FORMAT}`));
    expect(format).toContain(`timestamp_format = '${CSV_TIMESTAMP_FORMAT}'`);
    expect(new Date(Date.UTC(2025, 1, 26, 9, 15)).toISOString()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('is idempotent statement by statement: IF NOT EXISTS, OR REPLACE, or a re-appliable ALTER, GRANT or USE', () => {
    const idempotent = /^(create (warehouse|database|schema|table|stream|stage|role|share|file format) if not exists|create or replace|alter (warehouse|task|file format)|grant|use)\b/;
    expect(deployStatements.filter(([, statement]) => !idempotent.test(statement))).toEqual([]);
  });
});

describe('grants survive a redeploy and a task run', () => {
  const statements = deployStatements.map(([, statement]) => statement);

  it('never replaces the file format (it takes no COPY GRANTS): creates it once, then alters every option in place', () => {
    const options = (statement: string): string[] => statement.split('\n').slice(1).filter((line) => !line.includes('type = csv'));
    const create = statements.find((statement) => statement.startsWith(`create file format if not exists ${CSV_FORMAT}`))!;
    const alter = statements.find((statement) => statement.startsWith(`alter file format ${CSV_FORMAT} set`))!;
    expect(statements.filter((statement) => /^create or replace file format/.test(statement))).toEqual([]);
    expect(options(alter)).toEqual(options(create));
    expect(statements.indexOf(alter)).toBe(statements.indexOf(create) + 1);
  });

  it('replaces views and rebuilt tables with COPY GRANTS, at deployment and in the task bodies', () => {
    const bodies = TASK_GRAPH.flatMap((task) => (task.kind === 'models' ? modelTaskBody(task, models) : []));
    const replacing = [...statements, ...bodies].filter((statement) => /^create or replace (view|table)\b/.test(statement));
    expect(replacing.length).toBeGreaterThan(20);
    for (const statement of replacing) expect(statement, statement.slice(0, 80)).toMatch(/^create or replace (view|table) \w+\.\w+ copy grants as\n/);
  });
});

describe('task bodies', () => {
  const bodies = TASK_GRAPH.flatMap((task) =>
    (task.kind === 'models' ? modelTaskBody(task, models) : checksTaskBody(checks)).map((statement) => [task.name, statement] as const),
  );

  it.each(bodies.filter(([, statement]) => statement !== 'begin transaction' && statement !== 'commit'))(
    '%s: parses (MERGE and DELETE by shape plus their queries and expressions, as node-sql-parser has no MERGE grammar): %s',
    (_, statement) => {
      checkStatement(statement);
    },
  );
});

describe('the loader statements', () => {
  it.each([
    ['claim', claimStatement(2, false)],
    ['forced claim', claimStatement(2, true)],
    ['held files', HELD_FILES_QUERY],
    ['complete', completeStatement(2)],
    ['release', RELEASE_STATEMENT],
    ['record failure', RECORD_FAILURE_STATEMENT],
    ['skip list', HANDLED_FILES_QUERY],
    ['replace keys', 'delete from bronze.raw_user_events where _source_file in (?, ?)'],
  ])('%s parses (binds as values; MERGE and DELETE by shape)', (_, statement) => {
    checkStatement(statement);
  });

  it('the session settings keep the shape of ALTER SESSION SET (no grammar in node-sql-parser)', () => {
    expect(SESSION_SETTINGS).toMatch(/^alter session set(\n {4}\w+ = (?:'[^']*'|\d+),)*\n {4}\w+ = (?:'[^']*'|\d+)$/);
  });

  const key = 'gold/user_events/dt=2025-02-26/user_events+0+0-99.csv.gz';

  it.each(BRONZE_TABLES.map((bronze) => [bronze.table.name, bronze] as const))(
    'PUT and COPY into %s keep their documented shape (no grammar in node-sql-parser); the COPY query parses',
    (_, bronze) => {
      // Prepare
      const folder = loadFolderFor(bronze.table, '3f2a');
      const staged = [stagedNameFor(0, 'user_events+0+0-99.csv.gz', key), stagedNameFor(1, 'user_events+0+100-199.csv.gz', key.replace('0-99', '100-199'))];

      // Act
      const put = putStatement('/tmp/streamflow-put-x', folder);
      const copy = copyStatement(bronze.table, bronze.fileColumns, folder, staged);

      // Assess
      expect(put).toBe(`put 'file:///tmp/streamflow-put-x/*' '@bronze.csv_stage/${bronze.table.name}/3f2a/' auto_compress = false overwrite = true`);
      expect(removeStatement(folder)).toBe(`remove @bronze.csv_stage/${bronze.table.name}/3f2a/`);
      const shape =
        /^copy into (\w+\.\w+) \(([^)]*)\)\nfrom \(\n {4}select ([^]*)\n {4}from @bronze\.csv_stage\/(\w+)\/3f2a\/\n\)\nfiles = \(([^)]+)\)\nfile_format = \(format_name = 'bronze\.csv_format'\)\non_error = continue\nforce = true$/.exec(
          copy,
        );
      expect(shape, copy).not.toBeNull();
      const [, table, columns, select, tableFolder, files] = shape!;
      expect(table).toBe(`bronze.${bronze.table.name}`);
      expect(tableFolder).toBe(bronze.table.name);
      expect(files).toBe("'0.csv.gz', '1.csv.gz'");
      // every column but `_source_version`, which only a pipe fills (copy mode leaves it NULL)
      const filled = bronzeColumnsOf(bronze).filter((column) => column.name !== '_source_version');
      expect(topLevelList(columns!)).toEqual(filled.map((column) => column.name));
      expect(topLevelList(select!)).toHaveLength(filled.length);
      parseSnowflake(`select ${select} from staged_file`);
    },
  );
});
