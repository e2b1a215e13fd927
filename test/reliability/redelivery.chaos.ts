/**
 * Random delivery schedules (fast-check, seeded): a permutation of the batches, some delivered
 * again, and, in half of them, loads and refreshes in between. Without loads in between the run
 * must be identical to the clean one; with them, identical apart from which copy of a re-sent
 * record Silver kept (its lineage columns), which may only differ for records sent twice.
 */
import '../support/quiet-powertools.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAndRefresh, recordFigures, warehouseState } from '../support/local-twin.js';
import { shuffled } from '../support/seeded.js';
import { openRedeliveryLab, resentEventIds, type RedeliveryLab } from './redelivery-lab.js';

let lab: RedeliveryLab;

beforeAll(async () => {
  lab = await openRedeliveryLab('redelivery-chaos');
});

afterAll(async () => {
  await lab.remove();
});

describe('random delivery schedules', () => {
  it('end at the clean result, whatever the order, the repeats and the loads in between', async () => {
    const schedule = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      repeatEvery: fc.integer({ min: 1, max: 5 }),
      loadEvery: fc.option(fc.integer({ min: 2, max: 6 }), { nil: undefined }),
    });
    const resent = resentEventIds();
    let runs = 0;
    let deliveries = 0;

    await fc.assert(
      fc.asyncProperty(schedule, async ({ seed, repeatEvery, loadEvery }) => {
        const order = shuffled([...lab.events, ...lab.events.filter((_, index) => index % repeatEvery === 0)], seed);
        const run = await lab.run(async (consume, warehouse, store) => {
          for (const [index, event] of order.entries()) {
            await consume(event);
            if (loadEvery !== undefined && index % loadEvery === loadEvery - 1) await loadAndRefresh(store, warehouse);
          }
        });
        try {
          await lab.expectCleanResult('redelivery: random schedule', run, { ignoreSilverLineage: loadEvery !== undefined });
          const state = await warehouseState(run.warehouse);
          const expected = new Set(lab.clean.state['silver.stg_user_events']);
          const changed = state['silver.stg_user_events']!.filter((row) => !expected.has(row));
          expect(changed.filter((row) => !resent.has((JSON.parse(row) as { event_id: string }).event_id))).toEqual([]);
          runs++;
          deliveries += order.length;
        } finally {
          await run.warehouse.close();
        }
      }),
      { numRuns: 24, seed: 20_250_615 },
    );
    recordFigures('redelivery: 24 random schedules (fast-check)', { schedules: runs, deliveries, batches: lab.events.length });
  });

  it('ends identical to a clean run when every batch comes again after the warehouse loaded and refreshed it', async () => {
    // Prepare / Act: all once, a schedule tick, then all again in reverse (a poller replaying from old offsets)
    const run = await lab.run(async (consume, warehouse, store) => {
      for (const event of lab.events) await consume(event);
      await loadAndRefresh(store, warehouse);
      for (const event of [...lab.events].reverse()) await consume(event);
    });

    try {
      // Assess: the second copies have the same bytes, so the loader skipped them
      await lab.expectCleanResult('redelivery: every batch again after a load', run);
    } finally {
      await run.warehouse.close();
    }
  });

  it.each([2, 3, 4, 5, 6])('ends identical to the clean run when every batch arrives twice, shuffled (seed %i)', async (seed) => {
    const run = await lab.run(async (consume) => {
      for (const event of shuffled([...lab.events, ...lab.events], seed)) await consume(event);
    });
    try {
      await lab.expectCleanResult(`redelivery: every batch twice, shuffled (seed ${seed})`, run);
    } finally {
      await run.warehouse.close();
    }
  });
});
