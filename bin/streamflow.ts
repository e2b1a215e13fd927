/** The `streamflow` command line: the user's interface to the local twin (and, later, to AWS). */
import { OutDirError } from '../lambdas/local/out-dir.js';
import { COMMANDS, COMMAND_LIST, type CommandEntry } from './cli/commands.js';
import { UsageError } from './cli/usage-error.js';

const HELP_FLAGS = ['--help', '-h'];

const commandNamed = (name: string): CommandEntry => {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) throw new UsageError(`unknown command "${name}"`);
  return entry;
};

const main = async (argv: string[]): Promise<number> => {
  const [command, ...args] = argv;
  if (command === undefined || HELP_FLAGS.includes(command) || (command === 'help' && args.length === 0)) {
    console.log(COMMAND_LIST);
    return 0;
  }
  if (command === 'help') {
    console.log(commandNamed(args[0]!).usage);
    return 0;
  }
  const entry = commandNamed(command);
  if (args.some((arg) => HELP_FLAGS.includes(arg))) {
    console.log(entry.usage);
    return 0;
  }
  return entry.run(args);
};

const [command] = process.argv.slice(2);
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const isUsage = error instanceof UsageError || error instanceof OutDirError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`streamflow: ${(error as Error).message}`);
  if (isUsage) {
    const known = command !== undefined && Object.hasOwn(COMMANDS, command);
    console.error(known ? `Run \`streamflow ${command} --help\` for its options.` : 'Run `streamflow help` for the commands.');
  } else if (process.env.STREAMFLOW_DEBUG) console.error(error);
  else console.error('Set STREAMFLOW_DEBUG=1 for the stack trace.');
  process.exitCode = isUsage ? 2 : 1;
  // A failed command ends here: what it leaves running (snowflake-sdk still retrying a login that
  // timed out; it queues a destroy behind the login) must not hold the process.
  process.exit();
}
