/**
 * The ledger's byte scan of gold CSV files (`goldRowSources`) against rows written by the project's
 * one CSV writer: the data rows it counts and the (partition, offset) ranges it reads must be the
 * rows that were written, whatever the text fields hold (quotes, doubled quotes, commas, line breaks).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvText } from '../../lambdas/shared/csv.js';
import { goldRowSources } from '../../lambdas/shared/object-ledger.js';
import { hazardousText } from '../support/arbitraries.js';

interface Row {
  readonly note: string;
  readonly partition: number;
  readonly offset: number;
  readonly tail: string;
}

const row = fc.record({ note: hazardousText(0, 20), partition: fc.integer({ min: 0, max: 3 }), offset: fc.integer({ min: 0, max: 40 }), tail: hazardousText(0, 20) });

/** The ranges the rows' offsets make per partition, in row order: consecutive offsets extend a range. */
const expectedRanges = (rows: readonly Row[]) => {
  const partitions: { partition: number; ranges: { first: number; last: number }[] }[] = [];
  for (const { partition, offset } of rows) {
    let entry = partitions.find((candidate) => candidate.partition === partition);
    if (!entry) partitions.push((entry = { partition, ranges: [] }));
    const last = entry.ranges.at(-1);
    if (last && last.last + 1 === offset) last.last = offset;
    else entry.ranges.push({ first: offset, last: offset });
  }
  return partitions;
};

describe('goldRowSources', () => {
  it('counts the rows written and reads their sources, whatever their text fields hold (property)', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.boolean(), (rows, lastLineBreak) => {
        // Prepare
        const lines = ['note,kafka_partition,kafka_offset,tail', ...rows.map((r) => [csvText(r.note), r.partition, r.offset, csvText(r.tail)].join(','))];
        const text = Buffer.from(lines.join('\n') + (lastLineBreak ? '\n' : ''), 'utf8');

        // Act
        const sources = goldRowSources(text);

        // Assess
        expect(sources?.dataRows).toBe(rows.length);
        expect(sources?.partitions).toEqual(expectedRanges(rows));
      }),
      { numRuns: 500 },
    );
  });

  it('reads no sources from a file without the Kafka columns', () => {
    expect(goldRowSources(Buffer.from('a,b\n1,2\n'))).toBeUndefined();
  });
});
