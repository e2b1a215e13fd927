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
