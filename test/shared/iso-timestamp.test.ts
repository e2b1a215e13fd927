import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, isoTimestamp } from '../../lambdas/shared/csv.js';

describe('isoTimestamp', () => {
  it('writes what Date#toISOString writes, for any instant from 1970 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes what Date writes for runs of nearby instants, days that share a cached slot among them', () => {
    // Prepare: instants a few hours apart, and days 64 apart, which take the same slot of the day cache.
    const DAY_MS = 86_400_000;
    const runArb = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: DAY_MS - 1 })),
      { minLength: 1, maxLength: 50 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 2_900_000 }), runArb, (firstDay, run) => {
        // Act, Assess
        for (const [slotStep, dayStep, inDay] of run) {
          const ms = (firstDay + slotStep * 64 + dayStep) * DAY_MS + inDay;
          expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with Date at the edges: leap days, year and century ends, the last millisecond of 9999', () => {
    const edges = ['1970-01-01T00:00:00.000Z', '2000-02-29T23:59:59.999Z', '2100-03-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'];
    for (const edge of edges) expect(isoTimestamp(Date.parse(edge))).toBe(edge);
  });

  it('leaves other numbers to Date: before 1970, from 10000 on, fractions of a millisecond, and throws for what is no time', () => {
    for (const ms of [-1, -62_135_596_800_000, 253_402_300_800_000, 8.64e15, 1.5, 1_700_000_000_000.7]) {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoTimestamp(Number.NaN)).toThrow(RangeError);
    expect(() => csvCell('timestamp', new Date(Number.NaN))).toThrow(RangeError);
  });
});
