import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { weightedPick, type Weighted } from '../../lambdas/producer/weighted.js';

/** Weights of 0 to 10 (a third of them 0), at least one positive; values are their positions. */
const weightLists = fc
  .array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 10, noNaN: true })), { minLength: 1, maxLength: 40 })
  .filter((weights) => weights.some((weight) => weight > 0));

const entriesOf = (weights: readonly number[]): Weighted<number>[] => weights.map((weight, value) => ({ value, weight }));

describe('weightedPick', () => {
  it('only ever returns values of positive weight, for any uniform in [0, 1)', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(weightLists, fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 50 }), (weights, uniforms) => {
        const pick = weightedPick(entriesOf(weights));
        for (const uniform of uniforms) expect(weights[pick(uniform)]).toBeGreaterThan(0);
      }),
    );
  });

  it('never returns a zero-weight value at the edges of its interval, nor for the largest uniform below 1', () => {
    // Prepare: zero weights first, between and last, where an off-by-one search would land
    const pick = weightedPick(entriesOf([0, 2, 0, 0, 3, 0]));

    // Act
    const picked = [0, 0.4, 0.4 - Number.EPSILON, 1 - Number.EPSILON].map(pick);

    // Assess
    expect(picked).toEqual([1, 4, 1, 4]);
  });

  it('draws each value in proportion to its weight over many evenly spread uniforms', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(weightLists, (weights) => {
        const pick = weightedPick(entriesOf(weights));
        const draws = 20_000;
        const counts = weights.map(() => 0);
        // Evenly spaced uniforms: the shares then differ from the weights only by the spacing.
        for (let i = 0; i < draws; i++) counts[pick((i + 0.5) / draws)]!++;
        const total = weights.reduce((a, b) => a + b, 0);
        weights.forEach((weight, i) => expect(Math.abs(counts[i]! / draws - weight / total)).toBeLessThan(0.001));
      }),
      { numRuns: 50 },
    );
  });

  it('matches the weights roughly over seeded pseudo-random draws too', () => {
    // Prepare: a linear congruential sequence, so the test is the same on every run
    const pick = weightedPick([{ value: 'a' as const, weight: 75 }, { value: 'b' as const, weight: 18 }, { value: 'c' as const, weight: 7 }]);
    let state = 12_345;
    const next = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

    // Act
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 100_000; i++) counts[pick(next())]++;

    // Assess
    expect(counts.a / 100_000).toBeCloseTo(0.75, 1);
    expect(counts.b / 100_000).toBeCloseTo(0.18, 1);
    expect(counts.c / 100_000).toBeCloseTo(0.07, 1);
  });

  it('refuses a table it could not draw from honestly', () => {
    // Prepare / Act / Assess
    expect(() => weightedPick([])).toThrow(/no entry has a positive weight/);
    expect(() => weightedPick(entriesOf([0, 0]))).toThrow(/no entry has a positive weight/);
    expect(() => weightedPick(entriesOf([1, -1]))).toThrow(/weight -1 at index 1/);
    expect(() => weightedPick(entriesOf([1, Number.NaN]))).toThrow(/weight NaN at index 1/);
    expect(() => weightedPick(entriesOf([1, Number.POSITIVE_INFINITY]))).toThrow(/weight Infinity/);
  });
});
