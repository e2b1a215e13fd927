/**
 * Sets of Kafka offsets as sorted, disjoint, inclusive ranges: a partition of millions of records
 * delivered in a few hundred batches is a few hundred ranges, so the ledger can check every
 * produced offset without holding one entry per record.
 */

/** Offsets `first` to `last`, both included. */
export interface Range {
  readonly first: number;
  readonly last: number;
}

export const sizeOf = (ranges: readonly Range[]): number => ranges.reduce((sum, range) => sum + range.last - range.first + 1, 0);

/** The union of any ranges (overlapping, adjacent, unsorted), as sorted disjoint ranges. */
export const unionOf = (ranges: readonly Range[]): Range[] => {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const merged: Range[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous && range.first <= previous.last + 1) merged[merged.length - 1] = { first: previous.first, last: Math.max(previous.last, range.last) };
    else merged.push(range);
  }
  return merged;
};

/** Offsets of `from` that are not in `minus` (both sorted and disjoint). */
export const subtract = (from: readonly Range[], minus: readonly Range[]): Range[] => {
  const result: Range[] = [];
  let index = 0;
  for (const range of from) {
    let first = range.first;
    while (index < minus.length && minus[index]!.last < first) index++;
    for (let cut = index; cut < minus.length && minus[cut]!.first <= range.last; cut++) {
      if (minus[cut]!.first > first) result.push({ first, last: minus[cut]!.first - 1 });
      first = Math.max(first, minus[cut]!.last + 1);
    }
    if (first <= range.last) result.push({ first, last: range.last });
  }
  return result;
};

/** Offsets in both (sorted and disjoint). */
export const intersect = (a: readonly Range[], b: readonly Range[]): Range[] => subtract(a, subtract(a, b));
