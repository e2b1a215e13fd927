/** Small measuring helpers shared by the bench sections. */

export interface Timing {
  /** Elapsed time. */
  readonly wallMs: number;
  /** CPU time of the whole process (every thread: zlib's pool, DuckDB's workers). */
  readonly cpuMs: number;
}

/** Runs `work` once and returns its wall and process CPU time. */
export const timed = async (work: () => unknown): Promise<Timing> => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
};

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The `p`-th percentile (0–100) by nearest rank. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

/** The median wall time and the median CPU time of several runs. */
export const medianTiming = (timings: readonly Timing[]): Timing => ({
  wallMs: median(timings.map((timing) => timing.wallMs)),
  cpuMs: median(timings.map((timing) => timing.cpuMs)),
});

/** Runs `work` `warmups` times unmeasured, then `runs` times; the median timing. */
export const medianRun = async (work: () => unknown, runs: number, warmups = 1): Promise<Timing> => {
  for (let i = 0; i < warmups; i++) await work();
  const timings: Timing[] = [];
  for (let i = 0; i < runs; i++) timings.push(await timed(work));
  return medianTiming(timings);
};

export const MB = 1024 * 1024;

/** Rounds for results.json: enough digits to compare, few enough to read. */
export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
