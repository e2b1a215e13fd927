import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAhead } from '../../lambdas/shared/read-ahead.js';

describe('readAhead', () => {
  it('hands out every load in the list order, whichever finishes first, with at most depth started and not yet done', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 4 }), { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), async (delays, depth) => {
        // Prepare: loads that take a random time, so later ones often finish before earlier ones
        let started = 0;
        let done = 0;
        let mostHeld = 0;
        const load = async (index: number): Promise<number> => {
          started++;
          mostHeld = Math.max(mostHeld, started - done);
          await sleep(delays[index]);
          return index * 10;
        };

        // Act
        const seen: { item: number; value: number }[] = [];
        for (const { item, loaded } of readAhead([...delays.keys()], depth, load)) {
          seen.push({ item, value: await loaded });
          done++;
        }

        // Assess
        expect(seen).toEqual([...delays.keys()].map((index) => ({ item: index, value: index * 10 })));
        expect(started).toBe(delays.length);
        expect(mostHeld).toBeLessThanOrEqual(depth);
      }),
      { numRuns: 40 },
    );
  });

  it('starts no more loads once the caller stops', async () => {
    // Prepare
    const started: number[] = [];

    // Act
    for (const { item, loaded } of readAhead([0, 1, 2, 3, 4, 5, 6, 7], 3, (index) => Promise.resolve(started.push(index)))) {
      await loaded;
      if (item === 1) break;
    }

    // Assess: items 0-2 at the start, item 3 once item 0 was done
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('rejects a failed load where the caller reaches its item, not as an unhandled rejection while an earlier one is worked on', async () => {
    // Prepare: item 1 fails at once, while item 0 is still being worked on
    const load = (index: number): Promise<string> => (index === 1 ? Promise.reject(new Error('object 1 is unreadable')) : Promise.resolve(`object ${index}`));
    const outcomes: string[] = [];

    // Act
    for (const { loaded } of readAhead([0, 1, 2], 3, load)) {
      await sleep(5);
      outcomes.push(await loaded.catch((error: Error) => error.message));
    }

    // Assess (vitest fails the run on an unhandled rejection)
    expect(outcomes).toEqual(['object 0', 'object 1 is unreadable', 'object 2']);
  });
});
