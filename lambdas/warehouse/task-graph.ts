/**
 * The refresh pipeline, declared once: which model builds which table, how the table is kept up
 * to date, and in what order. The local runner (run-task-graph.ts) executes it against DuckDB
 * after each load; the same declaration renders Snowflake's task bodies, where each incremental
 * step reads a stream on its `changesFrom` table instead of the table itself.
 *
 *   refresh_silver  ->  refresh_gold  ->  dq_checks
 *
 * Only the root is triggered (Snowflake triggers the root of a task graph, children run AFTER
 * it), so the root waits on every stream the graph reads ({@link triggerStreamsOf}).
 */
import type { TableName } from '../shared/ports/warehouse.js';

/** How a model's table is maintained: decided here, outside the model (STYLE.md). */
export type Materialization =
  /** Replaced by the model's result: small dimensions and aggregates, where that is cheap. */
  | { readonly kind: 'rebuild' }
  /**
   * MERGE of the model's rows on `uniqueKey`. `whenMatched: 'keep'` keeps the row already there
   * (events are immutable: the first delivery wins); `'update'` overwrites changed columns
   * (reference data: the latest snapshot wins). `changesFrom` is the upstream table whose new rows
   * drive the step (a stream on it in Snowflake). `latestBy` (with `'update'`) orders versions: a
   * row older by it than the one kept does not overwrite it, since loads may commit out of the order
   * of their load times and a stream hands each one over as it commits.
   */
  | {
      readonly kind: 'merge';
      readonly uniqueKey: readonly string[];
      readonly whenMatched: 'keep' | 'update';
      readonly changesFrom: string;
      readonly latestBy?: string;
    }
  /**
   * Slowly changing dimension, type 2: the model gives the current row per `uniqueKey`; a change in
   * a tracked column closes the current version and opens a new one from `changedAt`; other
   * columns are overwritten in the current version (type 1).
   */
  | {
      readonly kind: 'scd2';
      readonly uniqueKey: string;
      readonly trackedColumns: readonly string[];
      readonly changedAt: string;
      readonly surrogateKey: string;
    }
  /**
   * A view over the model: always current, so nothing to refresh (measure views, customer
   * analytics). Created at deployment in Snowflake; locally, replaced by a run when any model's
   * SQL changed since it was created (local-views.ts), which picks up an edited model. Views come
   * after the tables and views they read.
   */
  | { readonly kind: 'view' };

export interface ModelStep {
  /** `<layer>/<table>`: the model file under sql/models/ and the table it builds. */
  readonly model: string;
  readonly materialization: Materialization;
}

export interface ModelTask {
  readonly name: string;
  readonly kind: 'models';
  readonly after?: string;
  /** Run in order, in one transaction, so every step sees the same upstream changes. */
  readonly steps: readonly ModelStep[];
}

export interface ChecksTask {
  readonly name: string;
  readonly kind: 'checks';
  readonly after: string;
}

export type Task = ModelTask | ChecksTask;

/**
 * Gold views, in creation order (a view is created after what it reads): the thresholds and
 * reporting periods, the intermediate views the measures share (`int_*`), the measure views the
 * dashboard and Power BI share (`measure_*`, each with a DAX twin in powerbi/measures.dax), the
 * customer analytics, and the data health views. Their
 * files live in sql/models/gold/, not a folder of their own, because a model's folder is its
 * schema and the measures belong in GOLD, the one schema Power BI and the reader role see.
 */
export const GOLD_VIEWS = [
  'gold/analytics_settings',
  'gold/dim_reporting_period',
  // what several measure views are defined on, so each measure file holds only its own definition
  'gold/int_period_totals',
  'gold/int_daily_revenue_spine',
  'gold/measure_total_revenue',
  'gold/measure_unique_users',
  'gold/measure_conversion_rate',
  'gold/measure_average_order_value',
  'gold/measure_mtd_revenue',
  'gold/measure_yoy_growth',
  'gold/measure_running_total',
  'gold/measure_pct_of_total_revenue',
  'gold/measure_product_rank',
  'gold/measure_event_count',
  'gold/measure_device_share',
  'gold/measure_daily_active_users',
  'gold/measure_payment_method_share',
  'gold/measure_cart_to_purchase_rate',
  'gold/measure_funnel_step_conversion',
  'gold/customer_rfm',
  'gold/customer_360',
  'gold/measure_customer_count',
  'gold/measure_average_lifetime_value',
  'gold/revenue_anomalies',
  'gold/fraud_signals',
  'gold/health_quarantine_reasons',
  // scores with the coefficients lambdas/churn/train-churn-model.ts stores in gold.churn_model
  'gold/churn_predictions',
] as const;

/** Columns an SCD2 table has beyond its model's: version number and validity window. */
export const SCD2_COLUMNS = ['scd_version', 'valid_from', 'valid_to', 'is_current'] as const;

