/**
 * The ledger from end to end: landing → gold + quarantine (counted from the objects) → Bronze
 * (every gold row, file by file) → Silver → Gold, ending in one verdict line. What `streamflow
 * report` prints and, as JSON, what tests and dashboards read.
 */
import { isKnownTopic } from '../shared/contracts/events.js';
import { countObjectLedger, goldDataRows } from '../shared/object-ledger.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { loadTargetFor } from '../loader/load-targets.js';
import { LOAD_HISTORY } from './control-tables.js';
import { latestCheckResults, type Severity } from './dq-checks.js';
import { formatChurnSection, latestChurnEvaluation } from '../churn/churn-report.js';
import type { ChurnModelEvaluation } from '../churn/train-churn-model.js';

/** Records of topics without a contract (unknown topics, unreadable input lines) are counted here. */
export const UNROUTABLE = '_unroutable';

export interface TopicEntry {
  in: number;
  gold: number;
  quarantined: number;
  /** Records in neither gold nor quarantine. */
  lost: number;
}

export interface GoldFilesEntry {
  files: number;
  rows: number;
  /** Files whose rows are all in Bronze, once. */
  loaded: number;
  /** Files with no rows in Bronze that the loader has not tried yet. */
  pending: number;
  /** Files the loader rejected (see bronze.load_history.first_error). */
  failed: number;
  /** Gold rows missing from Bronze: pending and failed files, and files loaded short. */
  rowsNotInBronze: number;
  /** Bronze rows beyond a file's own rows (a file loaded twice). */
  rowsDuplicatedInBronze: number;
  /** Bronze rows whose gold file is no longer in the bucket. */
  rowsWithoutFile: number;
}

/** One hop inside the warehouse: rows expected downstream of a table, and rows found. */
export interface StageEntry {
  readonly from: string;
  readonly to: string;
  readonly expected: number;
  readonly actual: number;
  /** What the difference between upstream rows and `expected` is (duplicate deliveries dropped). */
  readonly note?: string;
}

export interface LedgerReport {
  /** Records that entered and are in neither gold nor quarantine, plus gold rows not in Bronze. */
  readonly lost: number;
  /** Rows that reached Bronze but are missing from Silver or Gold (0 once `refresh` has run). */
  readonly lostInWarehouse: number;
  readonly verdict: string;
  readonly topics: Record<string, TopicEntry>;
  readonly quarantineReasons: Record<string, number>;
  readonly gold: GoldFilesEntry;
  readonly tables: Record<string, number>;
  readonly stages: readonly StageEntry[];
  readonly dq: readonly { name: string; layer: string; severity: Severity; description: string; violations: number }[];
  readonly dqRunAt?: string;
  /** The churn model gold.churn_predictions scores with: its holdout figures (lambdas/churn/). */
  readonly churn?: ChurnModelEvaluation;
}

const n = (value: number): string => value.toLocaleString('en-US');

const existingTables = async (warehouse: Warehouse): Promise<string[]> => {
  const rows = await warehouse.query<{ name: string }>(
    `select lower(table_schema) || '.' || lower(table_name) as name
     from information_schema.tables
     where lower(table_catalog) = lower(current_database()) and lower(table_schema) in ('bronze', 'silver', 'gold')
       -- rows live in tables; the measure and analytics views only re-read them
       and table_type = 'BASE TABLE'
     order by 1`,
  );
  return rows.map((row) => row.name);
};

const tableRows = async (warehouse: Warehouse, tables: readonly string[]): Promise<Record<string, number>> => {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await warehouse.query<{ rows: number }>(`select count(*) as rows from ${table}`);
    counts[table] = row?.rows ?? 0;
  }
  return counts;
};

const scalar = async (warehouse: Warehouse, sql: string): Promise<number> => {
  const [row] = await warehouse.query<{ value: number }>(sql);
  return row?.value ?? 0;
};

