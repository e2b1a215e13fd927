import { describe, expect, it } from 'vitest';
import { duplicateKeysCheck, ensureStatements, refreshStatements, sourceSqlFor } from '../../lambdas/warehouse/render-step.js';
import { readModel } from '../../lambdas/warehouse/sql-files.js';
import { modelStepsOf, type ModelStep } from '../../lambdas/warehouse/task-graph.js';

const stepFor = (model: string): ModelStep => modelStepsOf().find((step) => step.model === model)!;
const SNOWFLAKE = { readChangesFromStreams: true };
const LOCAL = { readChangesFromStreams: false };

describe('rendering a step', () => {
  it('MERGEs an event model on its key, inserting only what is missing', async () => {
    // Prepare
    const step = stepFor('silver/stg_user_events');
    const sql = await readModel(step.model, 'duckdb');

    // Act
    const [merge] = refreshStatements(step, sql, ['event_id', 'user_id', 'loaded_at'], LOCAL);

    // Assess
    expect(merge).toMatch(/^merge into silver\.stg_user_events as existing\nusing \(/);
    expect(merge).toContain('on existing.event_id = incoming.event_id\nwhen not matched then insert (event_id, user_id, loaded_at)');
    expect(merge).not.toContain('when matched');
  });

  it('updates changed columns of reference models, naming SET columns unqualified, never with an older load', async () => {
    // Prepare
    const step = stepFor('silver/stg_products');

    // Act
    const [merge] = refreshStatements(step, await readModel(step.model, 'duckdb'), ['product_id', 'product_name', 'msrp'], LOCAL);

    // Assess
    expect(merge).toContain('when matched and (existing.loaded_at is null or incoming.loaded_at >= existing.loaded_at)\n    and (\n        existing.product_name is distinct from incoming.product_name\n        or existing.msrp is distinct from incoming.msrp\n    ) then update set\n        product_name = incoming.product_name,\n        msrp = incoming.msrp');
  });

  it('reads the upstream stream instead of the table in Snowflake task bodies', async () => {
    // Prepare
    const step = stepFor('silver/stg_transactions');
    const sql = await readModel(step.model, 'snowflake');

    // Act
    const source = sourceSqlFor(step, sql, SNOWFLAKE);

    // Assess
    expect(source).toContain('from bronze.raw_transactions_stream');
    expect(source).not.toMatch(/bronze\.raw_transactions\b(?!_stream)/);
    expect(sourceSqlFor(step, sql, LOCAL)).toBe(sql);
  });

  it('flattens transaction products with each dialect\'s own snippet', async () => {
    const duckdb = await readModel('silver/stg_transaction_items', 'duckdb');
    const snowflake = await readModel('silver/stg_transaction_items', 'snowflake');
    expect(duckdb).toContain('json_each(');
    expect(snowflake).toContain('lateral flatten(input => try_parse_json(transactions.products))');
  });

  it('keeps SCD2 history in two statements: close changed versions, open new ones', async () => {
    // Prepare
    const step = stepFor('gold/dim_customer');
    const columns = ['customer_key', 'user_id', 'email', 'account_type', 'loyalty_tier', 'state', 'region', 'updated_at', 'scd_version', 'valid_from', 'valid_to', 'is_current'];

    // Act
    const [ensure] = ensureStatements(step, 'select 1 as user_id');
    const [close, open] = refreshStatements(step, await readModel(step.model, 'snowflake'), columns, SNOWFLAKE);

    // Assess
    expect(ensure).toContain('cast(null as varchar) as customer_key,\n    model.*,');
    expect(close).toContain('on existing.user_id = incoming.user_id and existing.is_current');
    expect(close).toContain('then update set\n        valid_to = incoming.updated_at,\n        is_current = false');
    expect(close).toContain('then update set\n        email = incoming.email,\n        updated_at = incoming.updated_at');
    expect(open).toMatch(/^insert into gold\.dim_customer \(customer_key, user_id, email, account_type, loyalty_tier, state, region, updated_at, scd_version, valid_from, valid_to, is_current\)/);
    expect(open).toContain("case when history.versions is null then cast('1900-01-01 00:00:00' as timestamp) else incoming.updated_at end");
  });

  it('rebuilds small tables from scratch and checks MERGEs for duplicate keys', () => {
    const rebuild = stepFor('gold/agg_daily_revenue');
    expect(refreshStatements(rebuild, 'select 1 as x', [], SNOWFLAKE)).toEqual(['create or replace table gold.agg_daily_revenue as\nselect 1 as x']);
    expect(duplicateKeysCheck(rebuild, 'select 1 as x')).toBeUndefined();
    // an insert-only MERGE is checked on its table afterwards, an updating one on its source first
    const keep = duplicateKeysCheck(stepFor('gold/fact_transactions'), 'select 1 as x');
    expect(keep).toMatchObject({ afterMerge: true });
    expect(keep?.sql).toContain('from gold.fact_transactions\n    group by transaction_id, line_number\n    having count(*) > 1');
    const update = duplicateKeysCheck(stepFor('silver/stg_products'), 'select 1 as x');
    expect(update).toMatchObject({ afterMerge: false });
    expect(update?.sql).toContain('select 1 as x');
  });

  it('creates a view once at deployment and has nothing to refresh or deduplicate', () => {
    const view = stepFor('gold/measure_total_revenue');
    expect(ensureStatements(view, 'select 1 as x')).toEqual(['create or replace view gold.measure_total_revenue as\nselect 1 as x']);
    expect(refreshStatements(view, 'select 1 as x', ['x'], SNOWFLAKE)).toEqual([]);
    expect(duplicateKeysCheck(view, 'select 1 as x')).toBeUndefined();
  });

  it('refuses to render a stream read for a model that does not read its declared upstream', () => {
    expect(() => sourceSqlFor(stepFor('gold/fact_user_activity'), 'select 1 as event_id', SNOWFLAKE)).toThrow(/does not read silver\.stg_user_events/);
  });
});
