/** A hand-made churn model for fixtures too small to train on: every weight 0, so every customer scores sigmoid(intercept). */
import { CHURN_FEATURES, INTERCEPT } from '../../lambdas/churn/churn-features.js';
import type { Warehouse } from '../../lambdas/shared/ports/warehouse.js';

export const FIXED_MODEL_VERSION = 'churn-fixed-test';

export const storeFixedChurnModel = async (warehouse: Warehouse, intercept = 0): Promise<void> => {
  const trainedAt = '2025-01-01T00:00:00Z';
  for (const [feature, transform, coefficient] of [[INTERCEPT, 'identity', intercept] as const, ...CHURN_FEATURES.map((f) => [f.name, f.transform, 0] as const)]) {
    await warehouse.execute(
      `insert into gold.churn_model (model_version, trained_at, feature, transform, center, scale, coefficient) values (?, cast(? as timestamp), ?, ?, 0, 1, ?)`,
      [FIXED_MODEL_VERSION, trainedAt, feature, transform, coefficient],
    );
  }
  await warehouse.execute(
    `insert into gold.churn_model_evaluation (model_version, trained_at, training_rows, holdout_rows, holdout_churn_rate, auc, log_loss, brier_score, baseline_log_loss, baseline_brier_score, calibration)
     values (?, cast(? as timestamp), 0, 0, 0.5, 0.5, 0.693, 0.25, 0.693, 0.25, '[]')`,
    [FIXED_MODEL_VERSION, trainedAt],
  );
};
