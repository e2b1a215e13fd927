/**
 * The customer analytics rules on small hand-built fixtures, with expected values worked out by
 * hand in the comments: every RFM segment, the revenue anomaly rule both ways, each fraud rule.
 * Thresholds are the defaults of gold.analytics_settings.
 */
import '../support/quiet-powertools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoader } from '../../lambdas/loader/run-loader.js';
import type { Transaction } from '../../lambdas/shared/contracts/events.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { CUSTOMERS } from '../support/arbitraries.js';
import { consumeBatch, openWarehouseFixture, putReferenceData, transaction, type WarehouseFixture } from '../support/warehouse-fixtures.js';

/** Broker time after the fixtures' last day, so no event counts as from the future. */
const BROKER_TIME = Date.UTC(2025, 5, 1);

/** A completed order of `dollars` by customer `user` on fixture day `day` (0 = 2025-02-26). */
const order = (id: string, user: number, day: number, dollars: number, extra: Partial<Transaction> = {}): Transaction => ({
  ...transaction(id, day, [[0, 1, dollars * 100]], { userIndex: user }),
  ...extra,
});

/** An order at an exact time, pending (so it moves no revenue), paid with `method`. */
const attempt = (id: string, user: number, at: string, dollars: number, method: Transaction['payment_method']): Transaction => ({
  ...transaction(id, 0, [[0, 1, dollars * 100]], { userIndex: user, status: 'pending' }),
  event_ts: at,
  payment_method: method,
});

const build = async (label: string, transactions: readonly Transaction[]): Promise<WarehouseFixture> => {
  const fixture = await openWarehouseFixture(label);
  await putReferenceData(fixture.store);
  await consumeBatch(fixture.store, 'transactions', transactions, { brokerTime: BROKER_TIME });
  await runLoader({ kind: 'pending' }, { store: fixture.store, warehouse: fixture.warehouse, logger });
  await runTaskGraph(fixture.warehouse);
  return fixture;
};

const user = (index: number): string => CUSTOMERS[index]!.user_id;

