/**
 * The dashboard half of the local twin, for the CLI: on the run's open warehouse, reconcile the
 * ledger unless the caller is already building it (`streamflow run` is), and write the dashboard
 * while it is built.
 */
import type { ObjectStore } from '../shared/ports/object-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { writeDashboard } from '../dashboard/write-dashboard.js';
import { buildLedgerReport, type LedgerReport } from '../warehouse/ledger-report.js';

export interface DashboardStageOptions {
  readonly store: ObjectStore;
  /** Open and prepared (lambdas/local/warehouse-stage.ts `withWarehouse`); left open. */
  readonly warehouse: Warehouse;
  readonly outDir: string;
  /** The ledger the caller is building (or has built). */
  readonly report?: Promise<LedgerReport>;
}

const assertViewsExist = async (warehouse: Warehouse): Promise<void> => {
  const rows = await warehouse.query<{ views: number }>(
    `select count(*) as views from information_schema.tables
     where lower(table_schema) = 'gold' and lower(table_name) = 'measure_total_revenue'`,
  );
  if ((rows[0]?.views ?? 0) === 0) {
    throw new Error('the warehouse has no measure views yet: run `streamflow refresh` (with the same --out) to build them');
  }
};

/** Writes `outDir/dashboard/index.html` from the warehouse; resolves to its path. */
export const generateDashboard = async ({ store, warehouse, outDir, report }: DashboardStageOptions): Promise<string> => {
  await assertViewsExist(warehouse);
  return writeDashboard({ warehouse, report: report ?? buildLedgerReport(store, warehouse), outDir });
};
