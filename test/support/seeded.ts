/** Seeded randomness for generated test inputs: the same seed, the same input, so a failure replays. */

import { seededRandom } from '../../lambdas/shared/seeded-random.js';

export { seededRandom };

/** A copy of `items` in a seeded random order (Fisher–Yates). */
export const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
};
