/**
 * The docs page's lineage comes from the SQL itself: table references parsed from each model,
 * cross-checked against node-sql-parser's table list, consistent with the task graph's order,
 * and drawn as one edge per reference.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodeSqlParser from 'node-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelHeader, tableReferences } from '../../lambdas/docs/model-lineage.js';
import type { ModelCatalog } from '../../lambdas/docs/model-catalog.js';
import { writeDocs } from '../../lambdas/docs/write-docs.js';
import { listModels, readModel } from '../../lambdas/warehouse/sql-files.js';
import { tempFolder } from '../support/files.js';

const SCHEMAS = ['bronze', 'silver', 'gold'];

describe('tableReferences', () => {
  it('finds schema-qualified tables after from, join and commas, and nothing in comments, strings or function names', () => {
    const sql = `-- reads gold.not_this_one
      with a as (select * from silver.stg_user_events), b as (select 'gold.nor_this' as x from bronze.raw_products, gold.dim_date)
      select a.*, gold.some_function(1) from a
      left join gold.dim_customer as customers on customers.user_id = a.user_id
      inner join (select 1 from Silver.Stg_Products) as p on true`;
    expect(tableReferences(sql, SCHEMAS)).toEqual(['bronze.raw_products', 'gold.dim_customer', 'gold.dim_date', 'silver.stg_products', 'silver.stg_user_events']);
  });

  it('reads the grain and the definition from the header comment', () => {
    expect(modelHeader('-- grain: one row per day\n-- revenue is ...\n--   aligned\nwith x as (select 1)')).toEqual({ grain: 'one row per day', description: 'revenue is ...\n  aligned' });
  });

  it('agrees with node-sql-parser on every model', async () => {
    const parser = new nodeSqlParser.Parser();
    for (const model of await listModels()) {
      // Prepare: the Snowflake rendering, as deployed; node-sql-parser's BigQuery grammar reads the
      // window frames its Snowflake grammar does not
      const sql = await readModel(model, 'snowflake');
      const parsed = ['snowflake', 'bigquery'].flatMap((database) => {
        try {
          return [parser.tableList(sql, { database })];
        } catch {
          return [];
        }
      })[0];

      // Assess
      expect(parsed, `node-sql-parser reads ${model}`).toBeDefined();
      const theirs = [...new Set(parsed!.map((entry) => entry.split('::').slice(1).join('.').toLowerCase()).filter((table) => SCHEMAS.includes(table.split('.')[0]!)))].sort();
      expect(tableReferences(sql, SCHEMAS), model).toEqual(theirs);
    }
  });
});

describe('streamflow docs', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let catalog: ModelCatalog;
  let html: string;

  beforeAll(async () => {
    folder = await tempFolder('docs');
    const written = await writeDocs(folder.path, new Date('2026-01-01T00:00:00Z'));
    catalog = written.catalog;
    html = await readFile(join(folder.path, 'docs', 'index.html'), 'utf8');
  });

  afterAll(async () => {
    await folder.remove();
  });

  it('lists every model with its grain and columns, in the task graph order', async () => {
    expect(catalog.models.map((model) => model.model).sort()).toEqual(await listModels());
    for (const model of catalog.models) {
      expect(model.grain, model.model).toMatch(/^one row per /);
      expect(model.columns.length, model.model).toBeGreaterThan(0);
      expect(html).toContain(`data-model="${model.model}"`);
    }
    const facts = catalog.models.find((model) => model.table === 'gold.fact_transactions')!;
    expect(facts.columns.map((column) => column.name)).toEqual(expect.arrayContaining(['transaction_id', 'line_number', 'line_total']));
  });

  it('derives upstream tables from the SQL: known lineage', () => {
    const upstream = (table: string) => catalog.models.find((model) => model.table === table)!.upstream;
    expect(upstream('gold.fact_transactions')).toEqual(['gold.dim_customer', 'gold.dim_product', 'silver.stg_transaction_items', 'silver.stg_transactions']);
    expect(upstream('gold.measure_total_revenue')).toEqual(['gold.dim_reporting_period', 'gold.int_period_totals']);
    expect(upstream('gold.int_period_totals')).toEqual(['gold.agg_daily_revenue', 'gold.dim_reporting_period', 'gold.fact_user_activity']);
    expect(upstream('silver.stg_transaction_items')).toEqual(['bronze.raw_transactions', 'silver.stg_transactions']);
    // sources: what no model builds, the loaded Bronze tables and the churn trainer's tables
    expect(catalog.sources.map((source) => source.table)).toEqual([
      'bronze.raw_customers',
      'bronze.raw_products',
      'bronze.raw_quarantine',
      'bronze.raw_transactions',
      'bronze.raw_user_events',
      'gold.churn_model',
      'gold.churn_model_evaluation',
    ]);
  });

  it('builds every model after everything it reads: the task graph order matches the SQL', () => {
    const built = new Set(catalog.sources.map((source) => source.table));
    for (const model of catalog.models) {
      expect(model.upstream.filter((table) => !built.has(table)), `${model.table} reads tables built later`).toEqual([]);
      built.add(model.table);
    }
  });

  it('draws one edge per table reference and one box per table', () => {
    const edges = [...html.matchAll(/<path class="edge" data-from="([^"]+)" data-to="([^"]+)"/g)].map((match) => `${match[1]} -> ${match[2]}`);
    const expected = catalog.models.flatMap((model) => model.upstream.map((table) => `${table} -> ${model.table}`));
    expect(edges.sort()).toEqual(expected.sort());
    const boxes = [...html.matchAll(/<g class="node [^"]*" data-table="([^"]+)"/g)].map((match) => match[1]);
    expect(boxes.sort()).toEqual([...catalog.sources, ...catalog.models].map((table) => table.table).sort());
  });
});
