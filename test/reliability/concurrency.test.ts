/**
 * Concurrency, the fast subset: two schedule ticks and an S3 event per file at once; a refresh
 * during a load. More ticks, duplicate S3 events and more timings: concurrency.chaos.ts.
 */
import '../support/quiet-powertools.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openConcurrencyLab, type ConcurrencyLab } from './concurrency-lab.js';

let lab: ConcurrencyLab;

beforeAll(async () => {
  lab = await openConcurrencyLab('concurrency');
});

afterAll(async () => {
  await lab.remove();
});

describe('loaders and refreshes running at the same time', () => {
  it('loads each file once when two schedule ticks and an S3 event per file all run at once', async () => {
    await lab.loadersAtOnce(2, 1);
  });

  it('ends, after the next refresh, where a sequential run ends when a refresh runs during a load', async () => {
    await lab.refreshDuringLoad(30);
  });
});
