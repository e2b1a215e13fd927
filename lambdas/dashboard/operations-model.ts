/**
 * What the Operations page shows, as the live run's metrics (lambdas/local/live-metrics.ts)
 * hand it over: defined here, beside the page, so the dashboard depends on no run code.
 */

export interface RefreshCycle {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly filesLoaded: number;
  readonly rowsLoaded: number;
  /** From production of the oldest event this cycle could first show to the end of its refresh. */
  readonly freshnessMs: number | null;
}

export interface OperationsSnapshot {
  readonly startedAt: number;
  readonly at: number;
  readonly produced: Readonly<Record<string, number>>;
  readonly consumedIn: number;
  readonly quarantined: number;
  /** Events per second per topic, one point per round: [time, rate]. */
  readonly throughput: Readonly<Record<string, readonly (readonly [number, number])[]>>;
  readonly lag: readonly { readonly topic: string; readonly partition: number; readonly records: number }[];
  /** Median and maximum consumer invocation time of each round: [time, ms]. */
  readonly batchLatency: { readonly median: readonly (readonly [number, number])[]; readonly max: readonly (readonly [number, number])[] };
  readonly cycles: readonly RefreshCycle[];
}
