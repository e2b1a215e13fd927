/**
 * The local twin in process, in pieces a reliability suite can take apart: ingest a generated
 * stream into a bucket (through a wrapped store if the test breaks it), capture the MSK events the
 * simulator delivers (to deliver them again, or in another order), invoke the loader as a schedule
 * or an S3 event would, refresh, and read the warehouse back as state two runs can be compared by.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MSKEvent, SQSEvent } from 'aws-lambda';
import { makeConsumerHandler, type ConsumerHandler } from '../../lambdas/consumer/make-handler.js';
import { makeLoaderHandler, type LoaderResponse } from '../../lambdas/loader/make-handler.js';
import { scheduledTick, type LoaderEvent, type ObjectCreatedEvent } from '../../lambdas/loader/loader-request.js';
import type { LoaderSummary } from '../../lambdas/loader/run-loader.js';
import { EsmSimulator, invokingWith, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import { ingest, publishReferenceData, type IngestOptions, type IngestSummary } from '../../lambdas/local/ingest.js';
import { localLambdaContext } from '../../lambdas/local/lambda-context.js';
import { TopicLog } from '../../lambdas/local/topic-log.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import type { Warehouse } from '../../lambdas/shared/ports/warehouse.js';
import { logger, metrics } from '../../lambdas/shared/powertools.js';
import { loadReferenceCatalog } from '../../lambdas/shared/reference-catalog.js';
import { buildLedgerReport, type LedgerReport } from '../../lambdas/warehouse/ledger-report.js';
import { prepareWarehouse } from '../../lambdas/warehouse/prepare-warehouse.js';
import { runTaskGraph, type TaskGraphRun } from '../../lambdas/warehouse/run-task-graph.js';
import { sqsEventCarrying } from './aws-payloads.js';
import { snapshotStore } from './files.js';
import { dumpTable } from './warehouse-fixtures.js';

/** A fixed end of the event window, so a seed gives the same stream on any day. */
export const RELIABILITY_UNTIL = new Date('2025-06-15T12:00:00Z');

export interface StreamSpec {
  readonly events: number;
  readonly seed: number;
  readonly dirtyRate: number;
  readonly days: number;
}

export const streamOf = (spec: StreamSpec): Iterable<ProducedMessage> =>
  generateEventStream({ events: spec.events, seed: spec.seed, window: eventWindow(RELIABILITY_UNTIL, spec.days), dirtyRate: spec.dirtyRate });

/** A bucket folder with the reference data a deployment puts there, and its warehouse file. */
export interface Bucket {
  readonly dir: string;
  readonly store: FolderObjectStore;
  readonly warehouseFile: string;
}

export const newBucket = async (root: string, name: string): Promise<Bucket> => {
  const dir = join(root, name);
  const store = new FolderObjectStore(dir);
  await publishReferenceData(store);
  return { dir, store, warehouseFile: join(dir, 'warehouse.duckdb') };
};

/** `streamflow run`'s ingestion into a bucket, through `store` when the test wraps the bucket's. */
export const ingestInto = (
  bucket: Bucket,
  source: Iterable<ProducedMessage>,
  esm: EsmSettings,
  options: { store?: ObjectStore; partitions?: number } & Pick<IngestOptions, 'functionTimeoutMs'> = {},
): Promise<IngestSummary> =>
  ingest({
    store: options.store ?? bucket.store,
    source,
    esm,
    partitions: options.partitions ?? 2,
    ...(options.functionTimeoutMs === undefined ? {} : { functionTimeoutMs: options.functionTimeoutMs }),
  });

/**
 * The MSK events the simulator delivers for a stream, in delivery order, captured instead of
 * invoked (the stream must fit in one produce chunk, so the batches are those `ingest` cuts).
 */
export const captureEvents = async (source: Iterable<ProducedMessage>, esm: EsmSettings, partitions = 2): Promise<MSKEvent[]> => {
  const log = new TopicLog(partitions, () => 0);
  const events: MSKEvent[] = [];
  const simulator = new EsmSimulator(
    log,
    invokingWith((event) => Promise.resolve(void events.push(event))),
    () => Promise.reject(new Error('capturing never fails')),
    esm,
    () => 0,
  );
  await log.publish([...source]);
  await simulator.drain();
  return events;
};

