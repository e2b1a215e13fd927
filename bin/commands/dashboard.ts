/** `streamflow dashboard`: the measure views as a self-contained HTML dashboard. */
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { generateDashboard } from '../../lambdas/local/dashboard-stage.js';
import { withWarehouse } from '../../lambdas/local/warehouse-stage.js';
import { displayPath } from '../cli/run-summary.js';
import { serveFolder } from '../cli/serve-folder.js';
import type { DashboardFlags } from '../flags/dashboard.js';

export const dashboardCommand = async ({ outDir, warehouseFile, port }: DashboardFlags): Promise<number> => {
  const store = new FolderObjectStore(outDir);
  const path = await withWarehouse(warehouseFile, (warehouse) => generateDashboard({ store, warehouse, outDir }));
  console.log(`dashboard: ${displayPath(path)}`);
  if (port !== undefined) await serveFolder({ store, warehouseFile, port });
  return 0;
};
