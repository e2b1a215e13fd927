/**
 * The measures recomputed in TypeScript from the Gold facts and dimensions, independently of the
 * SQL views, following the definitions in the views' header comments. Money is summed in cents so
 * the oracle itself adds no rounding error.
 */
import type { Warehouse } from '../../lambdas/shared/ports/warehouse.js';

export type Line = {
  readonly transaction_id: string;
  readonly user_id: string;
  readonly session_id: string | null;
  readonly product_key: string;
  readonly quantity: number;
  readonly line_total: number;
  readonly status: string;
  readonly payment_method: string;
  readonly transaction_date: string;
  readonly event_ts: string;
};

export type Event = {
  readonly user_id: string;
  readonly session_id: string;
  readonly event_type: string;
  readonly device_type: string;
  readonly event_date: string;
  readonly product_key: string | null;
  readonly funnel_step: number | null;
};

export type Settings = {
  readonly anomaly_window_days: number;
  readonly anomaly_z_threshold: number;
  readonly fraud_amount_multiple: number;
  readonly fraud_min_history: number;
  readonly fraud_burst_orders: number;
  readonly fraud_burst_minutes: number;
  readonly fraud_payment_methods: number;
  readonly fraud_payment_window_hours: number;
};

export interface Facts {
  readonly lines: readonly Line[];
  readonly events: readonly Event[];
  readonly categoryOf: ReadonlyMap<string, string>;
  /** Every day of gold.dim_date, ascending. */
  readonly days: readonly string[];
  /** user_id of every current customer but the unknown one. */
  readonly customers: readonly string[];
  readonly settings: Settings;
}

export const readFacts = async (warehouse: Warehouse): Promise<Facts> => {
  const [settings] = await warehouse.query<Settings>('select * from gold.analytics_settings');
  return {
    lines: await warehouse.query<Line>(
      'select transaction_id, user_id, session_id, product_key, quantity, line_total, status, payment_method, transaction_date, event_ts from gold.fact_transactions',
    ),
    events: await warehouse.query<Event>('select user_id, session_id, event_type, device_type, event_date, product_key, funnel_step from gold.fact_user_activity'),
    categoryOf: new Map((await warehouse.query<{ product_key: string; category: string }>('select product_key, category from gold.dim_product')).map((row) => [row.product_key, row.category])),
    days: (await warehouse.query<{ date_day: string }>('select date_day from gold.dim_date order by date_day')).map((row) => row.date_day),
    customers: (await warehouse.query<{ user_id: string }>("select user_id from gold.dim_customer where is_current and user_id <> '-1'")).map((row) => row.user_id),
    settings: settings!,
  };
};

// ---------- numbers and days

export const cents = (amount: number): number => Math.round(amount * 100);
export const ratio = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);
export const change = (current: number | null, previous: number | null): number | null =>
  current === null || previous === null || previous === 0 ? null : (current - previous) / previous;
const distinct = <T>(values: Iterable<T>): number => new Set(values).size;

const DAY_MS = 86_400_000;
const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, days: number): string => dayOf(dayMs(day) + days * DAY_MS);
/** `day` moved by whole months, clamped to the end of a shorter month (as DATEADD and EDATE do). */
export const addMonths = (day: string, months: number): string => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const [y, m] = [Math.floor(index / 12), index % 12];
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return `${y}-${String(m + 1).padStart(2, '0')}-${String(Math.min(date, last)).padStart(2, '0')}`;
};
const between = (day: string, start: string, end: string): boolean => day >= start && day <= end;
const isCompleted = (line: Line): boolean => line.status === 'completed';

// ---------- reporting periods and the period measures

export interface Period {
  readonly period: string;
  readonly start: string;
  readonly end: string;
  readonly comparison: string | null;
}

export const reportingPeriods = (days: readonly string[]): Period[] => {
  const first = days[0]!;
  const asOf = days.at(-1)!;
  const months = [...new Set(days.map((day) => day.slice(0, 7)))].sort();
  return [
    { period: 'all_time', start: first, end: asOf, comparison: null },
    { period: 'last_30_days', start: addDays(asOf, -29), end: asOf, comparison: 'prior_30_days' },
    { period: 'prior_30_days', start: addDays(asOf, -59), end: addDays(asOf, -30), comparison: null },
    ...months.map((month, index) => {
      const inMonth = days.filter((day) => day.startsWith(month));
      return { period: month, start: inMonth[0]!, end: inMonth.at(-1)!, comparison: index === 0 ? null : months[index - 1]! };
    }),
  ];
};

export interface PeriodMeasures {
  readonly total_revenue: number;
  readonly orders: number;
  readonly unique_users: number;
  readonly sessions: number;
  readonly converted_sessions: number;
  readonly conversion_rate: number | null;
  readonly average_order_value: number | null;
}

