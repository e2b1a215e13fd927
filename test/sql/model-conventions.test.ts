import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../lambdas/consumer/reasons.js';
import { loadChecks } from '../../lambdas/warehouse/dq-checks.js';
import { listModels, readModel, SQL_DIR } from '../../lambdas/warehouse/sql-files.js';

const models = await listModels();
const sources = await Promise.all(models.map(async (model) => [model, await readFile(join(SQL_DIR, 'models', `${model}.sql`), 'utf8')] as const));
const checkFiles = (await readdir(join(SQL_DIR, 'checks'))).filter((file) => file.endsWith('.sql'));
const checkSources = await Promise.all(checkFiles.map(async (file) => [file, await readFile(join(SQL_DIR, 'checks', file), 'utf8')] as const));
const allSql = [...sources, ...checkSources];

/** SQL without comments and string literals, so rules look at code only. */
const code = (sql: string): string => sql.replace(/--.*$/gm, '').replace(/'(?:[^']|'')*'/g, "''");

describe('models follow the house rules (DESIGN.md "Warehouse", STYLE.md)', () => {
  it.each(sources)('%s states its grain on the first line', (_, sql) => {
    expect(sql.split('\n')[0]).toMatch(/^-- grain: one row per .+/);
  });

  it.each(sources)('%s is one SELECT: no DDL or DML', (_, sql) => {
    expect(code(sql)).not.toMatch(/\b(insert|update|delete|merge|create|drop|alter|truncate)\b/i);
    expect(code(sql).trim()).toMatch(/^with\b|^select\b/);
  });

  it.each(allSql)('%s is written in lower case', (_, sql) => {
    expect(code(sql)).not.toMatch(/\b(SELECT|FROM|WHERE|GROUP BY|ORDER BY|JOIN|WITH|CASE|WHEN|THEN|END|AS|AND|OR)\b/);
  });

  it.each(allSql)('%s uses the Snowflake-compatible subset: quoted date parts, DECIMAL, CURRENT_TIMESTAMP without parentheses', (_, sql) => {
    const text = code(sql);
    expect(text).not.toMatch(/\b(dateadd|datediff|date_trunc|date_part)\(\s*[a-z]/i);
    expect(text).not.toMatch(/\bnumber\s*\(/i);
    expect(text).not.toMatch(/current_timestamp\s*\(/i);
    expect(text).not.toMatch(/::/);
  });

  it.each(sources)('%s has a snippet in both dialects for every {{ placeholder }}', async (model) => {
    await expect(readModel(model, 'duckdb')).resolves.not.toMatch(/\{\{/);
    await expect(readModel(model, 'snowflake')).resolves.not.toMatch(/\{\{/);
  });

  it.each(REASON_CODES)('quarantine reason %s is named by a data quality check', async (code) => {
    const checks = await loadChecks('duckdb');
    expect(checks.filter((check) => check.name.startsWith('quarantine_') && check.sql.includes(`'${code}'`)).map((check) => check.name)).toHaveLength(1);
  });

  it('every data quality check declares its category, layer and severity', async () => {
    const checks = await loadChecks('duckdb');
    expect(checks.map((check) => check.name).sort()).toEqual(checkFiles.map((file) => file.replace(/\.sql$/, '')).sort());
    expect(new Set(checks.map((check) => check.category))).toEqual(
      new Set(['completeness', 'uniqueness', 'referential_integrity', 'validity', 'freshness']),
    );
  });
});
