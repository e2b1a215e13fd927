/**
 * The redelivery scenarios' shared set-up: a stream with producer re-sends (duplicates that land in
 * other batches than their first copy), its clean run (one in-order delivery, loaded and refreshed
 * once), the MSK events the simulator cuts from it, and a runner for any other delivery pattern.
 */
import type { MSKEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import type { ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import type { Warehouse } from '../../lambdas/shared/ports/warehouse.js';
import { tempFolder } from '../support/files.js';
import {
  captureEvents,
  consumerFor,
  consumerOutputs,
  diffOutputs,
  diffStates,
  figuresOf,
  ingestInto,
  loadAndRefresh,
  newBucket,
  openWarehouse,
  recordFigures,
  streamOf,
  warehouseState,
  type Bucket,
  type StreamSpec,
  type WarehouseState,
} from '../support/local-twin.js';

export const STREAM: StreamSpec = { events: 1_500, seed: 11, dirtyRate: 0.08, days: 45 };
export const ESM: EsmSettings = { ...DEFAULT_ESM_SETTINGS, batchSize: 250 };
/** Every this-many-th message is sent again at the end, as a producer retrying an unacknowledged send. */
const RESEND_EVERY = 40;

/** The stream, then some of its messages again. */
export const source = (spec: StreamSpec = STREAM): ProducedMessage[] => {
  const messages = [...streamOf(spec)];
  return [...messages, ...messages.filter((_, index) => index % RESEND_EVERY === 0)];
};

/** Event ids of the re-sent user events (those whose value parses). */
export const resentEventIds = (spec: StreamSpec = STREAM): Set<string> => {
  const ids = new Set<string>();
  for (const [index, message] of [...streamOf(spec)].entries()) {
    if (index % RESEND_EVERY !== 0 || message.topic !== 'user_events' || message.value === null) continue;
    try {
      ids.add((JSON.parse(message.value.toString('utf8')) as { event_id: string }).event_id);
    } catch {
      // A malformed copy never reaches Silver.
    }
  }
  return ids;
};

export interface DeliveryRun {
  readonly bucket: Bucket;
  readonly warehouse: Warehouse;
}

/** How a pattern delivers: through `consume` (the consumer of the run's bucket), loading when it likes. */
export type Delivery = (consume: (event: MSKEvent) => Promise<unknown>, warehouse: Warehouse, store: ObjectStore) => Promise<void>;

export interface RedeliveryLab {
  readonly events: readonly MSKEvent[];
  readonly clean: { readonly bucket: Bucket; readonly outputs: ReadonlyMap<string, Buffer>; readonly state: WarehouseState; readonly lineageFree: WarehouseState };
  /** A fresh bucket and warehouse, the pattern's deliveries, then a final load and refresh; close the warehouse after. */
  run(deliver: Delivery, wrap?: (store: ObjectStore) => ObjectStore): Promise<DeliveryRun>;
  /** Same objects, same warehouse, nothing lost, nothing doubled; records the figures under `scenario`. */
  expectCleanResult(scenario: string, run: DeliveryRun, options?: { ignoreSilverLineage?: boolean }): Promise<void>;
  remove(): Promise<void>;
}

export const openRedeliveryLab = async (label: string, spec: StreamSpec = STREAM): Promise<RedeliveryLab> => {
  const root = await tempFolder(label);
  const bucket = await newBucket(root.path, 'clean');
  const summary = await ingestInto(bucket, source(spec), ESM);
  expect(summary.esm).toMatchObject({ retries: 0, failedBatches: 0 });
  const warehouse = await openWarehouse(bucket.warehouseFile);
  let clean: RedeliveryLab['clean'];
  try {
    await loadAndRefresh(bucket.store, warehouse);
    clean = {
      bucket,
      outputs: await consumerOutputs(bucket.store),
      state: await warehouseState(warehouse),
      lineageFree: await warehouseState(warehouse, { ignoreSilverLineage: true }),
    };
    recordFigures(`${label}: clean run`, await figuresOf(bucket.store, warehouse));
  } finally {
    await warehouse.close();
  }
  const events = await captureEvents(source(spec), ESM);
  let runs = 0;

  return {
    events,
    clean,
    run: async (deliver, wrap = (store) => store) => {
      const run = await newBucket(root.path, `run-${++runs}`);
      const consume = await consumerFor(wrap(run.store));
      const runWarehouse = await openWarehouse(run.warehouseFile);
      try {
        await deliver(consume, runWarehouse, run.store);
        await loadAndRefresh(run.store, runWarehouse);
      } catch (error) {
        await runWarehouse.close();
        throw error;
      }
      return { bucket: run, warehouse: runWarehouse };
    },
    expectCleanResult: async (scenario, run, options = {}) => {
      expect(diffOutputs(await consumerOutputs(run.bucket.store), clean.outputs)).toEqual([]);
      expect(diffStates(await warehouseState(run.warehouse, options), options.ignoreSilverLineage ? clean.lineageFree : clean.state)).toEqual([]);
      const figures = await figuresOf(run.bucket.store, run.warehouse);
      expect(figures).toMatchObject({ lost: 0, duplicates: 0 });
      recordFigures(scenario, figures);
    },
    remove: () => root.remove(),
  };
};
