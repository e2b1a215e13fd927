/**
 * When a pool of worker threads stops replacing the ones that die. A worker that crashes on one
 * input is replaced, as Lambda replaces a crashed sandbox; one that cannot start at all (an entry
 * module that fails to load) would be replaced forever, each start costing ~0.5 s of CPU. So a
 * pool gives up after {@link WORKER_DEATHS_IN_A_ROW} deaths with no answer from any worker between.
 */
export const WORKER_DEATHS_IN_A_ROW = 3;

export class WorkerDeaths {
  private inARow = 0;
  private stopped: Error | undefined;

  /** `workers` names them in the error, e.g. "check workers". */
  constructor(private readonly workers: string) {}

  /** Set once the pool gave up: every later request fails with it. */
  get broken(): Error | undefined {
    return this.stopped;
  }

  /** A worker answered: the deaths before it were not a failure to start. */
  answered(): void {
    this.inARow = 0;
  }

  /** Counts a death; true while the dead worker should be replaced. */
  replaceAfter(error: Error): boolean {
    this.inARow += 1;
    if (this.inARow < WORKER_DEATHS_IN_A_ROW) return true;
    this.stopped ??= new Error(`${this.inARow} ${this.workers} in a row died before answering; the last: ${error.message}`);
    return false;
  }
}
