/**
 * The Gold measure and analytics views against independent recomputations (test/support/
 * measure-oracle.ts) from the facts of a real local run: a few thousand seeded events through the
 * whole pipeline, 13 months of them, so every period, month and year-over-year row has data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import type { WarehouseRow } from '../../lambdas/shared/ports/warehouse.js';
import {
  addMonths,
  cents,
  change,
  customer360,
  dailyRevenueCents,
  fraudRules,
  groupBy,
  monthToDateCents,
  periodMeasures,
  rankDescending,
  ratio,
  readFacts,
  reportingPeriods,
  revenueAnomalies,
  revenueOf,
  rfm,
  runningTotalCents,
  yoyGrowth,
  type Facts,
} from '../support/measure-oracle.js';
import { runPipeline, type PipelineRun } from '../support/pipeline-run.js';

let run: PipelineRun;
let warehouse: DuckDbWarehouse;
let facts: Facts;

beforeAll(async () => {
  run = await runPipeline('measures');
  warehouse = await DuckDbWarehouse.open(run.warehouseFile);
  facts = await readFacts(warehouse);
}, 120_000);

afterAll(async () => {
  await warehouse?.close();
  await run?.remove();
});

const rows = <T extends WarehouseRow>(sql: string): Promise<T[]> => warehouse.query<T>(sql);

/** Ratios are stored with 6 decimals, money with 2. */
const expectRatio = (actual: unknown, expected: number | null, label: string): void => {
  if (expected === null) expect(actual, label).toBeNull();
  else expect(actual as number, label).toBeCloseTo(expected, 5);
};
const expectMoney = (actual: unknown, expected: number | null, label: string): void => {
  if (expected === null) expect(actual, label).toBeNull();
  else expect(actual as number, label).toBeCloseTo(expected, 2);
};

describe('the fixture', () => {
  it('has sales, events, quarantined records and a year of history', () => {
    expect(facts.lines.filter((line) => line.status === 'completed').length).toBeGreaterThan(20);
    expect(facts.events.length).toBeGreaterThan(3_000);
    expect(facts.days.length).toBeGreaterThan(366);
    expect(run.stdout).toMatch(/dashboard: .*dashboard\/index\.html\n?$/);
  });
});

describe('period measure views: one row per reporting period, with its comparison', () => {
  const cases = [
    ['measure_total_revenue', 'total_revenue', 'money'],
    ['measure_unique_users', 'unique_users', 'count'],
    ['measure_conversion_rate', 'conversion_rate', 'ratio'],
    ['measure_average_order_value', 'average_order_value', 'money'],
  ] as const;

  it('dim_reporting_period: all time, the rolling 30 days, and each month', async () => {
    const periods = await rows<{ period: string; period_start: string; period_end: string; comparison_period: string | null }>(
      'select period, period_start, period_end, comparison_period from gold.dim_reporting_period order by sort_order',
    );
    expect(periods).toEqual(reportingPeriods(facts.days).map((p) => ({ period: p.period, period_start: p.start, period_end: p.end, comparison_period: p.comparison })));
  });

  it.each(cases)('%s.%s equals the recomputation for every period, and so do its previous value and change', async (view, measure, kind) => {
    // Prepare
    const periods = reportingPeriods(facts.days);
    const expected = new Map(periods.map((period) => [period.period, periodMeasures(facts, period)]));

    // Act
    const actual = await rows<Record<string, number | string | null>>(`select * from gold.${view} order by sort_order`);

    // Assess
    expect(actual.map((row) => row.period)).toEqual(periods.map((period) => period.period));
    for (const row of actual) {
      const period = periods.find((p) => p.period === row.period)!;
      const value = expected.get(period.period)![measure];
      const previous = period.comparison === null ? null : expected.get(period.comparison)![measure];
      const check = kind === 'ratio' ? expectRatio : kind === 'money' ? expectMoney : (a: unknown, e: number | null, l: string) => expect(a, l).toBe(e);
      check(row[measure], value, `${period.period} ${measure}`);
      check(row[`previous_${measure}`], previous, `${period.period} previous`);
      // The change is between the values as the view stores them (ratios rounded to 6 decimals).
      const stored = (v: number | null): number | null => (v === null || kind !== 'ratio' ? v : Math.round(v * 1e6) / 1e6);
      expectRatio(row[`${measure}_change`], change(stored(value), stored(previous)), `${period.period} change`);
    }
  });

  it('measure_conversion_rate and measure_average_order_value carry their numerators and denominators', async () => {
    const [conversion] = await rows<{ sessions: number; converted_sessions: number }>("select sessions, converted_sessions from gold.measure_conversion_rate where period = 'all_time'");
    const [aov] = await rows<{ revenue: number; orders: number }>("select revenue, orders from gold.measure_average_order_value where period = 'all_time'");
    const all = periodMeasures(facts, reportingPeriods(facts.days)[0]!);
    expect(conversion).toEqual({ sessions: all.sessions, converted_sessions: all.converted_sessions });
    expect(aov).toEqual({ revenue: all.total_revenue, orders: all.orders });
  });
});

