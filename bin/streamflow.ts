/** The `streamflow` command line: the user's interface to the local twin (and, later, to AWS). */
import { OutDirError } from '../lambdas/local/out-dir.js';
import { UsageError } from './cli/flags.js';
import { DASHBOARD_USAGE, dashboardCommand } from './commands/dashboard.js';
import { DOCS_USAGE, docsCommand } from './commands/docs.js';
import { LOAD_USAGE, loadCommand } from './commands/load.js';
import { PRODUCE_USAGE, produceCommand } from './commands/produce.js';
import { REFRESH_USAGE, refreshCommand } from './commands/refresh.js';
import { REPLAY_USAGE, replayCommand } from './commands/replay.js';
import { REPORT_USAGE, reportCommand } from './commands/report.js';
import { RUN_USAGE, runCommand } from './commands/run.js';
import { SQL_USAGE, sqlCommand } from './commands/sql.js';

const USAGE = `Usage: streamflow <command> [options]

Commands:
  run       run the local twin end to end (try: streamflow run --events 20000 --dirty-rate 0.05)
  load      load pending gold / reference files into the local warehouse
  refresh   refresh Silver and Gold and run the data quality checks
  report    reconcile the ledger from landing to Gold
  replay    re-deliver on-failure batches; derive gold and quarantine again from landing
  dashboard write the HTML dashboard from the Gold measure views
  docs      write the models' catalog and lineage page
  produce   publish generated events to Amazon MSK
  sql       deploy the Snowflake DDL, streams and tasks; render what each model becomes
  help      show this help

${RUN_USAGE}

${LOAD_USAGE}

${REFRESH_USAGE}

${REPORT_USAGE}

${REPLAY_USAGE}

${DASHBOARD_USAGE}

${DOCS_USAGE}

${PRODUCE_USAGE}

${SQL_USAGE}`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: runCommand,
  load: loadCommand,
  refresh: refreshCommand,
  report: reportCommand,
  replay: replayCommand,
  dashboard: dashboardCommand,
  docs: docsCommand,
  produce: produceCommand,
  sql: sqlCommand,
};

const main = async (argv: string[]): Promise<number> => {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}"`);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  return run(args);
};

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const isUsage = error instanceof UsageError || error instanceof OutDirError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`streamflow: ${(error as Error).message}`);
  if (isUsage) console.error('Run `streamflow help` for the commands and their options.');
  else if (process.env.STREAMFLOW_DEBUG) console.error(error);
  else console.error('Set STREAMFLOW_DEBUG=1 for the stack trace.');
  process.exitCode = isUsage ? 2 : 1;
}
