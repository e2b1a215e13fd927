import { describe, expect, it } from 'vitest';
import type { ChurnData } from '../../lambdas/dashboard/churn-data.js';
import { churnBlocks } from '../../lambdas/dashboard/pages/churn-section.js';

const churn: ChurnData = {
  evaluation: {
    modelVersion: 'churn-lr-abc',
    trainedAt: '2025-06-15T12:00:00.000Z',
    trainingRows: 600,
    holdoutRows: 200,
    holdoutChurnRate: 0.45,
    auc: 0.83,
    logLoss: 0.49,
    brierScore: 0.16,
    baselineLogLoss: 0.69,
    baselineBrierScore: 0.25,
    calibration: [
      { bin: 0, customers: 60, mean_predicted: 0.08, observed_rate: 0.06 },
      { bin: 3, customers: 70, mean_predicted: 0.78, observed_rate: 0.77 },
    ],
  },
  bands: [
    { risk_band: 'high', customers: 310 },
    { risk_band: 'low', customers: 690 },
  ],
  distribution: [
    { decile: 0, customers: 500 },
    { decile: 9, customers: 20 },
  ],
  atRisk: [{ user_id: 'U1', churn_probability: 0.91, risk_band: 'high', rfm_segment: 'Hibernating', days_since_last_visit: 88, monetary: 120.5 }],
};

describe('the Customers page Churn section', () => {
  it('shows the holdout figures, the distribution by tenths, calibration and the customers most at risk', () => {
    const blocks = churnBlocks(churn);
    const kpis = blocks.find((block) => block.kind === 'kpis');
    expect(kpis?.kind === 'kpis' && kpis.cards.map((card) => [card.label, card.value])).toEqual([
      ['Churn model AUC (holdout)', 0.83],
      ['Log loss (holdout)', 0.49],
      ['Customers at high risk', 310],
    ]);
    const distribution = blocks.find((block) => block.kind === 'chart' && block.chart.id === 'churn-distribution');
    const series = distribution?.kind === 'chart' ? (distribution.chart.option.series as { data: number[] }[]) : [];
    expect(series[0]?.data).toEqual([500, 0, 0, 0, 0, 0, 0, 0, 0, 20]);
    const table = blocks.find((block) => block.kind === 'table');
    expect(table?.kind === 'table' && table.table.rows).toEqual([['U1', 0.91, 'high', 'Hibernating', 88, 120.5]]);
  });

  it('says the model is not trained yet instead of showing empty charts', () => {
    expect(churnBlocks({ ...churn, evaluation: undefined })).toEqual([expect.objectContaining({ kind: 'note', tone: 'alert' })]);
  });
});
