/** `streamflow sql deploy | render`: the Snowflake DDL, streams and tasks, and what each model becomes. */
import { createSnowflakeWarehouse } from '../../lambdas/shared/adapters/snowflake-warehouse.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { describeMaterialization, renderModels } from '../../lambdas/warehouse/model-rendering.js';
import { applyDeployPlan, snowflakeDeployPlan, type DeployScript } from '../../lambdas/warehouse/snowflake-deploy.js';
import { UsageError } from '../cli/flags.js';
import { missingSnowflakeEnv, snowflakeEnv } from '../cli/snowflake-env.js';
import type { SqlFlags } from '../flags/sql.js';

/** The plan as a script one can paste into a worksheet: a header per file, each statement ended by `;`. */
export const formatPlan = (plan: readonly DeployScript[]): string =>
  plan.map((script) => [`-- ${script.name}`, ...script.statements.map((statement) => `${statement};\n`)].join('\n')).join('\n');

const deploy = async ({ dryRun, variables, taskCompute, loadMode, shareWith }: Extract<SqlFlags, { subcommand: 'deploy' }>): Promise<number> => {
  // Credentials are checked before the plan is built: a missing one is the likelier mistake.
  const missing = dryRun ? [] : missingSnowflakeEnv();
  if (missing.length > 0) {
    throw new UsageError(`sql deploy needs ${missing.join(', ')} in the environment (see sql/README.md); --dry-run prints the statements without connecting`);
  }
  const connection = dryRun ? undefined : snowflakeEnv(variables);
  let plan: DeployScript[];
  try {
    plan = await snowflakeDeployPlan({ variables, loadMode, ...(taskCompute ? { taskCompute } : {}) });
  } catch (error) {
    if (/deploy variable/i.test((error as Error).message)) throw new UsageError((error as Error).message);
    throw error;
  }
  if (shareWith) plan = [...plan, shareWith];
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

const render = async ({ dialect, model: wanted }: Extract<SqlFlags, { subcommand: 'render' }>): Promise<number> => {
  const renderings = await renderModels(dialect);
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
export const sqlCommand = async (flags: SqlFlags): Promise<number> => (flags.subcommand === 'deploy' ? deploy(flags) : render(flags));
