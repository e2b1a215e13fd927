/** What `streamflow replay` replays: its sources and the narrowing of a selection (no dependencies, so the CLI checks flags first). */
/** Where a replay reads batches from, in the order it replays them. */
export const REPLAY_SOURCES = ['onfailure', 'landing'] as const;
export type ReplaySource = (typeof REPLAY_SOURCES)[number];

/** Which batches to replay; every field narrows, none given means everything. */
export interface ReplaySelection {
  /** @default both, on-failure first (its batches then need no second pass from landing) */
  readonly sources?: readonly ReplaySource[];
  readonly topic?: string;
  /** A UTC day, `YYYY-MM-DD`: the batches filed under `dt=<day>` (their first record's broker time). */
  readonly date?: string;
  /** An object key prefix, e.g. `landing/transactions/dt=2025-06-01/` or `aws/lambda/<esm-uuid>/`. */
  readonly prefix?: string;
}
