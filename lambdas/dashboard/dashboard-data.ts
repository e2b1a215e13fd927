/**
 * Everything the dashboard shows, read from the Gold measure and analytics views through the
 * warehouse port (DuckDB locally; the same SELECTs run on Snowflake). The queries only pick rows
 * and columns: every number is computed by a view, whose definition heads its model file.
 */
import type { Warehouse } from '../shared/ports/warehouse.js';
import { loadChurnData } from './churn-data.js';

/** A row of a period measure view, its measure column renamed `value`. */
export type PeriodMeasureRow = {
  readonly period: string;
  readonly period_kind: 'all_time' | 'rolling' | 'month';
  readonly period_label: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly change: number | null;
};

export type DashboardData = Awaited<ReturnType<typeof loadDashboardData>>;

const periodMeasure = (view: string, measure: string): string =>
  `select period, period_kind, period_label, ${measure} as value, previous_${measure} as previous, ${measure}_change as change
   from gold.${view}
   order by sort_order`;

/** Reads every view the pages need (a few hundred rows in all), one query after another. */
export const loadDashboardData = async (warehouse: Warehouse) => {
  const q = warehouse.query.bind(warehouse);
  const [asOf] = await q<{ first_day: string | null; as_of_date: string | null }>(
    `select period_start as first_day, period_end as as_of_date from gold.dim_reporting_period where period = 'all_time'`,
  );
  return {
    firstDay: asOf?.first_day ?? null,
    asOfDate: asOf?.as_of_date ?? null,
    totalRevenue: await q<PeriodMeasureRow>(periodMeasure('measure_total_revenue', 'total_revenue')),
    uniqueUsers: await q<PeriodMeasureRow>(periodMeasure('measure_unique_users', 'unique_users')),
    conversionRate: await q<PeriodMeasureRow>(periodMeasure('measure_conversion_rate', 'conversion_rate')),
    averageOrderValue: await q<PeriodMeasureRow>(periodMeasure('measure_average_order_value', 'average_order_value')),
    mtdRevenue: await q<{ date_day: string; year_month: string; mtd_revenue: number; previous_month_mtd_revenue: number | null; mtd_revenue_change: number | null }>(
      `select date_day, year_month, mtd_revenue, previous_month_mtd_revenue, mtd_revenue_change from gold.measure_mtd_revenue order by date_day`,
    ),
    yoyGrowth: await q<{ year_month: string; revenue: number; prior_year_revenue: number | null; yoy_growth: number | null }>(
      `select year_month, revenue, prior_year_revenue, yoy_growth from gold.measure_yoy_growth order by year_month`,
    ),
    runningTotal: await q<{ date_day: string; revenue: number; running_total: number }>(
      `select date_day, revenue, running_total from gold.measure_running_total order by date_day`,
    ),
    categories: await q<{ category: string; revenue: number; units_sold: number; orders: number; pct_of_total_revenue: number | null }>(
      `select category, revenue, units_sold, orders, pct_of_total_revenue from gold.measure_pct_of_total_revenue order by revenue desc, category`,
    ),
    products: await q<{ product_rank: number; product_id: string; product_name: string; category: string; subcategory: string; revenue: number; units_sold: number; orders: number }>(
      `select product_rank, product_id, product_name, category, subcategory, revenue, units_sold, orders
       from gold.measure_product_rank order by product_rank, product_id`,
    ),
    events: await q<{ event_type: string; event_count: number; users: number; sessions: number }>(
      `select event_type, event_count, users, sessions from gold.measure_event_count order by event_count desc, event_type`,
    ),
    devices: await q<{ device_type: string; event_count: number; users: number; device_share: number | null }>(
      `select device_type, event_count, users, device_share from gold.measure_device_share order by event_count desc, device_type`,
    ),
    dailyActiveUsers: await q<{ event_date: string; daily_active_users: number; sessions: number }>(
      `select event_date, daily_active_users, sessions from gold.measure_daily_active_users order by event_date`,
    ),
    paymentMethods: await q<{ payment_method: string; revenue: number; orders: number; payment_method_share: number | null }>(
      `select payment_method, revenue, orders, payment_method_share from gold.measure_payment_method_share order by revenue desc, payment_method`,
    ),
    cartToPurchase: await q<{ category: string; add_to_cart_events: number; purchased_lines: number; cart_to_purchase_rate: number | null }>(
      `select category, add_to_cart_events, purchased_lines, cart_to_purchase_rate from gold.measure_cart_to_purchase_rate order by category`,
    ),
    funnel: await q<{ funnel_step: number; event_type: string; sessions: number; funnel_step_conversion: number | null; conversion_from_first_step: number | null }>(
      `select funnel_step, event_type, sessions, funnel_step_conversion, conversion_from_first_step from gold.measure_funnel_step_conversion order by funnel_step`,
    ),
    segments: await q<{ rfm_segment: string; customer_count: number; share_of_customers: number | null }>(
      `select rfm_segment, customer_count, share_of_customers from gold.measure_customer_count order by customer_count desc, rfm_segment`,
    ),
    lifetimeValue: await q<{ rfm_segment: string; customers: number; average_lifetime_value: number | null }>(
      `select rfm_segment, customers, average_lifetime_value from gold.measure_average_lifetime_value order by average_lifetime_value desc, rfm_segment`,
    ),
    rfm: await q<{ user_id: string; rfm_segment: string; recency_days: number; frequency: number; monetary: number }>(
      `select user_id, rfm_segment, recency_days, frequency, monetary from gold.customer_rfm order by user_id`,
    ),
    topCustomers: await q<{
      user_id: string;
      full_name: string;
      rfm_segment: string;
      orders: number;
      lifetime_value: number;
      spend_last_30_days: number;
      spend_prior_30_days: number;
      mom_spend_change: number;
      mom_spend_change_pct: number | null;
    }>(
      `select user_id, full_name, rfm_segment, orders, lifetime_value, spend_last_30_days, spend_prior_30_days, mom_spend_change, mom_spend_change_pct
       from gold.customer_360 order by lifetime_value desc, user_id limit 10`,
    ),
    quarantine: await q<{ topic: string; reason_code: string; records: number }>(
      `select topic, reason_code, records from gold.health_quarantine_reasons order by records desc, topic, reason_code`,
    ),
    anomalies: await q<{ date_day: string; revenue: number; trailing_mean: number | null; z_score: number | null; is_anomaly: boolean; direction: string | null }>(
      `select date_day, revenue, trailing_mean, z_score, is_anomaly, direction from gold.revenue_anomalies order by date_day`,
    ),
    fraudCounts: await q<{ transactions: number; flagged: number; high_amount: number; order_burst: number; payment_method_hopping: number }>(
      `select
           count(*) as transactions,
           coalesce(sum(iff(is_flagged, 1, 0)), 0) as flagged,
           coalesce(sum(iff(is_high_amount, 1, 0)), 0) as high_amount,
           coalesce(sum(iff(is_order_burst, 1, 0)), 0) as order_burst,
           coalesce(sum(iff(is_payment_method_hopping, 1, 0)), 0) as payment_method_hopping
       from gold.fraud_signals`,
    ),
    flaggedTransactions: await q<{ event_ts: string; transaction_id: string; user_id: string; total: number; earlier_average_total: number | null; payment_method: string; status: string; fraud_rules: string }>(
      `select event_ts, transaction_id, user_id, total, earlier_average_total, payment_method, status, fraud_rules
       from gold.fraud_signals where is_flagged order by event_ts desc, transaction_id limit 15`,
    ),
    churn: await loadChurnData(warehouse),
  };
};