/** The consumer Lambda's handler on a bucket, invoked as the event source mapping invokes it. */
export const consumerFor = async (store: ObjectStore): Promise<(event: MSKEvent) => ReturnType<ConsumerHandler>> => {
  const catalog = await loadReferenceCatalog(store);
  const handler = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });
  return (event) => handler(event, localLambdaContext('streamflow-consumer'));
};

export const openWarehouse = async (file: string): Promise<DuckDbWarehouse> => {
  const warehouse = await DuckDbWarehouse.open(file);
  await prepareWarehouse(warehouse);
  return warehouse;
};

/** One loader invocation (a schedule tick unless another event is given), through its middy handler. */
export const invokeLoader = (store: ObjectStore, warehouse: Warehouse, event: LoaderEvent = scheduledTick()): Promise<LoaderResponse> =>
  makeLoaderHandler({ store, warehouse, logger, metrics })(event, localLambdaContext('streamflow-loader'));

/** The S3 "Object Created" event EventBridge sends the loader's queue for a new object. */
const objectCreatedEvent = (key: string): ObjectCreatedEvent => ({
  version: '0',
  id: `local-${key}`,
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '000000000000',
  time: RELIABILITY_UNTIL.toISOString(),
  region: 'local',
  resources: ['arn:aws:s3:::streamflow-local'],
  detail: { bucket: { name: 'streamflow-local' }, object: { key } },
});

/** One batch of the loader's queue: a message per object, each an S3 "Object Created" event from EventBridge. */
export const objectsCreated = (...keys: readonly string[]): SQSEvent => sqsEventCarrying(keys.map(objectCreatedEvent));

/** What a schedule does: load everything pending, then run the task graph. */
export const loadAndRefresh = async (store: ObjectStore, warehouse: Warehouse): Promise<{ load: LoaderSummary; refresh: TaskGraphRun }> => {
  const load = await invokeLoader(store, warehouse);
  return { load, refresh: await runTaskGraph(warehouse) };
};

/** Every object under the prefixes the consumer writes, with its bytes. */
export const consumerOutputs = async (store: ObjectStore): Promise<Map<string, Buffer>> => {
  const outputs = new Map<string, Buffer>();
  for (const prefix of ['landing/', 'gold/', 'quarantine/']) for (const [key, body] of await snapshotStore(store, prefix)) outputs.set(key, body);
  return outputs;
};