export const periodMeasures = (facts: Facts, period: Period): PeriodMeasures => {
  const lines = facts.lines.filter((line) => isCompleted(line) && between(line.transaction_date, period.start, period.end));
  const events = facts.events.filter((event) => between(event.event_date, period.start, period.end));
  const revenue = lines.reduce((sum, line) => sum + cents(line.line_total), 0);
  const orders = distinct(lines.map((line) => line.transaction_id));
  const sessions = distinct(events.map((event) => event.session_id));
  const converted = distinct(events.filter((event) => event.event_type === 'purchase').map((event) => event.session_id));
  const aov = ratio(revenue, orders);
  return {
    total_revenue: revenue / 100,
    orders,
    unique_users: distinct(events.map((event) => event.user_id)),
    sessions,
    converted_sessions: converted,
    conversion_rate: ratio(converted, sessions),
    average_order_value: aov === null ? null : Math.round(aov) / 100,
  };
};

// ---------- daily revenue: month to date, running total, year over year

/** Completed revenue in cents per day of gold.dim_date (0 on days without sales). */
export const dailyRevenueCents = (facts: Facts): Map<string, number> => {
  const daily = new Map(facts.days.map((day) => [day, 0]));
  for (const line of facts.lines.filter(isCompleted)) daily.set(line.transaction_date, (daily.get(line.transaction_date) ?? 0) + cents(line.line_total));
  return daily;
};

export const monthToDateCents = (daily: ReadonlyMap<string, number>): Map<string, number> => {
  const mtd = new Map<string, number>();
  let month = '';
  let running = 0;
  for (const [day, revenue] of daily) {
    if (day.slice(0, 7) !== month) [month, running] = [day.slice(0, 7), 0];
    running += revenue;
    mtd.set(day, running);
  }
  return mtd;
};

export const runningTotalCents = (daily: ReadonlyMap<string, number>): Map<string, number> => {
  let running = 0;
  return new Map([...daily].map(([day, revenue]) => [day, (running += revenue)]));
};

export const yoyGrowth = (daily: ReadonlyMap<string, number>): Map<string, { revenue: number; prior: number | null; growth: number | null }> => {
  const months = new Map<string, string[]>();
  for (const day of daily.keys()) months.set(day.slice(0, 7), [...(months.get(day.slice(0, 7)) ?? []), day]);
  const result = new Map<string, { revenue: number; prior: number | null; growth: number | null }>();
  for (const [month, days] of months) {
    const revenue = days.reduce((sum, day) => sum + daily.get(day)!, 0);
    const needed = new Set(days.map((day) => addMonths(day, -12)));
    const found = [...needed].filter((day) => daily.has(day));
    const prior = found.length === 0 ? null : found.reduce((sum, day) => sum + daily.get(day)!, 0);
    const growth = found.length === needed.size ? change(revenue, prior) : null;
    result.set(month, { revenue: revenue / 100, prior: prior === null ? null : prior / 100, growth });
  }
  return result;
};

// ---------- breakdowns

/** Groups rows by a key and reduces each group. */
export const groupBy = <T, R>(rows: readonly T[], key: (row: T) => string, reduce: (group: T[]) => R): Map<string, R> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return new Map([...groups].map(([name, group]) => [name, reduce(group)]));
};

export const revenueOf = (lines: readonly Line[]): number => lines.reduce((sum, line) => sum + cents(line.line_total), 0) / 100;

/** rank() over (order by value desc): 1 + the number of strictly greater values. */
export const rankDescending = (values: ReadonlyMap<string, number>): Map<string, number> =>
  new Map([...values].map(([key, value]) => [key, 1 + [...values.values()].filter((other) => other > value).length]));

// ---------- RFM and customer 360

export interface RfmRow {
  readonly recency_days: number;
  readonly frequency: number;
  readonly monetary: number;
  readonly recency_score: number;
  readonly frequency_score: number;
  readonly monetary_score: number;
  readonly rfm_segment: string;
}

const segmentOf = (r: number, f: number, m: number, frequency: number): string => {
  if (r >= 4 && f >= 4 && m >= 4) return 'Champions';
  if (r >= 3 && f >= 4) return 'Loyal';
  if (r >= 4 && frequency === 1) return 'New';
  if (r >= 4) return 'Potential Loyalists';
  if (r <= 2 && f >= 3) return 'At Risk';
  if (r <= 2) return 'Hibernating';
  return 'Need Attention';
};

