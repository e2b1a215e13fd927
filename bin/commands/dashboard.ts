/** `streamflow dashboard`: the measure views as a self-contained HTML dashboard. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { generateDashboard } from '../../lambdas/local/dashboard-stage.js';
import { UsageError } from '../cli/flags.js';
import { displayPath } from '../cli/run-summary.js';

export const DASHBOARD_USAGE = `streamflow dashboard [--out DIR]
  Writes DIR/dashboard/index.html (default DIR .streamflow) from the Gold measure views of
  DIR/warehouse.duckdb: Executive Summary, User Engagement, Sales Performance, Product Analytics,
  Funnel, Customers and Data Health. One self-contained file: open it from disk, offline.`;

export const dashboardCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
  const outDir = resolve(values.out ?? '.streamflow');
  const warehouseFile = join(outDir, 'warehouse.duckdb');
  if (!existsSync(warehouseFile)) throw new UsageError(`no warehouse at ${warehouseFile}: run \`streamflow run --out ${values.out ?? '.streamflow'}\` first`);
  const path = await generateDashboard({ store: new FolderObjectStore(outDir), warehouseFile, outDir });
  console.log(`dashboard: ${displayPath(path)}`);
  return 0;
};
