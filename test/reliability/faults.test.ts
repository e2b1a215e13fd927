/**
 * Injected faults at every boundary, the fast subset: one N per boundary. The sweeps over every N
 * (and the late-writing zombie invocation, the dying process) are faults-*.chaos.ts (`npm run test:chaos`). Each scenario asserts what the pipeline did with the
 * fault (retried, sent to on-failure, failed the invocation for the next tick) and that recovery
 * ends exactly where a clean run does.
 */
import '../support/quiet-powertools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../support/local-twin.js';
import { BOUNDARIES, expectDeliveryOutcome, openFaultLab, outcomeFigures, recordsMissingBeforeRecovery, type FaultLab, type FaultSpec } from './fault-lab.js';

let lab: FaultLab;

beforeAll(async () => {
  lab = await openFaultLab('faults');
});

afterAll(async () => {
  await lab.remove();
});

const middle = (count: number): number => Math.max(1, Math.ceil(count / 2));

describe('faults on the consumer side', () => {
  const cases: readonly (readonly [string, () => FaultSpec])[] = [
    ['the first put fails with no retries left; the batch goes to on-failure and replay re-delivers it', () => ({ boundary: 'store.put', at: 1, retries: 0 })],
    ['the consumer times out on a hung put; the simulator retries', () => ({ boundary: 'handler.timeout', at: 2, retries: 1 })],
    ['a crash between the landing and the gold write, no retries: landing is ahead of gold until replay', () => ({ boundary: 'crash.landing-gold', at: middle(lab.calls['crash.landing-gold']), retries: 0 })],
  ];

  it.each(cases)('%s → exactly the clean result after recovery', async (name, specOf) => {
    // Prepare: the schedule's load and refresh before recovery only where the data went to on-failure
    const spec = specOf();

    // Act
    const outcome = await lab.run(spec, { tickBeforeRecovery: spec.retries === 0 });

    // Assess: the comparison with the clean run happened inside run(); here, how the pipeline coped
    expectDeliveryOutcome(spec, outcome);
    if (spec.retries === 0 && spec.boundary !== 'process.crash') {
      // Visible before recovery: records short of the clean run, or landed but in neither gold nor quarantine.
      expect(recordsMissingBeforeRecovery(outcome)).toBeGreaterThan(0);
    }
    recordFigures(`faults: ${BOUNDARIES[spec.boundary]} (call ${spec.at}, ${spec.retries} retries)`, outcomeFigures(outcome));
  });
});

describe('faults on the warehouse side', () => {
  const cases: readonly (readonly [string, () => FaultSpec])[] = [
    ['a get fails while the loader reads a file', () => ({ boundary: 'store.get', at: middle(lab.calls['store.get']), retries: 0 })],
    ['a COPY fails inside its load transaction', () => ({ boundary: 'warehouse.load', at: 2, retries: 0 })],
    ['a refresh statement fails inside its task transaction', () => ({ boundary: 'warehouse.refresh', at: middle(lab.calls['warehouse.refresh']), retries: 0 })],
  ];

  it.each(cases)('%s: the invocation fails, and the next one ends exactly at the clean result', async (name, specOf) => {
    // Prepare
    const spec = specOf();

    // Act
    const outcome = await lab.run(spec);

    // Assess
    expect(outcome.injected).toBe(1);
    expect(outcome.escaped).toMatch(/InjectedFault/);
    expect(outcome.replay.onFailure.objects).toBe(0);
    recordFigures(`faults: ${BOUNDARIES[spec.boundary]} (call ${spec.at})`, outcomeFigures(outcome));
  });
});
