/**
 * Fault scenarios, shared by the fast subset (faults.test.ts) and the sweep (faults.chaos.ts): one
 * fault at one boundary on the Nth call, the pipeline running on as it would (the simulator
 * retrying or routing to on-failure, a schedule tick loading and refreshing), then recovery as an
 * operator does it (`streamflow replay`, the next load, the next refresh), then the result compared
 * with a clean run's: the same objects, the same warehouse, nothing lost, nothing doubled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import type { IngestSummary } from '../../lambdas/local/ingest.js';
import { replay, type ReplaySummary } from '../../lambdas/local/replay.js';
import { runTaskGraph } from '../../lambdas/warehouse/run-task-graph.js';
import { FAULT_DELAY_MS, FaultyStore, FaultyWarehouse, InjectedFault, type Fault } from '../support/chaos.js';
import { tempFolder } from '../support/files.js';
import {
  consumerOutputs,
  diffOutputs,
  diffStates,
  figuresOf,
  ingestInto,
  invokeLoader,
  loadAndRefresh,
  newBucket,
  openWarehouse,
  streamOf,
  warehouseState,
  type Figures,
  type StreamSpec,
  type WarehouseState,
} from '../support/local-twin.js';

export const STREAM: StreamSpec = { events: 500, seed: 23, dirtyRate: 0.1, days: 20 };
/** One partition at a time, so "the Nth call" names the same call on every run. */
export const ESM: EsmSettings = { ...DEFAULT_ESM_SETTINGS, batchSize: 100, concurrency: 1 };
/** The consumer's timeout in the timeout scenarios: long enough for a batch, short enough for a test. */
export const FUNCTION_TIMEOUT_MS = 300;

export const BOUNDARIES = {
  'store.put': 'object store put fails',
  'store.get': 'object store get fails (loader)',
  'store.list': 'object store list fails (loader)',
  'warehouse.load': 'warehouse load (COPY) fails',
  'warehouse.refresh': 'warehouse refresh statement fails',
  'handler.timeout': 'consumer times out (a put never returns)',
  'handler.zombie': 'consumer times out, then its late writes land after the retry',
  'crash.landing-gold': 'crash after landing, before gold',
  'process.crash': 'process dies (store gone, on-failure write too); restart',
} as const;
export type Boundary = keyof typeof BOUNDARIES;

export interface FaultSpec {
  readonly boundary: Boundary;
  /** The 1-based call of the boundary's operation that fails. */
  readonly at: number;
  /** The event source mapping's MaximumRetryAttempts (ingest boundaries). */
  readonly retries: number;
}

/** How many calls each boundary's operation makes in a clean run: the range a sweep covers. */
export type CallCounts = Record<Boundary, number>;

export interface FaultLab {
  readonly clean: { readonly outputs: ReadonlyMap<string, Buffer>; readonly state: WarehouseState; readonly figures: Figures };
  readonly calls: CallCounts;
  /**
   * Runs one scenario, recovers, asserts the clean result, and says what happened on the way.
   * `tickBeforeRecovery: false` skips the schedule's load and refresh between the fault and the
   * recovery (always run for warehouse boundaries, where the fault is); the fast subset saves time so.
   */
  run(spec: FaultSpec, options?: { readonly tickBeforeRecovery?: boolean }): Promise<FaultOutcome>;
  remove(): Promise<void>;
}

export interface FaultOutcome {
  readonly injected: number;
  readonly esm?: IngestSummary['esm'];
  /** The failure that escaped: a crashed ingest, or a failed loader or refresh invocation. */
  readonly escaped?: string;
  /** What the ledger said before recovery. */
  readonly before: Awaited<ReturnType<typeof figuresOf>>;
  readonly replay: ReplaySummary;
  readonly after: Figures;
}

const GOLD_PUT = (key: string): boolean => key.startsWith('gold/');
/**
 * The consumer's writes. The run's record of its source offsets (`ledger/produced-offsets.json`,
 * written before each delivery round) is not the consumer's: the consumer-side faults skip it.
 */
const CONSUMER_PUT = (key: string): boolean => !key.startsWith('ledger/');

/** Boundaries met by the loader or the task graph, after a clean ingest. */
export const isWarehouseSide = (boundary: Boundary): boolean => ['store.get', 'store.list', 'warehouse.load', 'warehouse.refresh'].includes(boundary);

