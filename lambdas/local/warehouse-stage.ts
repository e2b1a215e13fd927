/**
 * The warehouse half of the local twin, for the CLI: load the bucket's gold and reference files
 * into DuckDB with the loader Lambda's own handler (as a schedule tick would), run the task graph
 * (refresh_silver → refresh_gold → dq_checks), and reconcile the ledger. `load`, `refresh` and
 * `report` open the warehouse file, do their job and close it, so each also runs alone;
 * {@link loadAndRefresh} works on a warehouse its caller holds open, because `streamflow run` and
 * the live cycles go on to read it: each open re-creates the macros, and each close checkpoints the
 * whole write-ahead log into the file (~1 s at 300k events).
 */
import { DuckDbWarehouse } from '../shared/adapters/duckdb-warehouse.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { SourceOffsets } from '../shared/source-offsets.js';
import { logger, metrics } from '../shared/powertools.js';
import { makeLoaderHandler } from '../loader/make-handler.js';
import { scheduledTick, type LoaderEvent } from '../loader/loader-request.js';
import type { LoaderSummary } from '../loader/run-loader.js';
import { BRONZE_TABLES } from '../shared/contracts/bronze-tables.js';
import type { DataQualityResult } from '../warehouse/dq-checks.js';
import { buildLedgerReport, type LedgerReport } from '../warehouse/ledger-report.js';
import { prepareWarehouse } from '../warehouse/prepare-warehouse.js';
import { runTaskGraph, runTriggeredTaskGraph, type StepRun, type TaskGraphRun } from '../warehouse/run-task-graph.js';
import { trainChurnModel, type TrainingOutcome } from '../churn/train-churn-model.js';
import { CheckWorkers } from './check-workers.js';
import { localLambdaContext } from './lambda-context.js';

/** What is happening now, for a progress line. */
export type WarehouseStage = 'load' | 'refresh_silver' | 'refresh_gold' | 'dq_checks' | 'train_churn';

export interface WarehouseStageOptions {
  readonly store: ObjectStore;
  /** `DIR/warehouse.duckdb`; created when missing. */
  readonly warehouseFile: string;
  readonly onProgress?: (stage: WarehouseStage) => void;
}

export interface LoadOptions extends WarehouseStageOptions {
  /** The loader's input; a schedule tick (load everything pending) when omitted. */
  readonly event?: LoaderEvent;
}

export interface LoadAndRefreshOptions {
  readonly store: ObjectStore;
  /** Open and prepared, as {@link withWarehouse} hands it over; left open. */
  readonly warehouse: Warehouse;
  readonly onProgress?: (stage: WarehouseStage) => void;
  /** Called between the load and the refresh (`streamflow run` collects the load's garbage there, collect-garbage.ts). */
  readonly afterLoad?: () => void;
}

export interface RefreshOptions {
  readonly warehouseFile: string;
  /** Drop the Silver and Gold tables and rebuild them from Bronze. */
  readonly fullRefresh?: boolean;
  readonly onProgress?: (stage: WarehouseStage) => void;
}

export interface WarehouseStageSummary {
  readonly files: {
    readonly loaded: number;
    readonly skipped: number;
    readonly failed: number;
    readonly rejected: readonly { key: string; error: string }[];
  };
  /** Rows loaded by this run, per Bronze table. */
  readonly rowsLoaded: Record<string, number>;
  /** Rows now in each Bronze table. */
  readonly bronzeRows: Record<string, number>;
  /**
   * The streams that triggered the refresh: as in Snowflake, the graph runs only when one of its
   * streams has data (a load added rows, or a failed run left some); empty when it did not run.
   */
  readonly triggeredBy: readonly string[];
  /** Rows now in each Silver and Gold table, with what the refresh changed (none when it did not run). */
  readonly steps: readonly StepRun[];
  readonly dq: readonly DataQualityResult[];
  /** Whether the churn model was re-trained after the refresh, with its holdout figures. */
  readonly churn?: TrainingOutcome;
  readonly timings: { readonly loadMs: number; readonly tasks: Record<string, number>; readonly totalMs: number };
}

