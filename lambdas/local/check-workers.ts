/**
 * The loader's file checks on worker threads, for the local twin: a big tick's gold files are
 * gunzipped and checked row by row (lambdas/loader/gold-rows.ts) on every core instead of one
 * after the other on the thread that also drives DuckDB. Each worker checks with the same code as
 * the loader's own thread (check-worker.ts); the loader keeps the bytes it sent, so what loads is
 * what was checked. A small load checks on the calling thread: starting the workers costs more.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { IN_THREAD_CHECKS, type CheckedFile, type FileChecker } from '../loader/file-checker.js';
import { RejectedFileError, type RejectedRows } from '../loader/rejected-file.js';
import type { CatalogIds, ReferenceCatalog } from '../shared/reference-catalog.js';
import { WorkerDeaths } from './worker-deaths.js';

/**
 * Files checked on the calling thread before the workers start: a load of fewer never starts them.
 * A worker's start (the TypeScript loader and the check's modules) costs some 0.5 s of CPU (two
 * delivery workers measured 1.2 s, delivery-workers.ts); a gold file of 5,000 rows takes ~20 ms to
 * check. A load that says it holds more ({@link CheckWorkers.expect}) starts them at once and
 * checks here until one is ready. `bench/profile-load.ts`, 2026-12-02, 64 → 32: 100,000 events
 * (20 and 6 files a table, no workers either way) 0.99 → 1.03-1.06 s; 300,000 (49 and 16 files)
 * 3.03-3.05 → 2.57-2.61 s; 1,000,000 6.6 → 6.8-6.9 s (noise: the workers start at once either way).
 * At 16 the 100,000 events' load started them and took 1.21-1.25 s.
 */
export const IN_THREAD_FIRST_FILES = 32;

export interface CheckRequest {
  readonly kind: 'check';
  readonly id: number;
  readonly key: string;
  readonly body: Uint8Array;
  readonly maxInflatedBytes: number;
}

/** The catalog the checks after it use. */
export interface CatalogMessage {
  readonly kind: 'catalog';
  readonly ids: CatalogIds;
}

export type CheckWorkerMessage = CheckRequest | CatalogMessage;

export type CheckAnswer =
  | { readonly id: number; readonly fileName: string; readonly converted?: Uint8Array; readonly rows?: number }
  | { readonly id: number; readonly rejected: string; readonly rows?: RejectedRows }
  | { readonly id: number; readonly error: string };

interface Pending {
  readonly body: Uint8Array;
  readonly resolve: (checked: CheckedFile) => void;
  readonly reject: (error: Error) => void;
}

/** A worker's first message: its modules are loaded, so a check sent now starts at once. */
export interface ReadyMessage {
  readonly ready: true;
}

interface Lane {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** The worker said it is ready. */
  ready: boolean;
  /** The catalog last sent to this worker. */
  catalog?: ReferenceCatalog;
}

const settle = (pending: Pending, answer: CheckAnswer): void => {
  if ('error' in answer) pending.reject(new Error(answer.error));
  else if ('rejected' in answer) pending.reject(new RejectedFileError(answer.rejected, answer.rows));
  else {
    const source = { fileName: answer.fileName, bytes: answer.converted ?? pending.body };
    pending.resolve(answer.rows === undefined ? { source } : { source, rows: answer.rows });
  }
};

export interface CheckWorkersOptions {
  /** Worker threads. @default availableParallelism() */
  readonly workers?: number;
  /** Files checked on the calling thread before the workers start. @default IN_THREAD_FIRST_FILES */
  readonly inThreadFirst?: number;
  /** The worker's entry. @default ./check-worker.mjs (tests hand in one that cannot start) */
  readonly script?: URL;
}

/** A {@link FileChecker} on worker threads, started once a load has more files than a few; {@link close} ends them. */
export class CheckWorkers implements FileChecker {
  readonly parallelism: number;
  private readonly inThreadFirst: number;
  private lanes: Lane[] | undefined;
  private checkedInThread = 0;
  private readonly script: URL;
  private nextId = 0;
  private closed = false;
  private readonly deaths = new WorkerDeaths('check workers');