/** The store faults of an ingest boundary (none for the warehouse-side boundaries). */
const ingestFaults = ({ boundary, at }: FaultSpec): Fault<'put' | 'get' | 'list'>[] | undefined => {
  switch (boundary) {
    case 'store.put':
      return [{ operation: 'put', at, matching: CONSUMER_PUT }];
    case 'handler.timeout':
      return [{ operation: 'put', at, effect: 'hang', matching: CONSUMER_PUT }];
    case 'handler.zombie':
      return [{ operation: 'put', at, effect: 'delay', matching: CONSUMER_PUT }];
    case 'crash.landing-gold':
      return [{ operation: 'put', at, matching: GOLD_PUT }];
    case 'process.crash':
      return [{ operation: 'put', at, effect: 'die', matching: CONSUMER_PUT }];
    default:
      return undefined;
  }
};

const describeError = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export const openFaultLab = async (label: string): Promise<FaultLab> => {
  const root = await tempFolder(label);
  let runs = 0;

  // The clean run, counting every boundary's calls on the way.
  const bucket = await newBucket(root.path, 'clean');
  let consumerPuts = 0;
  const counting = new FaultyStore({
    put: (key, body, type) => {
      if (CONSUMER_PUT(key)) consumerPuts++;
      return bucket.store.put(key, body, type);
    },
    get: (key) => bucket.store.get(key),
    list: (prefix) => bucket.store.list(prefix),
  });
  await ingestInto(bucket, streamOf(STREAM), ESM, { store: counting });
  const warehouse = await openWarehouse(bucket.warehouseFile);
  let clean: FaultLab['clean'];
  let calls: CallCounts;
  try {
    const loaderStore = new FaultyStore(bucket.store);
    const loaderWarehouse = new FaultyWarehouse(warehouse);
    await invokeLoader(loaderStore, loaderWarehouse);
    const refreshing = new FaultyWarehouse(warehouse);
    await runTaskGraph(refreshing);
    const goldPuts = [...(await consumerOutputs(bucket.store)).keys()].filter(GOLD_PUT).length;
    const puts = consumerPuts;
    calls = {
      'store.put': puts,
      'store.get': loaderStore.calls('get'),
      'store.list': loaderStore.calls('list'),
      'warehouse.load': loaderWarehouse.calls('load'),
      'warehouse.refresh': refreshing.calls('execute'),
      'handler.timeout': puts,
      'handler.zombie': puts,
      'crash.landing-gold': goldPuts,
      'process.crash': puts,
    };
    clean = { outputs: await consumerOutputs(bucket.store), state: await warehouseState(warehouse), figures: await figuresOf(bucket.store, warehouse) };
  } finally {
    await warehouse.close();
  }

  const run = async (spec: FaultSpec, options: { readonly tickBeforeRecovery?: boolean } = {}): Promise<FaultOutcome> => {
    const scenario = await newBucket(root.path, `run-${++runs}`);
    const esm: EsmSettings = { ...ESM, maximumRetryAttempts: spec.retries };
    const storeFaults = ingestFaults(spec);
    let injected = 0;
    let escaped: string | undefined;
    let summary: IngestSummary | undefined;

    // Ingest, through the broken store when the boundary is on the consumer's side.
    const ingesting = new FaultyStore(scenario.store, storeFaults ?? []);
    try {
      summary = await ingestInto(scenario, streamOf(STREAM), esm, {
        store: ingesting,
        ...(spec.boundary === 'handler.timeout' || spec.boundary === 'handler.zombie' ? { functionTimeoutMs: FUNCTION_TIMEOUT_MS } : {}),
      });
    } catch (error) {
      expect(error).toBeInstanceOf(InjectedFault);
      escaped = describeError(error);
      // A restarted process starts from the last committed offsets; the local log kept none, so all of it.
      summary = await ingestInto(scenario, streamOf(STREAM), esm);
    }
    injected += ingesting.injected;
    // An abandoned (timed-out) invocation may still be writing: let it finish, as a sandbox would before freezing.
    if (spec.boundary === 'handler.zombie') await sleep(FAULT_DELAY_MS * 2);

    const warehouse = await openWarehouse(scenario.warehouseFile);
    try {
      // The schedule runs on meanwhile: a tick loads, the task graph refreshes (either may fail).
      const loaderStore = new FaultyStore(scenario.store, [
        ...(spec.boundary === 'store.get' ? [{ operation: 'get' as const, at: spec.at }] : []),
        ...(spec.boundary === 'store.list' ? [{ operation: 'list' as const, at: spec.at }] : []),
      ]);
      const loaderWarehouse = new FaultyWarehouse(warehouse, spec.boundary === 'warehouse.load' ? [{ operation: 'load', at: spec.at }] : []);
      const refreshing = new FaultyWarehouse(warehouse, spec.boundary === 'warehouse.refresh' ? [{ operation: 'execute', at: spec.at }] : []);
      const tick = isWarehouseSide(spec.boundary) || (options.tickBeforeRecovery ?? true);
      const loadError = tick ? await invokeLoader(loaderStore, loaderWarehouse).then(() => undefined, (error: unknown) => error) : undefined;
      const refreshError = tick ? await runTaskGraph(refreshing).then(() => undefined, (error: unknown) => error) : undefined;
      injected += loaderStore.injected + loaderWarehouse.injected + refreshing.injected;
      for (const error of [loadError, refreshError]) {
        if (error === undefined) continue;
        expect(error).toBeInstanceOf(InjectedFault);
        escaped ??= describeError(error);
      }
      const before = await figuresOf(scenario.store, warehouse);

      // Recovery: replay what on-failure and landing hold, then the next tick and the next refresh.
      const replayed = await replay({ store: scenario.store });
      await loadAndRefresh(scenario.store, warehouse);

      expect(diffOutputs(await consumerOutputs(scenario.store), clean.outputs)).toEqual([]);
      expect(diffStates(await warehouseState(warehouse), clean.state)).toEqual([]);
      const after = await figuresOf(scenario.store, warehouse);
      expect(after).toMatchObject({ lost: 0, duplicates: 0, recordsIn: clean.figures.recordsIn, gold: clean.figures.gold, quarantined: clean.figures.quarantined });
      expect(replayed.onFailure.failed).toEqual([]);
      expect(replayed.landing.failed).toEqual([]);
      return { injected, ...(summary ? { esm: summary.esm } : {}), ...(escaped === undefined ? {} : { escaped }), before, replay: replayed, after };
    } finally {
      await warehouse.close();
    }
  };

  return { clean, calls, run, remove: () => root.remove() };
};

