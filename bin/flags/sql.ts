/** `streamflow sql deploy | render` flags, parsed and checked before the command's dependencies load. */
import { parseArgs } from 'node:util';
import type { DeployScript } from '../../lambdas/warehouse/snowflake-deploy.js';
import { DEFAULT_DEPLOY_VARIABLES, type DeployVariables } from '../../lambdas/warehouse/deploy-variables.js';
import { shareWithScript } from '../../lambdas/warehouse/secure-share.js';
import { isLoadMode, type LoadMode } from '../../lambdas/shared/contracts/load-mode.js';
import { UsageError } from '../cli/flags.js';

export type TaskCompute = 'warehouse' | 'serverless';

export type SqlFlags =
  | {
      readonly subcommand: 'deploy';
      /** Print the statements instead of connecting. */
      readonly dryRun: boolean;
      readonly variables: DeployVariables;
      /** Unset: the load mode's default (serverless in snowpipe mode, else the warehouse). */
      readonly taskCompute: TaskCompute | undefined;
      /** What the loader of the stage being deployed does: must match the stack's `loadMode` (default: the dev preset's, snowpipe). */
      readonly loadMode: LoadMode;
      /** The statement adding `--share-with` accounts (repeated or comma-separated) to the secure share. */
      readonly shareWith: DeployScript | undefined;
    }
  | { readonly subcommand: 'render'; readonly dialect: 'snowflake' | 'duckdb'; readonly model: string | undefined };

const deployFlags = (args: string[]): SqlFlags => {
  const { values } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean' },
      database: { type: 'string' },
      warehouse: { type: 'string' },
      'loader-role': { type: 'string' },
      'reader-role': { type: 'string' },
      'task-compute': { type: 'string' },
      'load-mode': { type: 'string' },
      'share-with': { type: 'string', multiple: true },
    },
    strict: true,
  });
  const taskCompute = values['task-compute'];
  if (taskCompute !== undefined && taskCompute !== 'warehouse' && taskCompute !== 'serverless') {
    throw new UsageError(`--task-compute must be warehouse or serverless, got "${taskCompute}"`);
  }
  const loadMode = values['load-mode'] ?? 'snowpipe';
  if (!isLoadMode(loadMode)) throw new UsageError(`--load-mode must be copy or snowpipe, got "${loadMode}"`);
  const variables = {
    database: values.database ?? (process.env.SNOWFLAKE_DATABASE || DEFAULT_DEPLOY_VARIABLES.database),
    warehouse: values.warehouse ?? (process.env.SNOWFLAKE_WAREHOUSE || DEFAULT_DEPLOY_VARIABLES.warehouse),
    loader_role: values['loader-role'] ?? DEFAULT_DEPLOY_VARIABLES.loader_role,
    reader_role: values['reader-role'] ?? DEFAULT_DEPLOY_VARIABLES.reader_role,
  };
  const accounts = (values['share-with'] ?? []).flatMap((value) => value.split(',')).map((account) => account.trim());
  let shareWith: DeployScript | undefined;
  try {
    shareWith = accounts.length > 0 ? shareWithScript(variables.database, accounts) : undefined;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { subcommand: 'deploy', dryRun: values['dry-run'] ?? false, variables, taskCompute, loadMode, shareWith };
};

const renderFlags = (args: string[]): SqlFlags => {
  const { values } = parseArgs({ args, options: { dialect: { type: 'string' }, model: { type: 'string' } }, strict: true });
  const dialect = values.dialect ?? 'snowflake';
  if (dialect !== 'snowflake' && dialect !== 'duckdb') throw new UsageError(`--dialect must be snowflake or duckdb, got "${dialect}"`);
  return { subcommand: 'render', dialect, model: values.model };
};

export const parseSqlFlags = (args: string[]): SqlFlags => {
  const [subcommand, ...rest] = args;
  if (subcommand === 'deploy') return deployFlags(rest);
  if (subcommand === 'render') return renderFlags(rest);
  throw new UsageError(subcommand === undefined ? 'sql needs a subcommand: deploy or render' : `unknown sql subcommand "${subcommand}" (deploy or render)`);
};