describe('daily and monthly measure views', () => {
  it('measure_mtd_revenue: revenue from the 1st to the day, and the same day of the month before', async () => {
    const mtd = monthToDateCents(dailyRevenueCents(facts));
    const actual = await rows<{ date_day: string; mtd_revenue: number; previous_month_mtd_revenue: number | null }>(
      'select date_day, mtd_revenue, previous_month_mtd_revenue from gold.measure_mtd_revenue order by date_day',
    );
    expect(actual.map((row) => row.date_day)).toEqual(facts.days);
    for (const row of actual) {
      expectMoney(row.mtd_revenue, mtd.get(row.date_day)! / 100, row.date_day);
      const previous = mtd.get(addMonths(row.date_day, -1));
      expectMoney(row.previous_month_mtd_revenue, previous === undefined ? null : previous / 100, `${row.date_day} previous`);
    }
  });

  it('measure_running_total: revenue from the first day to the day', async () => {
    const running = runningTotalCents(dailyRevenueCents(facts));
    const actual = await rows<{ date_day: string; running_total: number }>('select date_day, running_total from gold.measure_running_total order by date_day');
    expect(actual.map((row) => [row.date_day, cents(row.running_total)])).toEqual([...running]);
  });

  it('measure_yoy_growth: each month against the same days a year earlier, only when all of them are in the warehouse', async () => {
    const expected = yoyGrowth(dailyRevenueCents(facts));
    const actual = await rows<{ year_month: string; revenue: number; prior_year_revenue: number | null; yoy_growth: number | null; is_prior_year_covered: boolean }>(
      'select year_month, revenue, prior_year_revenue, yoy_growth, is_prior_year_covered from gold.measure_yoy_growth order by year_month',
    );
    expect(actual.map((row) => row.year_month)).toEqual([...expected.keys()]);
    for (const row of actual) {
      const month = expected.get(row.year_month)!;
      expectMoney(row.revenue, month.revenue, row.year_month);
      expectMoney(row.prior_year_revenue, month.prior, `${row.year_month} prior`);
      expectRatio(row.yoy_growth, month.growth, `${row.year_month} growth`);
    }
    // A 13-month window: the last month has its prior-year days, the first month none.
    expect(actual.at(-1)!.is_prior_year_covered).toBe(true);
    expect([actual[0]!.is_prior_year_covered, actual[0]!.yoy_growth]).toEqual([false, null]);
  });

  it('measure_daily_active_users: distinct users and sessions per day with events', async () => {
    const expected = groupBy(facts.events, (event) => event.event_date, (events) => ({
      daily_active_users: new Set(events.map((event) => event.user_id)).size,
      sessions: new Set(events.map((event) => event.session_id)).size,
    }));
    const actual = await rows<{ event_date: string; daily_active_users: number; sessions: number }>(
      'select event_date, daily_active_users, sessions from gold.measure_daily_active_users order by event_date',
    );
    expect(Object.fromEntries(actual.map(({ event_date, ...rest }) => [event_date, rest]))).toEqual(Object.fromEntries([...expected].sort()));
  });
});

