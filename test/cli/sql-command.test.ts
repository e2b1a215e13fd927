import '../support/quiet-powertools.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../bin/cli/flags.js';
import { COMMANDS } from '../../bin/cli/commands.js';

let printed: string[];
const SNOWFLAKE_VARIABLES = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_ROLE', 'SNOWFLAKE_PRIVATE_KEY_PATH', 'SNOWFLAKE_SECRET_ARN', 'SNOWFLAKE_DATABASE', 'SNOWFLAKE_WAREHOUSE'];

beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  for (const name of SNOWFLAKE_VARIABLES) vi.stubEnv(name, '');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('streamflow sql', () => {
  it('deploy --dry-run prints every statement in file order, with the names given, and needs no credentials', async () => {
    // Act
    const code = await COMMANDS.sql!.run(['deploy', '--dry-run', '--database', 'SCRATCH_DW', '--task-compute', 'serverless']);

    // Assess
    const output = printed.join('\n');
    expect(code).toBe(0);
    const headers = [...output.matchAll(/^-- (\d{3}_\w+\.sql)$/gm)].map((match) => match[1]);
    expect(headers).toEqual([...headers].sort());
    expect(headers[0]).toBe('010_warehouse.sql');
    expect(output).toContain('create database if not exists SCRATCH_DW;');
    expect(output).toContain("target_completion_interval = '60 SECONDS'");
    expect(output).not.toMatch(/schedule =/);
    expect(output).toContain('alter task silver.refresh_silver resume;');
    expect(output).not.toContain('&{');
  });

  it('deploy --dry-run --load-mode snowpipe adds the pipes and runs the tasks serverless unless --task-compute says otherwise', async () => {
    // Act
    await COMMANDS.sql!.run(['deploy', '--dry-run', '--load-mode', 'snowpipe']);
    const serverless = printed.join('\n');
    printed = [];
    await COMMANDS.sql!.run(['deploy', '--dry-run', '--load-mode', 'snowpipe', '--task-compute', 'warehouse']);
    const onWarehouse = printed.join('\n');

    // Assess
    expect(serverless).toContain('-- 045_pipes.sql');
    expect(serverless).toContain('create pipe if not exists bronze.raw_user_events_pipe');
    expect(serverless).toContain("target_completion_interval = '60 SECONDS'");
    expect(onWarehouse).toContain('create pipe if not exists bronze.raw_user_events_pipe');
    expect(onWarehouse).toContain('    warehouse = STREAMFLOW_WH');
    await expect(COMMANDS.sql!.run(['deploy', '--dry-run', '--load-mode', 'pipe'])).rejects.toThrow(/--load-mode must be copy or snowpipe, got "pipe"/);
  });

  it('deploy without credentials says what to set, and how to see the statements instead', async () => {
    await expect(COMMANDS.sql!.run(['deploy'])).rejects.toThrow(UsageError);
    await expect(COMMANDS.sql!.run(['deploy'])).rejects.toThrow(/SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_ROLE, SNOWFLAKE_PRIVATE_KEY_PATH .*--dry-run prints/);
  });

  it('render --dialect duckdb --model shows one model as the local runner runs it', async () => {
    // Act
    await COMMANDS.sql!.run(['render', '--dialect', 'duckdb', '--model', 'stg_user_events']);

    // Assess
    const output = printed.join('\n');
    expect(output).toMatch(/^-- silver\/stg_user_events: merge on \(event_id\), first delivery kept/);
    expect(output).toContain('create table if not exists silver.stg_user_events as');
    expect(output).toContain('from bronze.raw_user_events\n');
    // the refresh reads the twin's stream view (lambdas/warehouse/local-streams.ts), not Snowflake's stream metadata
    expect(output).toContain('from bronze.raw_user_events_stream');
    expect(output).not.toContain('METADATA$ACTION');
  });

  it('render --dialect snowflake shows the task body reading the stream', async () => {
    // Act
    await COMMANDS.sql!.run(['render', '--model', 'silver/stg_user_events']);

    // Assess
    expect(printed.join('\n')).toContain("(select * from bronze.raw_user_events_stream where metadata$action = 'INSERT')");
    expect(printed.join('\n')).toContain('-- run by task refresh_silver:');
  });

  it('refuses an unknown dialect, model or subcommand with a usage error', async () => {
    await expect(COMMANDS.sql!.run(['render', '--dialect', 'postgres'])).rejects.toThrow(/--dialect must be snowflake or duckdb/);
    await expect(COMMANDS.sql!.run(['render', '--model', 'nope'])).rejects.toThrow(/no such model; models are silver\/stg_user_events/);
    await expect(COMMANDS.sql!.run(['drop'])).rejects.toThrow(/unknown sql subcommand "drop"/);
    await expect(COMMANDS.sql!.run(['deploy', '--dry-run', '--database', 'a;b'])).rejects.toThrow(/plain identifier/);
  });
});
