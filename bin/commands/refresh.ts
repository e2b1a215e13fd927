/** `streamflow refresh`: the task graph (refresh_silver → refresh_gold → dq_checks) on DuckDB. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';
import { refreshWarehouse } from '../../lambdas/local/warehouse-stage.js';

export const refreshCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, full: { type: 'boolean' }, json: { type: 'boolean' } }, strict: true });
  const outDir = resolve(values.out ?? '.streamflow');
  requireRunOutDir(outDir, values.out ?? '.streamflow');
  const run = await refreshWarehouse({
    warehouseFile: join(outDir, 'warehouse.duckdb'),
    fullRefresh: values.full ?? false,
    onProgress: (task) => process.stderr.write(`refresh: ${task}\n`),
  });
  if (values.json) {
    console.log(JSON.stringify(run, null, 2));
    return 0;
  }
  for (const step of run.steps) {
    console.log(`  ${step.model.padEnd(40)} ${step.materialization.padEnd(12)} ${step.rowsChanged.toLocaleString('en-US').padStart(9)} changed ${step.rows === undefined ? '' : `${step.rows.toLocaleString('en-US').padStart(9)} rows`}`);
  }
  const failing = run.checks.filter((check) => check.violations > 0);
  console.log(`data quality: ${run.checks.length} checks, ${failing.length} with violations`);
  for (const check of failing) console.log(`  ${check.name.padEnd(44)} ${check.violations.toLocaleString('en-US').padStart(7)}  ${check.severity}`);
  return failing.some((check) => check.severity === 'error') ? 1 : 0;
};
