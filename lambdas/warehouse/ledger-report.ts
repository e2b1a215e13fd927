/**
 * The ledger from end to end: the source's produced offsets → landing (or pending in on-failure
 * records) → gold + quarantine (counted from the objects) → Bronze (every gold row, file by file)
 * → Silver → Gold, ending in one verdict line. What `streamflow report` prints and, as JSON, what
 * tests and dashboards read. The same code for the local twin (folder, topic log or broker,
 * DuckDB) and the deployed pipeline (S3, MSK, Snowflake): only the ports' adapters differ; without
 * a warehouse ({@link WarehouseNotChecked}) the files and offsets are reconciled alone.
 */
import { groupForTopic } from '../shared/contracts/consumer-groups.js';
import { isKnownTopic } from '../shared/contracts/events.js';
import type { Range } from '../shared/offset-ranges.js';
import { countObjectLedger, goldDataRows, type ObjectLedger, type PartitionCoverage } from '../shared/object-ledger.js';
import { readSourceOffsets, type SourceOffsets } from '../shared/source-offsets.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { loadTargetFor } from '../shared/contracts/load-targets.js';
import { LOAD_HISTORY } from './control-tables.js';
import { latestCheckResults, type Severity } from './dq-checks.js';
import { formatChurnSection, latestChurnEvaluation } from '../churn/churn-report.js';
import type { ChurnModelEvaluation } from '../churn/train-churn-model.js';

/** Records of topics without a contract (unknown topics, unreadable input lines) are counted here. */
export const UNROUTABLE = '_unroutable';

