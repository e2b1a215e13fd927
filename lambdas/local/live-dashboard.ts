/**
 * The served dashboard's state: the pages as last read from the warehouse (plus the Operations
 * page of a live run), versioned so the page only redraws when something moved. Reading the
 * warehouse happens here, between the run's load/refresh cycles, never inside a request: DuckDB
 * has one writer, and the page must not slow the pipeline down.
 */
import { chartOptionsOf, headerMeta, renderNav, renderPageBlocks, renderSections } from '../dashboard/render-dashboard.js';
import { loadDashboardData } from '../dashboard/dashboard-data.js';
import type { DashboardPage } from '../dashboard/page-model.js';
import { buildPages } from '../dashboard/pages/index.js';
import { operationsPage } from '../dashboard/pages/operations.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { buildLedgerReport } from '../warehouse/ledger-report.js';
import type { OperationsSnapshot } from './live-metrics.js';

export interface LiveDocument {
  readonly version: number;
  readonly pages: readonly DashboardPage[];
  readonly subtitle: string;
  readonly generatedAt: Date;
}

/**
 * What `/live.json` answers: each page's blocks as HTML, every chart's options, and the whole
 * navigation and page sections for a page opened before the pages existed (or when they change).
 */
export const liveUpdateOf = (document: LiveDocument) => ({
  version: document.version,
  meta: headerMeta(document),
  pages: document.pages.map((page) => ({ id: page.id, html: renderPageBlocks(page) })),
  nav: renderNav(document.pages),
  sections: renderSections(document.pages),
  chartOptions: chartOptionsOf(document.pages),
});

export interface WarehouseView {
  readonly data: Awaited<ReturnType<typeof loadDashboardData>>;
  readonly report: Awaited<ReturnType<typeof buildLedgerReport>>;
}

/** Reads what the pages show from the warehouse (views must exist: after a first refresh). */
export const readWarehouseView = async (store: ObjectStore, warehouse: Warehouse): Promise<WarehouseView> => ({
  data: await loadDashboardData(warehouse),
  report: await buildLedgerReport(store, warehouse),
});

/** Holds the latest pages; `current()` is what the server sends. */
export class LiveDashboard {
  private view: WarehouseView | undefined;
  private operations: OperationsSnapshot | undefined;
  private document: LiveDocument = { version: 0, pages: [], subtitle: 'waiting for the first load/refresh cycle', generatedAt: new Date() };

  /** After a load/refresh cycle: the warehouse's numbers. */
  setWarehouse(view: WarehouseView): void {
    this.view = view;
    this.rebuild();
  }

  /** After delivery rounds: the run's metrics (the Operations page). */
  setOperations(operations: OperationsSnapshot): void {
    this.operations = operations;
    this.rebuild();
  }

  current(): LiveDocument {
    return this.document;
  }

  private rebuild(): void {
    if (!this.view) {
      // Before the first cycle has built the views, the run itself is already worth watching.
      if (this.operations) this.document = { ...this.document, version: this.document.version + 1, pages: [operationsPage(this.operations)], generatedAt: new Date() };
      return;
    }
    const { data, report } = this.view;
    this.document = {
      version: this.document.version + 1,
      pages: buildPages(data, report, { ...(this.operations ? { operations: this.operations } : {}) }),
      subtitle: data.asOfDate ? `data from ${data.firstDay ?? '?'} to ${data.asOfDate}` : 'no data yet',
      generatedAt: new Date(),
    };
  }
}