const reconcileGoldFiles = async (store: ObjectStore, warehouse: Warehouse): Promise<GoldFilesEntry> => {
  const bronzeRows = new Map<string, number>();
  for (const table of ['bronze.raw_user_events', 'bronze.raw_transactions']) {
    const rows = await warehouse.query<{ file: string; rows: number }>(`select _source_file as file, count(*) as rows from ${table} group by _source_file`);
    for (const row of rows) bronzeRows.set(row.file, (bronzeRows.get(row.file) ?? 0) + row.rows);
  }
  const history = `${LOAD_HISTORY.table.schema}.${LOAD_HISTORY.table.name}`;
  const failedRows = await warehouse.query<{ file_key: string; etag: string }>(`select file_key, etag from ${history} where status = 'failed'`);
  const failedVersions = new Set(failedRows.map((row) => `${row.file_key}\n${row.etag}`));

  const entry: GoldFilesEntry = {
    files: 0,
    rows: 0,
    loaded: 0,
    pending: 0,
    failed: 0,
    rowsNotInBronze: 0,
    rowsDuplicatedInBronze: 0,
    rowsWithoutFile: 0,
  };
  const seen = new Set<string>();
  for (const object of await store.list('gold/')) {
    if (!loadTargetFor(object.key)) continue;
    const body = await store.get(object.key);
    if (body === undefined) continue;
    seen.add(object.key);
    const rows = goldDataRows(body);
    const inBronze = bronzeRows.get(object.key) ?? 0;
    entry.files++;
    entry.rows += rows;
    entry.rowsNotInBronze += Math.max(0, rows - inBronze);
    entry.rowsDuplicatedInBronze += Math.max(0, inBronze - rows);
    if (inBronze === rows) entry.loaded++;
    else if (failedVersions.has(`${object.key}\n${object.etag}`)) entry.failed++;
    else if (inBronze === 0) entry.pending++;
  }
  for (const [file, rows] of bronzeRows) if (!seen.has(file)) entry.rowsWithoutFile += rows;
  return entry;
};

const reconcileStages = async (warehouse: Warehouse, tables: ReadonlySet<string>): Promise<StageEntry[]> => {
  const count = (table: string): Promise<number> => (tables.has(table) ? scalar(warehouse, `select count(*) as value from ${table}`) : Promise.resolve(0));
  const distinct = (sql: string, table: string): Promise<number> => (tables.has(table) ? scalar(warehouse, sql) : Promise.resolve(0));
  const stages: StageEntry[] = [];

  const events = await distinct('select count(distinct trim(event_id)) as value from bronze.raw_user_events', 'bronze.raw_user_events');
  const eventDuplicates = (await count('bronze.raw_user_events')) - events;
  stages.push({
    from: 'bronze.raw_user_events',
    to: 'silver.stg_user_events',
    expected: events,
    actual: await count('silver.stg_user_events'),
    ...(eventDuplicates > 0 ? { note: `${n(eventDuplicates)} duplicate deliveries dropped` } : {}),
  });
  const transactions = await distinct('select count(distinct trim(transaction_id)) as value from bronze.raw_transactions', 'bronze.raw_transactions');
  const transactionDuplicates = (await count('bronze.raw_transactions')) - transactions;
  stages.push({
    from: 'bronze.raw_transactions',
    to: 'silver.stg_transactions',
    expected: transactions,
    actual: await count('silver.stg_transactions'),
    ...(transactionDuplicates > 0 ? { note: `${n(transactionDuplicates)} duplicate deliveries dropped` } : {}),
  });
  stages.push({ from: 'silver.stg_user_events', to: 'gold.fact_user_activity', expected: await count('silver.stg_user_events'), actual: await count('gold.fact_user_activity') });
  stages.push({
    from: 'silver.stg_transaction_items',
    to: 'gold.fact_transactions',
    expected: await count('silver.stg_transaction_items'),
    actual: await count('gold.fact_transactions'),
  });
  return stages;
};

const verdictOf = (report: Omit<LedgerReport, 'verdict'>): string => {
  const topics = Object.values(report.topics);
  const entered = topics.reduce((sum, topic) => sum + topic.in, 0);
  const gold = topics.reduce((sum, topic) => sum + topic.gold, 0);
  const quarantined = topics.reduce((sum, topic) => sum + topic.quarantined, 0);
  if (report.lost === 0 && report.lostInWarehouse === 0) {
    return (
      `Nothing lost: ${n(entered)} records in = ${n(gold)} gold + ${n(quarantined)} quarantined; ` +
      `all ${n(report.gold.rows)} gold rows in Bronze; Silver and Gold reconcile.`
    );
  }
  const causes: string[] = [];
  const inNeither = topics.reduce((sum, topic) => sum + Math.abs(topic.lost), 0);
  if (inNeither > 0) causes.push(`${n(inNeither)} records in neither gold nor quarantine`);
  if (report.gold.rowsNotInBronze > 0) {
    const files = [
      report.gold.pending > 0 ? `${report.gold.pending} files not loaded yet: run \`streamflow load\`` : '',
      report.gold.failed > 0 ? `${report.gold.failed} files rejected: see bronze.load_history` : '',
    ].filter(Boolean);
    causes.push(`${n(report.gold.rowsNotInBronze)} gold rows not in Bronze${files.length > 0 ? ` (${files.join('; ')})` : ''}`);
  }
  if (report.lostInWarehouse > 0) causes.push(`${n(report.lostInWarehouse)} Bronze rows missing downstream: run \`streamflow refresh\``);
  return `LOST ${n(report.lost + report.lostInWarehouse)} records: ${causes.join('; ')}.`;
};

