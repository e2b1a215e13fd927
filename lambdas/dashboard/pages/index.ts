/** The dashboard's pages, in navigation order. */
import type { OperationsSnapshot } from '../operations-model.js';
import type { LedgerReport } from '../../warehouse/ledger-report.js';
import type { DashboardData } from '../dashboard-data.js';
import type { DashboardPage } from '../page-model.js';
import { customersPage } from './customers.js';
import { dataHealthPage } from './data-health.js';
import { executiveSummaryPage } from './executive-summary.js';
import { funnelPage } from './funnel.js';
import { operationsPage } from './operations.js';
import { productAnalyticsPage } from './product-analytics.js';
import { salesPerformancePage } from './sales-performance.js';
import { userEngagementPage } from './user-engagement.js';

/** `live`: the page is served (`--serve`), so it gets the Operations page, with the live run's metrics when there is one. */
export const buildPages = (data: DashboardData, report: LedgerReport, live?: { readonly operations?: OperationsSnapshot }): DashboardPage[] => [
  executiveSummaryPage(data),
  userEngagementPage(data),
  salesPerformancePage(data),
  productAnalyticsPage(data),
  funnelPage(data),
  customersPage(data),
  dataHealthPage(data, report),
  ...(live ? [operationsPage(live.operations)] : []),
];
