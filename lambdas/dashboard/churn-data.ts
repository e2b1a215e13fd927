/**
 * The Customers page's Churn section reads gold.churn_predictions (every customer's score) and
 * the latest model's holdout evaluation; like every dashboard query, it only picks rows.
 */
import { latestChurnEvaluation } from '../churn/churn-report.js';
import type { Warehouse } from '../shared/ports/warehouse.js';

/** Customers listed as most at risk. */
export const AT_RISK_LISTED = 15;

export const loadChurnData = async (warehouse: Warehouse) => ({
  evaluation: await latestChurnEvaluation(warehouse),
  bands: await warehouse.query<{ risk_band: string; customers: number }>(
    `select risk_band, count(*) as customers from gold.churn_predictions group by risk_band order by risk_band`,
  ),
  // tenths of probability, 0 to 9 (a probability of exactly 1 counts in the top tenth)
  distribution: await warehouse.query<{ decile: number; customers: number }>(
    `select least(cast(floor(churn_probability * 10) as integer), 9) as decile, count(*) as customers
     from gold.churn_predictions group by 1 order by 1`,
  ),
  atRisk: await warehouse.query<{ user_id: string; churn_probability: number; risk_band: string; rfm_segment: string; days_since_last_visit: number; monetary: number }>(
    `select user_id, churn_probability, risk_band, rfm_segment, days_since_last_visit, monetary
     from gold.churn_predictions order by churn_probability desc, user_id limit ${AT_RISK_LISTED}`,
  ),
});

export type ChurnData = Awaited<ReturnType<typeof loadChurnData>>;
