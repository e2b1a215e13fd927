/**
 * A weighted choice that costs a binary search per draw. Faker's `weightedArrayElement` sums and
 * scans the whole list on every call: over the ~1,000 customers a session is drawn from, that
 * was a large share of the generator's time. Here the running sums are built once per table.
 */

export interface Weighted<T> {
  readonly value: T;
  /** Relative odds; entries of weight 0 are never drawn. */
  readonly weight: number;
}

/** Draws one value for a uniform number in [0, 1). */
export type WeightedPick<T> = (uniform: number) => T;

/**
 * Builds a picker over `entries`: the value whose share of the running weight total covers
 * `uniform`, so each value is drawn in proportion to its weight. Throws on a negative or
 * non-finite weight, or when no weight is positive.
 */
export const weightedPick = <T>(entries: readonly Weighted<T>[]): WeightedPick<T> => {
  const values = entries.map((entry) => entry.value);
  const runningTotals = new Float64Array(entries.length);
  let total = 0;
  let lastDrawable = -1;
  entries.forEach(({ weight }, i) => {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new Error(`weightedPick: weight ${weight} at index ${i} is not a finite number ≥ 0`);
    total += weight;
    runningTotals[i] = total;
    if (weight > 0) lastDrawable = i;
  });
  if (lastDrawable < 0) throw new Error('weightedPick: no entry has a positive weight');

  return (uniform: number): T => {
    const target = uniform * total;
    // The first running total above the target. A zero-weight entry repeats the total before it,
    // so the search always stops at an earlier, drawable entry instead.
    let low = 0;
    let high = lastDrawable;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (runningTotals[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return values[low]!;
  };
};
