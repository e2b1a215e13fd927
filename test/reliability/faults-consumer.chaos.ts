/**
 * The fault sweep on the consumer's side: a fault at every put of a run, with and without retries
 * left; a timeout at every put; a crash between landing and gold at every gold write; the process
 * dying at every put. Each scenario recovers to exactly the clean run (see fault-lab.ts).
 */
import '../support/quiet-powertools.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BOUNDARIES, openFaultLab, type FaultLab } from './fault-lab.js';
import { runSweep, type Sweep } from './fault-sweep.js';

let lab: FaultLab;

beforeAll(async () => {
  lab = await openFaultLab('faults-consumer');
});

afterAll(async () => {
  await lab.remove();
});

const SWEEPS: readonly Sweep[] = [
  { boundary: 'store.put', retries: 2 },
  { boundary: 'store.put', retries: 0 },
  { boundary: 'handler.timeout', retries: 1 },
  { boundary: 'handler.timeout', retries: 0, stride: 3 },
  { boundary: 'handler.zombie', retries: 1, stride: 3 },
  { boundary: 'crash.landing-gold', retries: 0 },
  { boundary: 'crash.landing-gold', retries: 1 },
  { boundary: 'process.crash', retries: 1 },
];

describe('every consumer-side fault at every call', () => {
  it.each(SWEEPS.map((sweep) => [BOUNDARIES[sweep.boundary], sweep.retries, sweep] as const))(
    '%s, %i retries left: the clean result after recovery, at every call',
    async (_boundary, _retries, sweep) => {
      await runSweep(lab, sweep);
    },
  );
});