/** Reconciles the bucket and the warehouse (which must be prepared: Bronze and control tables exist). */
export const buildLedgerReport = async (store: ObjectStore, warehouse: Warehouse): Promise<LedgerReport> => {
  const objects = await countObjectLedger(store);
  const topics: Record<string, TopicEntry> = {};
  for (const [topic, ledger] of Object.entries(objects.topics)) {
    const entry = (topics[isKnownTopic(topic) ? topic : UNROUTABLE] ??= { in: 0, gold: 0, quarantined: 0, lost: 0 });
    entry.in += ledger.landed;
    entry.gold += ledger.gold;
    entry.quarantined += ledger.quarantined;
    entry.lost += ledger.lost;
  }

  const gold = await reconcileGoldFiles(store, warehouse);
  const names = await existingTables(warehouse);
  const tables = await tableRows(warehouse, names);
  const stages = await reconcileStages(warehouse, new Set(names));
  const latest = await latestCheckResults(warehouse);
  const churn = await latestChurnEvaluation(warehouse);

  const partial = {
    lost: objects.lost + gold.rowsNotInBronze,
    lostInWarehouse: stages.reduce((sum, stage) => sum + Math.abs(stage.expected - stage.actual), 0),
    topics,
    quarantineReasons: objects.reasons,
    gold,
    tables,
    stages,
    dq: latest?.results ?? [],
    ...(latest ? { dqRunAt: latest.checkedAt } : {}),
    ...(churn ? { churn } : {}),
  };
  return { ...partial, verdict: verdictOf(partial) };
};

/** The report as text, for a terminal. */
export const formatLedgerReport = (report: LedgerReport): string => {
  const lines = ['StreamFlow ledger', '', 'topics (landing → gold + quarantine)'];
  for (const [topic, entry] of Object.entries(report.topics)) {
    lines.push(`  ${topic.padEnd(16)} ${n(entry.in).padStart(10)} in = ${n(entry.gold)} gold + ${n(entry.quarantined)} quarantined${entry.lost !== 0 ? `  (${n(entry.lost)} lost)` : ''}`);
  }
  const reasons = Object.entries(report.quarantineReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    lines.push('', 'quarantine reasons');
    for (const [code, count] of reasons) lines.push(`  ${code.padEnd(24)} ${n(count).padStart(8)}`);
  }
  const g = report.gold;
  lines.push(
    '',
    `gold → Bronze: ${n(g.files)} files, ${n(g.rows)} rows; ${n(g.loaded)} loaded, ${n(g.pending)} pending, ${n(g.failed)} rejected` +
      (g.rowsDuplicatedInBronze > 0 ? `; ${n(g.rowsDuplicatedInBronze)} rows duplicated` : '') +
      (g.rowsWithoutFile > 0 ? `; ${n(g.rowsWithoutFile)} Bronze rows without a file` : ''),
    '',
    'warehouse',
  );
  for (const stage of report.stages) {
    const mark = stage.expected === stage.actual ? 'ok' : `MISSING ${n(stage.expected - stage.actual)}`;
    lines.push(`  ${stage.from} → ${stage.to}: ${n(stage.expected)} → ${n(stage.actual)} ${mark}${stage.note ? ` (${stage.note})` : ''}`);
  }
  lines.push('', 'tables');
  for (const [table, rows] of Object.entries(report.tables)) lines.push(`  ${table.padEnd(32)} ${n(rows).padStart(10)}`);
  if (report.dq.length > 0) {
    lines.push('', `data quality (${report.dqRunAt ?? ''})`);
    for (const check of report.dq) {
      const status = check.violations === 0 ? 'pass' : check.severity.toUpperCase();
      lines.push(`  ${status.padEnd(5)} ${check.name.padEnd(42)} ${n(check.violations).padStart(8)}  ${check.violations > 0 ? check.description : ''}`.trimEnd());
    }
  }
  lines.push(...formatChurnSection(report.churn));
  lines.push('', report.verdict);
  return lines.join('\n');
};