  constructor(options: CheckWorkersOptions = {}) {
    this.parallelism = Math.max(1, options.workers ?? availableParallelism());
    this.inThreadFirst = options.inThreadFirst ?? IN_THREAD_FIRST_FILES;
    this.script = options.script ?? new URL('./check-worker.mjs', import.meta.url);
  }

  /**
   * A load of more files than the calling thread checks first starts the workers now: while they
   * load their modules (~0.5 s) the calling thread goes on checking, and from the first one ready
   * every check goes to the workers. Before, at 1M events, the first 64 files (the limit then) were
   * checked on one thread while the other core idled.
   */
  expect(files: number): void {
    if (files > this.inThreadFirst && !this.closed && !this.deaths.broken) this.lanes ??= this.startLanes();
  }

  check(key: string, body: Uint8Array, catalog: ReferenceCatalog, maxInflatedBytes: number): Promise<CheckedFile> {
    if (this.closed) return Promise.reject(new Error('the check workers are closed'));
    if (this.deaths.broken) return Promise.reject(this.deaths.broken);
    if (this.checkedInThread < this.inThreadFirst && !this.lanes?.some((lane) => lane.ready)) {
      this.checkedInThread += 1;
      return IN_THREAD_CHECKS.check(key, body, catalog, maxInflatedBytes);
    }
    this.lanes ??= this.startLanes();
    const lane = this.lanes.reduce((idlest, candidate) => (candidate.pending.size < idlest.pending.size ? candidate : idlest));
    if (lane.catalog !== catalog) {
      lane.worker.postMessage({ kind: 'catalog', ids: catalog.ids } satisfies CatalogMessage);
      lane.catalog = catalog;
    }
    const id = this.nextId++;
    return new Promise<CheckedFile>((resolve, reject) => {
      lane.pending.set(id, { body, resolve, reject });
      // Copied, not transferred: the loader keeps its bytes to load them.
      lane.worker.postMessage({ kind: 'check', id, key, body, maxInflatedBytes } satisfies CheckRequest);
    });
  }

  /** Ends the workers; a check still running rejects (its load is being abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    const lanes = this.lanes ?? [];
    this.lanes = undefined;
    for (const lane of lanes) for (const pending of lane.pending.values()) pending.reject(new Error('the check workers were closed before the check finished'));
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }

  private startLanes(): Lane[] {
    return Array.from({ length: this.parallelism }, () => this.startLane());
  }

  private startLane(): Lane {
    const worker = new Worker(this.script);
    const lane: Lane = { worker, pending: new Map(), ready: false };
    worker.on('message', (answer: CheckAnswer | ReadyMessage) => {
      // Ready is not an answer: a worker that starts and then dies on every check still counts.
      if ('ready' in answer) {
        lane.ready = true;
        return;
      }
      this.deaths.answered();
      const pending = lane.pending.get(answer.id);
      lane.pending.delete(answer.id);
      if (pending) settle(pending, answer);
    });
    // A worker that dies fails the checks it held (the load fails, as a crash of the loader would)
    // and is replaced, unless workers keep dying without answering.
    const fail = (error: Error): void => {
      if (this.closed) return;
      for (const pending of lane.pending.values()) pending.reject(error);
      lane.pending.clear();
      const index = this.lanes?.indexOf(lane) ?? -1;
      // 'error' and 'exit' both report one death: the lane is gone after the first.
      if (index < 0) return;
      if (this.deaths.replaceAfter(error)) {
        this.lanes![index] = this.startLane();
        return;
      }
      for (const other of this.lanes!) for (const pending of other.pending.values()) pending.reject(this.deaths.broken!);
      const lanes = this.lanes!;
      this.lanes = undefined;
      void Promise.all(lanes.map((dead) => dead.worker.terminate()));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`check worker exited with code ${code}`)));
    return lane;
  }
}
