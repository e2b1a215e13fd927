import '../support/quiet-powertools.js';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHURN_FEATURES, INTERCEPT, transformed, type FeatureTransform } from '../../lambdas/churn/churn-features.js';
import { sigmoid } from '../../lambdas/churn/logistic-regression.js';
import { withWarehouse } from '../../lambdas/local/warehouse-stage.js';
import type { WarehouseRow } from '../../lambdas/shared/ports/warehouse.js';
import { tempFolder } from '../support/files.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

const streamflow = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, ['bin/streamflow.mjs', ...args], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });

let root: Awaited<ReturnType<typeof tempFolder>>;
let warehouseFile: string;
let report: { churn?: Record<string, unknown> };
let evaluation: WarehouseRow;
let predictions: WarehouseRow[];
let customers: string[];
let scoringFeatures: WarehouseRow[];
let coefficients: WarehouseRow[];
let trainingRows: WarehouseRow[];

beforeAll(async () => {
  root = await tempFolder('churn');
  const out = join(root.path, 'out');
  const run = await streamflow('run', '--events', '50000', '--out', out, '--until', '2025-06-15T12:00:00Z');
  expect(run.stderr).not.toMatch(/Error/);
  const reported = await streamflow('report', '--out', out, '--json');
  report = JSON.parse(reported.stdout) as typeof report;
  warehouseFile = join(out, 'warehouse.duckdb');
  await withWarehouse(warehouseFile, async (warehouse) => {
    [evaluation] = (await warehouse.query('select * from gold.churn_model_evaluation')) as [WarehouseRow];
    predictions = await warehouse.query('select * from gold.churn_predictions');
    customers = (await warehouse.query<{ user_id: string }>(`select user_id from gold.dim_customer where is_current and user_id <> '-1'`)).map((row) => row.user_id);
    scoringFeatures = await warehouse.query(`select * from gold.churn_features where snapshot = 'scoring'`);
    coefficients = await warehouse.query('select * from gold.churn_model');
    trainingRows = await warehouse.query(`select * from gold.churn_features where snapshot = 'training'`);
  });
}, 180_000);

afterAll(async () => {
  await root.remove();
});

describe('churn model after `streamflow run --events 50000` (local twin on DuckDB)', () => {
  it('beats a constant baseline on held-out customers: AUC above 0.5, lower log loss and Brier score', () => {
    expect(Number(evaluation.holdout_rows)).toBeGreaterThan(100);
    // churn is neither rare nor universal, so the baseline is not trivially good
    expect(evaluation.holdout_churn_rate).toBeGreaterThan(0.15);
    expect(evaluation.holdout_churn_rate).toBeLessThan(0.85);
    expect(evaluation.auc).toBeGreaterThan(0.7);
    // learnable, not given away: a leaked label would score close to 1
    expect(evaluation.auc).toBeLessThan(0.97);
    expect(Number(evaluation.log_loss)).toBeLessThan(Number(evaluation.baseline_log_loss) - 0.05);
    expect(Number(evaluation.brier_score)).toBeLessThan(Number(evaluation.baseline_brier_score));
  });

  it('scores every known customer once, with probabilities in [0, 1] and the bands they imply', () => {
    expect(predictions.map((row) => row.user_id).sort()).toEqual([...customers].sort());
    for (const row of predictions) {
      const p = Number(row.churn_probability);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(row.risk_band).toBe(p >= 0.6 ? 'high' : p >= 0.3 ? 'medium' : 'low');
      expect(row.model_version).toBe(evaluation.model_version);
    }
    expect(new Set(predictions.map((row) => row.risk_band)).size).toBeGreaterThan(1);
  });

  it('scores in SQL exactly as the TypeScript model does from the stored coefficients', () => {
    const byFeature = new Map(coefficients.map((row) => [row.feature, row]));
    const expected = new Map(
      scoringFeatures.map((row) => {
        const z = CHURN_FEATURES.reduce((sum, feature) => {
          const c = byFeature.get(feature.name)!;
          return sum + (Number(c.coefficient) * (transformed(c.transform as FeatureTransform, Number(row[feature.name])) - Number(c.center))) / Number(c.scale);
        }, Number(byFeature.get(INTERCEPT)!.coefficient));
        return [row.user_id, sigmoid(z)];
      }),
    );
    for (const row of predictions) expect(Number(row.churn_probability)).toBeCloseTo(expected.get(row.user_id)!, 9);
  });

  it('trains on features as of label_days before the end: no training feature sees the label window', () => {
    expect(trainingRows.length).toBeGreaterThan(500);
    for (const row of trainingRows) {
      expect(Number(row.days_since_last_visit)).toBeGreaterThanOrEqual(0);
      expect(Number(row.recency_days)).toBeGreaterThanOrEqual(0);
      expect([0, 1]).toContain(Number(row.churned));
    }
  });

  it('is reported by `streamflow report --json` with its version, AUC and calibration', () => {
    expect(report.churn).toMatchObject({ modelVersion: evaluation.model_version, auc: evaluation.auc });
    expect((report.churn?.calibration as unknown[]).length).toBeGreaterThan(1);
  });
});

describe('churn model inputs', () => {
  it('the scoring view reads exactly the features the trainer uses', async () => {
    const sql = await readFile(join(REPO, 'sql/models/gold/churn_predictions.sql'), 'utf8');
    const inputs = [...sql.matchAll(/select user_id, '([a-z_0-9]+)'( as feature)?, cast\(([a-z_0-9]+) as double\)/g)];
    expect(inputs.map((match) => match[1])).toEqual(CHURN_FEATURES.map((feature) => feature.name));
    expect(inputs.every((match) => match[1] === match[3])).toBe(true);
  });
});
