/**
 * The fault sweep on the warehouse's side: a failed get or list while the loader reads the bucket,
 * a failed COPY, a failed refresh statement, each at every call of a clean run. The failed
 * invocation is retried by the next tick or refresh, which must end exactly at the clean result.
 */
import '../support/quiet-powertools.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BOUNDARIES, openFaultLab, type FaultLab } from './fault-lab.js';
import { runSweep, type Sweep } from './fault-sweep.js';

let lab: FaultLab;

beforeAll(async () => {
  lab = await openFaultLab('faults-warehouse');
});

afterAll(async () => {
  await lab.remove();
});

const SWEEPS: readonly Sweep[] = [
  { boundary: 'store.get', retries: 0 },
  { boundary: 'store.list', retries: 0 },
  { boundary: 'warehouse.load', retries: 0 },
  { boundary: 'warehouse.refresh', retries: 0 },
];

describe('every warehouse-side fault at every call', () => {
  it.each(SWEEPS.map((sweep) => [BOUNDARIES[sweep.boundary], sweep] as const))('%s: the next invocation ends at the clean result, at every call', async (_boundary, sweep) => {
    await runSweep(lab, sweep);
  });
});
