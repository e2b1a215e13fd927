/** `streamflow dashboard`: the measure views as a self-contained HTML dashboard. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { generateDashboard } from '../../lambdas/local/dashboard-stage.js';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';
import { UsageError } from '../cli/flags.js';
import { displayPath } from '../cli/run-summary.js';
import { serveFolder } from '../cli/serve-folder.js';
import { takeServeFlag } from '../cli/serve-flag.js';
import { DEFAULT_SERVE_PORT } from '../../lambdas/local/live-server.js';

export const DASHBOARD_USAGE = `streamflow dashboard [--out DIR] [--serve [PORT]]
  Writes DIR/dashboard/index.html (default DIR .streamflow) from the Gold measure views of
  DIR/warehouse.duckdb: Executive Summary, User Engagement, Sales Performance, Product Analytics,
  Funnel, Customers and Data Health. One self-contained file: open it from disk, offline.
  --serve [PORT] also serves it on 127.0.0.1:PORT (default ${DEFAULT_SERVE_PORT}) until Ctrl-C, re-reading the
  warehouse when it changes (e.g. after streamflow refresh) and updating the page in place.`;

export const dashboardCommand = async (commandArgs: string[]): Promise<number> => {
  const { args, port } = takeServeFlag(commandArgs);
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
  const outDir = resolve(values.out ?? '.streamflow');
  requireRunOutDir(outDir, values.out ?? '.streamflow');
  const warehouseFile = join(outDir, 'warehouse.duckdb');
  if (!existsSync(warehouseFile)) throw new UsageError(`no warehouse at ${warehouseFile}: run \`streamflow run --out ${values.out ?? '.streamflow'}\` first`);
  const path = await generateDashboard({ store: new FolderObjectStore(outDir), warehouseFile, outDir });
  console.log(`dashboard: ${displayPath(path)}`);
  if (port !== undefined) await serveFolder({ store: new FolderObjectStore(outDir), warehouseFile, port });
  return 0;
};
