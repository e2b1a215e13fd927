/**
 * powerbi/measures.dax and the SQL measure views are twins: every DAX measure has a view
 * gold.measure_<snake_case name> with a column of that name, every measure view has a DAX
 * measure, and every Gold table and column the DAX names exists (columns as the warehouse builds
 * them, from an empty scratch build of the models).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogFromScratchWarehouse } from '../../lambdas/docs/write-docs.js';
import type { ModelCatalog } from '../../lambdas/docs/model-catalog.js';
import { listModels } from '../../lambdas/warehouse/sql-files.js';

const DAX_FILE = fileURLToPath(new URL('../../powerbi/measures.dax', import.meta.url));

/** DAX without comments (`//` and `--` to the end of the line) and string literals. */
const daxCode = (dax: string): string => dax.replace(/"(?:[^"]|"")*"/g, '""').replace(/(\/\/|--).*$/gm, '');

/** `[% of Total Revenue]` -> `pct_of_total_revenue`. */
const snakeCase = (name: string): string =>
  name
    .replace(/%/g, ' pct ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

let dax: string;
let measures: { table: string; name: string }[];
let catalog: ModelCatalog;

beforeAll(async () => {
  dax = daxCode(await readFile(DAX_FILE, 'utf8'));
  measures = [...dax.matchAll(/\bMEASURE\s+'?([A-Za-z_][\w ]*?)'?\[([^\]]+)\]\s*=/g)].map((match) => ({ table: match[1]!, name: match[2]! }));
  catalog = await catalogFromScratchWarehouse();
});

describe('DAX measures and SQL measure views', () => {
  it('reads the measures of the DAX file', () => {
    expect(measures.length).toBeGreaterThanOrEqual(9);
    expect(snakeCase('% of Total Revenue')).toBe('pct_of_total_revenue');
    expect(snakeCase('YoY Growth')).toBe('yoy_growth');
  });

  it('every DAX measure has a SQL twin by name, and every measure view a DAX twin', async () => {
    // Prepare
    const views = (await listModels()).filter((model) => model.startsWith('gold/measure_')).map((model) => model.slice('gold/measure_'.length));
    const daxNames = measures.map((measure) => snakeCase(measure.name));

    // Assess: named lists, so a failure says which side lacks what
    expect({ withoutSqlTwin: daxNames.filter((name) => !views.includes(name)) }).toEqual({ withoutSqlTwin: [] });
    expect({ withoutDaxTwin: views.filter((name) => !daxNames.includes(name)) }).toEqual({ withoutDaxTwin: [] });
    expect(new Set(daxNames).size).toBe(daxNames.length);
  });

  it('every measure view has a column named like its measure', () => {
    for (const { name } of measures) {
      const view = catalog.models.find((model) => model.table === `gold.measure_${snakeCase(name)}`);
      expect(view?.columns.map((column) => column.name), name).toContain(snakeCase(name));
    }
  });

  it('every table and column the DAX names exists in Gold', () => {
    // Prepare: table[column] references, without the measure declarations and [Measure] references
    const declarations = new Set(measures.map((measure) => `${measure.table}[${measure.name}]`));
    const references = [...dax.matchAll(/\b([A-Za-z_]\w*)\[([A-Za-z_]\w*)\]/g)]
      .map((match) => ({ table: match[1]!.toLowerCase(), column: match[2]!.toLowerCase(), text: match[0] }))
      .filter((reference) => !declarations.has(reference.text));
    const gold = new Map(catalog.models.filter((model) => model.schema === 'gold').map((model) => [model.table.slice('gold.'.length), model.columns.map((column) => column.name)]));

    // Assess
    expect(references.length).toBeGreaterThan(20);
    expect(references.filter((reference) => !gold.get(reference.table)?.includes(reference.column)).map((reference) => reference.text)).toEqual([]);
    // Measures live on Gold tables too
    expect(measures.filter((measure) => !gold.has(measure.table.toLowerCase()))).toEqual([]);
  });
});
