/**
 * The command registry: each command's one-line summary, its usage text, its flag parser and its
 * module, imported only when that command runs and after its flags passed. Importing a command
 * costs 1–3 s (DuckDB, the AWS SDK, kafkajs and Powertools load with it): `--help` and a flag
 * error answer before that (test/cli/flag-imports.test.ts keeps it so).
 */
import { DASHBOARD_USAGE, DOCS_USAGE, LOAD_USAGE, PRODUCE_USAGE, REFRESH_USAGE, REPLAY_USAGE, REPORT_USAGE, RUN_USAGE, SQL_USAGE } from './command-usage.js';
import { parseRunFlags } from '../flags/run.js';
import { parseLoadFlags } from '../flags/load.js';
import { parseRefreshFlags } from '../flags/refresh.js';
import { parseReportFlags } from '../flags/report.js';
import { parseReplayFlags } from '../flags/replay.js';
import { parseDashboardFlags } from '../flags/dashboard.js';
import { parseDocsFlags } from '../flags/docs.js';
import { parseProduceFlags } from '../flags/produce.js';
import { parseSqlFlags } from '../flags/sql.js';

export interface CommandEntry {
  readonly summary: string;
  /** The command's usage and options. */
  readonly usage: string;
  /** Parses and checks the flags (a usage error before anything heavy loads), then loads and runs the command. */
  readonly run: (args: string[]) => Promise<number>;
}

/** An entry whose flags are checked by `parse` before `load` imports the command and its dependencies. */
const command = <Flags>(summary: string, usage: string, parse: (args: string[]) => Flags, load: () => Promise<(flags: Flags) => Promise<number>>): CommandEntry => ({
  summary,
  usage,
  run: async (args) => {
    const flags = parse(args);
    return (await load())(flags);
  },
});

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  run: command('run the local twin end to end (try: streamflow run --events 20000 --dirty-rate 0.05)', RUN_USAGE, parseRunFlags, async () => (await import('../commands/run.js')).runCommand),
  load: command('load pending gold / reference files into the local warehouse', LOAD_USAGE, parseLoadFlags, async () => (await import('../commands/load.js')).loadCommand),
  refresh: command('refresh Silver and Gold and run the data quality checks', REFRESH_USAGE, parseRefreshFlags, async () => (await import('../commands/refresh.js')).refreshCommand),
  report: command('reconcile the ledger from landing to Gold', REPORT_USAGE, parseReportFlags, async () => (await import('../commands/report.js')).reportCommand),
  replay: command('re-deliver on-failure batches; derive gold and quarantine again from landing', REPLAY_USAGE, parseReplayFlags, async () => (await import('../commands/replay.js')).replayCommand),
  dashboard: command('write the HTML dashboard from the Gold measure views', DASHBOARD_USAGE, parseDashboardFlags, async () => (await import('../commands/dashboard.js')).dashboardCommand),
  docs: command("write the models' catalog and lineage page", DOCS_USAGE, parseDocsFlags, async () => (await import('../commands/docs.js')).docsCommand),
  produce: command('publish generated events to Amazon MSK (or a local Kafka with --brokers)', PRODUCE_USAGE, parseProduceFlags, async () => (await import('../commands/produce.js')).produceCommand),
  sql: command('deploy the Snowflake DDL, streams and tasks; render what each model becomes', SQL_USAGE, parseSqlFlags, async () => (await import('../commands/sql.js')).sqlCommand),
};

const COLUMN = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;

/** `streamflow --help`: the commands, one line each. */
export const COMMAND_LIST = `Usage: streamflow <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(COLUMN)}${summary}`)
  .join('\n')}
  ${'help'.padEnd(COLUMN)}show this list; streamflow help <command> (or <command> --help) shows its options`;
