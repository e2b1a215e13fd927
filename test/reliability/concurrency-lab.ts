/**
 * Concurrency scenarios, shared by the fast subset (concurrency.test.ts) and the longer one
 * (concurrency.chaos.ts). In AWS the scheduled loader and the S3-event loader are separate
 * invocations that run at the same time on the same files (S3 delivers its events at least once),
 * and a refresh task can run while a load commits. Each file must be loaded once, and the next
 * refresh must end where a sequential run ends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import { loadTargetFor } from '../../lambdas/shared/contracts/load-targets.js';
import type { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import { WarehouseConflictError } from '../../lambdas/shared/ports/warehouse.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { tempFolder } from '../support/files.js';
import {
  diffStates,
  figuresOf,
  ingestInto,
  invokeLoader,
  loadAndRefresh,
  newBucket,
  objectsCreated,
  openWarehouse,
  recordFigures,
  streamOf,
  warehouseState,
  type Bucket,
  type WarehouseState,
} from '../support/local-twin.js';

const STREAM = { events: 1_200, seed: 31, dirtyRate: 0.08, days: 30 } as const;
const ESM: EsmSettings = { ...DEFAULT_ESM_SETTINGS, batchSize: 150 };

export interface ConcurrencyLab {
  /** `ticks` schedule ticks and `eventsPerFile` S3 events for every file, all at once; then one more tick. */
  loadersAtOnce(ticks: number, eventsPerFile: number): Promise<void>;
  /** Half the files loaded and refreshed; then a tick loads the rest while a refresh starts `delayMs` in. */
  refreshDuringLoad(delayMs: number): Promise<void>;
  remove(): Promise<void>;
}

export const openConcurrencyLab = async (label: string): Promise<ConcurrencyLab> => {
  const root = await tempFolder(label);
  let runs = 0;

  /** A bucket holding the stream's files, nothing loaded yet. */
  const ingested = async (): Promise<Bucket> => {
    const bucket = await newBucket(root.path, `run-${++runs}`);
    await ingestInto(bucket, streamOf(STREAM), ESM);
    return bucket;
  };
  /** Handles on the bucket's warehouse, one per invocation (opened one after another: opening prepares the tables). */
  const openHandles = async (bucket: Bucket, count: number): Promise<DuckDbWarehouse[]> => {
    const handles: DuckDbWarehouse[] = [];
    for (let i = 0; i < count; i++) handles.push(await openWarehouse(bucket.warehouseFile));
    return handles;
  };
  const loadableKeys = async (bucket: Bucket): Promise<string[]> =>
    (await Promise.all(['reference/', 'gold/', 'quarantine/'].map((prefix) => bucket.store.list(prefix))))
      .flat()
      .map((object) => object.key)
      .filter((key) => loadTargetFor(key));

  const cleanBucket = await ingested();
  const cleanWarehouse = await openWarehouse(cleanBucket.warehouseFile);
  let clean: WarehouseState;
  // Which delivered copy of a record Silver keeps follows the order the loads ran in: concurrent
  // loaders load a redelivered record's two files in either order (as redelivery-lab.ts allows too).
  let cleanLineageFree: WarehouseState;
  try {
    await loadAndRefresh(cleanBucket.store, cleanWarehouse);
    clean = await warehouseState(cleanWarehouse);
    cleanLineageFree = await warehouseState(cleanWarehouse, { ignoreSilverLineage: true });
  } finally {
    await cleanWarehouse.close();
  }

  return {
    loadersAtOnce: async (ticks, eventsPerFile) => {
      const bucket = await ingested();
      const keys = await loadableKeys(bucket);
      const [scheduled, eventDriven] = await openHandles(bucket, 2);
      try {
        const summaries = await Promise.all([
          ...Array.from({ length: ticks }, () => invokeLoader(bucket.store, scheduled!)),
          ...keys.flatMap((key) => Array.from({ length: eventsPerFile }, () => invokeLoader(bucket.store, eventDriven!, objectsCreated(key)))),
        ]);
        // A file skipped because another invocation held its claim is picked up by the next tick.
        const nextTick = await invokeLoader(bucket.store, scheduled!);
        await runTaskGraph(scheduled!);

        // Every file loaded by exactly one invocation, none failed, nothing doubled.
        const all = [...summaries, nextTick];
        expect(all.flatMap((summary) => summary.files.filter((file) => file.status === 'loaded').map((file) => file.key)).sort()).toEqual([...keys].sort());
        expect(all.every((summary) => summary.failed === 0)).toBe(true);
        const reloaded = await scheduled!.query("select file_key from bronze.load_history where status = 'loaded' group by file_key having count(*) > 1");
        expect(reloaded).toEqual([]);
        expect(diffStates(await warehouseState(scheduled!, { ignoreSilverLineage: true }), cleanLineageFree)).toEqual([]);
        const figures = await figuresOf(bucket.store, scheduled!);
        expect(figures).toMatchObject({ lost: 0, duplicates: 0 });
        const skipped = summaries.flatMap((summary) => summary.files.filter((file) => file.status === 'skipped'));
        recordFigures(`concurrency: ${ticks} schedule ticks + ${eventsPerFile} S3 event(s) per file, at once`, {
          ...figures,
          files: keys.length,
          invocations: summaries.length,
          skippedAlreadyLoaded: skipped.filter((file) => file.reason === 'already_loaded').length,
          skippedClaimedConcurrently: skipped.filter((file) => file.reason === 'claimed_concurrently').length,
          loadedByNextTick: nextTick.loaded,
        });
      } finally {
        await scheduled!.close();
        await eventDriven!.close();
      }
    },

    refreshDuringLoad: async (delayMs) => {
      const bucket = await ingested();
      const keys = await loadableKeys(bucket);
      const [loading, refreshing] = await openHandles(bucket, 2);
      try {
        for (const key of keys.slice(0, Math.floor(keys.length / 2))) await invokeLoader(bucket.store, loading!, objectsCreated(key));
        await runTaskGraph(refreshing!);

        const [load, refresh] = await Promise.allSettled([invokeLoader(bucket.store, loading!), sleep(delayMs).then(() => runTaskGraph(refreshing!))]);
        const next = await runTaskGraph(refreshing!);

        // The load went through; the concurrent refresh finished or lost a race and rolled back; the next one is whole.
        expect(load.status).toBe('fulfilled');
        if (refresh.status === 'rejected') expect(refresh.reason).toBeInstanceOf(WarehouseConflictError);
        expect(next.checks.length).toBeGreaterThan(0);
        expect(diffStates(await warehouseState(refreshing!), clean)).toEqual([]);
        const figures = await figuresOf(bucket.store, refreshing!);
        expect(figures).toMatchObject({ lost: 0, duplicates: 0 });
        recordFigures(`concurrency: refresh ${delayMs} ms into a load, then the next refresh`, { ...figures, concurrentRefresh: refresh.status });
      } finally {
        await loading!.close();
        await refreshing!.close();
      }
    },

    remove: () => root.remove(),
  };
};
