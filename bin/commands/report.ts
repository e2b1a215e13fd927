/** `streamflow report`: the ledger from landing to Gold, and the latest data quality results. */
import { join } from 'node:path';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { ledgerReport } from '../../lambdas/local/warehouse-stage.js';
import { formatLedgerReport } from '../../lambdas/warehouse/ledger-report.js';
import type { ReportFlags } from '../flags/report.js';

export const reportCommand = async ({ outDir, json }: ReportFlags): Promise<number> => {
  const report = await ledgerReport({ store: new FolderObjectStore(outDir), warehouseFile: join(outDir, 'warehouse.duckdb') });
  console.log(json ? JSON.stringify(report, null, 2) : formatLedgerReport(report));
  return report.lost === 0 && report.pending === 0 && report.lostInWarehouse === 0 ? 0 : 1;
};
