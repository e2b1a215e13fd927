/**
 * `streamflow run --rate N`: the local twin on the live clock. The generated events are produced
 * at N per second (instead of as fast as possible, as a backfill does), the topic log and the
 * event source mapping's batching window run on `Date.now`, and while they stream the warehouse
 * is loaded and refreshed in cycles, as the loader's schedule and the triggered tasks do in AWS.
 * After each cycle the served dashboard (live-dashboard.ts) reads the warehouse again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProducedMessage } from '../shared/ports/event-publisher.js';
import type { ObjectStore } from '../shared/ports/object-store.js';
import type { EsmSettings } from './esm-simulator.js';
import { ingest, type IngestSummary } from './ingest.js';
import type { LiveDashboard } from './live-dashboard.js';
import { readWarehouseView } from './live-dashboard.js';
import { LiveMetrics, type RefreshCycle } from './live-metrics.js';
import { loadAndRefresh, withWarehouse } from './warehouse-stage.js';

/** Pause between the end of one load/refresh cycle and the start of the next. */
export const DEFAULT_CYCLE_PAUSE_MS = 1000;
/** Delivery rounds per second at any rate: what the lag and throughput charts resolve. */
const ROUNDS_PER_SECOND = 5;

/**
 * Yields `source` at `rate` items per second on the wall clock, until it ends or `signal` aborts
 * (Ctrl-C). It sleeps only when ahead by a few milliseconds, so timers' granularity does not cap
 * the rate.
 */
export async function* paced<T>(source: Iterable<T> | AsyncIterable<T>, rate: number, signal?: AbortSignal): AsyncGenerator<T> {
  const started = Date.now();
  let sent = 0;
  for await (const item of source) {
    if (signal?.aborted) return;
    const ahead = started + (sent / rate) * 1000 - Date.now();
    if (ahead > 5) await sleep(ahead);
    if (signal?.aborted) return;
    sent++;
    yield item;
  }
}

export interface LiveRunOptions {
  readonly store: ObjectStore;
  readonly source: Iterable<ProducedMessage> | AsyncIterable<ProducedMessage>;
  /** Events per second. */
  readonly rate: number;
  readonly esm: EsmSettings;
  readonly partitions: number;
  readonly warehouseFile: string;
  /** Ctrl-C: stop producing; what was produced is still delivered, loaded and refreshed. */
  readonly signal?: AbortSignal;
  /** Where the served page reads from; omitted without `--serve`. */
  readonly dashboard?: LiveDashboard;
  readonly cyclePauseMs?: number;
  readonly onProgress?: (produced: number) => void;
  readonly onCycle?: (cycle: RefreshCycle) => void;
}

export interface LiveRunResult {
  readonly summary: IngestSummary;
  readonly cycles: readonly RefreshCycle[];
}

/**
 * The warehouse stays open for the whole run: a cycle that reopened it would re-create the macros,
 * and each close checkpoints the write-ahead log into the file, on the freshness path.
 */
export const runLive = (options: LiveRunOptions): Promise<LiveRunResult> =>
  withWarehouse(options.warehouseFile, async (warehouse) => {
    const metrics = new LiveMetrics();
    let streaming = true;
    const ingestion = ingest({
      store: options.store,
      source: paced(options.source, options.rate, options.signal),
      esm: options.esm,
      partitions: options.partitions,
      clock: Date.now,
      produceChunk: Math.max(1, Math.ceil(options.rate / ROUNDS_PER_SECOND)),
      onProgress: options.onProgress,
      onRound: (round) => {
        metrics.onRound(round);
        options.dashboard?.setOperations(metrics.snapshot());
      },
    }).finally(() => {
      streaming = false;
    });

    const cycle = async (): Promise<void> => {
      const finish = metrics.startCycle();
      const stage = await loadAndRefresh({ store: options.store, warehouse });
      const done = finish({ filesLoaded: stage.files.loaded, rowsLoaded: Object.values(stage.rowsLoaded).reduce((a, b) => a + b, 0) });
      options.onCycle?.(done);
      if (options.dashboard) {
        options.dashboard.setWarehouse(await readWarehouseView(options.store, warehouse));
        options.dashboard.setOperations(metrics.snapshot());
      }
    };
    const cycles = (async () => {
      while (streaming) {
        await cycle();
        await sleep(options.cyclePauseMs ?? DEFAULT_CYCLE_PAUSE_MS);
      }
      // The last events reached the bucket after the last cycle began: one more makes them visible.
      await cycle();
    })();

    // Both settle before the warehouse closes: a failed ingestion must not close it under a running cycle.
    await Promise.allSettled([ingestion, cycles]);
    const summary = await ingestion;
    await cycles;
    return { summary, cycles: metrics.snapshot().cycles };
  });