describe('customer_rfm and customer_360', () => {
  // Ten buyers, c1..c10 (CUSTOMERS[1..10]); the last day with data is day 60. With 10 scored
  // customers, score = 1 + floor((rank - 1) / 2): ranks 1-2 score 1, 3-4 score 2, ... 9-10 score 5.
  //
  //       orders (day x dollars)          recency freq monetary | R  F  M | segment
  //  c1   0x10                                 60    1      10  | 1  1  1 | Hibernating
  //  c2   1,2,5,10 x100                        50    4     400  | 1  4  5 | At Risk
  //  c3   3,15 x20                             45    2      40  | 2  2  2 | Hibernating
  //  c4   20,25,30 x30                         30    3      90  | 2  3  3 | At Risk
  //  c5   31,35,38,40 x50                      20    4     200  | 3  4  4 | Loyal
  //  c6   45x25                                15    1      25  | 3  1  1 | Need Attention
  //  c7   50,54 x25                             6    2      50  | 4  2  3 | Potential Loyalists
  //  c8   56x30                                 4    1      30  | 4  1  2 | New
  //  c9   55..59 x180                           1    5     900  | 5  5  5 | Champions
  //  c10  57..60 x30                            0    4     120  | 5  4  4 | Champions
  //
  // Frequency ranks tie: three customers with 1 order share rank 1, two with 2 share rank 4
  // (score 2), one with 3 has rank 6 (score 3), three with 4 share rank 7 (score 4), c9 rank 10.
  // c1 also has a refunded order of 999 on day 58: not revenue, so not in RFM.
  const plan: Record<number, readonly (readonly [number, number])[]> = {
    1: [[0, 10]],
    2: [[1, 100], [2, 100], [5, 100], [10, 100]],
    3: [[3, 20], [15, 20]],
    4: [[20, 30], [25, 30], [30, 30]],
    5: [[31, 50], [35, 50], [38, 50], [40, 50]],
    6: [[45, 25]],
    7: [[50, 25], [54, 25]],
    8: [[56, 30]],
    9: [[55, 180], [56, 180], [57, 180], [58, 180], [59, 180]],
    10: [[57, 30], [58, 30], [59, 30], [60, 30]],
  };
  let fixture: WarehouseFixture;

  beforeAll(async () => {
    const orders = Object.entries(plan).flatMap(([c, days]) => days.map(([day, dollars], k) => order(`T-c${c}-${k}`, Number(c), day, dollars)));
    fixture = await build('rfm', [...orders, order('T-c1-refunded', 1, 58, 999, { status: 'refunded' })]);
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('scores recency, frequency and monetary by rank and names every segment', async () => {
    // Act
    const rows = await fixture.warehouse.query(
      'select user_id, recency_days, frequency, monetary, rfm_score, rfm_segment from gold.customer_rfm order by recency_days desc',
    );

    // Assess
    expect(rows).toEqual([
      { user_id: user(1), recency_days: 60, frequency: 1, monetary: 10, rfm_score: '111', rfm_segment: 'Hibernating' },
      { user_id: user(2), recency_days: 50, frequency: 4, monetary: 400, rfm_score: '145', rfm_segment: 'At Risk' },
      { user_id: user(3), recency_days: 45, frequency: 2, monetary: 40, rfm_score: '222', rfm_segment: 'Hibernating' },
      { user_id: user(4), recency_days: 30, frequency: 3, monetary: 90, rfm_score: '233', rfm_segment: 'At Risk' },
      { user_id: user(5), recency_days: 20, frequency: 4, monetary: 200, rfm_score: '344', rfm_segment: 'Loyal' },
      { user_id: user(6), recency_days: 15, frequency: 1, monetary: 25, rfm_score: '311', rfm_segment: 'Need Attention' },
      { user_id: user(7), recency_days: 6, frequency: 2, monetary: 50, rfm_score: '423', rfm_segment: 'Potential Loyalists' },
      { user_id: user(8), recency_days: 4, frequency: 1, monetary: 30, rfm_score: '412', rfm_segment: 'New' },
      { user_id: user(9), recency_days: 1, frequency: 5, monetary: 900, rfm_score: '555', rfm_segment: 'Champions' },
      { user_id: user(10), recency_days: 0, frequency: 4, monetary: 120, rfm_score: '544', rfm_segment: 'Champions' },
    ]);
  });

  it('customer_360: lifetime value and spend in the last 30 days (days 31-60) against the 30 before (days 1-30)', async () => {
    // Act
    const rows = await fixture.warehouse.query(
      `select user_id, orders, lifetime_value, average_order_value, spend_last_30_days, spend_prior_30_days, mom_spend_change, mom_spend_change_pct, rfm_segment
       from gold.customer_360 where user_id in (?, ?, ?, ?, ?) order by user_id`,
      [user(1), user(4), user(5), user(11), user(3)],
    );

    // Assess: c1's only order (day 0) is older than both windows; c3 bought on day 3 and 15
    expect(rows).toEqual(
      [
        { user_id: user(1), orders: 1, lifetime_value: 10, average_order_value: 10, spend_last_30_days: 0, spend_prior_30_days: 0, mom_spend_change: 0, mom_spend_change_pct: null, rfm_segment: 'Hibernating' },
        { user_id: user(3), orders: 2, lifetime_value: 40, average_order_value: 20, spend_last_30_days: 0, spend_prior_30_days: 40, mom_spend_change: -40, mom_spend_change_pct: -1, rfm_segment: 'Hibernating' },
        { user_id: user(4), orders: 3, lifetime_value: 90, average_order_value: 30, spend_last_30_days: 0, spend_prior_30_days: 90, mom_spend_change: -90, mom_spend_change_pct: -1, rfm_segment: 'At Risk' },
        { user_id: user(5), orders: 4, lifetime_value: 200, average_order_value: 50, spend_last_30_days: 200, spend_prior_30_days: 0, mom_spend_change: 200, mom_spend_change_pct: null, rfm_segment: 'Loyal' },
        { user_id: user(11), orders: 0, lifetime_value: 0, average_order_value: null, spend_last_30_days: 0, spend_prior_30_days: 0, mom_spend_change: 0, mom_spend_change_pct: null, rfm_segment: 'Prospects' },
      ].sort((a, b) => (a.user_id < b.user_id ? -1 : 1)),
    );
  });

  it('measure_customer_count and measure_average_lifetime_value: per segment, prospects included', async () => {
    // Act
    const counts = await fixture.warehouse.query('select rfm_segment, customer_count from gold.measure_customer_count order by rfm_segment');
    const values = await fixture.warehouse.query("select rfm_segment, average_lifetime_value from gold.measure_average_lifetime_value where rfm_segment in ('Champions', 'At Risk')");

    // Assess: 1,000 customers, 10 of them buyers
    expect(counts).toEqual([
      { rfm_segment: 'At Risk', customer_count: 2 },
      { rfm_segment: 'Champions', customer_count: 2 },
      { rfm_segment: 'Hibernating', customer_count: 2 },
      { rfm_segment: 'Loyal', customer_count: 1 },
      { rfm_segment: 'Need Attention', customer_count: 1 },
      { rfm_segment: 'New', customer_count: 1 },
      { rfm_segment: 'Potential Loyalists', customer_count: 1 },
      { rfm_segment: 'Prospects', customer_count: CUSTOMERS.length - 10 },
    ]);
    expect(new Map(values.map((row) => [row.rfm_segment, row.average_lifetime_value]))).toEqual(
      new Map([
        ['Champions', 510], // (900 + 120) / 2
        ['At Risk', 245], // (400 + 90) / 2
      ]),
    );
  });
});

describe('revenue_anomalies', () => {
  // One customer, one order a day: 100 on even days and 102 on odd days, except day 29 (50) and
  // day 60 (300). Any 28 consecutive ordinary days have mean 101 and sample deviation
  // sqrt(28 / 27) = 1.0184, so day 29 scores (50 - 101) / 1.0184 = -50.08 and day 60, whose
  // window (days 32-59) no longer holds day 29, (300 - 101) / 1.0184 = +195.41. Days whose
  // window holds day 29 vary too much to flag; days 0-27 have less than a full window.
  let fixture: WarehouseFixture;
  const sd = Math.sqrt(28 / 27);

  beforeAll(async () => {
    const dollars = (day: number): number => (day === 29 ? 50 : day === 60 ? 300 : day % 2 === 0 ? 100 : 102);
    fixture = await build('anomalies', Array.from({ length: 61 }, (_, day) => order(`T-${day}`, 0, day, dollars(day))));
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('flags a drop and a spike beyond 3 standard deviations of the 28 days before, and nothing else', async () => {
    // Act
    const flagged = await fixture.warehouse.query(
      'select date_day, revenue, window_days, trailing_mean, trailing_stddev, direction from gold.revenue_anomalies where is_anomaly order by date_day',
    );
    const z = await fixture.warehouse.query('select date_day, z_score from gold.revenue_anomalies where is_anomaly order by date_day');

    // Assess
    expect(flagged).toEqual([
      { date_day: '2025-03-27', revenue: 50, window_days: 28, trailing_mean: 101, trailing_stddev: 1.02, direction: 'drop' },
      { date_day: '2025-04-27', revenue: 300, window_days: 28, trailing_mean: 101, trailing_stddev: 1.02, direction: 'spike' },
    ]);
    expect(z[0]!.z_score as number).toBeCloseTo(-51 / sd, 3);
    expect(z[1]!.z_score as number).toBeCloseTo(199 / sd, 3);
  });

  it('judges a day only once a full window exists: day 27 has 27 days behind it, day 28 has 28 and stays within 1 deviation', async () => {
    const rows = await fixture.warehouse.query("select date_day, window_days, is_anomaly, z_score from gold.revenue_anomalies where date_day in ('2025-03-25', '2025-03-26') order by 1");
    expect(rows.map(({ z_score, ...rest }) => ({ ...rest, z: Math.round((z_score as number) * 100) / 100 }))).toEqual([
      { date_day: '2025-03-25', window_days: 27, is_anomaly: false, z: 1.02 },
      { date_day: '2025-03-26', window_days: 28, is_anomaly: false, z: -0.98 },
    ]);
  });
});

describe('fraud_signals', () => {
  // Pending orders (no revenue) at exact times:
  //   c11: 20, 30, then 200 (more than 3 x the average 25 of 2 earlier orders: high_amount),
  //        then 80 (3 x the average 83.33 of 3 earlier orders is 250: nothing)
  //   c12: three orders 4 minutes apart with three payment methods: the third is an order_burst
  //        (3 within 10 minutes) and payment_method_hopping (3 methods within 24 hours)
  //   c13: three methods 10 hours apart: the third is payment_method_hopping only; a fourth order
  //        25 hours after the first has only itself in its 24-hour window
  let fixture: WarehouseFixture;

  beforeAll(async () => {
    fixture = await build('fraud', [
      attempt('F-1', 11, '2025-03-08T10:00:00Z', 20, 'credit_card'),
      attempt('F-2', 11, '2025-03-09T10:00:00Z', 30, 'credit_card'),
      attempt('F-3', 11, '2025-03-10T10:00:00Z', 200, 'credit_card'),
      attempt('F-4', 11, '2025-03-11T10:00:00Z', 80, 'credit_card'),
      attempt('B-1', 12, '2025-03-15T14:00:00Z', 10, 'credit_card'),
      attempt('B-2', 12, '2025-03-15T14:04:00Z', 10, 'paypal'),
      attempt('B-3', 12, '2025-03-15T14:08:00Z', 10, 'apple_pay'),
      attempt('H-1', 13, '2025-03-20T00:00:00Z', 10, 'credit_card'),
      attempt('H-2', 13, '2025-03-20T10:00:00Z', 10, 'paypal'),
      attempt('H-3', 13, '2025-03-20T20:00:00Z', 10, 'gift_card'),
      attempt('H-4', 13, '2025-03-21T21:00:00Z', 10, 'credit_card'),
    ]);
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('names the rules that fired on each transaction', async () => {
    // Act
    const rows = await fixture.warehouse.query(
      `select transaction_id, earlier_transactions, earlier_average_total, transactions_in_burst_window, payment_methods_in_window, fraud_rules, is_flagged
       from gold.fraud_signals order by transaction_id`,
    );

    // Assess
    expect(rows).toEqual([
      { transaction_id: 'B-1', earlier_transactions: 0, earlier_average_total: null, transactions_in_burst_window: 1, payment_methods_in_window: 1, fraud_rules: null, is_flagged: false },
      { transaction_id: 'B-2', earlier_transactions: 1, earlier_average_total: 10, transactions_in_burst_window: 2, payment_methods_in_window: 2, fraud_rules: null, is_flagged: false },
      { transaction_id: 'B-3', earlier_transactions: 2, earlier_average_total: 10, transactions_in_burst_window: 3, payment_methods_in_window: 3, fraud_rules: 'order_burst, payment_method_hopping', is_flagged: true },
      { transaction_id: 'F-1', earlier_transactions: 0, earlier_average_total: null, transactions_in_burst_window: 1, payment_methods_in_window: 1, fraud_rules: null, is_flagged: false },
      { transaction_id: 'F-2', earlier_transactions: 1, earlier_average_total: 20, transactions_in_burst_window: 1, payment_methods_in_window: 1, fraud_rules: null, is_flagged: false },
      { transaction_id: 'F-3', earlier_transactions: 2, earlier_average_total: 25, transactions_in_burst_window: 1, payment_methods_in_window: 1, fraud_rules: 'high_amount', is_flagged: true },
      { transaction_id: 'F-4', earlier_transactions: 3, earlier_average_total: 83.33, transactions_in_burst_window: 1, payment_methods_in_window: 1, fraud_rules: null, is_flagged: false },
      { transaction_id: 'H-1', earlier_transactions: 0, earlier_average_total: null, transactions_in_burst_window: 1, payment_methods_in_window: 1, fraud_rules: null, is_flagged: false },
      { transaction_id: 'H-2', earlier_transactions: 1, earlier_average_total: 10, transactions_in_burst_window: 1, payment_methods_in_window: 2, fraud_rules: null, is_flagged: false },
      { transaction_id: 'H-3', earlier_transactions: 2, earlier_average_total: 10, transactions_in_burst_window: 1, payment_methods_in_window: 3, fraud_rules: 'payment_method_hopping', is_flagged: true },
      { transaction_id: 'H-4', earlier_transactions: 3, earlier_average_total: 10, transactions_in_burst_window: 1, payment_methods_in_window: 1, fraud_rules: null, is_flagged: false },
    ]);
  });

  it('moves no revenue: every order is pending', async () => {
    expect(await fixture.warehouse.query("select total_revenue from gold.measure_total_revenue where period = 'all_time'")).toEqual([{ total_revenue: 0 }]);
  });
});
