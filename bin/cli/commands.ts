/**
 * The command registry: each command's one-line summary, its usage text and its module, imported
 * only when that command runs. Importing every command up front cost 1.5–3 s before `--help` or a
 * flag error could answer (DuckDB, the AWS SDK, kafkajs and Powertools load with them).
 */
import { DASHBOARD_USAGE, DOCS_USAGE, LOAD_USAGE, PRODUCE_USAGE, REFRESH_USAGE, REPLAY_USAGE, REPORT_USAGE, RUN_USAGE, SQL_USAGE } from './command-usage.js';

export type CommandMain = (args: string[]) => Promise<number>;

export interface CommandEntry {
  readonly summary: string;
  /** The command's usage and options. */
  usage(): Promise<string>;
  /** The command itself. */
  load(): Promise<CommandMain>;
}

const text = (usage: string) => (): Promise<string> => Promise.resolve(usage);

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  run: {
    summary: 'run the local twin end to end (try: streamflow run --events 20000 --dirty-rate 0.05)',
    usage: text(RUN_USAGE),
    load: async () => (await import('../commands/run.js')).runCommand,
  },
  load: {
    summary: 'load pending gold / reference files into the local warehouse',
    usage: text(LOAD_USAGE),
    load: async () => (await import('../commands/load.js')).loadCommand,
  },
  refresh: {
    summary: 'refresh Silver and Gold and run the data quality checks',
    usage: text(REFRESH_USAGE),
    load: async () => (await import('../commands/refresh.js')).refreshCommand,
  },
  report: {
    summary: 'reconcile the ledger from landing to Gold',
    usage: text(REPORT_USAGE),
    load: async () => (await import('../commands/report.js')).reportCommand,
  },
  replay: {
    summary: 're-deliver on-failure batches; derive gold and quarantine again from landing',
    usage: text(REPLAY_USAGE),
    load: async () => (await import('../commands/replay.js')).replayCommand,
  },
  dashboard: {
    summary: 'write the HTML dashboard from the Gold measure views',
    usage: text(DASHBOARD_USAGE),
    load: async () => (await import('../commands/dashboard.js')).dashboardCommand,
  },
  docs: {
    summary: "write the models' catalog and lineage page",
    usage: text(DOCS_USAGE),
    load: async () => (await import('../commands/docs.js')).docsCommand,
  },
  produce: {
    summary: 'publish generated events to Amazon MSK (or a local Kafka with --brokers)',
    usage: text(PRODUCE_USAGE),
    load: async () => (await import('../commands/produce.js')).produceCommand,
  },
  sql: {
    summary: 'deploy the Snowflake DDL, streams and tasks; render what each model becomes',
    usage: text(SQL_USAGE),
    load: async () => (await import('../commands/sql.js')).sqlCommand,
  },
};

const COLUMN = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;

/** `streamflow --help`: the commands, one line each. */
export const COMMAND_LIST = `Usage: streamflow <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(COLUMN)}${summary}`)
  .join('\n')}
  ${'help'.padEnd(COLUMN)}show this list; streamflow help <command> (or <command> --help) shows its options`;
