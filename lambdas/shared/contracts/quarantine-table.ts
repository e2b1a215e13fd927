/**
 * The quarantine as a Bronze table (`raw_quarantine`): one row per rejected record, read from the
 * consumer's quarantine NDJSON (its landing line plus the reasons). Loading it puts rejected
 * records, unknown ids included, where the data quality checks and dashboards can see them.
 */
import { TIMESTAMP_RANGE_MS, type Column } from './tables.js';

/** One line of a `quarantine/<topic>/…ndjson.gz` file, as lambdas/consumer writes it. */
export interface QuarantineLine {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly value_base64?: string;
  readonly reasons: readonly { readonly code: string; readonly field?: string; readonly detail: string }[];
}

const column = (name: string, type: Column<QuarantineLine>['type'], read: (line: QuarantineLine) => unknown): Column<QuarantineLine> => ({
  name,
  type,
  nullable: true,
  read,
});

/** Broker time as a timestamp; a record whose broker time is unusable keeps a NULL instead. */
const brokerTime = (line: QuarantineLine): Date | null =>
  Number.isFinite(line.timestamp) && line.timestamp > 0 && line.timestamp < TIMESTAMP_RANGE_MS.end ? new Date(line.timestamp) : null;

export const QUARANTINE_TABLE = {
  name: 'quarantine',
  bronzeTable: 'raw_quarantine',
  columns: [
    column('kafka_topic', 'varchar', (line) => line.topic),
    column('kafka_partition', 'integer', (line) => line.partition),
    column('kafka_offset', 'bigint', (line) => line.offset),
    column('kafka_timestamp', 'timestamp', brokerTime),
    column('kafka_key', 'varchar', (line) => line.key),
    // The value exactly as received; bytes that are not UTF-8 stay base64.
    column('value', 'varchar', (line) => line.value),
    column('value_base64', 'varchar', (line) => line.value_base64 ?? null),
    // The reason the ledger counts the record under (the first), and all of them.
    column('reason_code', 'varchar', (line) => line.reasons[0]?.code ?? null),
    column('reasons', 'json', (line) => line.reasons),
  ],
} as const satisfies { name: string; bronzeTable: string; columns: readonly Column<QuarantineLine>[] };
