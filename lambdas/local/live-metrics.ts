/**
 * What the Operations page shows while a live run (`streamflow run --rate N`) streams: throughput
 * per topic, consumer lag per partition, batch latency, event → Gold freshness, quarantine rate
 * and the load/refresh cycles, kept as short time series (the last few minutes) in memory.
 */
import type { OperationsSnapshot, RefreshCycle } from '../dashboard/operations-model.js';
import type { IngestRound } from './ingest.js';

export type { OperationsSnapshot, RefreshCycle };

/** Points kept per series: at one round every fraction of a second, a few minutes. */
const MAX_POINTS = 600;

const push = <T>(series: T[], point: T): void => {
  series.push(point);
  if (series.length > MAX_POINTS) series.shift();
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export class LiveMetrics {
  private last: IngestRound | undefined;
  private readonly throughput: Record<string, [number, number][]> = Object.create(null) as Record<string, [number, number][]>;
  private readonly batchMedian: [number, number][] = [];
  private readonly batchMax: [number, number][] = [];
  private readonly cycles: RefreshCycle[] = [];
  /** Production time of the first event produced since the last cycle began (what the next cycle can show first). */
  private oldestUnpublished: number | undefined;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly startedAt: number = clock(),
  ) {}

  /** Feeds one delivery round (IngestOptions.onRound). */
  readonly onRound = (round: IngestRound): void => {
    const previous = this.last;
    const seconds = previous ? (round.at - previous.at) / 1000 : 0;
    for (const [topic, count] of Object.entries(round.produced)) {
      const before = previous?.produced[topic] ?? 0;
      if (seconds > 0) push((this.throughput[topic] ??= []), [round.at, (count - before) / seconds]);
    }
    const producedNow = Object.values(round.produced).reduce((a, b) => a + b, 0);
    const producedBefore = previous ? Object.values(previous.produced).reduce((a, b) => a + b, 0) : 0;
    if (producedNow > producedBefore && this.oldestUnpublished === undefined) this.oldestUnpublished = previous?.at ?? this.startedAt;
    if (round.batchMs.length > 0) {
      push(this.batchMedian, [round.at, median(round.batchMs)]);
      push(this.batchMax, [round.at, Math.max(...round.batchMs)]);
    }
    this.last = round;
  };

  /** Call as a load/refresh cycle starts: returns its `finish`, which records it. */
  startCycle(): (result: { readonly filesLoaded: number; readonly rowsLoaded: number }) => RefreshCycle {
    const startedAt = this.clock();
    const oldest = this.oldestUnpublished;
    this.oldestUnpublished = undefined;
    return (result) => {
      const endedAt = this.clock();
      const cycle = { startedAt, endedAt, ...result, freshnessMs: oldest === undefined ? null : endedAt - oldest };
      push(this.cycles, cycle);
      return cycle;
    };
  }

  snapshot(): OperationsSnapshot {
    return {
      startedAt: this.startedAt,
      at: this.clock(),
      produced: { ...(this.last?.produced ?? {}) },
      consumedIn: this.last?.consumed.in ?? 0,
      quarantined: this.last?.consumed.quarantined ?? 0,
      throughput: Object.fromEntries(Object.entries(this.throughput).map(([topic, points]) => [topic, [...points]])),
      lag: [...(this.last?.lag ?? [])],
      batchLatency: { median: [...this.batchMedian], max: [...this.batchMax] },
      cycles: [...this.cycles],
    };
  }
}
