/**
 * The loader alone over a finished run folder, into a fresh warehouse file, with where its time
 * goes: the store's list and gets, the checks between them, each warehouse statement by kind
 * (claim, history, the load's insert, its count and rejects queries, …), staging. For a CPU profile:
 *   node --cpu-prof --import tsx bench/profile-load.ts RUN_DIR [passes] [workers|in-thread]
 * The run folder is only read; each pass loads into a new warehouse file in the system's temp
 * folder. Files are checked on worker threads as `streamflow load` checks them, or on this thread.
 */
import './quiet-powertools.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { FolderObjectStore } from '../lambdas/shared/adapters/folder-object-store.js';
import { DuckDbWarehouse } from '../lambdas/shared/adapters/duckdb-warehouse.js';
import type { ObjectStore } from '../lambdas/shared/ports/object-store.js';
import type { Warehouse, WarehouseSession } from '../lambdas/shared/ports/warehouse.js';
import { logger } from '../lambdas/shared/powertools.js';
import { runLoader } from '../lambdas/loader/run-loader.js';
import { loaderRequestOf, scheduledTick } from '../lambdas/loader/loader-request.js';
import { prepareWarehouse } from '../lambdas/warehouse/prepare-warehouse.js';
import { IN_THREAD_CHECKS } from '../lambdas/loader/file-checker.js';
import { CheckWorkers } from '../lambdas/local/check-workers.js';

const [runDir, passesArg, checks = 'workers'] = process.argv.slice(2);
if (!runDir || !['workers', 'in-thread'].includes(checks)) throw new Error('usage: bench/profile-load.ts RUN_DIR [passes] [workers|in-thread]');
const passes = Number(passesArg ?? 1);

/** Milliseconds per label, and how many times each ran. */
const spans = new Map<string, { ms: number; count: number }>();
const add = (label: string, ms: number): void => {
  const span = spans.get(label) ?? { ms: 0, count: 0 };
  span.ms += ms;
  span.count += 1;
  spans.set(label, span);
};
const time = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    add(label, performance.now() - started);
  }
};

/** A statement's kind, from its first words. */
const kindOf = (sql: string): string => {
  const text = sql.replace(/\s+/g, ' ').trim().toLowerCase();
  if (text.startsWith('insert into bronze.')) return 'duckdb: insert … from read_csv';
  if (text.includes('count(*) as rows from bronze.')) return 'duckdb: rows per file';
  if (text.includes('from load_rejects_')) return 'duckdb: rejects per file';
  if (text.startsWith('drop table if exists load_rejects')) return 'duckdb: drop rejects tables';
  return `duckdb: ${text.slice(0, 40)}`;
};
// Every statement the adapter runs, below the port (the load's own statements are no port calls).
// `run` only: DuckDB's runAndReadAll calls it, and reading a handful of result rows costs nothing.
const { run } = DuckDBConnection.prototype as { run: (this: DuckDBConnection, ...args: Parameters<DuckDBConnection['run']>) => ReturnType<DuckDBConnection['run']> };
DuckDBConnection.prototype.run = function (this: DuckDBConnection, ...args: Parameters<typeof run>) {
  return time(kindOf(args[0]), () => run.apply(this, args));
};

/**
 * A table's files are read and checked ahead (in-thread or on workers), so gets and checks overlap:
 * the phase from its first get to its stage call is timed as one span.
 */
let checkPhaseFrom: number | undefined;
const endCheckPhase = (): void => {
  if (checkPhaseFrom !== undefined) add('read + check (first get to stage)', performance.now() - checkPhaseFrom);
  checkPhaseFrom = undefined;
};

const timedStore = (store: ObjectStore): ObjectStore => ({
  put: (key, body, type) => store.put(key, body, type),
  list: (prefix) => time('store.list', () => store.list(prefix)),
  get: (key) => {
    checkPhaseFrom ??= performance.now();
    return store.get(key);
  },
});

const timedSession = (session: WarehouseSession): WarehouseSession => ({
  execute: (sql, params) => session.execute(sql, params),
  query: (sql, params) => session.query(sql, params),
  load: (request) => session.load(request),
  loadStaged: (staged, only) => time('session.loadStaged', () => session.loadStaged(staged, only)),
});

const timedWarehouse = (warehouse: Warehouse): Warehouse => ({
  ...timedSession(warehouse),
  dialect: warehouse.dialect,
  columnTypes: warehouse.columnTypes,
  transaction: (work) => time('transaction', () => warehouse.transaction((session) => work(timedSession(session)))),
  stage: (request) => {
    endCheckPhase();
    return time('stage', () => warehouse.stage(request));
  },
  unstage: (staged) => time('unstage', () => warehouse.unstage(staged)),
  close: () => warehouse.close(),
});

for (let pass = 1; pass <= passes; pass++) {
  spans.clear();
  const folder = await mkdtemp(join(tmpdir(), 'streamflow-profile-load-'));
  const warehouse = await DuckDbWarehouse.open(join(folder, 'warehouse.duckdb'));
  const workers = checks === 'workers' ? new CheckWorkers() : undefined;
  try {
    await prepareWarehouse(warehouse);
    spans.clear();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const eluBefore = performance.eventLoopUtilization();
    const summary = await runLoader(loaderRequestOf(scheduledTick()), { store: timedStore(new FolderObjectStore(runDir)), warehouse: timedWarehouse(warehouse), logger, checker: workers ?? IN_THREAD_CHECKS });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const mainBusyMs = performance.eventLoopUtilization(eluBefore).active;
    // CPU of the whole process (this thread, the check workers, DuckDB's threads), and this thread's
    // busy time: what a machine with idle cores cannot run beside the rest.
    console.log(
      `pass ${pass}: ${summary.loaded} files loaded, ${summary.failed} rejected, ${wallMs.toFixed(0)} ms wall, ` +
        `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, main thread busy ${mainBusyMs.toFixed(0)} ms`,
    );
    for (const [label, span] of [...spans].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(`  ${label.padEnd(48)} ${span.ms.toFixed(0).padStart(7)} ms  x${span.count}`);
    }
  } finally {
    await workers?.close();
    await warehouse.close();
    await rm(folder, { recursive: true, force: true });
  }
}