export interface TopicEntry {
  /** Records produced to the topic (its offsets at the source); what landed when no source offsets are known. */
  in: number;
  landed: number;
  gold: number;
  quarantined: number;
  /** Produced records held only by on-failure records: replay delivers them. */
  pending: number;
  /** Produced records the consumer group has not reached yet: neither lost nor in gold. */
  unconsumed: number;
  /** Records in neither gold nor quarantine, nor pending: produced offsets in no file, and landed records without an outcome. */
  lost: number;
  /** Gold or quarantine rows beyond their batch's records (a copied file): counted, never loaded twice into Silver. */
  duplicates: number;
  /** Offsets delivered more than once under other batch boundaries: harmless, Silver keeps one. */
  overlaps: number;
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

/** A topic-partition whose produced offsets are not all in landing, with the offsets that are not. */
export interface PartitionGap {
  readonly topic: string;
  readonly partition: number;
  readonly produced: number;
  readonly committed?: number;
  /** Lost: in no landing file and no on-failure record, below the group's committed offset. */
  readonly gaps: readonly Range[];
  /** In no file yet, at or past the group's committed offset: the group has not consumed them. */
  readonly unconsumed: readonly Range[];
  /** Landed, but with no gold or quarantine row: `streamflow replay --from landing` derives them again. */
  readonly unresolved: readonly Range[];
  /** Held by on-failure records only. */
  readonly pending: readonly Range[];
}

export interface LedgerReport {
  /** Produced records in neither gold nor quarantine (nor pending), plus gold rows not in Bronze. */
  readonly lost: number;
  /** Produced records only in on-failure records: `streamflow replay --from onfailure` delivers them. */
  readonly pending: number;
  /** Produced records the consumer group has not consumed yet (nothing lost there so far). */
  readonly unconsumed: number;
  /** The consumer group whose committed offsets split lost from not-yet-consumed offsets, when the source names one. */
  readonly group?: string;
  /** Rows that reached Bronze but are missing from Silver or Gold (0 once `refresh` has run). */
  readonly lostInWarehouse: number;
  /** Where "in" was counted: the source (`local topic log`, `kafka …`), or `landing` when no source offsets are known. */
  readonly source: string;
  readonly verdict: string;
  /**
   * True exactly when the verdict says "Nothing lost": the command's exit code 0. Anything else
   * (lost, pending replay, not yet consumed) exits 1.
   */
  readonly nothingLost: boolean;
  readonly topics: Record<string, TopicEntry>;
  /** Topic-partitions with gaps, pending, unresolved or not yet consumed offsets. */
  readonly partitions: readonly PartitionGap[];
  /** On-failure objects that could not be read as Lambda's records. */
  readonly unreadableOnFailure: readonly string[];
  readonly quarantineReasons: Record<string, number>;
  readonly gold: GoldFilesEntry;
  readonly tables: Record<string, number>;
  readonly stages: readonly StageEntry[];
  readonly dq: readonly { name: string; layer: string; severity: Severity; description: string; violations: number }[];
  readonly dqRunAt?: string;
  /** The churn model gold.churn_predictions scores with: its holdout figures (lambdas/churn/). */
  readonly churn?: ChurnModelEvaluation;
  /**
   * Why Bronze, Silver and Gold were not reconciled (the deployed report without Snowflake
   * settings); `gold` then counts only the files, and the verdict never says "Nothing lost".
   */
  readonly warehouseNotChecked?: string;
  /** What the verdict and the partition lines tell the reader to do about each finding. */
  readonly remedies: LedgerRemedies;
}

/**
 * What mends each finding, said as the verdict says it: the twin's commands for a folder, the
 * deployed pipeline's own paths (its loader, its tasks, `replay --bucket`) for a bucket.
 */
export interface LedgerRemedies {
  readonly replayLanding: string;
  readonly replayOnFailure: string;
  readonly load: string;
  readonly reload: string;
  readonly refresh: string;
}

export const FOLDER_REMEDIES: LedgerRemedies = {
  replayLanding: 'run `streamflow replay --from landing`',
  replayOnFailure: 'run `streamflow replay --from onfailure`',
  load: 'run `streamflow load`',
  reload: 'run `streamflow load --reload gold/ --force`',
  refresh: 'run `streamflow refresh`',
};

/** The deployed stage's remedies: replay rebuilds in the bucket; loads and refreshes are the stack's own. */
export const bucketRemedies = (bucket: string, onFailureBucket: string | undefined): LedgerRemedies => ({
  replayLanding: `run \`streamflow replay --from landing --bucket ${bucket}\``,
  replayOnFailure: `run \`streamflow replay --from onfailure --bucket ${bucket}${onFailureBucket === undefined ? '' : ` --onfailure-bucket ${onFailureBucket}`}\``,
  load: "the loader's next tick loads them (or invoke the loader function with `{}` now)",
  reload: 'invoke the loader function with `{"reload": "gold/", "force": true}`',
  refresh: 'the refresh tasks run when their streams have data: look for failed runs in TASK_HISTORY',
});

/** A warehouse the report could not read, and why: the files and offsets half is checked alone. */
export interface WarehouseNotChecked {
  readonly notChecked: string;
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

/** The object ledger's `gold/` listing, with the rows it counted in each file (the others are read here). */
type CountedGold = Pick<ObjectLedger, 'goldFileRows' | 'goldObjects'>;

/** Gold files against Bronze: the files the object ledger listed. */
const reconcileGoldFiles = async (store: ObjectStore, warehouse: Warehouse, counted: CountedGold): Promise<GoldFilesEntry> => {
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
  for (const object of counted.goldObjects) {
    if (!loadTargetFor(object.key)) continue;
    let rows = counted.goldFileRows.get(object.key);
    if (rows === undefined) {
      const body = await store.get(object.key);
      if (body === undefined) continue;
      rows = goldDataRows(body);
    }
    seen.add(object.key);
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

const sumOf = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0);
const sizeOfRanges = (ranges: readonly Range[]): number => sumOf(ranges.map((range) => range.last - range.first + 1));
const rangesText = (ranges: readonly Range[]): string =>
  ranges
    .slice(0, 5)
    .map((range) => (range.first === range.last ? `${range.first}` : `${range.first}–${range.last}`))
    .join(', ') + (ranges.length > 5 ? ` and ${ranges.length - 5} more ranges` : '');

/** Where the group is behind, partition by partition: `user_events partition 0 offsets 40–49`. */
const behindText = (partitions: readonly PartitionGap[]): string => {
  const behind = partitions.filter((partition) => partition.unconsumed.length > 0);
  return (
    behind
      .slice(0, 3)
      .map((partition) => `${partition.topic} partition ${partition.partition} offsets ${rangesText(partition.unconsumed)}`)
      .join(', ') + (behind.length > 3 ? ` and ${behind.length - 3} more partitions` : '')
  );
};

/** `group G is behind on …`, per group: a `{topic}` pattern names one group a topic (consumer-groups.ts). */
const unconsumedText = (report: Omit<LedgerReport, 'verdict' | 'nothingLost'>): string => {
  const byGroup = new Map<string, PartitionGap[]>();
  for (const partition of report.partitions) {
    if (partition.unconsumed.length === 0) continue;
    const group = groupForTopic(report.group ?? '', partition.topic);
    byGroup.set(group, [...(byGroup.get(group) ?? []), partition]);
  }
  const behind = [...byGroup].map(([group, partitions]) => `group ${group} is behind on ${behindText(partitions)}`);
  return `${n(report.unconsumed)} records (${behind.join('; ')})`;
};

/** Nothing missing from the files and offsets, nor (where it was checked) from the warehouse. */
const balances = (report: Omit<LedgerReport, 'verdict' | 'nothingLost'>): boolean =>
  report.lost === 0 && report.pending === 0 && report.unconsumed === 0 && report.lostInWarehouse === 0 && report.unreadableOnFailure.length === 0;

/** Every produced offset in gold or quarantine, and every gold row in Bronze, Silver and Gold. */
const isNothingLost = (report: Omit<LedgerReport, 'verdict' | 'nothingLost'>): boolean => balances(report) && report.warehouseNotChecked === undefined;

const verdictOf = (report: Omit<LedgerReport, 'verdict' | 'nothingLost'>): string => {
  const topics = Object.values(report.topics);
  const entered = sumOf(topics.map((topic) => topic.in));
  const gold = sumOf(topics.map((topic) => topic.gold));
  const quarantined = sumOf(topics.map((topic) => topic.quarantined));
  const duplicates = sumOf(topics.map((topic) => topic.duplicates));
  const overlaps = sumOf(topics.map((topic) => topic.overlaps));
  const harmless = [
    overlaps > 0 ? `${n(overlaps)} offsets delivered twice under other batch boundaries` : '',
    duplicates > 0 ? `${n(duplicates)} duplicate rows (copied files)` : '',
  ].filter(Boolean);
  const counted =
    report.source === 'landing' ? `${n(entered)} records landed (no source offsets recorded, so gaps before landing cannot be seen)` : `${n(entered)} records produced`;
  if (report.lost === 0 && report.pending === 0 && report.lostInWarehouse === 0 && report.unreadableOnFailure.length === 0) {
    const warehouse =
      report.warehouseNotChecked === undefined ? `all ${n(report.gold.rows)} gold rows in Bronze; Silver and Gold reconcile.` : `warehouse not checked: ${report.warehouseNotChecked}.`;
    const balance =
      `every one in gold or quarantine (${n(gold)} gold + ${n(quarantined)} quarantined` +
      `${harmless.length > 0 ? `; ${harmless.join(', ')}: counted once` : ''}); ${warehouse}`;
    if (isNothingLost(report)) return `Nothing lost: ${counted}, ${balance}`;
    if (balances(report)) return `Files and offsets balance: ${counted}, ${balance}`;
    const soFar = report.warehouseNotChecked === undefined ? 'nothing lost so far' : 'nothing lost so far in files and offsets';
    return `Not yet consumed: ${unconsumedText(report)}; ${soFar}: of ${counted}, ${n(entered - report.unconsumed)} consumed, ${balance}`;
  }
  const causes: string[] = [];
  const gaps = sumOf(report.partitions.map((partition) => sizeOfRanges(partition.gaps)));
  if (gaps > 0) causes.push(`${n(gaps)} produced offsets in no landing file and no on-failure record`);
  const inNeither = sumOf(report.partitions.map((partition) => sizeOfRanges(partition.unresolved)));
  if (inNeither > 0) causes.push(`${n(inNeither)} landed records in neither gold nor quarantine: ${report.remedies.replayLanding}`);
  if (report.gold.rowsNotInBronze > 0) {
    const short = report.gold.files - report.gold.loaded - report.gold.pending - report.gold.failed;
    const files = [
      report.gold.pending > 0 ? `${report.gold.pending} files not loaded yet: ${report.remedies.load}` : '',
      report.gold.failed > 0 ? `${report.gold.failed} files rejected: see bronze.load_history` : '',
      short > 0 ? `${short} files with fewer rows in Bronze than in the file: ${report.remedies.reload}` : '',
    ].filter(Boolean);
    causes.push(`${n(report.gold.rowsNotInBronze)} gold rows not in Bronze${files.length > 0 ? ` (${files.join('; ')})` : ''}`);
  }
  if (report.lostInWarehouse > 0) causes.push(`${n(report.lostInWarehouse)} Bronze rows missing downstream: ${report.remedies.refresh}`);
  if (report.pending > 0) causes.push(`${n(report.pending)} records pending in on-failure records: ${report.remedies.replayOnFailure}`);
  if (report.unconsumed > 0) causes.push(`not yet consumed: ${unconsumedText(report)}`);
  if (report.unreadableOnFailure.length > 0) {
    causes.push(`${report.unreadableOnFailure.length} on-failure objects unreadable (they may hold more): ${report.unreadableOnFailure.slice(0, 3).join(', ')}`);
  }
  if (report.warehouseNotChecked !== undefined) causes.push(`warehouse not checked: ${report.warehouseNotChecked}`);
  const lost = report.lost + report.lostInWarehouse;
  const head = lost > 0 ? `LOST ${n(lost)} records` : `PENDING ${n(report.pending)} records`;
  return `${head} of ${counted}: ${causes.join('; ')}.`;
};

/** Per topic (unknown topics folded into {@link UNROUTABLE}), from batches and partition coverage. */
const topicEntries = (objects: ObjectLedger): Record<string, TopicEntry> => {
  const topics: Record<string, TopicEntry> = {};
  const entryOf = (topic: string): TopicEntry =>
    (topics[isKnownTopic(topic) ? topic : UNROUTABLE] ??= { in: 0, landed: 0, gold: 0, quarantined: 0, pending: 0, unconsumed: 0, lost: 0, duplicates: 0, overlaps: 0 });
  for (const [topic, ledger] of Object.entries(objects.topics)) {
    const entry = entryOf(topic);
    entry.landed += ledger.landed;
    entry.gold += ledger.gold;
    entry.quarantined += ledger.quarantined;
    entry.lost += ledger.lost;
    entry.duplicates += ledger.duplicates;
  }
  for (const partition of objects.partitions) {
    const entry = entryOf(partition.topic);
    entry.in += partition.produced ?? partition.landed;
    entry.pending += sizeOfRanges(partition.pending);
    entry.unconsumed += sizeOfRanges(partition.unconsumed);
    entry.overlaps += partition.overlaps;
  }
  return topics;
};

const gapsOf = (partitions: readonly PartitionCoverage[]): PartitionGap[] =>
  partitions
    .filter((partition) => partition.gaps.length > 0 || partition.pending.length > 0 || partition.unresolved.length > 0 || partition.unconsumed.length > 0)
    .map((partition) => ({
      topic: partition.topic,
      partition: partition.partition,
      produced: partition.produced ?? partition.landed,
      ...(partition.committed === undefined ? {} : { committed: partition.committed }),
      gaps: partition.gaps,
      unconsumed: partition.unconsumed,
      unresolved: partition.unresolved,
      pending: partition.pending,
    }));

export interface LedgerSources {
  /** The source's offsets; by default those the local run recorded in the bucket. */
  readonly source?: SourceOffsets;
  /** Where on-failure records are. @default the store */
  readonly onFailureStore?: ObjectStore;
  /** @default {@link FOLDER_REMEDIES} */
  readonly remedies?: LedgerRemedies;
}

/** The gold files alone, when no warehouse was read: their rows, none of them known to be in Bronze. */
const goldFilesOnly = (countedRows: ReadonlyMap<string, number>): GoldFilesEntry => {
  const rows = [...countedRows].filter(([key]) => loadTargetFor(key)).map(([, count]) => count);
  return { files: rows.length, rows: sumOf(rows), loaded: 0, pending: 0, failed: 0, rowsNotInBronze: 0, rowsDuplicatedInBronze: 0, rowsWithoutFile: 0 };
};

/** Bronze, Silver and Gold against the gold files; the same queries on DuckDB and on Snowflake. */
const warehouseHalf = async (store: ObjectStore, warehouse: Warehouse, counted: CountedGold) => {
  const gold = await reconcileGoldFiles(store, warehouse, counted);
  const names = await existingTables(warehouse);
  const tables = await tableRows(warehouse, names);
  const stages = await reconcileStages(warehouse, new Set(names));
  const latest = await latestCheckResults(warehouse);
  const churn = await latestChurnEvaluation(warehouse);
  return { gold, tables, stages, latest, churn };
};

/**
 * Reconciles the bucket and the warehouse (which must be prepared: Bronze and control tables
 * exist), or the bucket alone against the source when the warehouse is {@link WarehouseNotChecked}.
 */
export const buildLedgerReport = async (store: ObjectStore, warehouse: Warehouse | WarehouseNotChecked, sources: LedgerSources = {}): Promise<LedgerReport> => {
  const source = sources.source ?? (await readSourceOffsets(store));
  const objects = await countObjectLedger(store, { ...(source ? { source } : {}), ...(sources.onFailureStore ? { onFailureStore: sources.onFailureStore } : {}) });
  const topics = topicEntries(objects);

  const { gold, tables, stages, latest, churn } =
    'notChecked' in warehouse
      ? { gold: goldFilesOnly(objects.goldFileRows), tables: {}, stages: [], latest: undefined, churn: undefined }
      : await warehouseHalf(store, warehouse, objects);

  const partial = {
    lost: objects.lost + gold.rowsNotInBronze,
    pending: objects.pending,
    unconsumed: objects.unconsumed,
    ...(objects.group === undefined ? {} : { group: objects.group }),
    // Only rows missing downstream: a table holding more than Bronze (a Bronze row removed) is already counted above.
    lostInWarehouse: stages.reduce((sum, stage) => sum + Math.max(0, stage.expected - stage.actual), 0),
    source: objects.source,
    topics,
    partitions: gapsOf(objects.partitions),
    unreadableOnFailure: objects.unreadableOnFailure,
    quarantineReasons: objects.reasons,
    gold,
    tables,
    stages,
    dq: latest?.results ?? [],
    ...(latest ? { dqRunAt: latest.checkedAt } : {}),
    ...(churn ? { churn } : {}),
    ...('notChecked' in warehouse ? { warehouseNotChecked: warehouse.notChecked } : {}),
    remedies: sources.remedies ?? FOLDER_REMEDIES,
  };
  return { ...partial, verdict: verdictOf(partial), nothingLost: isNothingLost(partial) };
};

/** The report as text, for a terminal. */
export const formatLedgerReport = (report: LedgerReport): string => {
  const lines = ['StreamFlow ledger', '', `topics (${report.source === 'landing' ? 'landed' : `produced, from the ${report.source}`} → gold + quarantine)`];
  for (const [topic, entry] of Object.entries(report.topics)) {
    const notes = [
      entry.pending > 0 ? `${n(entry.pending)} pending replay` : '',
      entry.unconsumed > 0 ? `${n(entry.unconsumed)} not yet consumed` : '',
      entry.lost > 0 ? `${n(entry.lost)} lost` : '',
      entry.overlaps > 0 ? `${n(entry.overlaps)} redelivered` : '',
      entry.duplicates > 0 ? `${n(entry.duplicates)} duplicate rows` : '',
    ].filter(Boolean);
    lines.push(`  ${topic.padEnd(16)} ${n(entry.in).padStart(10)} in = ${n(entry.gold)} gold + ${n(entry.quarantined)} quarantined${notes.length > 0 ? `  (${notes.join(', ')})` : ''}`);
  }
  for (const partition of report.partitions) {
    const committed = partition.committed === undefined ? '' : `, committed ${n(partition.committed)}`;
    if (partition.gaps.length > 0) lines.push(`  LOST     ${partition.topic} partition ${partition.partition} offsets ${rangesText(partition.gaps)} (produced ${n(partition.produced)}${committed})`);
    if (partition.unresolved.length > 0) lines.push(`  LOST     ${partition.topic} partition ${partition.partition} offsets ${rangesText(partition.unresolved)} landed, in neither gold nor quarantine: ${report.remedies.replayLanding}`);
    if (partition.pending.length > 0) lines.push(`  PENDING  ${partition.topic} partition ${partition.partition} offsets ${rangesText(partition.pending)}: ${report.remedies.replayOnFailure}`);
    if (partition.unconsumed.length > 0) {
      const group = groupForTopic(report.group ?? '', partition.topic);
      lines.push(`  BEHIND   ${partition.topic} partition ${partition.partition} offsets ${rangesText(partition.unconsumed)} not yet consumed by group ${group} (produced ${n(partition.produced)}${committed})`);
    }
  }
  const reasons = Object.entries(report.quarantineReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    lines.push('', 'quarantine reasons');
    for (const [code, count] of reasons) lines.push(`  ${code.padEnd(24)} ${n(count).padStart(8)}`);
  }
  const g = report.gold;
  if (report.warehouseNotChecked !== undefined) {
    lines.push('', `gold → Bronze: ${n(g.files)} files, ${n(g.rows)} rows; Bronze, Silver and Gold not checked: ${report.warehouseNotChecked}`);
    lines.push('', report.verdict);
    return lines.join('\n');
  }
  lines.push(
    '',
    `gold → Bronze: ${n(g.files)} files, ${n(g.rows)} rows; ${n(g.loaded)} loaded, ${n(g.pending)} pending, ${n(g.failed)} rejected` +
      (g.rowsDuplicatedInBronze > 0 ? `; ${n(g.rowsDuplicatedInBronze)} rows duplicated` : '') +
      (g.rowsWithoutFile > 0 ? `; ${n(g.rowsWithoutFile)} Bronze rows without a file` : ''),
    '',
    'warehouse',
  );
  for (const stage of report.stages) {
    const mark =
      stage.expected === stage.actual
        ? 'ok'
        : stage.actual < stage.expected
          ? `MISSING ${n(stage.expected - stage.actual)}`
          : `${n(stage.actual - stage.expected)} more than upstream (removed upstream after a refresh)`;
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
