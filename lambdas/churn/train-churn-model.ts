/**
 * Trains the churn model on gold.churn_features' training snapshot and stores it with its holdout
 * evaluation (churn-tables.ts); the view gold.churn_predictions then scores every customer from
 * the stored coefficients, in SQL, in either warehouse.
 *
 * Where it runs: the local twin calls it after each task graph run (`streamflow run`, `refresh`);
 * in AWS the loader Lambda calls it on its scheduled tick, through the same Warehouse port, after
 * the Snowflake tasks have rebuilt gold.churn_features (a tick behind the tasks, which a model
 * that changes slowly can afford; the scores themselves are always current, since the view reads
 * the latest features). Snowflake's own SNOWFLAKE.ML.CLASSIFICATION could train in the warehouse
 * instead, but the local twin could not run it; this keeps one model for both.
 *
 * Holdout: a fixed quarter of customers, chosen by a hash of user_id, so a re-run on the same
 * data holds out the same customers and trains the same model (the version is a hash of it).
 */
import { createHash } from 'node:crypto';
import type { Warehouse, WarehouseValue } from '../shared/ports/warehouse.js';
import { CHURN_FEATURES, INTERCEPT, transformed } from './churn-features.js';
import { CHURN_MODEL, CHURN_MODEL_EVALUATION } from './churn-tables.js';
import { auc, brierScore, calibration, logLoss, type CalibrationBin } from './evaluation.js';
import { fitLogisticRegression, predictProbability } from './logistic-regression.js';

/** Share of customers held out of training (by user_id hash). */
export const HOLDOUT_SHARE = 0.25;
/** Fewer training customers than this (or only one class) and the trainer keeps the previous model. */
const MIN_TRAINING_ROWS = 50;

export interface ChurnModelEvaluation {
  readonly modelVersion: string;
  readonly trainedAt: string;
  readonly trainingRows: number;
  readonly holdoutRows: number;
  readonly holdoutChurnRate: number;
  readonly auc: number;
  readonly logLoss: number;
  readonly brierScore: number;
  readonly baselineLogLoss: number;
  readonly baselineBrierScore: number;
  readonly calibration: readonly CalibrationBin[];
}

export type TrainingOutcome = { readonly trained: true; readonly evaluation: ChurnModelEvaluation } | { readonly trained: false; readonly reason: string };

interface Example {
  readonly userId: string;
  readonly raw: number[];
  readonly churned: number;
}

/** Deterministic holdout membership: the first 4 bytes of sha256(user_id) as a fraction. */
export const isHeldOut = (userId: string): boolean =>
  createHash('sha256').update(userId).digest().readUInt32BE(0) / 2 ** 32 < HOLDOUT_SHARE;

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

const readTrainingSet = async (warehouse: Warehouse): Promise<Example[]> => {
  const rows = await warehouse.query(
    `select user_id, churned, ${CHURN_FEATURES.map((f) => f.name).join(', ')}
     from gold.churn_features where snapshot = 'training' order by user_id`,
  );
  return rows.map((row) => ({
    userId: String(row.user_id),
    churned: Number(row.churned),
    raw: CHURN_FEATURES.map((feature) => transformed(feature.transform, Number(row[feature.name] ?? 0))),
  }));
};

/** Reads the training snapshot, fits, evaluates on the holdout, and stores the model; `now` stamps it. */
export const trainChurnModel = async (warehouse: Warehouse, now: Date = new Date()): Promise<TrainingOutcome> => {
  const examples = await readTrainingSet(warehouse);
  const train = examples.filter((example) => !isHeldOut(example.userId));
  const holdout = examples.filter((example) => isHeldOut(example.userId));
  const trainRate = mean(train.map((example) => example.churned));
  if (train.length < MIN_TRAINING_ROWS || trainRate === 0 || trainRate === 1 || holdout.length === 0) {
    return { trained: false, reason: `${train.length} training customers, churn rate ${trainRate.toFixed(2)}: too few to learn from` };
  }

  const centers = CHURN_FEATURES.map((_, j) => mean(train.map((example) => example.raw[j]!)));
  // A constant feature gets scale 1, so it standardises to 0 instead of dividing by zero.
  const scales = CHURN_FEATURES.map((_, j) => Math.sqrt(mean(train.map((example) => (example.raw[j]! - centers[j]!) ** 2))) || 1);
  const standardise = (raw: readonly number[]): number[] => raw.map((value, j) => (value - centers[j]!) / scales[j]!);
  const model = fitLogisticRegression(
    train.map((example) => standardise(example.raw)),
    train.map((example) => example.churned),
  );

  const labels = holdout.map((example) => example.churned);
  const predicted = holdout.map((example) => predictProbability(model, standardise(example.raw)));
  const constant = holdout.map(() => trainRate);
  const coefficients = [
    { feature: INTERCEPT, transform: 'identity', center: 0, scale: 1, coefficient: model.intercept },
    ...CHURN_FEATURES.map((feature, j) => ({ feature: feature.name, transform: feature.transform, center: centers[j]!, scale: scales[j]!, coefficient: model.weights[j]! })),
  ];
  const modelVersion = `churn-lr-${createHash('sha256').update(JSON.stringify(coefficients)).digest('hex').slice(0, 12)}`;
  const evaluation: ChurnModelEvaluation = {
    modelVersion,
    trainedAt: now.toISOString(),
    trainingRows: train.length,
    holdoutRows: holdout.length,
    holdoutChurnRate: mean(labels),
    auc: auc(predicted, labels) ?? 0.5,
    logLoss: logLoss(predicted, labels),
    brierScore: brierScore(predicted, labels),
    baselineLogLoss: logLoss(constant, labels),
    baselineBrierScore: brierScore(constant, labels),
    calibration: calibration(predicted, labels),
  };

  await warehouse.transaction(async (session) => {
    // Re-training on the same data gives the same version: replace it rather than duplicate it.
    await session.execute(`delete from ${CHURN_MODEL.table.schema}.${CHURN_MODEL.table.name} where model_version = ?`, [modelVersion]);
    await session.execute(`delete from ${CHURN_MODEL_EVALUATION.table.schema}.${CHURN_MODEL_EVALUATION.table.name} where model_version = ?`, [modelVersion]);
    const modelParams: WarehouseValue[] = coefficients.flatMap((c) => [modelVersion, evaluation.trainedAt, c.feature, c.transform, c.center, c.scale, c.coefficient]);
    await session.execute(
      `insert into ${CHURN_MODEL.table.schema}.${CHURN_MODEL.table.name} (${CHURN_MODEL.columns.map((c) => c.name).join(', ')})
       values ${coefficients.map(() => '(?, cast(? as timestamp), ?, ?, ?, ?, ?)').join(', ')}`,
      modelParams,
    );
    await session.execute(
      `insert into ${CHURN_MODEL_EVALUATION.table.schema}.${CHURN_MODEL_EVALUATION.table.name} (${CHURN_MODEL_EVALUATION.columns.map((c) => c.name).join(', ')})
       values (?, cast(? as timestamp), ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        modelVersion,
        evaluation.trainedAt,
        evaluation.trainingRows,
        evaluation.holdoutRows,
        evaluation.holdoutChurnRate,
        evaluation.auc,
        evaluation.logLoss,
        evaluation.brierScore,
        evaluation.baselineLogLoss,
        evaluation.baselineBrierScore,
        JSON.stringify(evaluation.calibration),
      ],
    );
  });
  return { trained: true, evaluation };
};