/** Keys whose bytes differ between two snapshots, or that only one has; empty when identical. */
export const diffOutputs = (actual: ReadonlyMap<string, Buffer>, expected: ReadonlyMap<string, Buffer>): string[] => {
  const differences: string[] = [];
  for (const [key, body] of expected) {
    const other = actual.get(key);
    if (!other) differences.push(`missing ${key}`);
    else if (!other.equals(body)) differences.push(`different ${key}`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) differences.push(`extra ${key}`);
  return differences;
};

/** Columns that say when something ran, not what the data is (load times, SCD validity from them). */
const RUN_TIME_COLUMNS = new Set(['_loaded_at', 'loaded_at', 'updated_at', 'valid_from', 'valid_to']);
/** Silver columns that say which delivered copy of a record was kept. */
export const LINEAGE_COLUMNS = new Set(['kafka_topic', 'kafka_partition', 'kafka_offset', 'kafka_timestamp', 'kafka_key', 'source_file', 'source_row_number']);

/** Each table's rows (as sorted JSON lines, run-time columns left out) and the latest check results. */
export type WarehouseState = Record<string, string[]>;

export const warehouseState = async (warehouse: Warehouse, options: { ignoreSilverLineage?: boolean } = {}): Promise<WarehouseState> => {
  const columns = await warehouse.query<{ schema: string; name: string; column: string }>(
    `select c.table_schema as schema, c.table_name as name, c.column_name as column
     from information_schema.columns c
     join information_schema.tables t using (table_catalog, table_schema, table_name)
     where c.table_catalog = 'streamflow_dw' and c.table_schema in ('bronze', 'silver', 'gold') and t.table_type = 'BASE TABLE'
       and c.table_name not in ('dq_results', 'load_history')
     order by 1, 2, c.ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const { schema, name, column } of columns) {
    if (RUN_TIME_COLUMNS.has(column) || (options.ignoreSilverLineage && schema === 'silver' && LINEAGE_COLUMNS.has(column))) continue;
    const table = `${schema}.${name}`;
    tables.set(table, [...(tables.get(table) ?? []), column]);
  }
  const state: WarehouseState = {};
  for (const [table, kept] of tables) state[table] = dumpTable(await warehouse.query(`select ${kept.join(', ')} from ${table}`));
  state['bronze.load_history'] = dumpTable(
    await warehouse.query('select file_key, etag, target_table, status, rows_parsed, rows_loaded, errors_seen from bronze.load_history'),
  );
  state['gold.dq_results (latest run)'] = dumpTable(
    await warehouse.query(
      `select check_name, violations from gold.dq_results
       where run_id = (select run_id from gold.dq_results order by checked_at desc limit 1)`,
    ),
  );
  return state;
};

/** Per table, how many rows only one of two states has; empty when they are identical. */
export const diffStates = (actual: WarehouseState, expected: WarehouseState): string[] => {
  const differences: string[] = [];
  for (const table of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const remaining = new Map<string, number>();
    for (const row of expected[table] ?? []) remaining.set(row, (remaining.get(row) ?? 0) + 1);
    const extra: string[] = [];
    for (const row of actual[table] ?? []) {
      const left = remaining.get(row) ?? 0;
      if (left > 0) remaining.set(row, left - 1);
      else extra.push(row);
    }
    const missing = [...remaining].flatMap(([row, count]) => Array<string>(count).fill(row));
    if (extra.length + missing.length > 0) {
      differences.push(`${table}: ${extra.length} rows only in this run, ${missing.length} only in the clean run; e.g. ${(extra[0] ?? missing[0])!.slice(0, 300)}`);
    }
  }
  return differences;
};

/**
 * Rows present more than once: Bronze rows sharing a Kafka coordinate (one record loaded twice)
 * and Silver / Gold rows sharing a natural key.
 */
export const duplicateRows = async (warehouse: Warehouse): Promise<number> => {
  const keyed: readonly (readonly [string, string])[] = [
    ['bronze.raw_user_events', 'kafka_topic, kafka_partition, kafka_offset'],
    ['bronze.raw_transactions', 'kafka_topic, kafka_partition, kafka_offset'],
    ['bronze.raw_quarantine', 'kafka_topic, kafka_partition, kafka_offset'],
    ['silver.stg_user_events', 'event_id'],
    ['silver.stg_transactions', 'transaction_id'],
    ['silver.stg_transaction_items', 'transaction_id, line_number'],
    ['gold.fact_user_activity', 'event_id'],
    ['gold.fact_transactions', 'transaction_id, line_number'],
  ];
  const existing = new Set(
    (await warehouse.query<{ name: string }>("select table_schema || '.' || table_name as name from information_schema.tables where table_catalog = 'streamflow_dw'")).map(
      (row) => row.name,
    ),
  );
  let duplicates = 0;
  for (const [table, key] of keyed.filter(([name]) => existing.has(name))) {
    const [row] = await warehouse.query<{ n: number }>(`select count(*) - (select count(*) from (select distinct ${key} from ${table})) as n from ${table}`);
    duplicates += row?.n ?? 0;
  }
  return duplicates;
};

/** The figures docs/reliability.md reports for a scenario. */
export interface Figures {
  readonly recordsIn: number;
  readonly gold: number;
  readonly quarantined: number;
  readonly lost: number;
  readonly duplicates: number;
}

export const figuresOf = async (store: ObjectStore, warehouse: Warehouse): Promise<Figures & { readonly report: LedgerReport }> => {
  const report = await buildLedgerReport(store, warehouse);
  const topics = Object.values(report.topics);
  return {
    recordsIn: topics.reduce((sum, topic) => sum + topic.in, 0),
    gold: topics.reduce((sum, topic) => sum + topic.gold, 0),
    quarantined: topics.reduce((sum, topic) => sum + topic.quarantined, 0),
    lost: report.lost + report.lostInWarehouse,
    duplicates: await duplicateRows(warehouse),
    report,
  };
};

/**
 * Appends a scenario's figures to the NDJSON file named by STREAMFLOW_FIGURES (nothing otherwise):
 * `STREAMFLOW_FIGURES=/tmp/figures.ndjson npm run test:chaos` collects what docs/reliability.md shows.
 */
export const recordFigures = (scenario: string, figures: object): void => {
  const file = process.env.STREAMFLOW_FIGURES;
  if (!file) return;
  // The full ledger report stays out: the figures are its totals.
  const plain = Object.fromEntries(Object.entries(figures).filter(([name]) => name !== 'report'));
  appendFileSync(file, `${JSON.stringify({ scenario, ...plain, at: new Date().toISOString() })}\n`);
};
