/**
 * Data quality checks: each `sql/checks/<name>.sql` is a query returning the rows that violate
 * one rule, headed by `-- key: value` lines (description, category, layer, severity). A run counts
 * the violations of every check into `gold.dq_results`, so results accumulate over time.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlDialect, Warehouse, WarehouseRow } from '../shared/ports/warehouse.js';
import { DQ_RESULTS } from './control-tables.js';
import { SQL_DIR, renderSnippets } from './sql-files.js';

export const SEVERITIES = ['error', 'warn', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ['completeness', 'uniqueness', 'referential_integrity', 'validity', 'freshness'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface DataQualityCheck {
  /** The file name without `.sql`. */
  readonly name: string;
  readonly description: string;
  readonly category: Category;
  readonly layer: string;
  readonly severity: Severity;
  /** The query returning violating rows. */
  readonly sql: string;
}

export interface DataQualityResult {
  readonly name: string;
  readonly description: string;
  readonly category: Category;
  readonly layer: string;
  readonly severity: Severity;
  readonly violations: number;
  /** A few violating rows, to show what is wrong without querying again. */
  readonly sample: readonly WarehouseRow[];
}

const oneOf = <T extends string>(allowed: readonly T[], value: string | undefined, what: string, file: string): T => {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${file}: "-- ${what}:" must be one of ${allowed.join(', ')}, got ${value === undefined ? 'nothing' : `"${value}"`}`);
};

/** Reads the `-- key: value` header of a check file. */
export const parseCheck = (name: string, text: string): DataQualityCheck => {
  const header = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^--\s*([a-z_]+):\s*(.+?)\s*$/.exec(line);
    if (!match) break;
    header.set(match[1]!, match[2]!);
  }
  const file = `sql/checks/${name}.sql`;
  const description = header.get('description');
  const layer = header.get('layer');
  if (!description || !layer) throw new Error(`${file}: needs "-- description:" and "-- layer:" header lines`);
  return {
    name,
    description,
    layer,
    category: oneOf(CATEGORIES, header.get('category'), 'category', file),
    severity: oneOf(SEVERITIES, header.get('severity'), 'severity', file),
    sql: text.trim().replace(/;$/, ''),
  };
};

/** Every check under `sql/checks/`, by name, rendered for a dialect. */
export const loadChecks = async (dialect: SqlDialect, sqlDir = SQL_DIR): Promise<DataQualityCheck[]> => {
  const files = (await readdir(join(sqlDir, 'checks'))).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const check = parseCheck(file.slice(0, -'.sql'.length), await readFile(join(sqlDir, 'checks', file), 'utf8'));
      return { ...check, sql: await renderSnippets(check.sql, dialect, sqlDir) };
    }),
  );
};

/** The statement that records one check's violation count (what Snowflake's dq_checks task runs too). */
export const recordCheckStatement = (check: DataQualityCheck): string => {
  const { schema, name } = DQ_RESULTS.table;
  const columns = DQ_RESULTS.columns.map((column) => column.name).join(', ');
  return `insert into ${schema}.${name} (${columns})
select ?, current_timestamp, ?, ?, ?, ?, count(*)
from (
${check.sql}
) as violations`;
};

/** Runs every check once under `runId`, records the counts in one transaction, returns them with samples. */
export const runChecks = async (
  warehouse: Warehouse,
  checks: readonly DataQualityCheck[],
  runId: string,
  sampleSize = 5,
): Promise<DataQualityResult[]> =>
  warehouse.transaction(async (session) => {
    for (const check of checks) {
      await session.execute(recordCheckStatement(check), [runId, check.name, check.layer, check.severity, check.description]);
    }
    // Read back once for the run, not once per check: the results table grows by a run's checks every cycle.
    const recorded = await session.query<{ check_name: string; violations: number }>(
      `select check_name, violations from ${DQ_RESULTS.table.schema}.${DQ_RESULTS.table.name} where run_id = ?`,
      [runId],
    );
    const violationsOf = new Map(recorded.map((row) => [row.check_name, row.violations]));
    const results: DataQualityResult[] = [];
    for (const check of checks) {
      const violations = violationsOf.get(check.name) ?? 0;
      const sample = violations > 0 ? await session.query(`select * from (\n${check.sql}\n) as violations limit ${sampleSize}`) : [];
      const { name, description, category, layer, severity } = check;
      results.push({ name, description, category, layer, severity, violations, sample });
    }
    return results;
  });

/** The results of the latest run recorded in `gold.dq_results` (for the report), worst first. */
export const latestCheckResults = async (
  warehouse: Warehouse,
): Promise<{ runId: string; checkedAt: string; results: { name: string; layer: string; severity: Severity; description: string; violations: number }[] } | undefined> => {
  const table = `${DQ_RESULTS.table.schema}.${DQ_RESULTS.table.name}`;
  const rows = await warehouse.query<{
    run_id: string;
    checked_at: string;
    check_name: string;
    layer: string;
    severity: Severity;
    description: string;
    violations: number;
  }>(
    `select run_id, checked_at, check_name, layer, severity, description, violations
     from ${table}
     where run_id = (select max_by(run_id, checked_at) from ${table})
     order by case severity when 'error' then 0 when 'warn' then 1 else 2 end, violations desc, check_name`,
  );
  const first = rows[0];
  if (!first) return undefined;
  return {
    runId: first.run_id,
    checkedAt: first.checked_at,
    results: rows.map((row) => ({
      name: row.check_name,
      layer: row.layer,
      severity: row.severity,
      description: row.description,
      violations: row.violations,
    })),
  };
};
