/**
 * The consumer's per-batch ledgers summed over a run, for the run summary: one tally shared by the
 * in-process log's delivery (ingest.ts) and the broker's (broker-ingest.ts).
 */
import type { BatchLedger } from '../consumer/transform-batch.js';

export interface ConsumedCounts {
  in: number;
  gold: Record<string, number>;
  quarantined: number;
  reasons: Record<string, number>;
}

export const consumedTally = (): { consumed: ConsumedCounts; tally: (ledgers: BatchLedger[]) => void } => {
  // Topic names come from the input: no prototype, so a topic called `__proto__` is counted like any other.
  const consumed: ConsumedCounts = { in: 0, gold: Object.create(null) as Record<string, number>, quarantined: 0, reasons: {} };
  const tally = (ledgers: BatchLedger[]): void => {
    for (const ledger of ledgers) {
      consumed.in += ledger.in;
      consumed.gold[ledger.topic] = (consumed.gold[ledger.topic] ?? 0) + ledger.gold;
      consumed.quarantined += ledger.quarantined;
      for (const [code, count] of Object.entries(ledger.reasons)) consumed.reasons[code] = (consumed.reasons[code] ?? 0) + count;
    }
  };
  return { consumed, tally };
};