describe('breakdown measure views', () => {
  const completed = () => facts.lines.filter((line) => line.status === 'completed');

  it('measure_pct_of_total_revenue: revenue by category and its share of all revenue', async () => {
    const total = revenueOf(completed());
    const expected = groupBy(completed(), (line) => facts.categoryOf.get(line.product_key)!, (lines) => revenueOf(lines));
    const actual = await rows<{ category: string; revenue: number; pct_of_total_revenue: number }>('select category, revenue, pct_of_total_revenue from gold.measure_pct_of_total_revenue');
    expect(actual).toHaveLength(expected.size);
    for (const row of actual) {
      expectMoney(row.revenue, expected.get(row.category)!, row.category);
      expectRatio(row.pct_of_total_revenue, expected.get(row.category)! / total, row.category);
    }
  });

  it('measure_product_rank: products by revenue, ties sharing a place', async () => {
    const revenue = groupBy(completed(), (line) => line.product_key, (lines) => revenueOf(lines));
    const ranks = rankDescending(revenue);
    const actual = await rows<{ product_key: string; revenue: number; product_rank: number }>(
      'select products.product_key, ranked.revenue, ranked.product_rank from gold.measure_product_rank as ranked inner join gold.dim_product as products on products.product_id = ranked.product_id',
    );
    expect(new Map(actual.map((row) => [row.product_key, row.product_rank]))).toEqual(ranks);
    expect(actual.filter((row) => row.product_rank === 1)[0]!.revenue).toBe(Math.max(...revenue.values()));
  });

  it('measure_event_count and measure_device_share: events by type and device', async () => {
    const byType = groupBy(facts.events, (event) => event.event_type, (events) => events.length);
    const byDevice = groupBy(facts.events, (event) => event.device_type, (events) => events.length);
    const types = await rows<{ event_type: string; event_count: number }>('select event_type, event_count from gold.measure_event_count');
    const devices = await rows<{ device_type: string; event_count: number; device_share: number }>('select device_type, event_count, device_share from gold.measure_device_share');
    expect(new Map(types.map((row) => [row.event_type, row.event_count]))).toEqual(byType);
    for (const row of devices) {
      expect(row.event_count).toBe(byDevice.get(row.device_type));
      expectRatio(row.device_share, byDevice.get(row.device_type)! / facts.events.length, row.device_type);
    }
  });

  it('measure_payment_method_share: revenue by payment method and its share', async () => {
    const total = revenueOf(completed());
    const expected = groupBy(completed(), (line) => line.payment_method, (lines) => revenueOf(lines));
    const actual = await rows<{ payment_method: string; revenue: number; payment_method_share: number }>('select payment_method, revenue, payment_method_share from gold.measure_payment_method_share');
    expect(actual).toHaveLength(expected.size);
    for (const row of actual) {
      expectMoney(row.revenue, expected.get(row.payment_method)!, row.payment_method);
      expectRatio(row.payment_method_share, expected.get(row.payment_method)! / total, row.payment_method);
    }
  });

  it('measure_cart_to_purchase_rate: purchased lines per add_to_cart event, by category', async () => {
    const carts = groupBy(facts.events.filter((event) => event.event_type === 'add_to_cart'), (event) => facts.categoryOf.get(event.product_key!)!, (events) => events.length);
    const bought = groupBy(completed(), (line) => facts.categoryOf.get(line.product_key)!, (lines) => lines.length);
    const actual = await rows<{ category: string; add_to_cart_events: number; purchased_lines: number; cart_to_purchase_rate: number | null }>(
      'select category, add_to_cart_events, purchased_lines, cart_to_purchase_rate from gold.measure_cart_to_purchase_rate',
    );
    expect(new Set(actual.map((row) => row.category))).toEqual(new Set([...carts.keys(), ...bought.keys()]));
    for (const row of actual) {
      expect([row.add_to_cart_events, row.purchased_lines], row.category).toEqual([carts.get(row.category) ?? 0, bought.get(row.category) ?? 0]);
      expectRatio(row.cart_to_purchase_rate, ratio(bought.get(row.category) ?? 0, carts.get(row.category) ?? 0), row.category);
    }
  });

  it('measure_funnel_step_conversion: sessions per step, over the step before and over the first', async () => {
    const sessions = [1, 2, 3, 4, 5].map((step) => new Set(facts.events.filter((event) => event.funnel_step === step).map((event) => event.session_id)).size);
    const actual = await rows<{ funnel_step: number; sessions: number; funnel_step_conversion: number | null; conversion_from_first_step: number | null }>(
      'select funnel_step, sessions, funnel_step_conversion, conversion_from_first_step from gold.measure_funnel_step_conversion order by funnel_step',
    );
    expect(actual.map((row) => row.sessions)).toEqual(sessions);
    actual.forEach((row, index) => {
      expectRatio(row.funnel_step_conversion, index === 0 ? null : ratio(sessions[index]!, sessions[index - 1]!), `step ${row.funnel_step}`);
      expectRatio(row.conversion_from_first_step, ratio(sessions[index]!, sessions[0]!), `step ${row.funnel_step} from first`);
    });
  });
});

