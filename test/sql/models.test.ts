import '../support/quiet-powertools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoader } from '../../lambdas/loader/run-loader.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { listModels, readModel } from '../../lambdas/warehouse/sql-files.js';
import { modelStepsOf } from '../../lambdas/warehouse/task-graph.js';
import { CUSTOMERS, PRODUCTS } from '../support/arbitraries.js';
import { storeFixedChurnModel } from '../support/churn-model.js';
import { openWarehouseFixture, writeStandardScenario, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;

beforeAll(async () => {
  fixture = await openWarehouseFixture('models');
  await writeStandardScenario(fixture.store);
  await runLoader({ kind: 'pending' }, { store: fixture.store, warehouse: fixture.warehouse, logger });
  // The fixture is too small to train the churn model on; gold.churn_predictions scores with this one.
  await storeFixedChurnModel(fixture.warehouse);
  await runTaskGraph(fixture.warehouse);
});

afterAll(async () => {
  await fixture.close();
});

const query = (sql: string) => fixture.warehouse.query(sql);

describe('models on DuckDB', () => {
  it('every model file is a step of the task graph, and every step has a model file', async () => {
    expect(await listModels()).toEqual(modelStepsOf().map((step) => step.model).sort());
  });

  it.each(modelStepsOf().map((step) => step.model))('%s runs after the macro set-up and returns rows', async (model) => {
    // Act
    const rows = await query(`select * from (\n${await readModel(model, 'duckdb')}\n) as model limit 3`);

    // Assess
    expect(rows.length).toBeGreaterThan(0);
  });

  it('stg_user_events: one row per event id, first delivery kept, typed and trimmed', async () => {
    expect(await query('select event_id, event_type, event_date, search_query, kafka_offset from silver.stg_user_events order by event_id')).toEqual([
      { event_id: 'E-1', event_type: 'page_view', event_date: '2025-02-26', search_query: null, kafka_offset: 0 },
      { event_id: 'E-2', event_type: 'product_view', event_date: '2025-02-26', search_query: null, kafka_offset: 1 },
      { event_id: 'E-3', event_type: 'search', event_date: '2025-02-27', search_query: 'red, "warm" socks', kafka_offset: 2 },
      { event_id: 'E-4', event_type: 'add_to_cart', event_date: '2025-02-28', search_query: null, kafka_offset: 4 },
      { event_id: 'E-5', event_type: 'purchase', event_date: '2025-02-28', search_query: null, kafka_offset: 5 },
    ]);
  });

  it('stg_transaction_items: the products array flattened, one row per line', async () => {
    expect(await query("select line_number, product_id, quantity, unit_price, line_amount from silver.stg_transaction_items where transaction_id = 'T-3' order by 1")).toEqual([
      { line_number: 1, product_id: PRODUCTS[4]!.product_id, quantity: 1, unit_price: 49.99, line_amount: 49.99 },
      { line_number: 2, product_id: PRODUCTS[5]!.product_id, quantity: 3, unit_price: 2.5, line_amount: 7.5 },
    ]);
  });

  it('fact_transactions: discount and tax shares in cents, the last line taking the remainder', async () => {
    // Act
    const lines = await query("select line_number, line_amount, line_discount, line_tax, line_total from gold.fact_transactions where transaction_id = 'T-1' order by 1");
    const totals = await query(
      `select facts.transaction_id, sum(facts.line_total) as lines_total, max(transactions.total) as total
       from gold.fact_transactions as facts
       inner join silver.stg_transactions as transactions on transactions.transaction_id = facts.transaction_id
       group by facts.transaction_id
       having sum(facts.line_total) <> max(transactions.total)`,
    );

    // Assess
    expect(lines).toEqual([
      { line_number: 1, line_amount: 10, line_discount: 0.33, line_tax: 0.67, line_total: 10.34 },
      { line_number: 2, line_amount: 10, line_discount: 0.33, line_tax: 0.67, line_total: 10.34 },
      { line_number: 3, line_amount: 10, line_discount: 0.34, line_tax: 0.66, line_total: 10.32 },
    ]);
    expect(totals).toEqual([]);
  });

  it('fact_transactions: keys to the date, the customer version and the product', async () => {
    expect(
      await query(
        `select facts.date_key, customers.user_id, customers.is_current, products.product_id
         from gold.fact_transactions as facts
         inner join gold.dim_date as dates on dates.date_key = facts.date_key
         inner join gold.dim_customer as customers on customers.customer_key = facts.customer_key
         inner join gold.dim_product as products on products.product_key = facts.product_key
         where facts.transaction_id = 'T-2'`,
      ),
    ).toEqual([{ date_key: 20250226, user_id: CUSTOMERS[0]!.user_id, is_current: true, product_id: PRODUCTS[3]!.product_id }]);
  });

  it('fact_user_activity: one row per event with its funnel step; product keys only where there is a product', async () => {
    expect(await query('select event_id, funnel_step, product_key is not null as has_product from gold.fact_user_activity order by event_id')).toEqual([
      { event_id: 'E-1', funnel_step: 1, has_product: false },
      { event_id: 'E-2', funnel_step: 2, has_product: true },
      { event_id: 'E-3', funnel_step: null, has_product: false },
      { event_id: 'E-4', funnel_step: 3, has_product: true },
      { event_id: 'E-5', funnel_step: 5, has_product: false },
    ]);
  });

  it('dim_date: a contiguous spine from the first to the last day with data', async () => {
    expect(await query('select date_key, date_day, month_name, day_name, day_of_week_iso, is_weekend, iso_week from gold.dim_date order by 1')).toEqual([
      { date_key: 20250226, date_day: '2025-02-26', month_name: 'Feb', day_name: 'Wed', day_of_week_iso: 3, is_weekend: false, iso_week: 9 },
      { date_key: 20250227, date_day: '2025-02-27', month_name: 'Feb', day_name: 'Thu', day_of_week_iso: 4, is_weekend: false, iso_week: 9 },
      { date_key: 20250228, date_day: '2025-02-28', month_name: 'Feb', day_name: 'Fri', day_of_week_iso: 5, is_weekend: false, iso_week: 9 },
    ]);
  });

  it('dim_product and dim_customer: every reference record plus one unknown member', async () => {
    expect(await query("select count(*) as products, sum(iff(product_id = '-1', 1, 0)) as unknown from gold.dim_product")).toEqual([{ products: 2001, unknown: 1 }]);
    expect(await query("select count(*) as customers, sum(iff(user_id = '-1', 1, 0)) as unknown, min(scd_version) as first, max(scd_version) as last from gold.dim_customer")).toEqual([
      { customers: 1001, unknown: 1, first: 1, last: 1 },
    ]);
  });

  it('agg_daily_revenue: revenue from completed transactions, gross amount from all', async () => {
    expect(
      await query(
        'select revenue_date, transactions, completed_transactions, refunded_transactions, gross_amount, revenue, items_sold, discount_amount, tax_amount, paying_customers, avg_order_value from gold.agg_daily_revenue order by 1',
      ),
    ).toEqual([
      { revenue_date: '2025-02-26', transactions: 2, completed_transactions: 2, refunded_transactions: 0, gross_amount: 74.18, revenue: 74.18, items_sold: 5, discount_amount: 1, tax_amount: 5.2, paying_customers: 1, avg_order_value: 37.09 },
      { revenue_date: '2025-02-27', transactions: 1, completed_transactions: 0, refunded_transactions: 1, gross_amount: 52.49, revenue: 0, items_sold: 0, discount_amount: 0, tax_amount: 0, paying_customers: 0, avg_order_value: 0 },
      { revenue_date: '2025-02-28', transactions: 1, completed_transactions: 1, refunded_transactions: 0, gross_amount: 21.55, revenue: 21.55, items_sold: 5, discount_amount: 0, tax_amount: 1.6, paying_customers: 1, avg_order_value: 21.55 },
    ]);
  });

  it('agg_daily_events: one row per day and event type', async () => {
    expect(await query('select event_date, event_type, events, users, sessions from gold.agg_daily_events order by 1, 2')).toEqual([
      { event_date: '2025-02-26', event_type: 'page_view', events: 1, users: 1, sessions: 1 },
      { event_date: '2025-02-26', event_type: 'product_view', events: 1, users: 1, sessions: 1 },
      { event_date: '2025-02-27', event_type: 'search', events: 1, users: 1, sessions: 1 },
      { event_date: '2025-02-28', event_type: 'add_to_cart', events: 1, users: 1, sessions: 1 },
      { event_date: '2025-02-28', event_type: 'purchase', events: 1, users: 1, sessions: 1 },
    ]);
  });
});
