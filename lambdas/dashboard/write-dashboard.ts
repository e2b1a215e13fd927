/**
 * `streamflow dashboard` (and the end of `streamflow run`): reads the views, builds the pages and
 * writes `DIR/dashboard/index.html`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { LedgerReport } from '../warehouse/ledger-report.js';
import { loadDashboardData } from './dashboard-data.js';
import { echartsSource } from './echarts-source.js';
import { buildPages } from './pages/index.js';
import { renderDashboard } from './render-dashboard.js';

export interface WriteDashboardOptions {
  /** A warehouse where the task graph has run (the views exist). */
  readonly warehouse: Warehouse;
  /**
   * The ledger, for the Data Health page, or its promise: the views are read while it is built
   * (its count of the bucket's files runs on the main thread and zlib's pool, the views' queries
   * on DuckDB's threads).
   */
  readonly report: LedgerReport | Promise<LedgerReport>;
  readonly outDir: string;
  readonly now?: Date;
}

/** Writes the dashboard; resolves to the path of its index.html. */
export const writeDashboard = async (options: WriteDashboardOptions): Promise<string> => {
  const [data, echarts, report] = await Promise.all([loadDashboardData(options.warehouse), echartsSource(), options.report]);
  const html = renderDashboard({
    pages: buildPages(data, report),
    subtitle: data.asOfDate ? `data from ${data.firstDay ?? '?'} to ${data.asOfDate}` : 'no data yet: run `streamflow run`',
    generatedAt: options.now ?? new Date(),
    echarts,
  });
  const dir = join(options.outDir, 'dashboard');
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'index.html');
  await writeFile(path, html);
  return path;
};