export const rfm = (facts: Facts): Map<string, RfmRow> => {
  const asOf = facts.days.at(-1)!;
  const orders = groupBy(facts.lines.filter(isCompleted), (line) => line.transaction_id, (lines) => ({
    user: lines[0]!.user_id,
    date: lines[0]!.transaction_date,
    cents: lines.reduce((sum, line) => sum + cents(line.line_total), 0),
  }));
  const customers = groupBy([...orders.values()], (order) => order.user, (list) => ({
    recency: Math.round((dayMs(asOf) - dayMs(list.map((order) => order.date).sort().at(-1)!)) / DAY_MS),
    frequency: list.length,
    cents: list.reduce((sum, order) => sum + order.cents, 0),
  }));
  const all = [...customers.values()];
  const score = (rank: number): number => 1 + Math.floor((5 * (rank - 1)) / all.length);
  return new Map(
    [...customers].map(([user, c]) => {
      const r = score(1 + all.filter((other) => other.recency > c.recency).length);
      const f = score(1 + all.filter((other) => other.frequency < c.frequency).length);
      const m = score(1 + all.filter((other) => other.cents < c.cents).length);
      return [
        user,
        { recency_days: c.recency, frequency: c.frequency, monetary: c.cents / 100, recency_score: r, frequency_score: f, monetary_score: m, rfm_segment: segmentOf(r, f, m, c.frequency) },
      ];
    }),
  );
};

export interface Customer360Row {
  readonly orders: number;
  readonly lifetime_value: number;
  readonly rfm_segment: string;
  readonly spend_last_30_days: number;
  readonly spend_prior_30_days: number;
}

export const customer360 = (facts: Facts): Map<string, Customer360Row> => {
  const scores = rfm(facts);
  const [, last, prior] = reportingPeriods(facts.days);
  const spend = (user: string, period: Period): number =>
    revenueOf(facts.lines.filter((line) => line.user_id === user && isCompleted(line) && between(line.transaction_date, period.start, period.end)));
  return new Map(
    facts.customers.map((user) => [
      user,
      {
        orders: scores.get(user)?.frequency ?? 0,
        lifetime_value: scores.get(user)?.monetary ?? 0,
        rfm_segment: scores.get(user)?.rfm_segment ?? 'Prospects',
        spend_last_30_days: spend(user, last!),
        spend_prior_30_days: spend(user, prior!),
      },
    ]),
  );
};

// ---------- anomalies and fraud

export interface AnomalyRow {
  readonly window_days: number;
  readonly z_score: number | null;
  readonly is_anomaly: boolean;
}

export const revenueAnomalies = (facts: Facts): Map<string, AnomalyRow> => {
  const daily = dailyRevenueCents(facts);
  const { anomaly_window_days: window, anomaly_z_threshold: threshold } = facts.settings;
  return new Map(
    facts.days.map((day) => {
      const earlier = facts.days.filter((other) => other >= addDays(day, -window) && other <= addDays(day, -1)).map((other) => daily.get(other)! / 100);
      const mean = earlier.reduce((sum, value) => sum + value, 0) / earlier.length;
      const sd = earlier.length < 2 ? null : Math.sqrt(earlier.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (earlier.length - 1));
      const z = sd === null || sd === 0 ? null : (daily.get(day)! / 100 - mean) / sd;
      return [day, { window_days: earlier.length, z_score: z, is_anomaly: earlier.length === window && z !== null && Math.abs(z) > threshold }];
    }),
  );
};

export const fraudRules = (facts: Facts): Map<string, string | null> => {
  const s = facts.settings;
  const transactions = [
    ...groupBy(facts.lines, (line) => line.transaction_id, (lines) => ({
      id: lines[0]!.transaction_id,
      user: lines[0]!.user_id,
      at: Date.parse(lines[0]!.event_ts),
      method: lines[0]!.payment_method,
      cents: lines.reduce((sum, line) => sum + cents(line.line_total), 0),
    })).values(),
  ].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return new Map(
    transactions.map((t) => {
      const mine = transactions.filter((other) => other.user === t.user);
      const earlier = mine.slice(0, mine.indexOf(t));
      const average = earlier.reduce((sum, other) => sum + other.cents, 0) / earlier.length;
      const within = (ms: number) => mine.filter((other) => other.at >= t.at - ms && other.at <= t.at);
      const rules = [
        earlier.length >= s.fraud_min_history && t.cents > s.fraud_amount_multiple * average ? 'high_amount' : '',
        within(s.fraud_burst_minutes * 60_000).length >= s.fraud_burst_orders ? 'order_burst' : '',
        distinct(within(s.fraud_payment_window_hours * 3_600_000).map((other) => other.method)) >= s.fraud_payment_methods ? 'payment_method_hopping' : '',
      ].filter(Boolean);
      return [t.id, rules.length === 0 ? null : rules.join(', ')];
    }),
  );
};
