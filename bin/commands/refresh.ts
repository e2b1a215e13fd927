/** `streamflow refresh`: the task graph (refresh_silver → refresh_gold → dq_checks) on DuckDB. */
import { join } from 'node:path';
import { refreshWarehouse } from '../../lambdas/local/warehouse-stage.js';
import type { RefreshFlags } from '../flags/refresh.js';

export const refreshCommand = async ({ outDir, full, json }: RefreshFlags): Promise<number> => {
  const run = await refreshWarehouse({
    warehouseFile: join(outDir, 'warehouse.duckdb'),
    fullRefresh: full,
    onProgress: (task) => process.stderr.write(`refresh: ${task}\n`),
  });
  if (json) {
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
