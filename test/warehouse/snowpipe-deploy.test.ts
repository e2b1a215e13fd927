/**
 * `streamflow sql deploy --load-mode snowpipe` (rendered-SQL assertions): a pipe per Bronze table
 * whose COPY is the loader's, the manifest with its pipe and stream, the loader's pipe grants, and
 * a root task that starts with the manifest upkeep and is also triggered by the manifest's stream.
 */
import '../support/quiet-powertools.js';
import { describe, expect, it } from 'vitest';
import { PIPE_LOADED_AT, copyStatement, pipeCopyStatement, pipeFolderFor, pipeNameFor, pipePathFor, stagedNameFor } from '../../lambdas/shared/adapters/snowflake-load-sql.js';
import { BRONZE_TABLES } from '../../lambdas/shared/contracts/bronze-tables.js';
import { DEFAULT_DEPLOY_VARIABLES } from '../../lambdas/warehouse/deploy-variables.js';
import { MANIFEST_STREAM, snowflakeDeployPlan, upkeepStreamFor } from '../../lambdas/warehouse/snowflake-deploy.js';

const snowpipe = (await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES, loadMode: 'snowpipe' })).flatMap((script) => script.statements);
const copy = (await snowflakeDeployPlan({ variables: DEFAULT_DEPLOY_VARIABLES })).flatMap((script) => script.statements);

const rootTask = (statements: readonly string[]): string => statements.find((statement) => statement.startsWith('create or replace task silver.refresh_silver'))!;

/** How a pipe's COPY fills `_source_version`: the version folder, the second segment of the path. */
const PIPE_SOURCE_VERSION = "split_part(metadata$filename, '/', 2)";

/**
 * A COPY with the parts that differ by design put aside: the loader names its files (FILES, and
 * FORCE for its fresh folders) and maps each staged name to its key; a pipe reads its folder and
 * takes the key and the version from the path (and the time from the scan, as CREATE PIPE asks).
 */
const shared = (statement: string, sourceFile: RegExp, loadedAt: string): string =>
  statement
    .replace(`, ${PIPE_SOURCE_VERSION}\n`, '\n')
    .replace(', _source_version)\n', ')\n')
    .replace(sourceFile, '<source file>')
    .replace(`, ${loadedAt}\n`, ', <loaded at>\n')
    .replace(/\nfiles = \([^)]*\)/, '')
    .replace(/\nforce = true$/, '')
    .replace(/^( {4}from ).*$/m, '$1<stage>')
    .replace(/^on_error = (continue|skip_file)$/m, 'on_error = <by design>');

