/** `streamflow report`: the ledger from landing to Gold, and the latest data quality results. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';
import { ledgerReport } from '../../lambdas/local/warehouse-stage.js';
import { formatLedgerReport } from '../../lambdas/warehouse/ledger-report.js';

export const reportCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  const outDir = resolve(values.out ?? '.streamflow');
  requireRunOutDir(outDir, values.out ?? '.streamflow');
  const report = await ledgerReport({ store: new FolderObjectStore(outDir), warehouseFile: join(outDir, 'warehouse.duckdb') });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatLedgerReport(report));
  return report.lost === 0 && report.pending === 0 && report.lostInWarehouse === 0 ? 0 : 1;
};