export const TASK_GRAPH: readonly Task[] = [
  {
    name: 'refresh_silver',
    kind: 'models',
    steps: [
      {
        model: 'silver/stg_user_events',
        materialization: { kind: 'merge', uniqueKey: ['event_id'], whenMatched: 'keep', changesFrom: 'bronze.raw_user_events' },
      },
      {
        model: 'silver/stg_transactions',
        materialization: { kind: 'merge', uniqueKey: ['transaction_id'], whenMatched: 'keep', changesFrom: 'bronze.raw_transactions' },
      },
      {
        model: 'silver/stg_transaction_items',
        materialization: {
          kind: 'merge',
          uniqueKey: ['transaction_id', 'line_number'],
          whenMatched: 'keep',
          changesFrom: 'bronze.raw_transactions',
        },
      },
      {
        model: 'silver/stg_products',
        materialization: { kind: 'merge', uniqueKey: ['product_id'], whenMatched: 'update', changesFrom: 'bronze.raw_products', latestBy: 'loaded_at' },
      },
      {
        model: 'silver/stg_customers',
        materialization: { kind: 'merge', uniqueKey: ['user_id'], whenMatched: 'update', changesFrom: 'bronze.raw_customers', latestBy: 'loaded_at' },
      },
    ],
  },
  {
    name: 'refresh_gold',
    kind: 'models',
    after: 'refresh_silver',
    steps: [
      { model: 'gold/dim_date', materialization: { kind: 'rebuild' } },
      { model: 'gold/dim_product', materialization: { kind: 'rebuild' } },
      {
        model: 'gold/dim_customer',
        materialization: {
          kind: 'scd2',
          uniqueKey: 'user_id',
          trackedColumns: ['account_type', 'loyalty_tier', 'state', 'region'],
          changedAt: 'updated_at',
          surrogateKey: 'customer_key',
        },
      },
      {
        model: 'gold/fact_transactions',
        materialization: {
          kind: 'merge',
          uniqueKey: ['transaction_id', 'line_number'],
          whenMatched: 'keep',
          changesFrom: 'silver.stg_transaction_items',
        },
      },
      {
        model: 'gold/fact_user_activity',
        materialization: { kind: 'merge', uniqueKey: ['event_id'], whenMatched: 'keep', changesFrom: 'silver.stg_user_events' },
      },
      { model: 'gold/agg_daily_revenue', materialization: { kind: 'rebuild' } },
      { model: 'gold/agg_daily_events', materialization: { kind: 'rebuild' } },
      // the churn model's inputs, as of two snapshot dates: small (two rows per customer), so rebuilt
      { model: 'gold/churn_features', materialization: { kind: 'rebuild' } },
      ...GOLD_VIEWS.map((model) => ({ model, materialization: { kind: 'view' } }) as const),
    ],
  },
  { name: 'dq_checks', kind: 'checks', after: 'refresh_gold' },
];

/** The table a model builds: `silver/stg_user_events` -> silver.stg_user_events. */
export const tableOf = (model: string): TableName => {
  const [schema, name, ...rest] = model.split('/');
  if (!schema || !name || rest.length > 0) throw new Error(`A model is named <layer>/<table>, got "${model}"`);
  return { schema, name };
};

/** Name of the Snowflake stream that tracks new rows of a table. */
export const streamNameFor = (table: string): string => `${table}_stream`;

/** Every model step of a graph, in run order. */
export const modelStepsOf = (graph: readonly Task[] = TASK_GRAPH): ModelStep[] =>
  graph.flatMap((task) => (task.kind === 'models' ? task.steps : []));

/** The tables whose streams a task consumes: the `changesFrom` of its MERGE steps. */
export const changesFromOf = (task: Task): string[] =>
  task.kind === 'models'
    ? [...new Set(task.steps.flatMap((step) => (step.materialization.kind === 'merge' ? [step.materialization.changesFrom] : [])))]
    : [];

/** The streams a task consumes (and moves the offsets of, when its transaction commits). */
export const streamsOf = (task: Task): string[] => changesFromOf(task).map(streamNameFor);

/** The tables whose streams trigger a graph: every table any of its tasks reads changes from. */
export const triggerTablesOf = (graph: readonly Task[] = TASK_GRAPH): string[] => [...new Set(graph.flatMap(changesFromOf))];

/**
 * The streams that trigger a graph: every stream any of its tasks reads, not only the root's own.
 * A child that failed leaves its stream's rows in place (its transaction rolled back), so the
 * graph runs again for them even when no new Bronze row arrives; and every stream is checked by
 * SYSTEM$STREAM_HAS_DATA, which keeps an empty stream from going stale
 * (https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data).
 */
export const triggerStreamsOf = (graph: readonly Task[] = TASK_GRAPH): string[] => triggerTablesOf(graph).map(streamNameFor);
