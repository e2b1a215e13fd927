/** The Customers page's Churn section: holdout figures, the probability distribution, calibration and the customers most at risk. */
import { categoryChart } from '../chart-options.js';
import type { ChurnData } from '../churn-data.js';
import type { Block } from '../page-model.js';

const DECILES = Array.from({ length: 10 }, (_, decile) => `${decile * 10}–${decile * 10 + 10} %`);

export const churnBlocks = (churn: ChurnData): Block[] => {
  const evaluation = churn.evaluation;
  if (!evaluation) return [{ kind: 'note', tone: 'alert', text: 'Churn model: not trained yet (too few customers with history). Run more events.' }];
  const high = churn.bands.find((band) => band.risk_band === 'high')?.customers ?? 0;
  const counts = new Map(churn.distribution.map((row) => [row.decile, row.customers]));
  const source = 'gold.churn_model_evaluation';
  return [
    {
      kind: 'kpis',
      cards: [
        {
          label: 'Churn model AUC (holdout)',
          source: `${source}.auc`,
          row: evaluation.modelVersion,
          value: evaluation.auc,
          format: 'decimal',
          caption: `${evaluation.holdoutRows} held-out customers; a constant guess scores 0.5`,
        },
        {
          label: 'Log loss (holdout)',
          source: `${source}.log_loss`,
          row: evaluation.modelVersion,
          value: evaluation.logLoss,
          format: 'decimal',
          caption: `constant baseline ${evaluation.baselineLogLoss.toFixed(3)}; lower is better`,
        },
        {
          label: 'Customers at high risk',
          source: 'gold.churn_predictions.risk_band',
          row: 'high',
          value: high,
          format: 'count',
          caption: 'churn probability 60 % or more',
          footnote: `model ${evaluation.modelVersion}, trained ${evaluation.trainedAt}`,
        },
      ],
    },
    {
      kind: 'chart',
      chart: {
        id: 'churn-distribution',
        title: 'Customers by churn probability',
        source: 'gold.churn_predictions',
        option: categoryChart(DECILES, [{ name: 'Customers', values: DECILES.map((_, decile) => counts.get(decile) ?? 0), format: 'count' }]),
      },
    },
    {
      kind: 'chart',
      chart: {
        id: 'churn-calibration',
        title: 'Calibration on the holdout: predicted against observed churn',
        source,
        option: categoryChart(
          evaluation.calibration.map((bin) => `${bin.bin * 20}–${bin.bin * 20 + 20} % (${bin.customers})`),
          [
            { name: 'Mean predicted', values: evaluation.calibration.map((bin) => bin.mean_predicted), format: 'percent' },
            { name: 'Observed', values: evaluation.calibration.map((bin) => bin.observed_rate), format: 'percent' },
          ],
        ),
      },
    },
    {
      kind: 'table',
      table: {
        id: 'at-risk-customers',
        title: 'Customers most at risk of churning',
        source: 'gold.churn_predictions',
        wide: true,
        columns: [
          { label: 'Customer', format: 'text' },
          { label: 'Churn probability', format: 'percent' },
          { label: 'Risk', format: 'text' },
          { label: 'Segment', format: 'text' },
          { label: 'Days since last visit', format: 'count' },
          { label: 'Lifetime spend', format: 'currency' },
        ],
        rows: churn.atRisk.map((row) => [row.user_id, row.churn_probability, row.risk_band, row.rfm_segment, row.days_since_last_visit, row.monetary]),
        empty: 'No customers scored yet.',
      },
    },
  ];
};
