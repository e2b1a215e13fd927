/**
 * What a dashboard page is made of, before it becomes HTML: KPI cards, charts (ECharts options
 * whose data are the measure views' rows as returned) and tables. Each block names the view it
 * reads, so a reader can find the definition behind every number.
 */
import type { EChartsOption } from 'echarts';
import type { WarehouseValue } from '../shared/ports/warehouse.js';

/** How a number is shown: the page (format.ts) and the browser (client-script.ts) agree on these. */
export type ValueFormat = 'currency' | 'count' | 'percent' | 'change' | 'decimal' | 'text';

export interface KpiCard {
  readonly label: string;
  /** `view.column` the value comes from, e.g. `gold.measure_total_revenue.total_revenue`. */
  readonly source: string;
  /** The row the value is read from (a reporting period, a day or a month). */
  readonly row: string;
  readonly value: number | null;
  readonly format: ValueFormat;
  /** What the value covers, e.g. "Last 30 days". */
  readonly caption: string;
  /** The comparison the view computed: its label, the value compared with and the relative change. */
  readonly comparison?: { readonly label: string; readonly value: number | null; readonly change: number | null };
  readonly footnote?: string;
  /** Chart id of the card's sparkline. */
  readonly sparkline?: { readonly id: string; readonly option: EChartsOption };
}

export interface ChartSpec {
  /** Unique on the dashboard; the element's `data-chart`. */
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly option: EChartsOption;
  /** Spans the whole row. */
  readonly wide?: boolean;
}

export interface TableColumn {
  readonly label: string;
  readonly format: ValueFormat;
}

export interface TableSpec {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly WarehouseValue[])[];
  /** Shown instead of an empty table. */
  readonly empty: string;
  readonly wide?: boolean;
}

export type Block =
  | { readonly kind: 'kpis'; readonly cards: readonly KpiCard[] }
  | { readonly kind: 'chart'; readonly chart: ChartSpec }
  | { readonly kind: 'table'; readonly table: TableSpec }
  | { readonly kind: 'note'; readonly tone: 'ok' | 'alert'; readonly text: string };

export interface DashboardPage {
  /** The page's URL fragment (`#sales-performance`). */
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly blocks: readonly Block[];
}
