/**
 * The model's inputs: which columns of gold.churn_features it reads and how each is transformed
 * before standardising. The scoring view (sql/models/gold/churn_predictions.sql) lists the same
 * columns; a test keeps the two lists equal.
 */

export type FeatureTransform = 'identity' | 'log1p';

export interface ChurnFeature {
  readonly name: string;
  readonly transform: FeatureTransform;
}

/** Counts and amounts are skewed (a few customers buy a lot): ln(1 + x) keeps them from dominating the fit. */
export const CHURN_FEATURES: readonly ChurnFeature[] = [
  { name: 'recency_days', transform: 'log1p' },
  { name: 'frequency', transform: 'log1p' },
  { name: 'monetary', transform: 'log1p' },
  { name: 'average_order_value', transform: 'log1p' },
  { name: 'spend_30_days', transform: 'log1p' },
  { name: 'spend_60_days', transform: 'log1p' },
  { name: 'spend_90_days', transform: 'log1p' },
  { name: 'spend_trend', transform: 'identity' },
  { name: 'sessions_30_days', transform: 'log1p' },
  { name: 'sessions_90_days', transform: 'log1p' },
  { name: 'events_90_days', transform: 'log1p' },
  { name: 'cart_adds_90_days', transform: 'log1p' },
  { name: 'days_since_last_visit', transform: 'log1p' },
  { name: 'recency_score', transform: 'identity' },
  { name: 'frequency_score', transform: 'identity' },
  { name: 'monetary_score', transform: 'identity' },
];

export const INTERCEPT = '(intercept)';

/** The transform as the scoring view applies it: ln(1 + x), with negative inputs read as 0. */
export const transformed = (transform: FeatureTransform, value: number): number =>
  transform === 'log1p' ? Math.log1p(Math.max(value, 0)) : value;