/** What the simulator must have done with an ingest fault, given its retry setting. */
export const expectDeliveryOutcome = (spec: FaultSpec, outcome: FaultOutcome): void => {
  expect(outcome.injected).toBeGreaterThan(0);
  if (spec.boundary === 'process.crash') {
    expect(outcome.escaped).toMatch(/InjectedFault/);
    return;
  }
  const esm = outcome.esm!;
  if (spec.retries > 0) {
    // Retried to success: nothing reached on-failure and the report was whole before any replay.
    expect(esm.retries).toBeGreaterThanOrEqual(1);
    expect(esm.failedBatches).toBe(0);
    expect(recordsMissingBeforeRecovery(outcome)).toBe(0);
    expect(outcome.replay.onFailure.objects).toBe(0);
  } else {
    // One batch to on-failure, visible as missing records before the replay, re-delivered by it.
    expect(esm.failedBatches).toBe(1);
    expect(outcome.replay.onFailure.objects).toBe(1);
  }
};

/**
 * Records a fault left out of the files before recovery, as `streamflow report` counts them from
 * the produced offsets: pending in an on-failure record, not landed at all, or landed in neither
 * gold nor quarantine (lost).
 */
export const recordsMissingBeforeRecovery = (outcome: FaultOutcome): number =>
  Math.max(0, outcome.after.recordsIn - outcome.before.recordsIn) +
  Object.values(outcome.before.report.topics).reduce((sum, topic) => sum + topic.lost + topic.pending, 0);

/** Figures of an outcome for docs/reliability.md. */
export const outcomeFigures = (outcome: FaultOutcome): Record<string, unknown> => ({
  ...outcome.after,
  recordsMissingBeforeRecovery: recordsMissingBeforeRecovery(outcome),
  goldRowsNotInBronzeBeforeRecovery: outcome.before.report.gold.rowsNotInBronze,
  retries: outcome.esm?.retries ?? 0,
  sentToOnFailure: outcome.esm?.failedBatches ?? 0,
  replayedFromOnFailure: outcome.replay.onFailure.objects,
  escaped: outcome.escaped ?? null,
});
