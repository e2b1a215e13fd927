/**
 * The consumer's invocations on worker threads, so partitions are transformed concurrently as
 * Lambda transforms them (one invocation per partition, each on its own CPU) while the main thread
 * generates and produces. The simulator still cuts every batch and owns retries and the on-failure
 * destination; a worker only runs the handler on the batch it is handed (delivery-worker.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchLedger } from '../consumer/transform-batch.js';
import { packBatch, type PackedBatch } from './batch-transfer.js';
import type { EsmSettings } from './esm-simulator.js';
import type { LoggedMessage } from './topic-log.js';
import { WorkerDeaths } from './worker-deaths.js';

/**
 * Runs smaller than this deliver on the main thread. Two workers' start (each loads the TypeScript
 * loader and the handler's modules) cost ~1.2 s of CPU in all (measured: 10k events 0.8 s inline,
 * 2.0 s with workers; 50k 3.1 s against 4.5 s; 200k about even, 6.5-8 s either way), which only
 * the wall time won back by delivering beside generation pays for, on a big run.
 */
export const INLINE_BELOW_MESSAGES = 100_000;

/** Delivery workers for a run of about `messages` messages: 0 (inline) for small runs. */
export const deliveryWorkersFor = (messages: number, esm: EsmSettings): number =>
  messages < INLINE_BELOW_MESSAGES ? 0 : Math.max(1, Math.min(esm.concurrency, availableParallelism()));

export interface DeliveryWorkerData {
  /** Root of the folder bucket the worker writes to. */
  readonly folder: string;
  readonly functionTimeoutMs: number;
}

export interface DeliveryRequest {
  readonly id: number;
  readonly batch: PackedBatch;
}

export type DeliveryResult = { readonly id: number; readonly ledgers: BatchLedger[] } | { readonly id: number; readonly error: string };

interface Pending {
  readonly resolve: (ledgers: BatchLedger[]) => void;
  readonly reject: (error: Error) => void;
}

interface Lane {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

export class DeliveryWorkers {
  private readonly lanes: Lane[] = [];
  private nextId = 0;
  private closing = false;
  private readonly deaths = new WorkerDeaths('delivery workers');

  constructor(
    private readonly data: DeliveryWorkerData,
    count: number,
    /** The worker's entry (tests hand in one that cannot start). */
    private readonly script: URL = new URL('./delivery-worker.mjs', import.meta.url),
  ) {
    for (let i = 0; i < count; i++) this.lanes.push(this.startLane());
  }

  /** Invokes the consumer with `batch` on the least busy worker; resolves to its ledgers. */
  readonly deliver = (batch: readonly LoggedMessage[]): Promise<BatchLedger[]> => {
    if (this.deaths.broken) return Promise.reject(this.deaths.broken);
    const lane = this.lanes.reduce((idlest, lane) => (lane.pending.size < idlest.pending.size ? lane : idlest));
    const id = this.nextId++;
    const { packed, transfer } = packBatch(batch);
    return new Promise<BatchLedger[]>((resolve, reject) => {
      lane.pending.set(id, { resolve, reject });
      lane.worker.postMessage({ id, batch: packed } satisfies DeliveryRequest, transfer);
    });
  };

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
  }

  private startLane(): Lane {
    const worker = new Worker(this.script, { workerData: this.data });
    const lane: Lane = { worker, pending: new Map() };
    worker.on('message', (result: DeliveryResult) => {
      this.deaths.answered();
      const pending = lane.pending.get(result.id);
      lane.pending.delete(result.id);
      if ('error' in result) pending?.reject(new Error(result.error));
      else pending?.resolve(result.ledgers);
    });
    // A crashed sandbox fails the invocations it held (the simulator retries them) and is replaced,
    // unless sandboxes keep dying without answering (worker-deaths.ts).
    const fail = (error: Error): void => {
      if (this.closing) return;
      for (const pending of lane.pending.values()) pending.reject(error);
      lane.pending.clear();
      const index = this.lanes.indexOf(lane);
      // 'error' and 'exit' both report one death: the lane is gone after the first.
      if (index < 0) return;
      if (this.deaths.replaceAfter(error)) {
        this.lanes[index] = this.startLane();
        return;
      }
      const dead = this.lanes.splice(0);
      for (const other of dead) for (const pending of other.pending.values()) pending.reject(this.deaths.broken!);
      void Promise.all(dead.map((stopped) => stopped.worker.terminate()));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`delivery worker exited with code ${code}`)));
    return lane;
  }
}