describe('customer analytics views', () => {
  it('customer_rfm: recency, frequency, monetary, their scores and the segment of every buyer', async () => {
    const expected = rfm(facts);
    const actual = await rows<{ user_id: string } & Record<string, number | string>>(
      'select user_id, recency_days, frequency, monetary, recency_score, frequency_score, monetary_score, rfm_segment from gold.customer_rfm',
    );
    expect(Object.fromEntries(actual.map(({ user_id, ...rest }) => [user_id, rest]))).toEqual(Object.fromEntries(expected));
  });

  it('customer_360 and its segment views: lifetime value, the rolling 30-day spend, customers and average value per segment', async () => {
    const expected = customer360(facts);
    const actual = await rows<{ user_id: string; orders: number; lifetime_value: number; rfm_segment: string; spend_last_30_days: number; spend_prior_30_days: number }>(
      'select user_id, orders, lifetime_value, rfm_segment, spend_last_30_days, spend_prior_30_days from gold.customer_360',
    );
    expect(Object.fromEntries(actual.map(({ user_id, ...rest }) => [user_id, rest]))).toEqual(Object.fromEntries(expected));

    const counts = await rows<{ rfm_segment: string; customer_count: number }>('select rfm_segment, customer_count from gold.measure_customer_count');
    const values = await rows<{ rfm_segment: string; average_lifetime_value: number }>('select rfm_segment, average_lifetime_value from gold.measure_average_lifetime_value');
    const bySegment = groupBy([...expected.values()], (row) => row.rfm_segment, (group) => group);
    expect(new Map(counts.map((row) => [row.rfm_segment, row.customer_count]))).toEqual(new Map([...bySegment].map(([segment, group]) => [segment, group.length])));
    for (const row of values) {
      const group = bySegment.get(row.rfm_segment)!;
      expectMoney(row.average_lifetime_value, Math.round(group.reduce((sum, c) => sum + cents(c.lifetime_value), 0) / group.length) / 100, row.rfm_segment);
    }
  });

  it('revenue_anomalies: each day against its trailing window, flagged beyond the threshold', async () => {
    const expected = revenueAnomalies(facts);
    const actual = await rows<{ date_day: string; window_days: number; z_score: number | null; is_anomaly: boolean }>(
      'select date_day, window_days, z_score, is_anomaly from gold.revenue_anomalies order by date_day',
    );
    expect(actual.map((row) => row.date_day)).toEqual(facts.days);
    for (const row of actual) {
      const day = expected.get(row.date_day)!;
      expect([row.window_days, row.is_anomaly], row.date_day).toEqual([day.window_days, day.is_anomaly]);
      if (day.z_score === null) expect(row.z_score, row.date_day).toBeNull();
      else expect(row.z_score!, row.date_day).toBeCloseTo(day.z_score, 3);
    }
  });

  it('fraud_signals: one row per transaction, naming the rules that fired', async () => {
    const actual = await rows<{ transaction_id: string; fraud_rules: string | null }>('select transaction_id, fraud_rules from gold.fraud_signals');
    expect(new Map(actual.map((row) => [row.transaction_id, row.fraud_rules]))).toEqual(fraudRules(facts));
  });
});
