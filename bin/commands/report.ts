/** `streamflow report`: the ledger from landing to Gold, and the latest data quality results. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';
import { ledgerReport } from '../../lambdas/local/warehouse-stage.js';
import { formatLedgerReport } from '../../lambdas/warehouse/ledger-report.js';

export const REPORT_USAGE = `streamflow report [--out DIR] [--json]
  Reconciles the produced offsets (recorded by the run) → landing + pending on-failure records →
  gold + quarantine → Bronze → Silver → Gold for DIR (default .streamflow) and says in one line
  whether anything was lost. Exits 1 when something was, or is still pending replay.`;

export const reportCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  const outDir = resolve(values.out ?? '.streamflow');
  requireRunOutDir(outDir, values.out ?? '.streamflow');
  const report = await ledgerReport({ store: new FolderObjectStore(outDir), warehouseFile: join(outDir, 'warehouse.duckdb') });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatLedgerReport(report));
  return report.lost === 0 && report.pending === 0 && report.lostInWarehouse === 0 ? 0 : 1;
};
