/**
 * The sweep behind the *.chaos.ts fault files: one boundary, every call N (or every `stride`-th),
 * each a full scenario from fault to recovery; failures collected per N, so one run names them all.
 */
import { expect } from 'vitest';
import { recordFigures } from '../support/local-twin.js';
import { BOUNDARIES, expectDeliveryOutcome, isWarehouseSide, recordsMissingBeforeRecovery, type Boundary, type FaultLab, type FaultOutcome } from './fault-lab.js';

export interface Sweep {
  readonly boundary: Boundary;
  readonly retries: number;
  /** Every this-many-th call (1: every call). */
  readonly stride?: number;
}

export const runSweep = async (lab: FaultLab, { boundary, retries, stride = 1 }: Sweep): Promise<void> => {
  const failures: string[] = [];
  const outcomes: FaultOutcome[] = [];
  const calls = lab.calls[boundary];
  for (let at = 1; at <= calls; at += stride) {
    const spec = { boundary, at, retries };
    try {
      const outcome = await lab.run(spec);
      if (!isWarehouseSide(boundary)) expectDeliveryOutcome(spec, outcome);
      outcomes.push(outcome);
    } catch (error) {
      failures.push(`call ${at}: ${(error as Error).message.split('\n').slice(0, 6).join(' ')}`);
    }
  }
  const sum = (pick: (outcome: FaultOutcome) => number): number => outcomes.reduce((total, outcome) => total + pick(outcome), 0);
  recordFigures(`fault sweep: ${BOUNDARIES[boundary]}${isWarehouseSide(boundary) ? '' : `, ${retries} retries`}`, {
    calls,
    scenarios: outcomes.length + failures.length,
    failed: failures.length,
    faultsInjected: sum((outcome) => outcome.injected),
    retries: sum((outcome) => outcome.esm?.retries ?? 0),
    sentToOnFailure: sum((outcome) => outcome.esm?.failedBatches ?? 0),
    replayedFromOnFailure: sum((outcome) => outcome.replay.onFailure.objects),
    invocationsFailed: outcomes.filter((outcome) => outcome.escaped !== undefined).length,
    maxRecordsMissingBeforeRecovery: Math.max(0, ...outcomes.map(recordsMissingBeforeRecovery)),
    maxGoldRowsNotInBronzeBeforeRecovery: Math.max(0, ...outcomes.map((outcome) => outcome.before.report.gold.rowsNotInBronze)),
    recordsIn: lab.clean.figures.recordsIn,
    gold: lab.clean.figures.gold,
    quarantined: lab.clean.figures.quarantined,
    lostAfterRecovery: Math.max(0, ...outcomes.map((outcome) => outcome.after.lost)),
    duplicatesAfterRecovery: Math.max(0, ...outcomes.map((outcome) => outcome.after.duplicates)),
  });
  expect(failures).toEqual([]);
};
