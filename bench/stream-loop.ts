/**
 * The local twin streaming live, for the freshness bench: a producer on a timer publishes to the
 * topic log, the event source mapping is polled on the live clock (so its batching window counts),
 * and a warehouse loop ticks the loader and refreshes as the twin does: the task graph runs when
 * a load added rows (runTriggeredTaskGraph, as Snowflake's triggered root task), never on a timer.
 * Built from the same pieces as `streamflow run` (lambdas/local), one DuckDB connection kept open
 * throughout.
 */
import { join } from 'node:path';
import { makeConsumerHandler } from '../lambdas/consumer/make-handler.js';
import { EsmSimulator, invokingWith, type EsmSettings } from '../lambdas/local/esm-simulator.js';
import { publishReferenceData } from '../lambdas/local/ingest.js';
import { localLambdaContext } from '../lambdas/local/lambda-context.js';
import { TopicLog } from '../lambdas/local/topic-log.js';
import { scheduledTick } from '../lambdas/loader/loader-request.js';
import { makeLoaderHandler } from '../lambdas/loader/make-handler.js';
import { DuckDbWarehouse } from '../lambdas/shared/adapters/duckdb-warehouse.js';
import { FolderObjectStore } from '../lambdas/shared/adapters/folder-object-store.js';
import type { ProducedMessage } from '../lambdas/shared/ports/event-publisher.js';
import type { WarehouseRow } from '../lambdas/shared/ports/warehouse.js';
import { logger, metrics } from '../lambdas/shared/powertools.js';
import { loadReferenceCatalog } from '../lambdas/shared/reference-catalog.js';
import { prepareWarehouse } from '../lambdas/warehouse/prepare-warehouse.js';
import { runTriggeredTaskGraph } from '../lambdas/warehouse/run-task-graph.js';
import { sleep } from './measure.js';

export interface StreamLoopOptions {
  /** The bucket folder (the warehouse file goes inside). */
  readonly dir: string;
  readonly partitions: number;
  readonly esm: EsmSettings;
  /** How often the event source mapping is polled. */
  readonly pollEveryMs: number;
  /** Least time from one loader tick's start to the next one's. */
  readonly tickEveryMs: number;
  /** Called after each refresh the loads triggered, with the time its Gold became visible (refresh_gold committed). */
  readonly onCycle: (cycle: { readonly goldVisibleAt: number; readonly ms: number; readonly query: WarehouseQuery }) => Promise<void>;
}

export type WarehouseQuery = <Row extends WarehouseRow>(sql: string) => Promise<Row[]>;

export interface StreamLoop {
  publish(messages: readonly ProducedMessage[]): Promise<void>;
  /** Stops polling and cycling after the current round; resolves when both loops have ended. */
  stop(): Promise<void>;
  /** Records delivered by the event source mapping so far, and failed batches. */
  readonly stats: { readonly records: number; readonly failedBatches: number };
}

/** Prepares the bucket and the warehouse, runs one warm-up cycle, then starts the loops. */
export const startStreamLoop = async (options: StreamLoopOptions): Promise<StreamLoop> => {
  const store = new FolderObjectStore(options.dir);
  await publishReferenceData(store);
  const catalog = await loadReferenceCatalog(store);
  const consumer = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });
  const log = new TopicLog(options.partitions, Date.now);
  const esm = new EsmSimulator(
    log,
    invokingWith((event) => consumer(event, localLambdaContext('streamflow-consumer'))),
    (failure) => Promise.resolve(logger.error('batch failed in the freshness bench', { error: failure.error })),
    options.esm,
    Date.now,
  );

  const warehouse = await DuckDbWarehouse.open(join(options.dir, 'warehouse.duckdb'));
  await prepareWarehouse(warehouse);
  const loader = makeLoaderHandler({ store, warehouse, logger, metrics });
  const query: WarehouseQuery = (sql) => warehouse.query(sql);
  /** A loader tick, then the task graph if the tick added rows; undefined when nothing was refreshed. */
  const cycle = async (): Promise<{ goldVisibleAt: number; ms: number } | undefined> => {
    const started = Date.now();
    let goldVisibleAt = 0;
    await loader(scheduledTick(), localLambdaContext('streamflow-loader'));
    const { run } = await runTriggeredTaskGraph(warehouse, { onTask: (task) => (task === 'dq_checks' ? (goldVisibleAt = Date.now()) : undefined) });
    return run ? { goldVisibleAt: goldVisibleAt || Date.now(), ms: Date.now() - started } : undefined;
  };
  // Reference data and every table exist before the first event, as in a deployed pipeline.
  await cycle();

  let running = true;
  const polling = (async () => {
    while (running) {
      await esm.poll();
      await sleep(options.pollEveryMs);
    }
  })();
  const cycling = (async () => {
    while (running) {
      const started = Date.now();
      const done = await cycle();
      if (done) await options.onCycle({ ...done, query });
      await sleep(Math.max(0, options.tickEveryMs - (Date.now() - started)));
    }
  })();

  return {
    publish: (messages) => log.publish(messages),
    stop: async () => {
      running = false;
      await Promise.all([polling, cycling]);
      await warehouse.close();
    },
    get stats() {
      return { records: esm.stats.records, failedBatches: esm.stats.failedBatches };
    },
  };
};