/** Opens the warehouse, makes sure Bronze and the control tables exist, runs `work`, closes it. */
export const withWarehouse = async <T>(warehouseFile: string, work: (warehouse: Warehouse) => Promise<T>): Promise<T> => {
  const warehouse = await DuckDbWarehouse.open(warehouseFile);
  try {
    await prepareWarehouse(warehouse);
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
};

/** One loader invocation, its files checked on worker threads (check-workers.ts) that end with it. */
const invokeLoader = async (store: ObjectStore, warehouse: Warehouse, event: LoaderEvent): Promise<LoaderSummary> => {
  const checker = new CheckWorkers();
  try {
    return await makeLoaderHandler({ store, warehouse, logger, metrics, checker })(event, localLambdaContext('streamflow-loader'));
  } finally {
    await checker.close();
  }
};

/** `streamflow load`: loads pending files (or what `event` asks for) into Bronze. */
export const loadFiles = (options: LoadOptions): Promise<LoaderSummary> =>
  withWarehouse(options.warehouseFile, (warehouse) => {
    options.onProgress?.('load');
    return invokeLoader(options.store, warehouse, options.event ?? scheduledTick());
  });

/**
 * After the task graph: re-train the churn model on the refreshed features, as the loader's
 * scheduled tick does in AWS (lambdas/churn/train-churn-model.ts); gold.churn_predictions, a view,
 * scores with it at once.
 */
const trainAfterRefresh = (warehouse: Warehouse, onProgress?: (stage: WarehouseStage) => void): Promise<TrainingOutcome> => {
  onProgress?.('train_churn');
  return trainChurnModel(warehouse);
};

/** `streamflow refresh`: runs the task graph once, then re-trains the churn model. */
export const refreshWarehouse = (options: RefreshOptions): Promise<TaskGraphRun> =>
  withWarehouse(options.warehouseFile, async (warehouse) => {
    const run = await runTaskGraph(warehouse, { fullRefresh: options.fullRefresh ?? false, onTask: (task) => options.onProgress?.(task as WarehouseStage) });
    await trainAfterRefresh(warehouse, options.onProgress);
    return run;
  });

/** `streamflow report`: the ledger from landing to Gold, with the latest data quality results. */
export const ledgerReport = (options: { readonly store: ObjectStore; readonly warehouseFile: string; readonly source?: SourceOffsets }): Promise<LedgerReport> =>
  withWarehouse(options.warehouseFile, (warehouse) => buildLedgerReport(options.store, warehouse, options.source ? { source: options.source } : {}));

/**
 * `streamflow run`, after ingestion: load everything pending, as a schedule tick would, then
 * refresh and check when a stream has data, as the triggered tasks would (never on a timer).
 */
export const loadAndRefresh = async ({ store, warehouse, onProgress, afterLoad }: LoadAndRefreshOptions): Promise<WarehouseStageSummary> => {
  const started = performance.now();
  onProgress?.('load');
  const load = await invokeLoader(store, warehouse, scheduledTick());
  const loadMs = Math.round(performance.now() - started);
  afterLoad?.();
  const { triggeredBy, run: graph } = await runTriggeredTaskGraph(warehouse, { onTask: (task) => onProgress?.(task as WarehouseStage) });
  const churn = await trainAfterRefresh(warehouse, onProgress);

  const bronzeRows: Record<string, number> = {};
  for (const { table } of BRONZE_TABLES) {
    const [row] = await warehouse.query<{ rows: number }>(`select count(*) as rows from ${table.schema}.${table.name}`);
    bronzeRows[`${table.schema}.${table.name}`] = row?.rows ?? 0;
  }
  return {
    files: {
      loaded: load.loaded,
      skipped: load.skipped,
      failed: load.failed,
      rejected: load.files.flatMap((file) => (file.status === 'failed' ? [{ key: file.key, error: file.error }] : [])),
    },
    rowsLoaded: load.rowsLoaded,
    bronzeRows,
    triggeredBy,
    steps: graph?.steps ?? [],
    dq: graph?.checks ?? [],
    churn,
    timings: {
      loadMs,
      tasks: Object.fromEntries((graph?.tasks ?? []).map((task) => [task.task, task.ms])),
      totalMs: Math.round(performance.now() - started),
    },
  };
};
