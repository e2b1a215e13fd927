/** `streamflow sql deploy | render`: the Snowflake DDL, streams and tasks, and what each model becomes. */
import { parseArgs } from 'node:util';
import { createSnowflakeWarehouse } from '../../lambdas/shared/adapters/snowflake-warehouse.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { describeMaterialization, renderModels } from '../../lambdas/warehouse/model-rendering.js';
import {
  DEFAULT_DEPLOY_VARIABLES,
  applyDeployPlan,
  snowflakeDeployPlan,
  type DeployScript,
  type DeployVariables,
} from '../../lambdas/warehouse/snowflake-deploy.js';
import { shareWithScript } from '../../lambdas/warehouse/secure-share.js';
import { UsageError } from '../cli/flags.js';
import { missingSnowflakeEnv, snowflakeEnv } from '../cli/snowflake-env.js';

const deployVariables = (values: Record<string, string | boolean | string[] | undefined>): DeployVariables => {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  return {
    database: text('database') ?? (process.env.SNOWFLAKE_DATABASE || DEFAULT_DEPLOY_VARIABLES.database),
    warehouse: text('warehouse') ?? (process.env.SNOWFLAKE_WAREHOUSE || DEFAULT_DEPLOY_VARIABLES.warehouse),
    loader_role: text('loader-role') ?? DEFAULT_DEPLOY_VARIABLES.loader_role,
    reader_role: text('reader-role') ?? DEFAULT_DEPLOY_VARIABLES.reader_role,
  };
};

/** The plan as a script one can paste into a worksheet: a header per file, each statement ended by `;`. */
export const formatPlan = (plan: readonly DeployScript[]): string =>
  plan.map((script) => [`-- ${script.name}`, ...script.statements.map((statement) => `${statement};\n`)].join('\n')).join('\n');

const deploy = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean' },
      database: { type: 'string' },
      warehouse: { type: 'string' },
      'loader-role': { type: 'string' },
      'reader-role': { type: 'string' },
      'task-compute': { type: 'string' },
      'share-with': { type: 'string', multiple: true },
    },
    strict: true,
  });
  const taskCompute = values['task-compute'] ?? 'warehouse';
  if (taskCompute !== 'warehouse' && taskCompute !== 'serverless') {
    throw new UsageError(`--task-compute must be warehouse or serverless, got "${taskCompute}"`);
  }
  const variables = deployVariables(values);
  // Credentials are checked before the plan is built: a missing one is the likelier mistake.
  const missing = values['dry-run'] ? [] : missingSnowflakeEnv();
  if (missing.length > 0) {
    throw new UsageError(`sql deploy needs ${missing.join(', ')} in the environment (see sql/README.md); --dry-run prints the statements without connecting`);
  }
  const connection = values['dry-run'] ? undefined : snowflakeEnv(variables);
  let plan: DeployScript[];
  try {
    plan = await snowflakeDeployPlan({ variables, taskCompute });
  } catch (error) {
    if (/deploy variable/i.test((error as Error).message)) throw new UsageError((error as Error).message);
    throw error;
  }
  const consumers = (values['share-with'] ?? []).flatMap((value) => value.split(',')).map((account) => account.trim());
  if (consumers.length > 0) {
    try {
      plan = [...plan, shareWithScript(variables.database, consumers)];
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (!connection) {
    console.log(formatPlan(plan));
    return 0;
  }

  const warehouse = createSnowflakeWarehouse({ ...connection, queryTag: 'streamflow-deploy', logger, loadTables: [] });
  try {
    let current = '';
    await applyDeployPlan(warehouse, plan, (script, statement) => {
      if (script !== current) process.stderr.write(`deploy: ${(current = script)}\n`);
      // The plan has no ALTER TABLE of its own: these are the schema migration's added columns.
      if (/^alter table \S+ add column /.test(statement)) process.stderr.write(`deploy: migrated: ${statement}\n`);
    });
  } finally {
    await warehouse.close();
  }
  const statements = plan.reduce((sum, script) => sum + script.statements.length, 0);
  console.log(`deployed ${statements} statements from ${plan.length} scripts into ${variables.database}; tasks resumed`);
  return 0;
};

const render = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { dialect: { type: 'string' }, model: { type: 'string' } }, strict: true });
  const dialect = values.dialect ?? 'snowflake';
  if (dialect !== 'snowflake' && dialect !== 'duckdb') throw new UsageError(`--dialect must be snowflake or duckdb, got "${dialect}"`);
  const renderings = await renderModels(dialect);
  const wanted = values.model;
  const chosen = wanted === undefined ? renderings : renderings.filter((r) => r.model === wanted || r.model.endsWith(`/${wanted}`));
  if (chosen.length === 0) throw new UsageError(`--model ${wanted}: no such model; models are ${renderings.map((r) => r.model).join(', ')}`);
  const createdBy = dialect === 'snowflake' ? 'created by `streamflow sql deploy`' : 'created by the first `streamflow refresh`';
  for (const rendering of chosen) {
    const refreshedBy = dialect === 'snowflake' ? `run by task ${rendering.task}` : `run by \`streamflow refresh\` (${rendering.task})`;
    console.log(`-- ${rendering.model}: ${describeMaterialization(rendering.materialization)}`);
    console.log(`-- ${createdBy}:`);
    console.log(rendering.create.length > 0 ? rendering.create.map((s) => `${s};`).join('\n') : '-- (nothing: its refresh creates it)');
    console.log(`-- ${refreshedBy}:`);
    console.log(rendering.refresh.length > 0 ? rendering.refresh.map((s) => `${s};`).join('\n') : '-- (nothing: a view is always current)');
    console.log('');
  }
  return 0;
};

/** `streamflow sql <deploy|render> ...`: exit code 0 on success; usage errors throw {@link UsageError}. */
export const sqlCommand = async (args: string[]): Promise<number> => {
  const [sub, ...rest] = args;
  if (sub === 'deploy') return deploy(rest);
  if (sub === 'render') return render(rest);
  throw new UsageError(sub === undefined ? 'sql needs a subcommand: deploy or render' : `unknown sql subcommand "${sub}" (deploy or render)`);
};
