/**
 * At-least-once delivery: the event source mapping may deliver a batch twice (a retry after a
 * timeout, a poller restart) and, across partitions and after failures, in another order. Every
 * delivery pattern must leave the bucket and the warehouse exactly as one clean delivery does.
 * The long sweep over random schedules is redelivery.chaos.ts.
 */
import '../support/quiet-powertools.js';
import { randomUUID } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import { consumerOutputs, diffOutputs, diffStates, figuresOf, loadAndRefresh, recordFigures, warehouseState } from '../support/local-twin.js';
import { shuffled } from '../support/seeded.js';
import { openRedeliveryLab, resentEventIds, type RedeliveryLab } from './redelivery-lab.js';

let lab: RedeliveryLab;

beforeAll(async () => {
  lab = await openRedeliveryLab('redelivery');
});

afterAll(async () => {
  await lab.remove();
});

describe('redelivery (at-least-once)', () => {
  it('ends identical to a clean run when every batch is delivered twice in a row', async () => {
    // Prepare / Act
    const run = await lab.run(async (consume) => {
      for (const event of lab.events) {
        await consume(event);
        await consume(event);
      }
    });

    try {
      // Assess
      expect(lab.events.length).toBeGreaterThanOrEqual(8);
      await lab.expectCleanResult('redelivery: every batch twice', run);
    } finally {
      await run.warehouse.close();
    }
  });

  it('ends identical to a clean run when the batches arrive shuffled', async () => {
    // Prepare / Act
    const run = await lab.run(async (consume) => {
      for (const event of shuffled(lab.events, 1)) await consume(event);
    });

    try {
      // Assess
      await lab.expectCleanResult('redelivery: shuffled', run);
    } finally {
      await run.warehouse.close();
    }
  });

  it('keeps Bronze and Gold identical when shuffled, duplicated batches interleave with loads; Silver differs only in which copy of a re-sent record it kept', async () => {
    // Prepare / Act: shuffled, a third of the batches twice, a load and refresh after every few
    const deliveries = shuffled([...lab.events, ...lab.events.filter((_, index) => index % 3 === 0)], 7);
    const run = await lab.run(async (consume, warehouse, store) => {
      for (const [index, event] of deliveries.entries()) {
        await consume(event);
        if (index % 4 === 3) await loadAndRefresh(store, warehouse);
      }
    });

    try {
      // Assess: identical apart from Silver's lineage columns …
      await lab.expectCleanResult('redelivery: shuffled and duplicated, loads in between', run, { ignoreSilverLineage: true });
      // … which differ only for records the producer sent twice (their first-loaded copy changed)
      const state = await warehouseState(run.warehouse);
      const expected = lab.clean.state['silver.stg_user_events']!;
      const changed = state['silver.stg_user_events']!.filter((row) => !expected.includes(row));
      const resent = resentEventIds();
      expect(changed.filter((row) => !resent.has((JSON.parse(row) as { event_id: string }).event_id))).toEqual([]);
      recordFigures('redelivery: Silver rows that kept the other copy of a re-sent record', { rows: changed.length });
      for (const table of Object.keys(lab.clean.state).filter((name) => !name.startsWith('silver.'))) {
        expect(diffStates({ [table]: state[table]! }, { [table]: lab.clean.state[table]! }), table).toEqual([]);
      }
    } finally {
      await run.warehouse.close();
    }
  });
});

describe('the suite against a consumer that breaks idempotency on purpose', () => {
  /** Writes every object under a random folder: a consumer naming files per invocation instead of per offsets. */
  const randomKeys = (store: ObjectStore): ObjectStore => ({
    put: (key, body, type) => store.put(/^(landing|gold|quarantine)\//.test(key) ? `${dirname(key)}/${randomUUID()}/${basename(key)}` : key, body, type),
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
  });

  it('detects the duplicates a redelivery then causes, though the ledger still balances', async () => {
    // Prepare / Act: every batch delivered twice, through the broken consumer
    const run = await lab.run(async (consume) => {
      for (const event of lab.events) {
        await consume(event);
        await consume(event);
      }
    }, randomKeys);

    try {
      // Assess: the checks of this suite fail …
      await expect(lab.expectCleanResult('broken on purpose', run)).rejects.toThrow();
      const figures = await figuresOf(run.bucket.store, run.warehouse);
      expect(diffOutputs(await consumerOutputs(run.bucket.store), lab.clean.outputs).length).toBeGreaterThan(0);
      expect(diffStates(await warehouseState(run.warehouse), lab.clean.state).some((line) => line.startsWith('bronze.raw_user_events'))).toBe(true);
      expect(figures.duplicates).toBeGreaterThan(0);
      // … where counting alone would pass: every record is in gold or quarantine (twice), and Silver dedupes
      expect(figures.lost).toBe(0);
      recordFigures('idempotency broken on purpose (random object keys, every batch twice)', figures);
    } finally {
      await run.warehouse.close();
    }
  });
});
