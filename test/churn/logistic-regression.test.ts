import { describe, expect, it } from 'vitest';
import { auc, brierScore, calibration, logLoss } from '../../lambdas/churn/evaluation.js';
import { fitLogisticRegression, predictProbability, sigmoid } from '../../lambdas/churn/logistic-regression.js';
import { seededRandom } from '../support/seeded.js';

describe('fitLogisticRegression', () => {
  it('recovers the coefficients that generated the labels', () => {
    // Prepare: 4,000 rows from a known model, labels drawn from its probabilities
    const random = seededRandom(11);
    const truth = { intercept: -0.5, weights: [1.5, -2, 0] };
    const rows = Array.from({ length: 4000 }, () => truth.weights.map(() => random() * 4 - 2));
    const labels = rows.map((row) => (random() < predictProbability(truth, row) ? 1 : 0));

    // Act
    const fitted = fitLogisticRegression(rows, labels, { l2: 0 });

    // Assess: within sampling error of the truth, the irrelevant feature near 0
    expect(fitted.intercept).toBeCloseTo(truth.intercept, 0);
    fitted.weights.forEach((weight, j) => expect(Math.abs(weight - truth.weights[j]!)).toBeLessThan(0.2));
  });

  it('stays finite on perfectly separable data, thanks to the L2 penalty', () => {
    const rows = [[-2], [-1], [1], [2]];
    const fitted = fitLogisticRegression(rows, [0, 0, 1, 1]);
    expect(Number.isFinite(fitted.weights[0])).toBe(true);
    expect(predictProbability(fitted, [2])).toBeGreaterThan(0.5);
    expect(predictProbability(fitted, [-2])).toBeLessThan(0.5);
  });

  it('computes the sigmoid without overflow at the extremes', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });
});

describe('evaluation', () => {
  it('AUC: 1 for a perfect ranking, 0.5 for a constant, ties counted half, undefined with one class', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1])).toBe(0.5);
    // one churner above both stayers, the other tied with one and above one: (1 + 0.75) / 2
    expect(auc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBe(0.875);
    expect(auc([0.1, 0.2], [1, 1])).toBeUndefined();
  });

  it('log loss and Brier score of a constant 0.5 are ln 2 and 0.25', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.LN2, 12);
    expect(brierScore([0.5, 0.5], [0, 1])).toBe(0.25);
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });

  it('calibration bins predictions by probability and compares with observed churn', () => {
    expect(calibration([0.05, 0.15, 0.95, 0.9], [0, 1, 1, 1], 5)).toEqual([
      { bin: 0, customers: 2, mean_predicted: 0.1, observed_rate: 0.5 },
      { bin: 4, customers: 2, mean_predicted: 0.925, observed_rate: 1 },
    ]);
  });
});
