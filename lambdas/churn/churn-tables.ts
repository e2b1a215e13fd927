/**
 * Where the churn model lives in the warehouse: its coefficients and its holdout evaluation, one
 * set of rows per model version, written by the trainer (train-churn-model.ts) and read by the
 * scoring view gold.churn_predictions and by `streamflow report`. They are control tables (the
 * warehouse's own bookkeeping, created by prepareWarehouse and the Snowflake deploy), not models:
 * no SELECT builds them.
 */
import type { FileColumn, TableName } from '../shared/ports/warehouse.js';

/** A control table's shape (lambdas/warehouse/control-tables.ts takes these as its own), kept here so churn depends on shared alone. */
export interface ChurnTable {
  readonly table: TableName;
  readonly columns: readonly FileColumn[];
  readonly primaryKey: readonly string[];
}

/** One row per model version and feature (plus the intercept): how to scale the input, and its weight. */
export const CHURN_MODEL: ChurnTable = {
  table: { schema: 'gold', name: 'churn_model' },
  columns: [
    { name: 'model_version', type: 'varchar' },
    { name: 'trained_at', type: 'timestamp' },
    /** A column of gold.churn_features, or `(intercept)`. */
    { name: 'feature', type: 'varchar' },
    /** `identity` or `log1p` (ln(1 + x), for skewed counts and amounts), applied before scaling. */
    { name: 'transform', type: 'varchar' },
    /** The transformed value is standardised as (x - center) / scale, with the training set's mean and standard deviation. */
    { name: 'center', type: 'double' },
    { name: 'scale', type: 'double' },
    { name: 'coefficient', type: 'double' },
  ],
  primaryKey: ['model_version', 'feature'],
};

/** One row per model version: the holdout figures it was accepted on, beside a constant baseline's. */
export const CHURN_MODEL_EVALUATION: ChurnTable = {
  table: { schema: 'gold', name: 'churn_model_evaluation' },
  columns: [
    { name: 'model_version', type: 'varchar' },
    { name: 'trained_at', type: 'timestamp' },
    { name: 'training_rows', type: 'bigint' },
    { name: 'holdout_rows', type: 'bigint' },
    /** Share of churned customers in the holdout. */
    { name: 'holdout_churn_rate', type: 'double' },
    { name: 'auc', type: 'double' },
    { name: 'log_loss', type: 'double' },
    { name: 'brier_score', type: 'double' },
    /** The constant model (every customer at the training churn rate): its AUC is 0.5. */
    { name: 'baseline_log_loss', type: 'double' },
    { name: 'baseline_brier_score', type: 'double' },
    /** JSON array of {bin, customers, mean_predicted, observed_rate}: predicted against observed churn. */
    { name: 'calibration', type: 'json' },
  ],
  primaryKey: ['model_version'],
};

export const CHURN_TABLES: readonly ChurnTable[] = [CHURN_MODEL, CHURN_MODEL_EVALUATION];
