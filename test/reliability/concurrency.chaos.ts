/** Concurrency, the longer run: more ticks, S3 events delivered three times, refreshes at many points of a load. */
import '../support/quiet-powertools.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openConcurrencyLab, type ConcurrencyLab } from './concurrency-lab.js';

let lab: ConcurrencyLab;

beforeAll(async () => {
  lab = await openConcurrencyLab('concurrency-chaos');
});

afterAll(async () => {
  await lab.remove();
});

describe('loaders and refreshes running at the same time', () => {
  it.each([
    [4, 1],
    [2, 3],
    [6, 2],
  ])('loads each file once with %i schedule ticks and %i S3 event(s) per file at once', async (ticks, eventsPerFile) => {
    await lab.loadersAtOnce(ticks, eventsPerFile);
  });

  it.each([0, 10, 25, 50, 100, 200, 400])('ends where a sequential run ends when a refresh starts %i ms into a load', async (delayMs) => {
    await lab.refreshDuringLoad(delayMs);
  });
});