describe('sql deploy in snowpipe mode', () => {
  it("gives every Bronze table a pipe whose COPY is the loader's COPY over the table's stage folder", () => {
    for (const bronze of BRONZE_TABLES) {
      const pipe = snowpipe.find((statement) => statement.startsWith(`create pipe if not exists ${pipeNameFor(bronze.table)}\n`));
      expect(pipe, bronze.table.name).toBeDefined();
      expect(pipe).toContain(`auto_ingest = false\nas\n${pipeCopyStatement(bronze.table, bronze.fileColumns)}`);
      expect(pipe).toContain(`from ${pipeFolderFor(bronze.table)}\n`);
      expect(pipe).not.toMatch(/\bfiles = |\bforce = /);

      const loader = copyStatement(bronze.table, bronze.fileColumns, '@bronze.csv_stage/x/y/', [stagedNameFor(0, 'a.csv.gz', 'gold/a.csv.gz')]);
      expect(shared(pipeCopyStatement(bronze.table, bronze.fileColumns), /substr\(metadata\$filename, [^\n]*- \d+\)/, PIPE_LOADED_AT)).toBe(
        shared(loader, /case split_part\(metadata\$filename[^]*?\n {4}end/, 'current_timestamp'),
      );
    }
  });

  it('skips a whole file on error in every pipe (a pipe cannot roll back a partial load), where the loader continues and checks', () => {
    const pipes = snowpipe.filter((statement) => statement.startsWith('create pipe '));
    expect(pipes).toHaveLength(BRONZE_TABLES.length + 1);
    for (const pipe of pipes) expect(pipe).toMatch(/\non_error = skip_file$/);
    const table = BRONZE_TABLES[0]!;
    expect(copyStatement(table.table, table.fileColumns, '@bronze.csv_stage/x/y/', [stagedNameFor(0, 'a.csv', 'gold/a.csv')])).toMatch(/\non_error = continue\n/);
  });

  it('fills _source_version from the version folder in every pipe, the manifest’s too; the loader’s COPY leaves it NULL', () => {
    for (const statement of snowpipe.filter((candidate) => candidate.startsWith('create pipe '))) {
      expect(statement).toMatch(/, _loaded_at, _source_version\)\n/);
      expect(statement).toContain(`, ${PIPE_SOURCE_VERSION}\n`);
    }
    expect(snowpipe.filter((statement) => statement.startsWith('create pipe '))).toHaveLength(BRONZE_TABLES.length + 1);
    const table = BRONZE_TABLES[0]!;
    expect(copyStatement(table.table, table.fileColumns, '@bronze.csv_stage/x/y/', [stagedNameFor(0, 'a.csv', 'gold/a.csv')])).not.toContain('_source_version');
  });

  it('takes the key from the path between <table>/<16-hex version folder>/ and the file name', () => {
    const table = BRONZE_TABLES[0]!.table;
    const key = 'gold/user_events/dt=2026-01-01/user_events+0+0-9.csv.gz';
    const filename = `${table.name}/${pipePathFor('0123456789abcdef', key, 'user_events+0+0-9.csv.gz')}`;
    const [, start, end] = /substr\(metadata\$filename, (\d+), length\(metadata\$filename\) - length\(split_part\(metadata\$filename, '\/', -1\)\) - (\d+)\)/.exec(
      pipeCopyStatement(table, BRONZE_TABLES[0]!.fileColumns),
    )!;
    // SUBSTR is 1-based: from `start`, as many characters as the expression computes
    const length = filename.length - filename.split('/').at(-1)!.length - Number(end);
    expect(filename.substr(Number(start) - 1, length)).toBe(key);
  });

  it('creates the append-only manifest, its pipe and its stream, and grants the loader OPERATE and MONITOR on every pipe', () => {
    expect(snowpipe).toContainEqual(expect.stringMatching(/^create table if not exists bronze\.load_manifest \(/));
    expect(snowpipe).toContainEqual(expect.stringMatching(/^create pipe if not exists bronze\.load_manifest_pipe\n/));
    expect(snowpipe).toContain(`create stream if not exists ${MANIFEST_STREAM} on table bronze.load_manifest`);
    for (const pipe of [...BRONZE_TABLES.map((bronze) => pipeNameFor(bronze.table)), 'bronze.load_manifest_pipe']) {
      expect(snowpipe).toContain(`grant operate, monitor on pipe STREAMFLOW_DW.${pipe} to role STREAMFLOW_LOADER`);
    }
    expect(snowpipe).toContain('grant select, insert on table STREAMFLOW_DW.bronze.load_manifest to role STREAMFLOW_LOADER');
    expect(snowpipe.filter((statement) => /load_manifest/.test(statement) && /^grant .*\b(update|delete)\b/.test(statement))).toEqual([]);
  });

  it('starts the root task with the manifest upkeep, triggers it on the manifest stream too, and runs it serverless', () => {
    const root = rootTask(snowpipe);
    expect(root).toContain(`when system$stream_has_data('${MANIFEST_STREAM}')\n        or system$stream_has_data('bronze.raw_user_events_upkeep_stream')`);
    for (const bronze of BRONZE_TABLES) {
      const table = `bronze.${bronze.table.name}`;
      expect(snowpipe).toContain(`create stream if not exists ${upkeepStreamFor(table)} on table ${table}`);
      expect(root).toContain(`system$stream_has_data('${upkeepStreamFor(table)}')`);
      expect(root).toContain(`select _source_file from (select * from ${upkeepStreamFor(table)} where metadata$action = 'INSERT') as arrived_rows`);
    }
    expect(root).toContain("system$stream_has_data('bronze.raw_user_events_stream')");
    expect(root).toContain('user_task_managed_initial_warehouse_size');
    expect(root).not.toMatch(/^ {4}warehouse = /m);
    const body = root.slice(root.indexOf('begin\n'));
    const deletes = body.search(/delete from bronze\.raw_user_events\n\s+using /);
    expect(deletes).toBeGreaterThan(0);
    expect(body.indexOf('merge into bronze.load_history')).toBeGreaterThan(deletes);
    expect(body.indexOf('merge into bronze.load_history')).toBeLessThan(body.indexOf('merge into silver.stg_user_events'));
    expect(body).toContain(`from (select * from ${MANIFEST_STREAM} where metadata$action = 'INSERT') as manifest`);
  });

  it('then marks failed, from each Bronze table’s COPY_HISTORY, the versions whose file its pipe rejected', () => {
    const body = rootTask(snowpipe);
    // the end of the manifest's history merge, its only insert
    const historyMerge = body.indexOf('when not matched then insert (file_key, etag, target_table');
    for (const bronze of BRONZE_TABLES) {
      const table = `bronze.${bronze.table.name}`;
      const failures = body.indexOf(`from table(information_schema.copy_history(table_name => '${table}', start_time => dateadd('hour', -1, current_timestamp()))) as pipe_load`);
      expect(failures, table).toBeGreaterThan(historyMerge);
      expect(failures).toBeLessThan(body.indexOf('merge into silver.stg_user_events'));
    }
    expect(historyMerge).toBeGreaterThan(0);
    expect(body).toContain("on manifest._source_version = split_part(pipe_load.file_name, '/', 2)");
    expect(body).toContain("and upper(pipe_load.status) = 'LOAD FAILED'");
    expect(body).toContain("when matched and history.status = 'loaded' then update set status = 'failed', rows_parsed = failure.row_parsed, rows_loaded = 0,");
  });

  it('renders none of it in copy mode, whose root stays on the warehouse', () => {
    expect(copy.filter((statement) => /pipe|load_manifest|upkeep_stream|copy_history/.test(statement))).toEqual([]);
    expect(rootTask(copy)).toMatch(/^ {4}warehouse = STREAMFLOW_WH$/m);
  });
});
