/** `streamflow report`: the ledger from landing to Gold, and the latest data quality results. */
import { join } from 'node:path';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { brokerSourceOffsets, recordedStarts } from '../../lambdas/local/broker-source-offsets.js';
import { readSourceOffsets } from '../../lambdas/shared/source-offsets.js';
import { ledgerReport } from '../../lambdas/local/warehouse-stage.js';
import { formatLedgerReport } from '../../lambdas/warehouse/ledger-report.js';
import type { ReportFlags } from '../flags/report.js';

export const reportCommand = async ({ outDir, brokers, group, json }: ReportFlags): Promise<number> => {
  const store = new FolderObjectStore(outDir);
  // With --brokers, "in" is what the broker holds now, from where this folder's consumer began
  // (recorded by the run), with the group's committed offsets beside it.
  const source = brokers && (await brokerSourceOffsets(brokers, group, recordedStarts(await readSourceOffsets(store))));
  const report = await ledgerReport({ store, warehouseFile: join(outDir, 'warehouse.duckdb'), ...(source ? { source } : {}) });
  console.log(json ? JSON.stringify(report, null, 2) : formatLedgerReport(report));
  return report.nothingLost ? 0 : 1;
};
