/** `streamflow report`: the ledger from landing to Gold, and the latest data quality results. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { brokerSourceOffsets, recordedStarts } from '../../lambdas/local/broker-source-offsets.js';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';
import { readSourceOffsets } from '../../lambdas/shared/source-offsets.js';
import { UsageError, brokersFlag } from '../cli/flags.js';
import { ledgerReport } from '../../lambdas/local/warehouse-stage.js';
import { formatLedgerReport } from '../../lambdas/warehouse/ledger-report.js';

export const reportCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, json: { type: 'boolean' }, brokers: { type: 'string' }, group: { type: 'string' } },
    strict: true,
  });
  if (values.group !== undefined && values.brokers === undefined) throw new UsageError('--group needs --brokers');
  const brokers = values.brokers === undefined ? undefined : brokersFlag(values.brokers);
  const outDir = resolve(values.out ?? '.streamflow');
  requireRunOutDir(outDir, values.out ?? '.streamflow');
  const store = new FolderObjectStore(outDir);
  // With --brokers, "in" is what the broker holds now, from where this folder's consumer began
  // (recorded by the run), with the group's committed offsets beside it.
  const source = brokers && (await brokerSourceOffsets(brokers, values.group, recordedStarts(await readSourceOffsets(store))));
  const report = await ledgerReport({ store, warehouseFile: join(outDir, 'warehouse.duckdb'), ...(source ? { source } : {}) });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatLedgerReport(report));
  return report.lost === 0 && report.pending === 0 && report.lostInWarehouse === 0 ? 0 : 1;
};
