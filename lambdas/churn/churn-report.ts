/**
 * The churn model's holdout figures for `streamflow report` and the dashboard: the latest model
 * version's evaluation, read back from gold.churn_model_evaluation, and its lines of text.
 */
import type { Warehouse } from '../shared/ports/warehouse.js';
import { CHURN_MODEL_EVALUATION } from './churn-tables.js';
import type { CalibrationBin } from './evaluation.js';
import type { ChurnModelEvaluation } from './train-churn-model.js';

/** The evaluation of the model gold.churn_predictions scores with, or undefined before the first training. */
export const latestChurnEvaluation = async (warehouse: Warehouse): Promise<ChurnModelEvaluation | undefined> => {
  const [row] = await warehouse.query(
    `select * from ${CHURN_MODEL_EVALUATION.table.schema}.${CHURN_MODEL_EVALUATION.table.name}
     order by trained_at desc, model_version desc limit 1`,
  );
  if (!row) return undefined;
  return {
    modelVersion: String(row.model_version),
    trainedAt: String(row.trained_at),
    trainingRows: Number(row.training_rows),
    holdoutRows: Number(row.holdout_rows),
    holdoutChurnRate: Number(row.holdout_churn_rate),
    auc: Number(row.auc),
    logLoss: Number(row.log_loss),
    brierScore: Number(row.brier_score),
    baselineLogLoss: Number(row.baseline_log_loss),
    baselineBrierScore: Number(row.baseline_brier_score),
    calibration: JSON.parse(String(row.calibration)) as CalibrationBin[],
  };
};

const fixed = (value: number): string => value.toFixed(3);
const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;

/** The report's churn section: model, holdout figures beside the constant baseline, calibration. */
export const formatChurnSection = (evaluation: ChurnModelEvaluation | undefined): string[] => {
  if (!evaluation) return ['', 'churn model: not trained yet (too few customers with history)'];
  return [
    '',
    `churn model ${evaluation.modelVersion} (trained ${evaluation.trainedAt}; ${evaluation.trainingRows} customers, holdout ${evaluation.holdoutRows}, ${percent(evaluation.holdoutChurnRate)} churned)`,
    `  holdout AUC ${fixed(evaluation.auc)} (constant baseline 0.500)`,
    `  log loss    ${fixed(evaluation.logLoss)} (baseline ${fixed(evaluation.baselineLogLoss)})`,
    `  Brier score ${fixed(evaluation.brierScore)} (baseline ${fixed(evaluation.baselineBrierScore)})`,
    '  calibration (predicted → observed churn)',
    ...evaluation.calibration.map(
      (bin) => `    ${fixed(bin.bin / 5)}–${fixed((bin.bin + 1) / 5)}  ${String(bin.customers).padStart(5)} customers  ${percent(bin.mean_predicted)} → ${percent(bin.observed_rate)}`,
    ),
  ];
};
